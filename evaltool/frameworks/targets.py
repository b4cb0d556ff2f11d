"""Approved targets and each unit's own indicators (the bureau's targets file, docs/targets.md).

Why: 财预〔2020〕10号 evaluates against the targets set 预算批复时 (the 绩效目标申报表). A
template issued with a targets file carries them as locked, fingerprinted cells, so a
department cannot lower its own target after the fact; rows that name no framework indicator
are the unit's own indicators, with the weights the bureau set, in the points the framework
keeps for them (``unit_points``). One file serves many units (a ``单位代码`` column). This is
the one schema of that file: ``evaltool template --targets`` and ``evaltool campaign init
--targets`` both read it with :func:`evaltool.io.targets.read_targets`, and the campaign store
keeps these rows. Pure: rows in, a :class:`Framework` out.

Example:

>>> rows = parse_targets(["单位代码", "三级指标", "年度目标值"], [(2, ["A01", "服务人次", 3000])], "t.csv")
>>> rows[0].unit_code, rows[0].name, rows[0].target, rows[0].line
('A01', '服务人次', 3000, 2)
>>> parse_targets(["单位代码", "三级指标", "分值", "年度目标值"], [(2, ["A01", "x", "两分", 5])], "t.csv")
Traceback (most recent call last):
...
evaltool.frameworks.targets.TargetsError: t.csv 第2行「分值」列：须为非负数，得到 '两分' / t.csv row 2, column 分值: must be a non-negative number, got '两分'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from evaltool import contract as C
from evaltool.frameworks.schema import DIRECTIONS, INDICATOR_KINDS, Framework, IndicatorSpec, parse_params
from evaltool.model import EvaltoolError

__all__ = ["TARGET_COLUMNS", "REQUIRED_COLUMNS", "ALIASES", "TargetRow", "TargetsError", "parse_targets",
           "for_unit", "pick_unit", "apply_targets", "check_units", "units_in", "target_value"]

#: The columns of a targets file, in the documented order (docs/targets.md; the contract's).
TARGET_COLUMNS = C.TARGETS_COLUMNS
REQUIRED_COLUMNS = C.TARGETS_REQUIRED
#: Other headers accepted for a column (older bureau lists and the 申报表's own wording).
ALIASES = {"单位编码": "单位代码", "目标值": "年度目标值", "年度指标值": "年度目标值"}
#: What the bureau's own indicators cite as their basis (the file itself is the bureau's decision).
OWN_BASIS = "财政部门目标表（预算批复时审定的绩效目标）"


class TargetsError(EvaltoolError, ValueError):
    """A targets file that cannot be used, naming the file, row and column, in Chinese and
    English (like the framework file's errors); ``zh``/``en`` hold each language alone."""

    code = "targets"

    def __init__(self, path: str, row: int | None, column: str | None, zh: str, en: str) -> None:
        self.path, self.row, self.column = path, row, column
        where_zh = path + (f" 第{row}行" if row else "") + (f"「{column}」列" if column else "")
        where_en = path + (f" row {row}" if row else "") + (f", column {column}" if column else "")
        self.zh, self.en = f"{where_zh}：{zh}", f"{where_en}: {en}"
        super().__init__(f"{self.zh} / {self.en}")


@dataclass(frozen=True)
class TargetRow:
    """One row of a targets file (``line``: its row in the file, the header being row 1)."""

    line: int
    unit_code: str
    unit_name: str
    level1: str
    level2: str
    name: str
    kind: str
    method: str
    weight: Decimal | None
    unit: str
    direction: str
    target: str | float | int | None
    source: str
    note: str


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def target_value(v: object) -> str | float | int | None:
    """A 年度目标值 as typed: a number stays a number (``"1,200"`` → 1200, ``0.95``), text
    (a tier of a 定性 indicator, 近800, a range) stays text; blank is None."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int | float):
        return int(v) if isinstance(v, float) and v.is_integer() else v
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    text = str(v).strip()
    try:
        d = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return text
    if not d.is_finite():
        return text
    return int(d) if d == d.to_integral_value() else float(d)


def parse_targets(header: Sequence[object], rows: Sequence[tuple[int, Sequence[object]]],
                  path: str, header_row: int = 1) -> tuple[TargetRow, ...]:
    """Validate a targets table (its header, on row ``header_row``, and ``(row number, values)``
    rows, as :func:`evaltool.io.tabular.read_table_at` gives them) into :class:`TargetRow` values.

    Refused with :class:`TargetsError` naming row and column: an unknown or missing column, a
    blank 单位代码 or 三级指标, a 分值 that is not a non-negative number, a 指标类型 or
    指标方向 outside the contract's lists, or the same indicator twice for one unit.
    """
    names = [ALIASES.get(_text(h), _text(h)) for h in header]
    while names and not names[-1]:
        names.pop()
    for i, h in enumerate(names):
        if h not in TARGET_COLUMNS:
            raise TargetsError(path, header_row, h or f"第{i + 1}列", f"未知列名，可用：{'、'.join(TARGET_COLUMNS)}",
                               f"unknown column (known: {', '.join(TARGET_COLUMNS)})")
        if names.count(h) > 1:
            raise TargetsError(path, header_row, h, "列名重复", "duplicate column")
    for h in REQUIRED_COLUMNS:
        if h not in names:
            raise TargetsError(path, header_row, h, "缺少必需的列（表头行）", "required column missing (header row)")
    out: list[TargetRow] = []
    seen: dict[tuple[str, str, str, str], int] = {}
    for n, raw in rows:
        cells = {h: (raw[i] if i < len(raw) else None) for i, h in enumerate(names)}
        if all(_text(v) == "" for v in cells.values()):
            continue
        get = {h: _text(cells.get(h)) for h in TARGET_COLUMNS}
        for h in ("单位代码", "三级指标"):
            if not get[h]:
                raise TargetsError(path, n, h, "不能为空", "must not be blank")
        weight: Decimal | None = None
        if get["分值"]:
            try:
                weight = Decimal(get["分值"])
            except InvalidOperation:
                weight = None
            if weight is None or not weight.is_finite() or weight < 0:
                raise TargetsError(path, n, "分值", f"须为非负数，得到 {get['分值']!r}",
                                   f"must be a non-negative number, got {get['分值']!r}")
        if get["指标类型"] and get["指标类型"] not in INDICATOR_KINDS:
            raise TargetsError(path, n, "指标类型", f"须为 {'/'.join(INDICATOR_KINDS)}",
                               f"must be one of {'/'.join(INDICATOR_KINDS)}")
        if get["指标方向"] and get["指标方向"] not in DIRECTIONS:
            raise TargetsError(path, n, "指标方向", f"须为 {'/'.join(DIRECTIONS)}", f"must be one of {'/'.join(DIRECTIONS)}")
        key = (get["单位代码"], get["一级指标"], get["二级指标"], get["三级指标"])
        if key in seen:
            raise TargetsError(path, n, "三级指标", f"与第{seen[key]}行重复（同一单位同一指标）",
                               f"duplicates row {seen[key]} (same unit, same indicator)")
        seen[key] = n
        out.append(TargetRow(n, get["单位代码"], get["单位名称"], get["一级指标"], get["二级指标"], get["三级指标"],
                             get["指标类型"], get["评分方法"], weight, get["计量单位"], get["指标方向"],
                             target_value(cells.get("年度目标值")), get["来源"], get["备注"]))
    if not out:
        raise TargetsError(path, None, None, "没有数据行", "no data rows")
    return tuple(out)


def units_in(rows: Sequence[TargetRow]) -> tuple[str, ...]:
    """The 单位代码 of a targets file, in order of first appearance."""
    return tuple(dict.fromkeys(r.unit_code for r in rows))


def for_unit(rows: Sequence[TargetRow], unit_code: str, path: str = "") -> tuple[TargetRow, ...]:
    """The rows of one unit; TargetsError when the file has none for it."""
    got = tuple(r for r in rows if r.unit_code == unit_code)
    if not got:
        raise TargetsError(path, None, "单位代码", f"没有单位代码为 {unit_code!r} 的行（文件中有：{'、'.join(units_in(rows))}）",
                           f"no rows for unit code {unit_code!r} (the file has: {', '.join(units_in(rows))})")
    return got


def pick_unit(rows: Sequence[TargetRow], unit_code: str = "", path: str = "") -> tuple[TargetRow, ...]:
    """The rows of ``unit_code``, or of the file's only unit when no code is given."""
    units = units_in(rows)
    if not unit_code and len(units) > 1:
        raise TargetsError(path, None, "单位代码", f"文件含多个单位（{'、'.join(units)}），请用 --unit-code 指定",
                           f"the file holds several units ({', '.join(units)}): give --unit-code")
    return for_unit(rows, unit_code or units[0], path)


def _needs_target(fw: Framework, spec: IndicatorSpec) -> bool:
    """定量 indicators scored against a target (not those computed from a named source)."""
    if spec.kind != "定量":
        return False
    try:
        return "source" not in parse_params(fw.method(spec.method).params_text)
    except KeyError:
        return True


def apply_targets(fw: Framework, rows: Sequence[TargetRow], path: str = "") -> Framework:
    """``fw`` with one unit's approved targets and own indicators (all targets locked).

    A row whose 三级指标 (with 一级/二级 when given) names a framework indicator sets its
    年度目标值; it may not change what the framework fixes (分值, 评分方法, 指标类型, 计量单位,
    指标方向). Any other row is the unit's own indicator: it needs 一级指标, 二级指标 of a
    group with ``unit_points``, a framework 评分方法 and a 分值; each group's own 分值 must add
    up to its ``unit_points``, so the total stays 100. Every 定量 framework indicator scored
    against a target needs one.
    """
    specs = list(fw.indicators)
    reserved = {(l1, l2): pts for l1, l2, pts in fw.unit_points}
    codes = {m.code for m in fw.methods}
    given: dict[int, TargetRow] = {}
    own: list[TargetRow] = []
    for r in rows:
        hits = [i for i, s in enumerate(specs) if s.name == r.name
                and (not r.level1 or s.level1 == r.level1) and (not r.level2 or s.level2 == r.level2)]
        if len(hits) > 1:
            raise TargetsError(path, r.line, "三级指标", "对应框架中多个指标，请填写一级/二级指标",
                               "matches several framework indicators: give 一级/二级指标")
        if hits:
            s = specs[hits[0]]
            for col, mine, theirs in (("分值", r.weight, s.weight), ("评分方法", r.method, s.method),
                                      ("指标类型", r.kind, s.kind), ("计量单位", r.unit, s.unit),
                                      ("指标方向", r.direction, s.direction)):
                if mine not in (None, "") and mine != theirs:
                    raise TargetsError(path, r.line, col, f"框架已规定为 {theirs}，目标表不能改为 {mine}",
                                       f"the framework fixes it as {theirs}; the targets file cannot change it")
            given[hits[0]] = r
            continue
        for col, value in (("一级指标", r.level1), ("二级指标", r.level2), ("评分方法", r.method)):
            if not value:
                raise TargetsError(path, r.line, col, "单位个性指标（框架中没有的三级指标）必须填写",
                                   "required for the unit's own indicator (not in the framework)")
        if (r.level1, r.level2) not in reserved:
            groups = "、".join(f"{a}/{b}" for a, b in reserved) or "无"
            raise TargetsError(path, r.line, "二级指标",
                               f"{r.level1}/{r.level2} 不是框架为单位个性指标预留分值的分组（可用：{groups}）",
                               f"{r.level1}/{r.level2} keeps no points for the unit's own indicators")
        if r.method not in codes:
            raise TargetsError(path, r.line, "评分方法", f"{r.method} 不是框架的评分方法（{'、'.join(sorted(codes))}）",
                               "not a method of the framework")
        if r.weight is None or r.weight <= 0:
            raise TargetsError(path, r.line, "分值", "单位个性指标须有正的分值", "the unit's own indicator needs a weight")
        own.append(r)
    for (l1, l2), pts in reserved.items():
        group_rows = [r for r in own if (r.level1, r.level2) == (l1, l2)]
        total = sum((r.weight or Decimal(0) for r in group_rows), Decimal(0))
        if total != pts:
            line = group_rows[0].line if group_rows else None
            raise TargetsError(path, line, "分值", f"{l1}/{l2} 的单位个性指标分值合计 {total}，框架预留 {pts} 分",
                               f"own indicators of {l1}/{l2} add up to {total}; the framework keeps {pts} points")
    missing = [s.name for i, s in enumerate(specs) if i not in given and _needs_target(fw, s)]
    if missing:
        raise TargetsError(path, None, "年度目标值", f"缺少框架指标的目标值：{'、'.join(missing)}",
                           f"no target for framework indicators: {', '.join(missing)}")
    out: list[IndicatorSpec] = []
    for i, s in enumerate(specs):
        hit = given.get(i)
        note = s.note if hit is None else "；".join(x for x in (s.note, _source_note(hit)) if x)
        out.append(replace(s, target=hit.target if hit else s.target, note=note, target_approved=True))
        last_of_group = i + 1 == len(specs) or (specs[i + 1].level1, specs[i + 1].level2) != (s.level1, s.level2)
        if last_of_group:
            out.extend(_own_spec(o) for o in own if (o.level1, o.level2) == (s.level1, s.level2))
    placed = {(s.level1, s.level2) for s in specs}
    out.extend(_own_spec(o) for o in own if (o.level1, o.level2) not in placed)  # groups with no shared row
    result = replace(fw, indicators=tuple(_ordered(out, fw)), unit_points=())
    if result.total_weight() != 100:
        raise TargetsError(path, None, "分值", f"指标分值合计 {result.total_weight()} ≠ 100",
                           f"indicator weights add up to {result.total_weight()}, not 100")
    return result


def check_units(fw: Framework, rows: Sequence[TargetRow], path: str = "") -> tuple[str, ...]:
    """Apply every unit's rows to ``fw`` (as issuing will), so a bad file is refused when it is
    given, not unit by unit at issue; returns the unit codes."""
    units = units_in(rows)
    for code in units:
        apply_targets(fw, for_unit(rows, code, path), path)
    return units


def _source_note(r: TargetRow) -> str:
    parts = [f"目标值来源：{r.source}" if r.source else "", r.note]
    return "；".join(p for p in parts if p)


def _own_spec(r: TargetRow) -> IndicatorSpec:
    kind = r.kind or "定量"
    direction = r.direction or ("≥" if kind == "定量" else "=")
    return IndicatorSpec(r.level1, r.level2, r.name, kind, r.method, r.weight or Decimal(0), r.unit, direction,
                         r.target, _source_note(r), basis=OWN_BASIS + (f"：{r.source}" if r.source else ""),
                         standing="local", target_approved=True)


def _ordered(specs: list[IndicatorSpec], fw: Framework) -> list[IndicatorSpec]:
    """Group order as the framework lists its levels and groups (stable within a group)."""
    order = {(lv.name, g): (a, b) for a, lv in enumerate(fw.levels) for b, g in enumerate(lv.groups)}
    return sorted(specs, key=lambda s: order.get((s.level1, s.level2), (len(order), 0)))
