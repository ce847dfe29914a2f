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


# -- the two store backends (issue 17): a throwaway PostgreSQL server for the session ----------------------
@pytest.fixture(scope="session")
def pg_url():
    """The URL of a PostgreSQL server started for this test session (skipped where its binaries are absent)."""
    from tests.pg_server import pg_bin, pg_server

    if pg_bin() is None:
        pytest.skip("no PostgreSQL binaries (/usr/lib/postgresql/*/bin or $PG_BIN)")
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[test]')")
    with pg_server() as url:
        yield url


@pytest.fixture
def pg_db(pg_url, tmp_path, monkeypatch) -> str:
    """A fresh database on the session's server (its side folder under this test's tmp_path)."""
    from tests.pg_server import new_database

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return new_database(pg_url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_spec(request, tmp_path, monkeypatch) -> str:
    """What ``--store`` names, once for each backend: a folder, then a fresh PostgreSQL database."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if request.param == "sqlite":
        return str(tmp_path / "store")
    return request.getfixturevalue("pg_db")


@pytest.fixture
def open_any(store_spec):
    """``open_any(create=True)``: the store ``store_spec`` names, through the one entry point above the store."""
    from kg.store import open_store

    return lambda create=True: open_store(store_spec, create=create)
