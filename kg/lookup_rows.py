"""The rows a ``trace`` / ``show`` lookup reads when it knows the texts that decide (:mod:`kg.scope`): the
projects and targets carrying them, found through the store's lookup indexes (``kg.store.LOOKUP_INDEXES``)
instead of every row of the matched documents (issue 16). Plain SQL over the store's connection, so a
PostgreSQL store answers the same (without those indexes)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kg.store_queries import chunks
from kg.store_schema import ALIASES_GIVEN

if TYPE_CHECKING:
    from kg.store import Store

Row = tuple[Any, ...]


def _marks(chunk: list[Any]) -> str:
    return ", ".join("?" * len(chunk))


def aliases_containing(store: Store, needle: str) -> list[str]:
    """``Store.distinct_values_containing("projects", "aliases", needle)``, read from the projects with aliases."""
    pattern = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [v for (v,) in store.conn.execute(
        f"SELECT DISTINCT aliases FROM projects WHERE {ALIASES_GIVEN} AND aliases LIKE ? ESCAPE '\\'", (pattern,))
        if needle in v]


def rows_with_texts(store: Store, texts: set[str], alias_raws: list[str], project_columns: tuple[str, ...],
                    indicator_columns: tuple[str, ...], projects: bool, indicators: bool) -> tuple[list[Row], list[Row]]:
    """(projects, indicators) rows in primary-key order: indicators whose ``l3`` or ``text`` is one of ``texts``
    (when ``indicators``); projects named one of them or whose stored aliases are one of ``alias_raws`` (when
    ``projects``), and the projects of those indicators. Columns start with the primary key (projects ``doc_id,
    n``; indicators ``doc_id, project_n, n``)."""
    for table, columns in (("projects", project_columns), ("indicators", indicator_columns)):
        for c in columns:
            store._check_column(table, c)
    pcols, icols = ", ".join(project_columns), ", ".join(indicator_columns)
    owned = ", ".join(f"p.{c}" for c in project_columns)
    prows: set[Row] = set()
    irows: set[Row] = set()
    conn = store.conn
    for chunk in chunks(sorted(texts)):
        m = _marks(chunk)
        if projects:
            prows.update(conn.execute(f"SELECT {pcols} FROM projects WHERE name IN ({m})", chunk))
        if indicators:
            irows.update(conn.execute(f"SELECT {icols} FROM indicators WHERE l3 IN ({m}) UNION SELECT {icols} FROM "
                                      f"indicators WHERE text IN ({m})", chunk + chunk))
            prows.update(conn.execute(
                f"SELECT {owned} FROM projects p JOIN (SELECT doc_id, project_n FROM indicators WHERE l3 IN ({m}) "
                f"UNION SELECT doc_id, project_n FROM indicators WHERE text IN ({m})) i ON p.doc_id = i.doc_id AND "
                "p.n = i.project_n", chunk + chunk))
    for chunk in chunks(alias_raws if projects else []):
        prows.update(conn.execute(f"SELECT {pcols} FROM projects WHERE {ALIASES_GIVEN} AND aliases IN "
                                  f"({_marks(chunk)})", chunk))
    return sorted(prows, key=lambda r: r[:2]), sorted(irows, key=lambda r: r[:3])
