from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
GOLD = Path(__file__).resolve().parent / "gold"
SEEDS = sorted(p.stem for p in GOLD.glob("*.json"))


def seed_path(stem: str) -> Path:
    return DATA / f"{stem}.txt"


def load_gold(stem: str) -> dict:
    return json.loads((GOLD / f"{stem}.json").read_text(encoding="utf-8"))


def seed_by_prefix(prefix: str) -> str:
    return next(s for s in SEEDS if s.startswith(prefix))


@pytest.fixture
def data_dir() -> Path:
    return DATA
