"""A document as the store's normalized rows (table → rows), made by the writer or by an ingest worker."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from kg.model import TOTAL_KEYS, DepartmentIndicator, Document, FundingLine, Funds, Indicator, Project, Provenance
from kg.normalize import money_str
from kg.store_schema import DEPARTMENT_N, RECORD_TABLES


def grouped_rows(rows: list[dict[str, Any]]) -> Iterator[tuple[tuple[str, ...], list[tuple[Any, ...]]]]:
    """(columns, value tuples) of consecutive rows with the same columns, in order."""
    cols: tuple[str, ...] | None = None
    values: list[tuple[Any, ...]] = []
    for row in rows:
        keys = tuple(row)
        if keys != cols:
            if values:
                yield cols, values  # type: ignore[misc]
            cols, values = keys, []
        values.append(tuple(row.values()))
    if values:
        yield cols, values  # type: ignore[misc]


@dataclass
class PreparedRows:
    """A document's :func:`document_rows` grouped for ``executemany`` (made in an ingest worker: tuples pickle
    smaller than dicts): (table, columns, value tuples) in table order, and how many rows in all."""

    groups: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]
    count: int


def prepare_rows(doc_id: str, doc: Document, digest: str, extractor: str | None) -> PreparedRows:
    rows = document_rows(doc_id, doc, digest)
    rows["documents"][0]["extractor"] = extractor
    return PreparedRows([(t, cols, values) for t, table_rows in rows.items() for cols, values in grouped_rows(table_rows)],
                        sum(len(r) for r in rows.values()))


def _prov(p: Provenance | None) -> dict[str, Any]:
    if p is None:
        return {"table_name": None, "line_start": None, "line_end": None, "loc": None}
    return {"table_name": p.table, "line_start": p.line_start, "line_end": p.line_end, "loc": p.loc}


def _project_eval(p: Project) -> dict[str, Any]:
    f = p.funds
    return {"evaluated": int(p.evaluated), "total_score": p.total_score, "implementing_unit": p.implementing_unit,
            "outcome": p.outcome,
            **{f"funds_{k}": money_str(getattr(f, k)) if f else None for k in Funds.MONEY},
            **{f"funds_{k}": getattr(f, k) if f else None for k in Funds.PRINTED}}


def _row_eval(x: Indicator | DepartmentIndicator) -> dict[str, Any]:
    from kg.selfeval import met

    m = met(x)
    return {k: getattr(x, k) for k in ("actual", "weight", "score", "reason")} | {
        "met": None if m is None else int(m)}


def _funding_rows(doc_id: str, pn: int, lines: list[FundingLine]) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(lines):
        d = f.to_dict()
        d.pop("provenance")
        out.append({"doc_id": doc_id, "project_n": pn, "n": i, **d, **_prov(f.provenance)})
    return out


def document_rows(doc_id: str, doc: Document, digest: str) -> dict[str, list[dict[str, Any]]]:
    """The normalized rows of one document, table → rows (column → value)."""
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in RECORD_TABLES}
    rows["documents"].append({
        "doc_id": doc_id, "sha256": digest, "source": doc.source, "layout": doc.layout, "encoding": doc.encoding,
        "department": doc.department, "department_code": doc.department_code, "year": doc.year,
        "doc_kind": doc.doc_kind, **{k: money_str(doc.total(k)) for k in TOTAL_KEYS},  # to_gold_dict's totals
        "json": json.dumps(doc.to_dict(), ensure_ascii=False, default=str)})
    for pn, p in enumerate(doc.projects):
        rows["projects"].append({
            "doc_id": doc_id, "n": pn, "name": p.name, "aliases": json.dumps(p.aliases, ensure_ascii=False),
            "code": p.code, "amount": money_str(p.amount), "amount_text": p.amount_text,
            "function_code": p.function_code, "econ_gov_code": p.econ_gov_code, "econ_dept_code": p.econ_dept_code,
            "category": p.category, "owner": p.owner, "goal": p.goal,
            "seen_in": json.dumps([s.to_dict() for s in p.seen_in], ensure_ascii=False), **_prov(p.provenance),
            **_project_eval(p)})
        for i, ind in enumerate(p.indicators):
            rows["indicators"].append({
                "doc_id": doc_id, "project_n": pn, "n": i, **ind.to_gold_dict(), "text": ind.text,
                "link_method": ind.link_method, "confidence": ind.confidence, **_prov(ind.provenance),
                **_row_eval(ind)})
        rows["funding_lines"] += _funding_rows(doc_id, pn, p.funding_lines)
    rows["funding_lines"] += _funding_rows(doc_id, DEPARTMENT_N, doc.funding)
    for i, x in enumerate(doc.department_indicators):
        rows["department_indicators"].append({"doc_id": doc_id, "n": i, **x.to_gold_dict(), "text": x.text,
                                              **_prov(x.provenance), **_row_eval(x)})
    for i, c in enumerate(doc.classifications):
        rows["classifications"].append({"doc_id": doc_id, "n": i, "scheme": c.scheme, "code": c.code,
                                        "name": c.name, **_prov(c.provenance)})
    for i, o in enumerate(doc.outcomes):
        rows["outcomes"].append({"doc_id": doc_id, "n": i, "key": o.key, "amount": money_str(o.amount),
                                 "text": o.text, "subject": o.subject, "note": o.note, **_prov(o.provenance)})
    for i, w in enumerate(doc.warnings):
        rows["warnings"].append({"doc_id": doc_id, "n": i, "kind": w.kind, "severity": w.severity,
                                 "message": w.message, "line": w.line})
    return rows
