"""The target-quality rules (绩效目标审核) as one table of data, and how a user switches or re-grades them.

Each :class:`Rule` is a finding kind ``target.*``: what it checks, its default severity, why it matters, where
the rule comes from, and its thresholds (``params``). :class:`RuleConfig` holds a user's choices — rules
switched off, severities changed, thresholds changed — from ``--disable``, ``--severity-of RULE=LEVEL`` or a
TOML rules file::

    [rules."target.copied_in_department"]
    enabled = false
    [rules."target.peer_outlier"]
    severity = "info"
    factor = 4

Switching off and re-grading work for any finding kind, not only ``target.*``.
This module is pure data (no imports from the rest of the audit), so :mod:`kg.audit.findings` can register
the kinds.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FRAMEWORK = "财预〔2020〕10号《项目支出绩效评价管理办法》共性指标框架: 产出(数量/质量/时效/成本)、效益、满意度"
CORE_2021 = "财预〔2021〕101号《中央部门项目支出核心绩效目标和指标设置及取值指引(试行)》"
SEVERITY_NAMES = ("info", "warning", "error")


@dataclass(frozen=True)
class Rule:
    id: str  # the finding kind
    checks: str  # what it checks, one line
    severity: str  # default severity
    reason: str  # why a reviewer cares
    source: str  # where the rule comes from
    params: dict[str, Any] = field(default_factory=dict)  # thresholds, readable and overridable


RULES: tuple[Rule, ...] = (
    # -- coverage: the framework's first-level categories ------------------------------------------------
    Rule("target.no_output", "a project's target form has no 产出 indicator", "warning",
         "without an output target nothing says what the money buys", FRAMEWORK),
    Rule("target.no_effect", "a project's target form has no 效益 indicator", "warning",
         "without an effect target the project's purpose cannot be assessed", FRAMEWORK),
    Rule("target.no_satisfaction", "a project's target form has no 满意度 indicator", "warning",
         "service recipients' satisfaction is one of the three first-level categories", FRAMEWORK),
    Rule("target.no_cost", "a project's target form has no 成本 indicator while other forms of the same "
         "document have one (the template has the category)", "warning",
         "101号 makes cost a core indicator: the form omits a row its own template asks for", CORE_2021),
    # -- measurability --------------------------------------------------------------------------------
    Rule("target.no_value", "a target row with no value", "warning",
         "a target without a value cannot be met or missed", CORE_2021),
    Rule("target.placeholder_value", "a target whose value is a placeholder (不涉及, 无, 实际发生额 …)", "info",
         "a placeholder fills the cell without setting a target", CORE_2021,
         {"placeholders": ["不涉及", "无", "暂无", "实际发生额", "据实", "据实结算", "按实际发生", "不适用"]}),
    Rule("target.qualitative_quantity", "a value without a number where the indicator's name asks for a "
         "quantity (…率, …数, …量, …人次, …天, …满意度) or a unit is printed", "warning",
         "101号: indicators that can be quantified should be; 高/好/得到提升 cannot be measured", CORE_2021,
         {"name_suffix": r"(率|数|(?<!质)量|人次|场次|次|天|天数|时长|满意度)$"}),
    Rule("target.rate_over_100", "a rate (name ending 率, or unit %) with a target above 100 not already "
         "reported as target_percent_over_100 (no unit printed, or a ≤ ceiling above 100)", "warning",
         "a share cannot pass 100%: the target is mistyped or binds nothing", CORE_2021, {"max_percent": 100}),
    Rule("target.timing_not_date", "a 时效 target whose name and value hold neither a date, a period nor a "
         "milestone (好, 高中低, 按时 …)", "warning",
         "a time target must say by when (a date) or within how long (a period)", FRAMEWORK),
    # -- money sense -----------------------------------------------------------------------------------
    Rule("target.cost_over_amount", "one itemized cost indicator alone above the project's amount", "warning",
         "a cost item cannot exceed the whole budget (a 元/万元 slip, or the wrong project)", CORE_2021),
    Rule("target.cost_floor", "a cost indicator with ≥ / >", "warning",
         "a cost target is a ceiling; a floor invites spending", CORE_2021),
    # -- copied targets --------------------------------------------------------------------------------
    Rule("target.copied_in_department", "two projects of one document share most of their targets "
         "(l3, op, value, unit) verbatim", "warning",
         "targets pasted from project to project do not describe either project", CORE_2021,
         {"share_min": 0.8, "min_rows": 4}),
    Rule("target.copied_across_departments", "a project's targets repeat verbatim another department's "
         "project's", "info", "a shared template filled in identically says nothing about this project",
         CORE_2021, {"share_min": 0.9, "min_rows": 5}),
    # -- year over year (the same project linked by code or by name without years) --------------------
    Rule("target.lowered", "a target lowered (≥ value down, or a ≤ rate ceiling up) from the project's "
         "previous year by more than the amount fell", "warning",
         "targets should not slip while the money holds or grows", CORE_2021, {"tolerance": 0.0}),
    Rule("target.dropped", "a quantitative target of the previous year missing this year", "info",
         "a measurable target that disappears may hide a miss", CORE_2021),
    Rule("target.unchanged", "every target as the previous year's while the amount moved by more than "
         "share_min", "warning", "the same targets for much more (or less) money are not a plan",
         CORE_2021, {"share_min": 0.2, "min_rows": 3}),
    # -- peers -------------------------------------------------------------------------------------------
    Rule("target.peer_outlier", "a per-unit cost (name matching name_pattern, money unit) more than factor× "
         "from the median of the same indicator in other departments", "warning",
         "a unit cost far from every peer's is a mistake or needs a reason", CORE_2021,
         {"factor": 3.0, "min_peers": 4, "min_departments": 3,
          "name_pattern": r"人均|单价|单位成本|每(人|次|场|期|台|套|件|户|平方米|公里)|标准$"}),
)
RULES_BY_ID: dict[str, Rule] = {r.id: r for r in RULES}


@dataclass
class RuleConfig:
    """A user's choices: kinds switched off, severities changed, thresholds changed (by rule id)."""

    disabled: set[str] = field(default_factory=set)
    severity: dict[str, str] = field(default_factory=dict)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def severity_of(self, rule_id: str) -> str:
        return self.severity.get(rule_id) or RULES_BY_ID[rule_id].severity

    def param(self, rule_id: str, name: str) -> Any:
        return self.params.get(rule_id, {}).get(name, RULES_BY_ID[rule_id].params[name])

    def merged(self, other: RuleConfig) -> RuleConfig:
        """``other``'s choices over this one's."""
        params = {k: {**self.params.get(k, {}), **v} for k, v in other.params.items()}
        return RuleConfig(self.disabled | other.disabled, {**self.severity, **other.severity},
                          {**self.params, **params})


DEFAULT_CONFIG = RuleConfig()


def parse_choices(disable: list[str] | None, severity_of: list[str] | None, known: set[str]) -> RuleConfig:
    """``--disable KIND`` and ``--severity-of KIND=LEVEL`` options; unknown kinds or levels raise ValueError."""
    cfg = RuleConfig()
    for k in disable or []:
        _known(k, known, "--disable")
        cfg.disabled.add(k)
    for item in severity_of or []:
        kind, sep, level = item.partition("=")
        if not sep:
            raise ValueError(f"--severity-of wants KIND=LEVEL, not {item!r}")
        _known(kind.strip(), known, "--severity-of")
        cfg.severity[kind.strip()] = _level(level.strip(), f"--severity-of {item}")
    return cfg


def load_rules_file(path: Path, known: set[str]) -> RuleConfig:
    """A TOML file of ``[rules."KIND"]`` tables with ``enabled``, ``severity`` and thresholds; errors name the file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ValueError(f"{path}: cannot read the rules file ({e})") from None
    cfg = RuleConfig()
    for kind, table in (data.get("rules") or {}).items():
        where = f"{path}: [rules.\"{kind}\"]"
        _known(kind, known, where)
        if not isinstance(table, dict):
            raise ValueError(f"{where} must be a table")
        for key, value in table.items():
            if key == "enabled":
                if value is False:
                    cfg.disabled.add(kind)
            elif key == "severity":
                cfg.severity[kind] = _level(str(value), where)
            elif kind in RULES_BY_ID and key in RULES_BY_ID[kind].params:
                cfg.params.setdefault(kind, {})[key] = _checked(value, RULES_BY_ID[kind].params[key], f"{where} {key}")
            else:
                raise ValueError(f"{where}: unknown setting {key!r} (enabled, severity"
                                 f"{', ' + ', '.join(RULES_BY_ID[kind].params) if kind in RULES_BY_ID else ''})")
    return cfg


def _checked(value: Any, default: Any, where: str) -> Any:
    """A threshold of the default's type (a whole number may stand for a fraction); a pattern must compile."""
    import re

    number = (int, float)
    ok = (isinstance(value, number) and not isinstance(value, bool) if isinstance(default, number)
          else isinstance(value, type(default)))
    if not ok:
        raise ValueError(f"{where} must be a {type(default).__name__}, not {value!r}")
    if isinstance(value, str):
        try:
            re.compile(value)
        except re.error as e:
            raise ValueError(f"{where}: not a valid pattern ({e})") from None
    return value


def _known(kind: str, known: set[str], where: str) -> None:
    if kind not in known:
        raise ValueError(f"{where}: no finding kind {kind!r} (see `perfkg audit --rules`)")


def _level(level: str, where: str) -> str:
    if level not in SEVERITY_NAMES:
        raise ValueError(f"{where}: severity must be one of {', '.join(SEVERITY_NAMES)}, not {level!r}")
    return level


def rules_table(cfg: RuleConfig = DEFAULT_CONFIG) -> list[dict[str, Any]]:
    """The rules as rows (for ``--rules``, the README and the workbook), with the user's choices applied."""
    return [{"id": r.id, "enabled": cfg.enabled(r.id), "severity": cfg.severity_of(r.id), "checks": r.checks,
             "reason": r.reason, "source": r.source,
             "params": {k: cfg.param(r.id, k) for k in r.params}} for r in RULES]
