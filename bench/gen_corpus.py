"""Derive N documents from the bundled seeds, varied so records do not collapse.

Each derived document changes, consistently throughout its text: the district (西城区 → another district with a
serial number, which renames the department and most projects), the unit code, the fiscal year in titles, and the
printed amounts of its projects (last 万元 digit). Usage:

    python -m bench.gen_corpus OUT_DIR N
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


def seed_texts() -> list[tuple[str, str, dict]]:
    out = []
    for path in sorted(bundled_data_dir().glob("*.txt")):
        gold_path = GOLD / f"{path.stem}.json"
        gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.exists() else {}
        out.append((path.stem, path.read_text(encoding="utf-8"), gold))
    return out


def vary(text: str, gold: dict, n: int) -> str:
    """The n-th variant of one seed's text."""
    district = f"{DISTRICTS[n % len(DISTRICTS)]}{n // len(DISTRICTS) + 1}区"
    text = text.replace("西城区", district).replace("西城", district[:-1])
    code = gold.get("department_code")
    if code:
        text = re.sub(rf"(?<!\d){code}(?!\d)", f"{(int(code) + 7 * n) % 900000 + 100000:06d}", text)
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


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2])
    print(f"wrote {len(generate(target, count))} documents to {target}")
