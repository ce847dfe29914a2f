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


def gold_document(stem: str):
    """The gold answer key as a Document (no provenance lines; a final account's ``outcomes`` → achievements)."""
    from kg.model import Document

    return Document.from_dict(load_gold(stem))


def seed_by_prefix(prefix: str) -> str:
    return next(s for s in SEEDS if s.startswith(prefix))


@pytest.fixture
def data_dir() -> Path:
    return DATA


def assert_projects_equal(pred: list[dict], key: list[dict], *, alias_order: bool = True) -> None:
    """Every field of every project (gold shape) equals the key; indicators compared as whole lists."""
    assert [p["name"] for p in pred] == [p["name"] for p in key]
    for kp, pp in zip(key, pred, strict=True):
        for field in kp:
            if field == "aliases" and not alias_order:  # the schema fixes no order for other spellings
                assert sorted(pp[field]) == sorted(kp[field]), kp["name"]
            elif field != "indicators":
                assert pp[field] == kp[field], f"{kp['name']}: {field}"
        assert pp["indicators"] == kp["indicators"], kp["name"]
