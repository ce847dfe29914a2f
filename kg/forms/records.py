"""Forms → typed records: :class:`Project` with its indicators (and, on a self-evaluation, funds, achieved
values and scores), :class:`DepartmentIndicator` rows of a department-wide form."""

from __future__ import annotations

import re

from kg.forms import vocabulary as vocab
from kg.forms.clauses import free_text_indicators
from kg.forms.form import FieldHit, Form, IndicatorRow
from kg.forms.values import checked_option, parse_money, parse_target, split_department
from kg.model import DepartmentIndicator, Figure, Funds, Indicator, Project, Provenance
from kg.normalize import clean_text, target_met

DEFAULT_TABLE = "绩效目标表"


_NUMBERING = re.compile(vocab.L3_NUMBERING)


_BLOCK_WEIGHT = re.compile(r"\s*[（(]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")


def _level(text: str | None) -> str | None:
    """A 一级/二级 category as named, without the block weight printed with it (产出指标(50分) → 产出指标)."""
    return clean_text(_BLOCK_WEIGHT.sub("", text)) if text else None


def _money(form: Form, hit: FieldHit | None):
    if hit is None:
        return None
    return parse_money(hit.text, hit.unit or form.money_unit)


def _indicator(values: dict[str, str], suffix: str, row: IndicatorRow, file: str, table: str,
               evaluated: bool) -> Indicator | None:
    l3 = clean_text(_NUMBERING.sub("", values.get("l3" + suffix) or ""))
    raw_value = values.get("value" + suffix)
    if l3 is None or l3 in vocab.EMPTY_VALUES:
        return None
    op, value, unit = parse_target(raw_value, values.get("unit"), values.get("op"))
    ind = Indicator(_level(values.get("l1" + suffix)), _level(values.get("l2" + suffix)), l3, op, value,
                    unit, clean_text(values.get("direction")), text=row.text,
                    provenance=Provenance(file, table, row.line, row.line_end))
    if evaluated:
        ind.evaluated = True
        ind.actual = clean_text(values.get("actual"))
        ind.weight = clean_text(values.get("weight"))
        ind.score = clean_text(values.get("score"))
        ind.reason = clean_text(values.get("reason"))
        if ind.reason in vocab.EMPTY_VALUES:
            ind.reason = None
    return ind


def scoring_of(form: Form, file: str) -> list[Indicator]:
    """The scoring-grid rows (一级 项目决策/项目过程/项目产出/项目效益): weight and score, no target."""
    out = []
    for row in form.indicators:
        v = row.values
        if clean_text(v.get("l1")) in vocab.GRID_TERMS:
            out.append(Indicator(clean_text(v.get("l1")), clean_text(v.get("l2")), clean_text(v.get("l3")), None,
                                 None, None, text=row.text, evaluated=True, weight=None,
                                 score=clean_text(v.get("score")), term="grid",
                                 provenance=Provenance(file, form.title or DEFAULT_TABLE, row.line, row.line_end)))
    return out


def _free_text_rows(form: Form, file: str, table: str) -> list[Indicator] | None:
    """A table without a value column whose 三级 cells hold free text (2019 style 具体指标（指标内容、指标值）:
    ``人工接通率≥98%，人员到达率≥90%``): one indicator per measurable clause, by the gold clause rule."""
    if "l3" not in form.columns or "value" in form.columns or "value_long" in form.columns:
        return None
    out: list[Indicator] = []
    for row in form.indicators:
        v = row.values
        if clean_text(v.get("l1")) in vocab.GRID_TERMS or not clean_text(v.get("l3")):
            continue
        for c in free_text_indicators(v["l3"]):
            out.append(Indicator(clean_text(v.get("l1")), clean_text(v.get("l2")), c.l3, c.op, c.value, c.unit,
                                 clean_text(v.get("direction")), text=row.text,
                                 provenance=Provenance(file, table, row.line, row.line_end)))
    return out


def indicators_of(form: Form, file: str) -> tuple[list[Indicator], list[Indicator]]:
    """(annual targets, long-term targets) of a form; scoring-grid rows are neither."""
    table = form.title or DEFAULT_TABLE
    free = _free_text_rows(form, file, table)
    if free is not None:
        return free, []
    annual: list[Indicator] = []
    long_term: list[Indicator] = []
    for row in form.indicators:
        v = row.values
        if clean_text(v.get("l1")) in vocab.GRID_TERMS:
            continue
        if row.term == "long":
            ind = _indicator(v, "", row, file, table, form.evaluated)
            if ind:
                ind.term = "long"
                long_term.append(ind)
            continue
        if "l3_long" in v or "value_long" in v:
            lv = {**v, "l1_long": v.get("l1_long") or v.get("l1", ""), "l3_long": v.get("l3_long") or v.get("l3", ""),
                  "l2_long": v.get("l2_long") or v.get("l2", "")}
            ind = _indicator(lv, "_long", row, file, table, False)
            if ind:
                ind.term = "long"
                long_term.append(ind)
        ind = _indicator(v, "", row, file, table, form.evaluated)
        if ind:
            annual.append(ind)
    return annual, long_term


_CODE_NAME = re.compile(r"^([0-9]{6,}[A-Z]?[0-9]{6,})\s*[-—–_:：]\s*(.+)$")


def project_of(form: Form, file: str) -> Project:
    f = form.fields
    name = clean_text(form.text("name")) or ""
    code = clean_text(form.text("code"))
    m = _CODE_NAME.match(name)
    if m:  # 51092223T000007731205-城镇老旧小区改造…: the project code printed before the name
        code, name = code or m.group(1), m.group(2)
    hits = [h for h in (f.get("amount_year"), f.get("amount_total"), f.get("fiscal")) if h is not None]
    # the first that holds money (年度资金总额 | 金额(万元) over a 财政拨款小计 4.00 line: the label's own cell
    # holds a column title, not an amount)
    amount_hit = next((h for h in hits if _money(form, h) is not None), hits[0] if hits else None)
    annual, long_term = indicators_of(form, file)
    p = Project(name=name, amount=_money(form, amount_hit), amount_text=amount_hit.text if amount_hit else "",
                code=code, category=clean_text(checked_option(form.text("category"))),
                owner=_without_phone(clean_text(form.text("owner"))),
                goal=clean_text(form.text("goal_year") or form.text("expected") or form.text("goal_long")),
                indicators=annual, long_term=long_term, scoring=scoring_of(form, file),
                provenance=Provenance(file, form.title or DEFAULT_TABLE, form.line_start, form.line_end))
    if form.evaluated:
        _form_reason(form, annual)
        p.implementing_unit = clean_text(form.text("implementing_unit"))
        p.outcome = clean_text(form.text("achieved"))
        p.total_score = clean_text(form.text("total_score"))
        if form.funds:
            fd = form.funds
            p.funds = Funds(_money(form, fd.get("initial_budget")), _money(form, fd.get("budget")),
                            _money(form, fd.get("spent")), _printed(fd.get("weight")), _printed(fd.get("rate")),
                            _printed(fd.get("score")),
                            provenance=Provenance(file, form.title or DEFAULT_TABLE, min(h.line for h in fd.values()),
                                                  max(h.line for h in fd.values())))
            if p.funds.budget is not None:
                p.amount = p.funds.budget
    return p


def _form_reason(form: Form, annual: list[Indicator]) -> None:
    """A table without a reason column whose form gives one reason under it (偏差大或目标未完成原因分析): that text
    is the reason of each target not met."""
    text = clean_text(form.text("deviation"))
    if "reason" in form.columns or not text or text in vocab.EMPTY_VALUES:
        return
    for ind in annual:
        if ind.evaluated and ind.reason is None and target_met(ind.op, ind.value, ind.unit, ind.actual) is False:
            ind.reason = text


def _without_phone(owner: str | None) -> str | None:
    """``李建华0816-5221086``, ``谢凯13990260322(办公)`` (项目负责人及电话) → the name."""
    return re.sub(r"[（(]?[\d\-—－]{7,}[)）]?(?:[（(](?:办公|手机|座机|电话)[)）])?$", "", owner).strip() or None \
        if owner else owner


def _printed(hit: FieldHit | None) -> str | None:
    t = clean_text(hit.text) if hit else None
    return None if t in vocab.EMPTY_VALUES else t


def department_of(form: Form) -> tuple[str | None, str | None]:
    """(code, name) of the form's 主管部门 (a department-wide form's 部门（单位）名称)."""
    t = form.text("department") or form.text("dept_name")
    if not t:
        return None, None
    code, name = split_department(t)
    return code or clean_text(form.text("dept_code")), name


def department_indicators_of(form: Form, file: str) -> list[DepartmentIndicator]:
    out = []
    rows = [r for r in form.indicators if r.term != "long"]
    for row, ind in zip(rows, indicators_of(form, file)[0], strict=False):
        d = DepartmentIndicator(clean_text(row.values.get("activity")), clean_text(row.values.get("project")),
                                ind.l2, ind.l3, ind.op, ind.value, ind.unit, ind.text, ind.provenance)
        if ind.evaluated:
            d.evaluated, d.actual, d.weight, d.score, d.reason = True, ind.actual, ind.weight, ind.score, ind.reason
        out.append(d)
    return out


TOTAL_FIELDS = (("total", "amount_total"), ("total", "amount_year"), ("basic", "basic"), ("project", "project_spend"))


def department_totals(form: Form, file: str) -> dict[str, Figure]:
    """A department-wide form's 资金总额 / 基本支出 / 项目支出 → document totals (yuan)."""
    out: dict[str, Figure] = {}
    for key, field_key in TOTAL_FIELDS:
        hit = form.fields.get(field_key)
        amount = _money(form, hit)
        if amount is not None and key not in out and hit is not None:
            out[key] = Figure(key, amount, hit.text, None, None, Provenance(file, form.title, hit.line, hit.line))
    return out
