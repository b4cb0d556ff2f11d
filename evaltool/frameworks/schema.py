"""Framework packs as frozen data: the shapes a framework YAML file is loaded into.

Why: weights, methods, parameters, grades, rates and rule sets are *data* that a bureau edits;
the engine and the template writer only read these dataclasses. Nothing here knows how a
method scores — that is ``evaltool/scoring``; here we only check that a method's kind and
parameter names are ones the scoring engine understands.

Example::

    fw = load_framework("dept-overall")
    fw.level_weights()          # {'产出': Decimal('50'), '效果': Decimal('30'), '预算管理': Decimal('20')}
    fw.method("M01").params     # {'cap': '1'}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from evaltool.messages import SEVERITY_OF_LABEL
from evaltool.model import EvaltoolError

#: Scoring kinds and the parameter names each accepts (every kind also accepts ``source``).
KINDS: dict[str, frozenset[str]] = {
    "ratio": frozenset({"cap"}),
    "inverse_ratio": frozenset({"cap"}),
    "deduct_per_pp": frozenset({"threshold", "per_pp", "per_pp_share", "side", "floor"}),
    "bands": frozenset({"edges", "shares", "side", "abs"}),
    "linear": frozenset({"full", "zero"}),
    "checklist": frozenset({"items", "per_item", "mode"}),
    "qualitative": frozenset({"tiers", "bands"}),
    "over_target_penalty": frozenset({"threshold", "penalty"}),
    "categorical": frozenset({"map"}),
    "timeliness": frozenset(),
}
COMMON_PARAMS = frozenset({"source"})
INDICATOR_KINDS = ("定量", "定性")
DIRECTIONS = ("≥", "≤", "=", "区间")
SCOPES = ("表内", "表间", "逐行")
ROW_TABLES = ("Indicators", "Projects", "Budget")
SEVERITIES = tuple(SEVERITY_OF_LABEL)  # 错误 警告 提示


class FrameworkError(EvaltoolError, ValueError):
    """A framework file is missing or its data is inconsistent (message says where)."""

    code = "framework"


def parse_params(text: str) -> dict[str, str]:
    """``"threshold=0.3; penalty=0.2"`` -> ``{"threshold": "0.3", "penalty": "0.2"}``.

    Only the first ``=`` of each ``;``-separated pair splits, so tier maps survive:
    ``"tiers=达成=1,部分达成=0.8"`` -> ``{"tiers": "达成=1,部分达成=0.8"}``.
    """
    out: dict[str, str] = {}
    for part in (text or "").replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep:
            raise FrameworkError(f"参数 {part!r} 缺少“=” / parameter {part!r} has no '='")
        out[key.strip()] = value.strip()
    return out


def parse_map(text: str) -> dict[str, str]:
    """``"达成=1,部分达成=0.8"`` -> ``{"达成": "1", "部分达成": "0.8"}`` (tier / category maps)."""
    out: dict[str, str] = {}
    for part in (text or "").replace("，", ",").split(","):
        key, _, value = part.partition("=")
        if key.strip():
            out[key.strip()] = value.strip()
    return out


@dataclass(frozen=True)
class MethodSpec:
    code: str
    name: str
    kind: str
    params_text: str
    description: str
    basis: str = ""  # 依据: document and article/annex, local practice, or evaltool's default
    standing: str = ""  # official | local | default | unverified

    @property
    def params(self) -> dict[str, str]:
        return parse_params(self.params_text)

    def choices(self) -> tuple[str, ...]:
        """Drop-down values for 实际完成值 (qualitative tiers / categorical keys), else ()."""
        p = self.params
        if self.kind == "qualitative":
            return tuple(parse_map(p.get("tiers", "")))
        if self.kind == "categorical":
            return tuple(parse_map(p.get("map", "")))
        return ()


@dataclass(frozen=True)
class IndicatorSpec:
    level1: str
    level2: str
    name: str
    kind: str
    method: str
    weight: Decimal
    unit: str
    direction: str
    target: str | float | int | None = None
    note: str = ""
    basis: str = ""
    standing: str = ""
    formula: str = ""  # the indicator's defining formula (财预〔2013〕53号 指标说明), for --explain
    #: The target was approved at issuance (a targets file): locked and fingerprinted.
    target_approved: bool = False


@dataclass(frozen=True)
class LevelSpec:
    name: str
    weight: Decimal
    groups: tuple[str, ...]


@dataclass(frozen=True)
class GradeSpec:
    name: str
    lower: float
    upper: float
    upper_inclusive: bool
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ParamSpec:
    name: str
    value: str | float | int
    label: str


@dataclass(frozen=True)
class RateSpec:
    name: str
    label: str
    row: int
    formula: str
    description: str
    since: str = ""  # template version that introduced the rate ("" = always there)
    basis: str = ""  # the document (and article/annex) or practice the formula follows
    standing: str = ""  # official | local | default | unverified


@dataclass(frozen=True)
class RuleSpec:
    id: str
    scope: str
    table: str
    expression: str
    severity: str  # 错误 | 警告 | 提示
    message: str
    tolerance: float | None
    explain: bool
    rule_set: str = ""


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    version: str
    description: str
    source: str
    notes: str
    levels: tuple[LevelSpec, ...]
    indicators: tuple[IndicatorSpec, ...]
    methods: tuple[MethodSpec, ...]
    rule_sets: tuple[str, ...]
    rules: tuple[RuleSpec, ...]
    grades: tuple[GradeSpec, ...]
    params: tuple[ParamSpec, ...]
    rates: tuple[RateSpec, ...]
    missing_rule_sets: tuple[str, ...] = field(default=())
    follows: tuple[str, ...] = ()  # the official documents the framework declares it follows
    #: (一级, 二级, points) a group keeps for each unit's own indicators (from a targets file).
    unit_points: tuple[tuple[str, str, Decimal], ...] = field(default=())
    #: Rows a filler adds to the indicator table count with the weight typed (default: weigh 0).
    filler_weighted_rows: bool = False

    def method(self, code: str) -> MethodSpec:
        for m in self.methods:
            if m.code == code:
                return m
        raise KeyError(code)

    def level_weights(self) -> dict[str, Decimal]:
        return {lv.name: lv.weight for lv in self.levels}

    def total_weight(self) -> Decimal:
        return sum((i.weight for i in self.indicators), Decimal(0))

    def grade_names(self) -> tuple[str, ...]:
        """Grade names then aliases, for the 自评等级 drop-downs."""
        names = [g.name for g in self.grades]
        for g in self.grades:
            names.extend(a for a in g.aliases if a not in names)
        return tuple(names)
