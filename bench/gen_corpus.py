"""Derive N documents from the bundled seeds, varied so records do not collapse.

Each derived document changes, consistently throughout its text: the district (西城区 → another district with a
serial number, which renames the department and most projects), the unit code, the fiscal year in titles, and the
printed amounts of its projects (last 万元 digit), and the project codes (the digits after the ``T``, shifted
by an offset of the variant, also where the source splits a code with a space; a malformed code keeps its
malformed length), so derived documents do not share project codes. Usage:

    python -m bench.gen_corpus OUT_DIR N [--mixed]

``--mixed`` (:func:`generate_mixed`, issue 16): the five bundled documents verbatim, every readable fixture of
the generic ``forms`` layout and of the self-evaluations (tests/fixtures/forms, tests/fixtures/selfeval), then
derived documents as above up to N — every family and the label-driven reader in one batch.
"""

from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

from kg.paths import bundled_data_dir

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
DISTRICTS = ("东城", "朝阳", "海淀", "丰台", "石景山", "门头沟", "房山", "通州", "顺义", "昌平", "大兴", "怀柔",
             "平谷", "密云", "延庆")
YEAR_SHIFTS = (0, -1, 1, -2, 2)
# Project codes of variant n get n * CODE_STEP added to the digits after the T (modulo their width).
CODE_STEP = 7919


def seed_texts() -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted(bundled_data_dir().glob("*.txt")):
        gold_path = GOLD / f"{path.stem}.json"
        gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.exists() else {}
        out.append((path.stem, path.read_text(encoding="utf-8"), gold))
    return out


def district_name(n: int) -> str:
    """The district of the n-th variant round: 朝阳1区, 海淀1区 … 东城2区 …"""
    return f"{DISTRICTS[n % len(DISTRICTS)]}{n // len(DISTRICTS) + 1}区"


def vary(text: str, gold: dict, n: int) -> str:
    """The n-th variant of one seed's text."""
    district = district_name(n)
    text = text.replace("西城区", district).replace("西城", district[:-1])
    code = gold.get("department_code")
    if code:
        text = re.sub(rf"(?<!\d){code}(?!\d)", f"{(int(code) + 7 * n) % 900000 + 100000:06d}", text)
    text = vary_codes(text, [p["code"] for p in gold.get("projects") or [] if p.get("code")], n)
    year = gold.get("year")
    shift = YEAR_SHIFTS[n % len(YEAR_SHIFTS)]
    if year and shift:
        for sep in ("年", " 年"):
            text = text.replace(f"{year}{sep}", f"{year + shift}{sep}")
    for p in gold.get("projects") or []:
        if not p.get("amount"):
            continue
        wan = (Decimal(p["amount"]) / 10000).quantize(Decimal("0.000001"))
        printed = f"{wan:.6f}"
        bumped = f"{wan + Decimal(n % 9 + 1) / 1_000_000:.6f}"
        text = text.replace(printed, bumped)
    return text


def shifted_code(code: str, n: int) -> str:
    """The code with n * CODE_STEP added to its digits after the T: same length, same 8-digit head."""
    head, _, tail = code.partition("T")
    if not tail.isdigit():
        return code
    return f"{head}T{(int(tail) + n * CODE_STEP) % 10 ** len(tail):0{len(tail)}d}"


def vary_codes(text: str, codes: list[str], n: int) -> str:
    """Every printed occurrence of each code (a space or tab may split it) replaced by its shifted code."""
    for code in dict.fromkeys(codes):
        new = shifted_code(code, n)
        pattern = re.compile("(?<![0-9])" + "[ \t]?".join(map(re.escape, code)) + "(?![0-9])")

        def repl(m: re.Match[str], new: str = new) -> str:
            out, k = [], 0
            for ch in m.group():  # keep the split where the source has it, change only digits
                if ch in " \t":
                    out.append(ch)
                else:
                    out.append(new[k])
                    k += 1
            return "".join(out)

        text = pattern.sub(repl, text)
    return text


def generate(out_dir: Path, n_docs: int) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    seeds = seed_texts()
    paths = []
    for i in range(n_docs):
        stem, text, gold = seeds[i % len(seeds)]
        path = out_dir / f"{i:05d}_{stem}.txt"
        path.write_text(vary(text, gold, i // len(seeds) + 1), encoding="utf-8")
        paths.append(path)
    return paths


FIXTURE_SETS = ("forms", "selfeval")


def fixture_files() -> list[Path]:
    """The forms and self-evaluation fixtures that a layout reads (each has its expected records beside it)."""
    out: list[Path] = []
    for name in FIXTURE_SETS:
        out += [p for p in sorted((ROOT / "tests" / "fixtures" / name).glob("*.txt")) if p.with_suffix(".json").exists()]
    return out


def generate_mixed(out_dir: Path, n_docs: int) -> list[Path]:
    """The bundled documents verbatim, the forms fixtures, then derived documents up to ``n_docs``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = [*sorted(bundled_data_dir().glob("*.txt")), *fixture_files()][:n_docs]
    paths = []
    for i, src in enumerate(sources):
        path = out_dir / f"{i:05d}_{src.stem}{src.suffix}"
        path.write_bytes(src.read_bytes())
        paths.append(path)
    seeds = seed_texts()
    for i in range(len(sources), n_docs):
        stem, text, gold = seeds[i % len(seeds)]
        path = out_dir / f"{i:05d}_{stem}.txt"
        path.write_text(vary(text, gold, i // len(seeds) + 1), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    made = generate_mixed(target, count) if "--mixed" in sys.argv[3:] else generate(target, count)
    print(f"wrote {len(made)} documents to {target}")
