"""Keyed facts of the real disclosures in ../shared/real-native/ (expect.json) found in perfkg's extraction.

    python -m bench.real_native [--dir ../shared/real-native] [--json]

A fact is a project name, its amount (万元 as printed, or 全年执行数 on a self-evaluation), and each keyed indicator
(name with its value as printed: ``≥1700㎡``; with ``op``/``unit`` keys where the form prints them apart; and the
achieved value ``actual`` on a self-evaluation). Files keyed with no projects count as one fact: that perfkg reads
none (a scanned file is skipped by expect.json itself).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "real-native"


def norm(s: object) -> str:
    t = unicodedata.normalize("NFKC", str(s or ""))
    t = re.sub(r"\s+", "", t).replace(",", "").replace("(", "").replace(")", "")
    return t


def value_text(op: str | None, value: str | None, unit: str | None) -> str:
    """An indicator as printed: ``≥1700㎡``; ``=`` and 定性 are left out (the keys print ``26次``)."""
    o = "" if op in (None, "=", "定性") else op
    return norm(f"{o}{value or ''}{unit or ''}")


_OP_WORDS = (("不低于", "≥"), ("不少于", "≥"), ("大于等于", "≥"), ("不超过", "≤"), ("不高于", "≤"), ("小于等于", "≤"),
             (">=", "≥"), ("<=", "≤"), ("≧", "≥"), ("≦", "≤"))


def printed(s: object) -> str:
    """A value as printed, with operator words as signs and a leading ``=`` left out."""
    t = norm(s)
    for word, sign in _OP_WORDS:
        if t.startswith(word):
            t = sign + t[len(word):]
    return _num_text(t.lstrip("="))


def same_value(expected: dict, ind: dict) -> bool:
    if "op" in expected:  # the form prints op / value / unit in columns of their own
        return _num(ind.get("value")) == _num(expected.get("value")) and \
            printed(expected["op"]) in (printed(ind.get("op")), "") and \
            (not expected.get("unit") or norm(expected["unit"]) == norm(ind.get("unit")))
    if "unit" in expected:  # the unit printed apart from its value
        return printed(value_text(ind.get("op"), ind.get("value"), None)) == printed(expected.get("value")) and \
            norm(expected["unit"]) == norm(ind.get("unit"))
    return printed(value_text(ind.get("op"), ind.get("value"), ind.get("unit"))) == printed(expected.get("value"))


def _num(s: object) -> Decimal | None:
    try:
        return Decimal(norm(s))
    except (InvalidOperation, ValueError):
        return None


def _num_text(s: str) -> str:
    """Numbers written without trailing zeros (300.00场 = 300场)."""
    return re.sub(r"(\d+)\.0+(?!\d)", r"\1", re.sub(r"(\d+\.\d*?)0+(?!\d)", r"\1", s))


@dataclass
class FileScore:
    file: str
    found: int = 0
    total: int = 0
    missed: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def score_file(entry: dict, doc: dict | None, error: str | None) -> FileScore:
    fs = FileScore(entry["file"], error=error)
    projects = entry.get("projects") or []
    if not projects:
        fs.total = 1
        fs.found = int(doc is None or not doc.get("projects"))
        if not fs.found:
            fs.missed.append(f"read {len(doc['projects'])} projects where there are none")
        return fs
    got = (doc or {}).get("projects") or []
    for p in projects:
        name = norm(p["name"])
        cands = [q for q in got if norm(q["name"]) == name or name in [norm(a) for a in q.get("aliases") or []]]
        fs.total += 1
        amount = p.get("amount_wan")  # 全年预算数 on a self-evaluation (spent_wan is its 全年执行数)
        if amount is not None:
            want = (Decimal(amount) * 10000).quantize(Decimal("0.01"))
            with_amount = [q for q in cands if q.get("amount") and Decimal(q["amount"]) == want]
            cands = with_amount or cands
        if cands:
            fs.found += 1
        else:
            fs.missed.append(f"project {p['name']}")
        q = cands[0] if cands else {"indicators": [], "amount": None}
        if amount is not None:
            fs.total += 1
            if q.get("amount") and Decimal(q["amount"]) == (Decimal(amount) * 10000).quantize(Decimal("0.01")):
                fs.found += 1
            else:
                fs.missed.append(f"amount {p['name']} {amount}万元 (read {q.get('amount')})")
        for ind in p.get("indicators") or []:
            fs.total += 1
            hits = [i for i in q["indicators"] if norm(i.get("l3")) == norm(ind["l3"]) and same_value(ind, i)]
            if "actual" in ind:
                hits = [i for i in hits if norm(i.get("actual")) == norm(ind["actual"])]
            if hits:
                fs.found += 1
            else:
                fs.missed.append(f"indicator {p['name']} / {ind['l3']} {ind.get('value')}")
    return fs


def run(folder: Path) -> list[FileScore]:
    from kg.errors import PerfkgError
    from kg.extract import extract_file

    entries = json.loads((folder / "expect.json").read_text(encoding="utf-8"))
    out = []
    for entry in entries:
        t = time.perf_counter()
        try:
            doc, error = extract_file(folder / entry["file"]).to_gold_dict(), None
        except PerfkgError as e:
            doc, error = None, e.one_line()
        fs = score_file(entry, doc, error)
        fs.seconds = time.perf_counter() - t
        out.append(fs)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--missed", action="store_true", help="list the facts not found")
    a = ap.parse_args(argv)
    if not (a.dir / "expect.json").exists():
        print(f"{a.dir}/expect.json not found", file=sys.stderr)
        return 2
    scores = run(a.dir)
    found, total = sum(s.found for s in scores), sum(s.total for s in scores)
    if a.json:
        print(json.dumps({"found": found, "total": total, "share": round(found / total, 4),
                          "files": [s.__dict__ for s in scores]}, ensure_ascii=False, indent=1))
        return 0
    for s in scores:
        print(f"{s.file:44s} {s.found:3d}/{s.total:<3d} {s.seconds:5.1f}s {s.error or ''}")
        if a.missed:
            for m in s.missed:
                print(f"    missed: {m}")
    print(f"keyed facts found: {found}/{total} = {found / total:.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
