"""Built-in checks on what kind of value a cell holds: TYPE-1, NUM-1, NUM-2, TGT-1M.

Why: a money cell holding text silently drops out of every SUM; a 定量 actual typed as
"达成预期指标" cannot be scored; "近800名" can, as an interval — but the filler must know how
it was read. Which cells must be numbers is data (:mod:`evaltool.rules.fields`).

Example::

    list(BUILTINS["NUM-1"].run(ctx))   # [Finding(rule='NUM-1', cell='J12', code='NUM-1.fuzzy', …)]
"""

from __future__ import annotations

from collections.abc import Iterator

from evaltool import contract as C
from evaltool.formula.memory import cell_name
from evaltool.model import Finding, Indicator, Text
from evaltool.quantities import percent_in_wrong_unit
from evaltool.quantities.fuzzy import Interval, compare, fmt_number, parse_quantity
from evaltool.rules.builtin.base import Ctx, builtin, is_number
from evaltool.rules.fields import COUNT_NAMES, MONEY_COLUMNS, MONEY_NAMES, SHARE_NAMES

_VERDICT = {"met": "NUM-1.met", "not_met": "NUM-1.not_met", "indeterminate": "NUM-1.indeterminate"}


def _col(ctx: Ctx, table: str, column: str) -> int | None:
    t = ctx.ev.tables.get(table)
    if t is None or column not in t.headers:
        return None
    return t.first_col + t.headers.index(column)


def _ind_cell(ctx: Ctx, ind: Indicator, column: str) -> str:
    c = _col(ctx, "Indicators", column)
    return cell_name(ind.row, c) if c else ""


def _sheet(ctx: Ctx, table: str, default: str) -> str:
    t = ctx.ev.tables.get(table)
    return t.sheet if t is not None else default


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


@builtin("TYPE-1", "error")
def type_checks(ctx: Ctx) -> Iterator[Finding]:
    seen: set[tuple[str, str]] = set()
    for f in _type_checks(ctx):
        if (f.sheet, f.cell) not in seen:
            seen.add((f.sheet, f.cell))
            yield f


def _type_checks(ctx: Ctx) -> Iterator[Finding]:
    ev = ctx.ev
    for name in (*MONEY_NAMES, *COUNT_NAMES, *SHARE_NAMES):
        v = ctx.scalar(name)
        if not _blank(v) and not is_number(v):
            sheet, cell = ctx.where(name)
            yield ctx.finding("TYPE-1.name", sheet, cell, v, label=_label(ctx, name), value=v)
    for table, columns in MONEY_COLUMNS.items():
        t = ev.tables.get(table)
        if t is None:
            continue
        for column in columns:
            c = _col(ctx, table, column)
            if c is None:
                continue
            for i in range(t.n_rows):
                row = t.first_data_row + i
                typed = ctx.r.raw(t.sheet, row, c)
                if isinstance(typed, str) and typed.strip():
                    yield ctx.finding("TYPE-1.column", t.sheet, cell_name(row, c), typed, table=t.sheet, row=row,
                                      column=column, value=typed)
    sheet = _sheet(ctx, "Indicators", C.INDICATORS)
    for ind in ev.indicator_rows:
        if not _blank(ind.level3) and isinstance(ind.weight, str):
            yield ctx.finding("TYPE-1.weight", sheet, _ind_cell(ctx, ind, "分值"), ind.weight, name=ind.level3,
                              value=ind.weight)
        if ind.kind == "定量" and percent_in_wrong_unit(ind.actual, ind.unit):
            yield ctx.finding("TYPE-1.percent", sheet, _ind_cell(ctx, ind, "实际完成值"), ind.actual,
                              name=ind.level3, value=ind.actual, unit=ind.unit.strip())
        if ind.kind == "定量" and isinstance(ind.actual, str) and ind.actual.strip():
            if parse_quantity(ind.actual, epsilon=ctx.param("fuzzy_epsilon", 0.1)) is None:
                yield ctx.finding("TYPE-1.actual", sheet, _ind_cell(ctx, ind, "实际完成值"), ind.actual,
                                  name=ind.level3, value=ind.actual)


@builtin("TYPE-2", "error")
def formulas_in_text_inputs(ctx: Ctx) -> Iterator[Finding]:
    """A formula typed where plain text belongs (单位名称 =HYPERLINK(…)): the value other
    readers see is empty or a link's text, so the summary would show no unit name."""
    at = {(loc.sheet, loc.ref.replace("$", "")): name for name, loc in ctx.ev.names.items()}
    for (sheet, cell), formula in ctx.ev.input_formulas.items():
        name = at.get((sheet, cell), "")
        yield ctx.finding("TYPE-2.formula", sheet, cell, formula, label=_label(ctx, name) if name else cell,
                          where=f"{sheet}!{cell}", formula=formula[:60])


def _label(ctx: Ctx, name: str) -> str:
    """A readable label for a name: column A's text on its row (评价项目涉及金额（元）), or
    for a cell inside a table, the column header and the row's label (年初预算数（资金总额）)."""
    sheet, cell = ctx.where(name)
    grid = ctx.ev.grids.get(sheet)
    if not grid or not cell:
        return name
    from evaltool.formula.memory import parse_a1

    r, c, _, _ = parse_a1(cell)
    row = grid[r - 1] if r - 1 < len(grid) else ()
    first = row[0] if row else None
    for t in ctx.ev.tables.values():
        if t.sheet == sheet and t.first_data_row <= r <= t.last_data_row and c > t.first_col:
            i = c - t.first_col
            if i < len(t.headers):
                return f"{t.headers[i]}（{first}）" if isinstance(first, str) and first.strip() else t.headers[i]
    if c >= 2 and isinstance(first, str) and first.strip():
        return first.strip()
    return name


def _fuzzy_note(iv: Interval) -> Text:
    return Text("NUM-1.interval", {"range": iv.describe()})


@builtin("NUM-1", "warning", explain=True)
def fuzzy_actuals(ctx: Ctx) -> Iterator[Finding]:
    eps = ctx.param("fuzzy_epsilon", 0.1)
    sheet = _sheet(ctx, "Indicators", C.INDICATORS)
    for ind in ctx.ev.indicator_rows:
        if ind.kind != "定量" or not isinstance(ind.actual, str):
            continue
        iv = parse_quantity(ind.actual, epsilon=eps)
        if iv is None or iv.is_point:
            continue
        cell = _ind_cell(ctx, ind, "实际完成值")
        interval = _fuzzy_note(iv)
        target = parse_quantity(ind.target, epsilon=eps)
        if target is None:
            yield ctx.finding("NUM-1.fuzzy_no_target", sheet, cell, ind.actual, name=ind.level3, value=ind.actual,
                              interval=interval)
            continue
        verdict = compare(iv, ind.direction or "≥", target)
        no_reason = verdict != "met" and not ind.reason.strip()
        yield ctx.finding(
            "NUM-1.fuzzy", sheet, cell, ind.actual, name=ind.level3, value=ind.actual, interval=interval,
            direction=ind.direction or "≥", target=_target_text(ind.target), verdict=Text(_VERDICT[verdict]),
            reason=Text("NUM-1.no_reason") if no_reason else "", bound=fmt_number(iv.bound_for(ind.direction or "≥")),
        )


def _target_text(v: object) -> str:
    if is_number(v):
        from evaltool.formula.coerce import number_to_text

        return number_to_text(float(v))  # type: ignore[arg-type]
    return str(v)


@builtin("NUM-2", "info")
def chinese_numerals(ctx: Ctx) -> Iterator[Finding]:
    sheet = _sheet(ctx, "Indicators", C.INDICATORS)
    for ind in ctx.ev.indicator_rows:
        if ind.kind != "定量" or not isinstance(ind.actual, str):
            continue
        iv = parse_quantity(ind.actual)
        if iv is not None and iv.is_point:
                yield ctx.finding("NUM-2.point", sheet, _ind_cell(ctx, ind, "实际完成值"), ind.actual, name=ind.level3,
                              value=ind.actual, number=fmt_number(iv.low))


@builtin("TGT-1M", "error")
def measurable_targets(ctx: Ctx) -> Iterator[Finding]:
    sheet = _sheet(ctx, "Indicators", C.INDICATORS)
    for ind in ctx.ev.indicator_rows:
        if ind.kind != "定量" or _blank(ind.target):
            continue
        iv = parse_quantity(ind.target)
        cell = _ind_cell(ctx, ind, "年度目标值")
        if iv is None:
            yield ctx.finding("TGT-1M.target", sheet, cell, ind.target, name=ind.level3, value=ind.target)
        elif ind.direction == "区间" and iv.is_point:
            yield ctx.finding("TGT-1M.range", sheet, cell, ind.target, name=ind.level3, value=ind.target)
