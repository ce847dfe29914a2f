"""Property tests: mutated seeds never crash a parser — each result is a Document or a PerfkgError."""

from __future__ import annotations

import codecs

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import PerfkgError
from kg.extract import extract_source
from kg.model import Document
from kg.reading import source_from_bytes
from tests.conftest import SEEDS, seed_path

SEED_TEXT = {s: seed_path(s).read_text(encoding="utf-8") for s in SEEDS}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "gb18030")
EXAMPLES = 30


def _mutate(lines: list[str], ops: list[tuple[str, int, int]]) -> list[str]:
    out = list(lines)
    for op, pos, arg in ops:
        if not out:
            break
        i = pos % len(out)
        if op == "drop":
            del out[i]
        elif op == "dup":
            out.insert(i, out[i])
        elif op == "split":
            cut = arg % (len(out[i]) + 1)
            out[i : i + 1] = [out[i][:cut], out[i][cut:]]
        elif op == "blank":
            out[i:i] = ["", " "] if arg % 2 else [""]
        elif op == "truncate":
            del out[i:]
        elif op == "join":
            out[i : i + 2] = ["".join(out[i : i + 2])]
    return out


mutation = st.tuples(st.sampled_from(["drop", "dup", "split", "blank", "truncate", "join"]),
                     st.integers(0, 10_000), st.integers(0, 200))


def _check(stem: str, text: str, encoding: str, newline: str) -> None:
    data = newline.join(text.split("\n")).encode(encoding.replace("-sig", "")) if encoding != "utf-8-sig" else (
        codecs.BOM_UTF8 + newline.join(text.split("\n")).encode("utf-8"))
    try:
        src = source_from_bytes(data, f"{stem}.txt")
        doc = extract_source(src)
    except PerfkgError as e:
        assert e.one_line().strip(), "errors must say something"
        return
    assert isinstance(doc, Document)
    for p in doc.projects:
        assert p.name and "\r" not in p.name


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stem=st.sampled_from(SEEDS), ops=st.lists(mutation, min_size=1, max_size=6),
       encoding=st.sampled_from(ENCODINGS), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_mutated_seeds_never_crash_a_parser(stem, ops, encoding, newline):
    lines = _mutate(SEED_TEXT[stem].split("\n"), ops)
    _check(stem, "\n".join(lines), encoding, newline)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stem=st.sampled_from(SEEDS), width=st.integers(8, 60), step=st.integers(1, 40))
def test_rewrapped_lines_never_crash_a_parser(stem, width, step):
    """Hard-wrap every step-th long line at another width, as a different PDF extraction would."""
    lines = SEED_TEXT[stem].split("\n")
    out: list[str] = []
    for n, line in enumerate(lines):
        if n % step == 0 and len(line) > width:
            out.extend(line[k : k + width] for k in range(0, len(line), width))
        else:
            out.append(line)
    _check(stem, "\n".join(out), "utf-8", "\n")


FORM_FIXTURES = sorted((seed_path(SEEDS[0]).parents[1] / "tests" / "fixtures").glob("*/f*.txt")) + sorted(
    (seed_path(SEEDS[0]).parents[1] / "tests" / "fixtures" / "selfeval").glob("*.txt"))
FORM_TEXT = {p.stem: source_from_bytes(p.read_bytes(), p.name).text for p in FORM_FIXTURES}


@settings(max_examples=EXAMPLES * 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stem=st.sampled_from(sorted(FORM_TEXT)), ops=st.lists(mutation, min_size=1, max_size=6),
       encoding=st.sampled_from(ENCODINGS), newline=st.sampled_from(["\n", "\r\n"]))
def test_mutated_forms_never_crash_the_form_reader(stem, ops, encoding, newline):
    """The label-driven reader on mutated target and self-evaluation forms: records or a clear error."""
    lines = _mutate(FORM_TEXT[stem].split("\n"), ops)
    _check(stem, "\n".join(lines), encoding, newline)
