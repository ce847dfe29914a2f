"""The whoosh schema and the pure Document → index entries conversion.

One entry per project, project indicator, department-wide indicator and department (document).
Entry kinds: ``project``, ``indicator``, ``department_indicator``, ``department``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the search hot path does not need the record model
    from kg.model import DepartmentIndicator, Document, Indicator, Project

KINDS = ("project", "indicator", "department_indicator", "department")
ALIAS_SEP = " | "

# searchable text fields and their weight in the full-text query
FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0,  # the entry's own name: project name, indicator 三级指标, department name
    "aliases": 2.5,  # other spellings of a project
    "codes": 3.0,  # project code, classification codes, department code
    "project": 1.0,  # the project an indicator belongs to
    "levels": 0.6,  # 一级 / 二级 指标 names
    "context": 0.4,  # goal text, activity, value, category
}
# bits per NUMERIC tier of ``amount``: 4 terms per entry (whoosh's default 4 gives 16), range filters stay cheap
AMOUNT_SHIFT_STEP = 16
# fields whose match says "this entry is what you named" (vs. "this entry belongs to it")
PRIMARY_FIELDS = ("title", "aliases", "codes")
# stored fields that say what an entry belongs to (used to tell "matches its context" from "no match")
CONTEXT_FIELDS = ("project", "department", "l1", "l2", "goal", "value", "unit")


def _join(*parts: str | None, sep: str = " ") -> str:
    return sep.join(p for p in parts if p)


def target_text(op: str | None, value: str | None, unit: str | None) -> str:
    """``≥ 98 %`` / ``定性 优`` — an indicator's target as one short string."""
    if op == "定性":
        return _join("定性", value)
    return _join(op, _join(value, unit, sep=""))


def _money(v: Decimal | None) -> tuple[float | None, str | None]:
    return (float(v), f"{v:.2f}") if v is not None else (None, None)


def _clean(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values (whoosh rejects ``None`` in NUMERIC fields)."""
    return {k: v for k, v in d.items() if v is not None and v != ""}


def _common(doc_id: str, doc: Document) -> dict[str, Any]:
    return {"doc_id": doc_id, "department": doc.department, "year": doc.year, "doc_kind": doc.doc_kind,
            "file": doc.source}


def _where(prov: Any, doc: Document) -> dict[str, Any]:
    if prov is None:
        return {"file": doc.source}
    return {"file": prov.file or doc.source, "line": prov.line_start, "table": prov.table}


def project_entry(doc_id: str, doc: Document, i: int, p: Project) -> dict[str, Any]:
    amount, amount_text = _money(p.amount)
    codes = _join(p.code, p.function_code, p.econ_gov_code, p.econ_dept_code)
    return _clean({
        **_common(doc_id, doc), **_where(p.provenance, doc),
        "eid": f"{doc_id}#p{i}", "kind": "project", "title": p.name, "aliases": ALIAS_SEP.join(p.aliases),
        "codes": codes, "project": p.name, "context": _join(p.category, p.goal), "goal": p.goal,
        "text": p.name, "amount": amount, "amount_text": amount_text, "code": p.code,
    })


def indicator_entry(doc_id: str, doc: Document, i: int, j: int, p: Project, ind: Indicator) -> dict[str, Any]:
    amount, amount_text = _money(p.amount)
    target = target_text(ind.op, ind.value, ind.unit)
    title = ind.l3 or ind.value or ""
    return _clean({
        **_common(doc_id, doc), **_where(ind.provenance or p.provenance, doc),
        "eid": f"{doc_id}#p{i}i{j}", "kind": "indicator", "title": title, "project": p.name,
        "levels": _join(ind.l1, ind.l2), "l1": ind.l1, "l2": ind.l2,
        "context": _join(ind.value, ind.unit, ind.direction, *p.aliases), "op": ind.op, "unit": ind.unit,
        "value": ind.value, "text": _join(title, target) if ind.l3 else _join("定性", title),
        "amount": amount, "amount_text": amount_text, "code": p.code, "met": _met(ind),
    })


def department_indicator_entry(doc_id: str, doc: Document, k: int, d: DepartmentIndicator) -> dict[str, Any]:
    title = d.l3 or d.value or ""
    return _clean({
        **_common(doc_id, doc), **_where(d.provenance, doc),
        "eid": f"{doc_id}#d{k}", "kind": "department_indicator", "title": title, "project": d.project,
        "levels": d.l2, "l2": d.l2, "context": _join(d.activity, d.value, d.unit), "op": d.op, "unit": d.unit,
        "value": d.value, "text": _join(title, target_text(d.op, d.value, d.unit)), "met": _met(d),
    })


def _met(x: Indicator | DepartmentIndicator) -> str | None:
    from kg.selfeval import met

    m = met(x)
    return None if m is None else str(m).lower()


def department_entry(doc_id: str, doc: Document) -> dict[str, Any]:
    amount, amount_text = _money(doc.total("total"))
    fig = doc.totals.get("total")
    return _clean({
        **_common(doc_id, doc), **_where(fig.provenance if fig else None, doc),
        "eid": f"{doc_id}#dept", "kind": "department", "title": doc.department or doc.source,
        "codes": doc.department_code, "text": _join(doc.department, str(doc.year or ""), doc.doc_kind),
        "amount": amount, "amount_text": amount_text, "code": doc.department_code,
    })


def document_entries(doc_id: str, doc: Document) -> list[dict[str, Any]]:
    """Every index entry of one document, in document order."""
    out = [department_entry(doc_id, doc)]
    for i, p in enumerate(doc.projects):
        out.append(project_entry(doc_id, doc, i, p))
        out.extend(indicator_entry(doc_id, doc, i, j, p, ind) for j, ind in enumerate(p.indicators))
    out.extend(department_indicator_entry(doc_id, doc, k, d) for k, d in enumerate(doc.department_indicators))
    return out


def lexicon_items(entries: list[dict[str, Any]]) -> list[list[str]]:
    """[eid, name] pairs the fuzzy matcher compares queries against: titles, project aliases, own codes."""
    out: list[list[str]] = []
    for e in entries:
        if e.get("title"):
            out.append([e["eid"], e["title"]])
        if e["kind"] == "project":
            out.extend([e["eid"], a] for a in (e.get("aliases") or "").split(ALIAS_SEP) if a)
        if e["kind"] in ("project", "department") and e.get("code"):
            out.append([e["eid"], e["code"]])
    return out


def __getattr__(name: str) -> object:
    """The whoosh field classes live in :mod:`index.whoosh_fields` (whoosh loads only for a whoosh index);
    pickled whoosh schemas still find ``ChineseText`` here."""
    if name in ("ChineseText", "make_schema"):
        from index import whoosh_fields

        return getattr(whoosh_fields, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

