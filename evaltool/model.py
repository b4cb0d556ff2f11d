"""The immutable model every part of evaltool shares.

Why: the engine (rules, scoring, formula) is pure functions from an :class:`Evaluation`
(a parsed workbook) to :class:`Finding` and :class:`Score` values. Readers (calamine files,
a live xlwings book) build an ``Evaluation``; writers consume a :class:`Result`. Nothing
here imports an Excel library.

Money is ``Decimal`` from the reader onwards; rates and scores are ``float``.

Example (an Evaluation read from a file; ``evaltool.load`` wraps one with DataFrames)::

    ev = evaltool.io.reader.load("returned.xlsx")
    ev.scalar("budget_initial")          # Decimal('18902744.60')
    ev.indicators                        # pandas DataFrame, one row per indicator
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: A cell value as read: number (Decimal for money/any number), text, bool, date, blank.
CellValue = Decimal | float | int | str | bool | datetime | None
Severity = Literal["error", "warning", "info"]



class EvaltoolError(Exception):
    """The base of every exception evaltool raises.

    ``code`` is a stable ASCII name of the kind of error; when it is a code of the message
    catalogue (:mod:`evaltool.messages`) the error is rendered from ``params`` in the user's
    language at the edge (``evaltool.messages.error_text(exc, lang)``), else ``str(exc)``
    is its text. Subclasses keep their builtin bases too (``TemplateError`` is a
    ``ValueError``) so callers that catch those keep working.
    """

    code: str = "evaltool"
    params: Mapping[str, Any] = {}


class TemplateError(EvaltoolError, ValueError):
    """The file is not an evaltool template workbook of a supported version.

    ``code`` is a catalogue code (``template.no_meta``, ``file.encrypted`` …) and ``params``
    its parameters; the message is rendered in the reader's language at the edge.
    """

    code = "template"

    def __init__(self, path: str, code: str, /, **params: Any) -> None:
        super().__init__(f"{path}: {code} {params}" if params else f"{path}: {code}")
        self.path = path
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Text:
    """A sentence as data: a catalogue ``code`` and its ``params``, rendered at the edge.

    A parameter may itself be a ``Text`` (rendered in the same language) or a list of
    strings (joined the language's way). ``evaltool.messages.render(Text(...), "en")``.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class Location:
    """A cell or range on a sheet: ``Location("预算执行", "B5")`` or ``("绩效指标", "A5:N30")``."""

    sheet: str
    ref: str


@dataclass(frozen=True)
class TableInfo:
    """An Excel table (ListObject) as found in the file: name, sheet, ref incl. header row."""

    name: str
    sheet: str
    ref: str
    headers: tuple[str, ...]
    header_row: int  # 1-based sheet row of the header
    first_col: int  # 1-based column of the first table column
    n_rows: int  # data rows (excluding header and totals)

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1

    @property
    def last_data_row(self) -> int:
        return self.header_row + self.n_rows


@dataclass(frozen=True)
class Indicator:
    row: int  # 1-based sheet row on 绩效指标
    level1: str
    level2: str
    level3: str
    kind: str  # 定量 | 定性
    method: str  # Methods.方法编号
    weight: Decimal | None
    unit: str
    direction: str  # ≥ ≤ = 区间
    target: CellValue
    actual: CellValue
    reason: str
    note: str
    locked: bool = True  # from the framework (True) or added by the filler
    share: CellValue = None  # 评定比例: the evaluator's chosen share for a 定性 tier (template 2.0)
    target_locked: bool = False  # 年度目标值 approved at issuance (targets file): locked, fingerprinted


@dataclass(frozen=True)
class Project:
    row: int
    seq: CellValue
    name: str
    kind: str
    budget_initial: Decimal | None
    budget_adjusted: Decimal | None
    expenditure: Decimal | None
    evaluated: str
    self_score: CellValue
    self_grade: str
    note: str


@dataclass(frozen=True)
class BudgetLine:
    row: int
    label: str
    initial: Decimal | None
    adjusted: Decimal | None
    executed: Decimal | None
    note: str


@dataclass(frozen=True)
class Rule:
    row: int
    id: str
    scope: str  # 表内 | 表间 | 逐行
    table: str  # for 逐行
    expression: str
    severity: Severity
    message: str
    tolerance: float | None
    explain_required: bool


#: 效力 (standing) of a scoring method, indicator or rate: how sure its source is
#: (docs/frameworks.md). Framework files use the keys; workbooks show the Chinese labels.
STANDINGS: dict[str, str] = {"official": "官方", "local": "地方", "default": "默认", "unverified": "未核实"}


@dataclass(frozen=True)
class Method:
    row: int
    code: str
    name: str
    kind: str
    params: Mapping[str, str]
    params_text: str
    description: str
    basis: str = ""  # 依据: the document/article, local practice or evaltool default it follows
    standing: str = ""  # 效力: 官方 / 地方 / 默认 / 未核实 (template 2.0)


@dataclass(frozen=True)
class Grade:
    row: int
    name: str
    lower: float
    upper: float
    upper_inclusive: bool
    aliases: tuple[str, ...]

    def contains(self, score: float) -> bool:
        if score < self.lower:
            return False
        return score <= self.upper if self.upper_inclusive else score < self.upper


@dataclass(frozen=True)
class Param:
    row: int
    name: str
    value: CellValue
    label: str


@dataclass(frozen=True)
class UnitInfo:
    name: str
    code: str
    year: int | None
    preparer: str
    contact: str
    fill_date: CellValue
    self_grade: str


@dataclass(frozen=True)
class Narrative:
    """The department's report text from the 报告内容 sheet (empty on returns without it).

    ``progress`` holds one ``(一级, 二级, text)`` per 完成情况说明 row (二级 ``""`` = the
    一级's overview); paragraphs inside a text are separated by newlines.
    """

    org: str = ""
    duties: str = ""
    goals: str = ""
    problems: str = ""
    measures: str = ""
    progress: tuple[tuple[str, str, str], ...] = ()

    def progress_text(self, level1: str, level2: str = "") -> str:
        return next((t for a, b, t in self.progress if a == level1 and b == level2), "")

    @property
    def empty(self) -> bool:
        return not any((self.org, self.duties, self.goals, self.problems, self.measures)) and not any(
            t for _, _, t in self.progress)


@dataclass(frozen=True)
class Evaluation:
    """A parsed template workbook: everything the engine needs, nothing it must trust.

    Cached formula values in a returned workbook are never trusted: rates and scores are
    recomputed by the engine. ``grids`` keeps every sheet's raw values (A1-anchored,
    ``grids[sheet][row-1][col-1]``) so rule expressions can use plain A1 references.
    """

    path: str
    template_id: str
    template_version: str
    framework_id: str
    meta: Mapping[str, str]
    unit: UnitInfo
    scalars: Mapping[str, CellValue]
    names: Mapping[str, Location]
    tables: Mapping[str, TableInfo]
    budget: tuple[BudgetLine, ...]
    indicator_rows: tuple[Indicator, ...]
    projects: tuple[Project, ...]
    rules: tuple[Rule, ...]
    methods: tuple[Method, ...]
    grades: tuple[Grade, ...]
    params: tuple[Param, ...]
    explanations: Mapping[tuple[str, str, str], str]  # (rule id, sheet, cell) -> 出错说明
    grids: Mapping[str, tuple[tuple[CellValue, ...], ...]] = field(repr=False)
    narrative: Narrative = field(default_factory=Narrative, repr=False)
    #: Formulas found in cells that must hold plain text (单位名称 …): (sheet, A1) -> formula.
    input_formulas: Mapping[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def scalar(self, name: str) -> CellValue:
        return self.scalars.get(name)

    def param(self, name: str, default: CellValue = None) -> CellValue:
        for p in self.params:
            if p.name == name:
                return p.value if p.value not in (None, "") else default
        return default

    def method(self, code: str) -> Method | None:
        for m in self.methods:
            if m.code == code or m.name == code:
                return m
        return None

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """The indicator table as a pandas DataFrame (one row per indicator)."""
        import pandas as pd

        rows = [
            {
                "row": i.row,
                "一级指标": i.level1,
                "二级指标": i.level2,
                "三级指标": i.level3,
                "指标类型": i.kind,
                "评分方法": i.method,
                "分值": i.weight,
                "计量单位": i.unit,
                "指标方向": i.direction,
                "年度目标值": i.target,
                "实际完成值": i.actual,
                "偏差原因": i.reason,
                "备注": i.note,
            }
            for i in self.indicator_rows
        ]
        return pd.DataFrame(rows)


def _plain(v: Any) -> Any:
    """``v`` as JSON-ready data (Decimal and dates as text, Text as code + params)."""
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, datetime):
        return v.isoformat()
    if isinstance(v, Text):
        return {"code": v.code, "params": {k: _plain(x) for k, x in v.params.items()}}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


@dataclass(frozen=True)
class Finding:
    """One problem found: data, printable, comparable. ``cell`` is an A1 reference.

    ``rule`` is the check's id (``VAR-1``, ``INT-1``, ``UNIT-2`` …); ``code`` names its
    sentence in the message catalogue (``evaltool.messages``) and ``params`` fills it — the
    message is rendered in the reader's language at the edge (``messages.render(f, lang)``).
    A rule written by the bureau on the 校验规则 sheet carries its own text: code
    ``rule.message`` with the rendered 提示信息 in ``params``.
    """

    rule: str
    severity: Severity
    sheet: str
    cell: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    value: Any = None
    file: str = ""
    source: str = "builtin"  # rule | builtin | integrity | intake
    explained: bool = False  # a 需说明 warning with an explanation stands

    def as_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready data (no message: ``messages.finding_dict`` adds it)."""
        return {
            "rule": self.rule,
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "params": {k: _plain(v) for k, v in self.params.items()},
            "value": _plain(self.value),
            "source": self.source,
            "explained": self.explained,
        }


#: Finding sources whose errors keep a return out of every ranking, average and chart: the
#: workbook is not the one issued to this unit (identity) or its locked content was changed.
DISQUALIFYING_SOURCES = frozenset({"integrity"})
#: Built-in rules whose errors do the same: a budget that cannot be the unit's (plausibility).
DISQUALIFYING_RULES = frozenset({"PLAUS-1"})


def disqualifying(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The errors that keep a return out of the ranking and statistics (identity, integrity,
    plausibility); ordinary validation errors only make it 有错误."""
    return tuple(f for f in findings if f.severity == "error" and not f.explained
                 and (f.source in DISQUALIFYING_SOURCES or f.rule in DISQUALIFYING_RULES))


def count_open(findings: Iterable[Finding], severity: Severity) -> int:
    """Findings of ``severity`` that still count (a 需说明 warning with an explanation does not)."""
    return sum(1 for f in findings if f.severity == severity and not f.explained)


@dataclass(frozen=True)
class Score:
    """A computed cell: where it goes, its Python value, and the equivalent live formula."""

    key: str  # e.g. "indicator:12:得分", "rate:variance_rate", "total_score"
    sheet: str
    cell: str
    value: float | str | Decimal | None
    formula: str  # Excel formula text with leading "="
    label: str = ""
    notes: tuple[Text, ...] = ()  # e.g. Text("score.fuzzy_low", …) → "按模糊值下限计分…"


@dataclass(frozen=True)
class RateResult:
    """One computed rate of 预算执行: its definition (from the framework) and its value.

    ``error`` is the spreadsheet error code (``#VALUE!``…) when the live formula errors
    (an input is text); ``value`` is then None, as it is when the formula gives ``""``.
    """

    name: str  # defined name, e.g. "variance_rate"
    label: str  # 预决算差异率
    description: str  # (年初预算数-决算数)/年初预算数
    formula: str  # Excel formula text without the leading "="
    value: float | None
    error: str | None = None


@dataclass(frozen=True)
class Computed:
    """What the one scoring pass computed that the rule pass needs (it never recomputes it).

    ``columns`` maps (table, column) to the computed values of that column aligned with the
    table's data rows (``Indicators[得分]``, ``Indicators[完成率/偏差率]``).
    """

    rates: tuple[RateResult, ...] = ()
    total: float | None = None
    grade: str | None = None
    columns: Mapping[tuple[str, str], tuple[float | str | None, ...]] = field(default_factory=dict)

    def rate(self, name: str) -> RateResult | None:
        return next((r for r in self.rates if r.name == name), None)


@dataclass(frozen=True)
class CheckRow:
    """One row of the 校验结果 (Checks) table."""

    rule: str
    source: str  # 规则表 | 内置
    severity: Severity
    sheet: str
    cell: str
    formula: str | None  # live formula text for 结果, or None for a static result
    result: str  # the cached / static result text ("通过" or the message)
    message: str  # the 提示信息 as the reader sees it (placeholders rendered)
    explanation: str = ""
    message_formula: str | None = None  # live 提示信息 (placeholders as TEXT(ref)), cached ``message``


@dataclass(frozen=True)
class Result:
    """Everything the engine produced for one workbook."""

    evaluation: Evaluation
    findings: tuple[Finding, ...]
    scores: tuple[Score, ...]
    checks: tuple[CheckRow, ...]
    total: float | None
    grade: str | None
    subtotals: Mapping[str, float]  # 一级指标 -> score
    rates: Mapping[str, float | None]

    @property
    def errors(self) -> int:
        return count_open(self.findings, "error")

    @property
    def warnings(self) -> int:
        return count_open(self.findings, "warning")
