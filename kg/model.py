"""Typed records extracted from one budget disclosure, each with its provenance.

The shape of :meth:`Document.to_gold_dict` is exactly the answer-key shape of
``tests/gold/SCHEMA.md``; :meth:`Document.to_dict` adds provenance and the
original text of every normalized value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kg.normalize import goal_prefix, money_str


@dataclass
class Provenance:
    """Where a record came from: file, table (表四, 预算12表 …), 1-based line span and, for a native file, the
    location in the file's own terms (``p12 t1 r3``, ``05-2!C7``, ``table 2 row 3``)."""

    file: str
    table: str | None = None
    line_start: int | None = None
    line_end: int | None = None
    loc: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "table": self.table, "line_start": self.line_start,
                             "line_end": self.line_end}
        if self.loc:
            d["loc"] = self.loc
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None, file: str = "") -> Provenance:
        d = d or {}
        return cls(d.get("file") or file, d.get("table"), d.get("line_start"), d.get("line_end"), d.get("loc"))

    def cite(self) -> str:
        if self.loc:
            return f"{self.file} {self.loc}"
        if self.line_start is None:
            return self.file
        if self.line_end and self.line_end != self.line_start:
            return f"{self.file}:{self.line_start}-{self.line_end}"
        return f"{self.file}:{self.line_start}"


class GoldRecord:
    """A record whose gold-schema keys are ``GOLD_KEYS``; ``to_dict`` adds its original text and provenance."""

    GOLD_KEYS: tuple[str, ...] = ()
    text: str
    provenance: Provenance | None

    def to_gold_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.GOLD_KEYS}

    def to_dict(self) -> dict[str, Any]:
        d = self.to_gold_dict()
        d.update(text=self.text, provenance=self.provenance.to_dict() if self.provenance else None)
        return d

    @classmethod
    def _fields_from(cls, d: dict[str, Any], file: str) -> dict[str, Any]:
        return {**{k: d.get(k) for k in cls.GOLD_KEYS}, "text": d.get("text") or "",
                "provenance": Provenance.from_dict(d.get("provenance"), file)}

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> Any:
        return cls(**cls._fields_from(d, file))


@dataclass
class Indicator(GoldRecord):
    """One performance target (绩效指标) of a project's target form."""

    l1: str | None
    l2: str | None
    l3: str | None
    op: str | None
    value: str | None
    unit: str | None
    direction: str | None = None
    text: str = ""  # the original cell text(s) of the row, joined by tabs
    provenance: Provenance | None = None
    link_method: str = "form"  # how the owning project was decided (form, merged_cell_repair, …)
    confidence: float = 1.0
    # self-evaluation (自评表) only: 实际完成值 as printed, 分值, 得分, 偏差原因; ``evaluated`` marks such a row
    evaluated: bool = False
    actual: str | None = None
    weight: str | None = None
    score: str | None = None
    reason: str | None = None
    term: str | None = None  # "long" for a long-term (长期/实施期) target kept beside the annual ones, else None

    GOLD_KEYS = ("l1", "l2", "l3", "op", "value", "unit", "direction")
    EVAL_KEYS = ("actual", "weight", "score", "reason")

    def to_gold_dict(self) -> dict[str, Any]:
        d = super().to_gold_dict()
        if self.evaluated:
            d.update({k: getattr(self, k) for k in self.EVAL_KEYS})
        return d

    def to_dict(self) -> dict[str, Any]:
        d = {**super().to_dict(), "link_method": self.link_method, "confidence": self.confidence}
        if self.term:
            d["term"] = self.term
        met = self.met
        if met is not None:
            d["met"] = met
        return d

    @property
    def met(self) -> bool | None:
        """Whether the achieved value meets the target, when both are numbers in the same unit (else None)."""
        if not self.evaluated:
            return None
        from kg.normalize import target_met
        return target_met(self.op, self.value, self.unit, self.actual)

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> Indicator:
        return cls(**cls._fields_from(d, file), link_method=d.get("link_method") or "form",
                   confidence=float(d.get("confidence", 1.0)), evaluated=any(k in d for k in cls.EVAL_KEYS),
                   term=d.get("term"), **{k: d.get(k) for k in cls.EVAL_KEYS})


@dataclass
class FundingLine:
    """A line of money for a project under a function × economic classification; a department-level line
    (:attr:`Document.funding`, money paid out to other governments or units) has ``project`` None and names
    its ``recipient``."""

    project: str | None
    amount: Decimal | None
    amount_text: str = ""
    function_code: str | None = None
    function_name: str | None = None
    econ_gov_code: str | None = None
    econ_gov_name: str | None = None
    econ_dept_code: str | None = None
    econ_dept_name: str | None = None
    source: str | None = None  # e.g. 财政拨款, 上年结转, 专项转移支付, 对下转移支付 (kg.funding)
    link_method: str = "exact"  # how the line was tied to its project (exact, sum_match, …)
    confidence: float = 1.0
    provenance: Provenance | None = None
    recipient: str | None = None  # a department-level line: the government or unit paid (区县, 乡镇, 单位)
    doc_no: str | None = None  # the 文号 of the allocation (京财党政群指【2018】2181号), when printed
    purpose: str | None = None  # a department-level line: what the money is for (the row's 项目名称), when printed

    def to_dict(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("provenance", "amount")}
        d["amount"] = money_str(self.amount)
        d["provenance"] = self.provenance.to_dict() if self.provenance else None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> FundingLine:
        kw = {k: d.get(k) for k in cls.__dataclass_fields__ if k in d and k not in ("provenance", "amount")}
        return cls(amount=_dec(d.get("amount")), provenance=Provenance.from_dict(d.get("provenance"), file), **kw)


@dataclass
class Project:
    """A project (项目) with its own budget line or its own target form."""

    name: str
    amount: Decimal | None = None
    amount_text: str = ""
    aliases: list[str] = field(default_factory=list)
    code: str | None = None
    function_code: str | None = None
    econ_gov_code: str | None = None
    econ_dept_code: str | None = None
    category: str | None = None
    owner: str | None = None
    goal: str | None = None  # full 绩效目标 text, whitespace and tags removed
    indicators: list[Indicator] = field(default_factory=list)
    funding_lines: list[FundingLine] = field(default_factory=list)
    provenance: Provenance | None = None
    # where else the project is printed: table name -> provenance (表十一, 表十三 …)
    seen_in: list[Provenance] = field(default_factory=list)
    # self-evaluation (自评表) only: the 年度资金总额 row, 实际完成情况, 实施单位, 总分
    funds: Funds | None = None
    outcome: str | None = None
    implementing_unit: str | None = None
    total_score: str | None = None
    # long-term (长期/实施期) targets printed beside the annual ones: kept, but not the year's targets
    long_term: list[Indicator] = field(default_factory=list)
    # a self-evaluation's scoring grid (项目决策/项目过程/项目产出/项目效益 rows with 分值 and 得分): not targets
    scoring: list[Indicator] = field(default_factory=list)

    @property
    def goal_prefix(self) -> str | None:
        return goal_prefix(self.goal)

    @property
    def evaluated(self) -> bool:
        return self.funds is not None or self.total_score is not None

    def to_gold_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "aliases": list(self.aliases),
            "code": self.code,
            "amount": money_str(self.amount),
            "function_code": self.function_code,
            "econ_gov_code": self.econ_gov_code,
            "econ_dept_code": self.econ_dept_code,
            "category": self.category,
            "owner": self.owner,
            "goal_prefix": self.goal_prefix,
            **({"funds": self.funds.to_gold_dict() if self.funds else None,
                "outcome_prefix": goal_prefix(self.outcome), "implementing_unit": self.implementing_unit,
                "total_score": self.total_score} if self.evaluated else {}),
            "indicators": [i.to_gold_dict() for i in self.indicators],
        }

    def to_dict(self) -> dict[str, Any]:
        d = self.to_gold_dict()
        if self.evaluated:
            d.update(outcome=self.outcome, funds=self.funds.to_dict() if self.funds else None)
        if self.long_term:
            d["long_term"] = [i.to_dict() for i in self.long_term]
        if self.scoring:
            d["scoring"] = [i.to_dict() for i in self.scoring]
        d["indicators"] = [i.to_dict() for i in self.indicators]
        d.update(amount_text=self.amount_text, goal=self.goal,
                 funding_lines=[f.to_dict() for f in self.funding_lines],
                 provenance=self.provenance.to_dict() if self.provenance else None,
                 seen_in=[p.to_dict() for p in self.seen_in])
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> Project:
        return cls(
            name=d["name"], amount=_dec(d.get("amount")), amount_text=d.get("amount_text") or "",
            aliases=list(d.get("aliases") or []), code=d.get("code"), function_code=d.get("function_code"),
            econ_gov_code=d.get("econ_gov_code"), econ_dept_code=d.get("econ_dept_code"),
            category=d.get("category"), owner=d.get("owner"), goal=d.get("goal") or d.get("goal_prefix"),
            indicators=[Indicator.from_dict(i, file) for i in d.get("indicators") or []],
            funding_lines=[FundingLine.from_dict(f, file) for f in d.get("funding_lines") or []],
            provenance=Provenance.from_dict(d.get("provenance"), file),
            seen_in=[Provenance.from_dict(p, file) for p in d.get("seen_in") or []],
            funds=Funds.from_dict(d["funds"], file) if d.get("funds") else None,
            outcome=d.get("outcome") or d.get("outcome_prefix"), implementing_unit=d.get("implementing_unit"),
            total_score=d.get("total_score"),
            long_term=[Indicator.from_dict(i, file) for i in d.get("long_term") or []],
            scoring=[Indicator.from_dict(i, file) for i in d.get("scoring") or []],
        )


@dataclass
class Funds:
    """A self-evaluation's 年度资金总额 row: money in yuan; weight, rate and score as printed."""

    initial_budget: Decimal | None = None  # 年初预算数
    budget: Decimal | None = None  # 全年预算数
    spent: Decimal | None = None  # 全年执行数
    weight: str | None = None  # 分值
    rate: str | None = None  # 执行率, as printed ("98.04%")
    score: str | None = None  # 得分, as printed
    text: str = ""
    provenance: Provenance | None = None

    MONEY = ("initial_budget", "budget", "spent")
    PRINTED = ("weight", "rate", "score")

    def to_gold_dict(self) -> dict[str, Any]:
        return {**{k: money_str(getattr(self, k)) for k in self.MONEY}, **{k: getattr(self, k) for k in self.PRINTED}}

    def to_dict(self) -> dict[str, Any]:
        return {**self.to_gold_dict(), "text": self.text,
                "provenance": self.provenance.to_dict() if self.provenance else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> Funds:
        return cls(**{k: _dec(d.get(k)) for k in cls.MONEY}, **{k: d.get(k) for k in cls.PRINTED},
                   text=d.get("text") or "", provenance=Provenance.from_dict(d.get("provenance"), file))


@dataclass
class DepartmentIndicator(GoldRecord):
    """A row of the department-wide target table (部门整体支出绩效目标申报表)."""

    activity: str | None
    project: str | None
    l2: str | None
    l3: str | None
    op: str | None
    value: str | None
    unit: str | None
    text: str = ""
    provenance: Provenance | None = None
    # a department-wide self-evaluation (部门整体支出绩效自评表) row: achieved value, weight, score, reason
    evaluated: bool = False
    actual: str | None = None
    weight: str | None = None
    score: str | None = None
    reason: str | None = None

    GOLD_KEYS = ("activity", "project", "l2", "l3", "op", "value", "unit")
    EVAL_KEYS = ("actual", "weight", "score", "reason")

    def to_gold_dict(self) -> dict[str, Any]:
        d = super().to_gold_dict()
        if self.evaluated:
            d.update({k: getattr(self, k) for k in self.EVAL_KEYS})
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> DepartmentIndicator:
        return cls(**cls._fields_from(d, file), evaluated=any(k in d for k in cls.EVAL_KEYS),
                   **{k: d.get(k) for k in cls.EVAL_KEYS})


@dataclass
class Figure:
    """A stated figure with its original text: a total, or a final-account outcome."""

    key: str  # total / basic / project, or for outcomes: actual, budget, variance …
    amount: Decimal | None
    text: str = ""
    subject: str | None = None  # what the figure is about (a project name, 基本支出 …)
    note: str | None = None  # e.g. the variance explanation of a final account
    provenance: Provenance | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "amount": money_str(self.amount), "text": self.text, "subject": self.subject,
                "note": self.note, "provenance": self.provenance.to_dict() if self.provenance else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> Figure:
        return cls(d["key"], _dec(d.get("amount")), d.get("text") or "", d.get("subject"), d.get("note"),
                   Provenance.from_dict(d.get("provenance"), file))


@dataclass
class Achievement(GoldRecord):
    """An output a final account reports as achieved (服务主要领导调研活动 515 次): a count, not money."""

    subject: str  # "department" or the project it is reported under
    measure: str
    value: str  # as written, without separators
    unit: str | None = None
    text: str = ""
    provenance: Provenance | None = None

    GOLD_KEYS = ("subject", "measure", "value", "unit")


@dataclass
class Classification:
    """A classification code with the name a document states for it (2010301 一般行政管理事务)."""

    scheme: str  # function / econ_gov / econ_dept
    code: str
    name: str | None = None
    provenance: Provenance | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"scheme": self.scheme, "code": self.code, "name": self.name,
                "provenance": self.provenance.to_dict() if self.provenance else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any], file: str = "") -> Classification:
        return cls(d["scheme"], d["code"], d.get("name"), Provenance.from_dict(d.get("provenance"), file))


def dedupe_classifications(items: Iterable[Classification]) -> list[Classification]:
    """Classifications in first-seen order, one per (scheme, code, name)."""
    seen: set[tuple[str, str, str | None]] = set()
    out: list[Classification] = []
    for c in items:
        key = (c.scheme, c.code, c.name)
        if key not in seen:
            seen.add(key)
            out.append(c)
    return out


@dataclass
class ParseWarning:
    """Something a parser noticed and could not settle: data, not a log line."""

    kind: str
    message: str
    file: str
    line: int | None = None
    severity: str = "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "message": self.message,
                "file": self.file, "line": self.line}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ParseWarning:
        return cls(d["kind"], d["message"], d.get("file") or "", d.get("line"), d.get("severity") or "warning")


TOTAL_KEYS = ("total", "basic", "project")


@dataclass
class Document:
    """One disclosure: its metadata, totals and records."""

    source: str
    layout: str = ""
    sha256: str = ""
    encoding: str = ""
    department: str | None = None
    department_code: str | None = None
    year: int | None = None
    doc_kind: str | None = None  # budget / final_account
    totals: dict[str, Figure] = field(default_factory=dict)  # keys: total, basic, project
    projects: list[Project] = field(default_factory=list)
    department_indicators: list[DepartmentIndicator] = field(default_factory=list)
    classifications: list[Classification] = field(default_factory=list)
    # final-account money figures (决算 vs 预算, variances …); JSON key ``figures``
    outcomes: list[Figure] = field(default_factory=list)
    # final-account achieved output counts; JSON key ``outcomes`` as in the gold schema
    achievements: list[Achievement] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)
    # department-level funding lines (对下转移支付 …: money paid out, not a project); JSON key ``funding``
    funding: list[FundingLine] = field(default_factory=list)

    def total(self, key: str) -> Decimal | None:
        f = self.totals.get(key)
        return f.amount if f else None

    def warn(self, kind: str, message: str, line: int | None = None, severity: str = "warning") -> None:
        self.warnings.append(ParseWarning(kind, message, self.source, line, severity))

    def to_gold_dict(self) -> dict[str, Any]:
        """The answer-key shape; a final account adds ``outcomes`` (its achieved output counts)."""
        d = {
            "source": self.source,
            "department": self.department,
            "department_code": self.department_code,
            "year": self.year,
            "doc_kind": self.doc_kind,
            "totals": {k: money_str(self.total(k)) for k in TOTAL_KEYS},
            "projects": [p.to_gold_dict() for p in self.projects],
            "department_indicators": [d.to_gold_dict() for d in self.department_indicators],
        }
        if self.doc_kind == "final_account":
            d["outcomes"] = [a.to_gold_dict() for a in self.achievements]
        return d

    def to_dict(self) -> dict[str, Any]:
        d = self.to_gold_dict()
        if self.doc_kind == "final_account":  # the gold key keeps its meaning: achieved counts, with provenance
            d["outcomes"] = [a.to_dict() for a in self.achievements]
        d.update(
            layout=self.layout, sha256=self.sha256, encoding=self.encoding,
            totals_detail={k: f.to_dict() for k, f in self.totals.items()},
            projects=[p.to_dict() for p in self.projects],
            department_indicators=[x.to_dict() for x in self.department_indicators],
            classifications=[c.to_dict() for c in self.classifications],
            figures=[o.to_dict() for o in self.outcomes],
            funding=[f.to_dict() for f in self.funding],
            warnings=[w.to_dict() for w in self.warnings],
        )
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`; also accepts a gold answer key (no provenance)."""
        src = d["source"]
        if d.get("totals_detail"):
            totals = {k: Figure.from_dict(v, src) for k, v in d["totals_detail"].items()}
        else:
            totals = {k: Figure(k, _dec(v), v or "") for k, v in (d.get("totals") or {}).items() if v is not None}
        return cls(
            source=src, layout=d.get("layout") or "", sha256=d.get("sha256") or "",
            encoding=d.get("encoding") or "", department=d.get("department"),
            department_code=d.get("department_code"), year=d.get("year"), doc_kind=d.get("doc_kind"),
            totals=totals,
            projects=[Project.from_dict(p, src) for p in d.get("projects") or []],
            department_indicators=[DepartmentIndicator.from_dict(x, src) for x in d.get("department_indicators") or []],
            classifications=[Classification.from_dict(c, src) for c in d.get("classifications") or []],
            outcomes=[Figure.from_dict(o, src) for o in [*(d.get("figures") or []), *(d.get("outcomes") or [])]
                      if "key" in o],
            achievements=[Achievement.from_dict(o, src) for o in d.get("outcomes") or [] if "measure" in o],
            warnings=[ParseWarning.from_dict(w) for w in d.get("warnings") or []],
            funding=[FundingLine.from_dict(f, src) for f in d.get("funding") or []],
        )


def _dec(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    return Decimal(str(v))
