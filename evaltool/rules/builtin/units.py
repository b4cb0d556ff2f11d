"""Built-in unit sanity checks: UNIT-1 (元 vs 万元, > 2 decimals) and UNIT-2 (percent encoding).

Why: the template is in 元 to the fen, but fillers copy figures from 万元 tables — the
Xicheng report itself says its 18 evaluated projects involve "604.91元" against an
18,902,744.60 元 budget, i.e. almost certainly 604.91 万元. Magnitude is a heuristic, so these
are warnings a filler may explain (出错说明). Which amounts must be a sizeable part of which
reference is data (``PARTS``), and which pairs hold the same quantity (``SAME``).

Example::

    list(BUILTINS["UNIT-1"].run(ctx))   # [Finding(rule='UNIT-1', cell='B21', code='UNIT-1.small', …)]
"""

from __future__ import annotations

from collections.abc import Iterator

from evaltool import contract as C
from evaltool.formula.memory import cell_name
from evaltool.model import Finding
from evaltool.rules.builtin.base import Ctx, builtin, is_number, num
from evaltool.rules.builtin.types import _label
from evaltool.rules.fields import MONEY_COLUMNS, MONEY_NAMES, SHARE_NAMES
from evaltool.rules.messages import format_value

#: (amount, reference, minimum plausible share): an amount that is a part of a reference.
#: Below the share, and fitting the reference once read as 万元, it is likely in 万元.
PARTS: tuple[tuple[str, str, float], ...] = (
    ("projects_evaluated_amount", "budget_initial", 0.001),
    ("project_spend_total", "final_expenditure", 0.001),
    ("key_project_spend", "final_expenditure", 0.001),
)
#: Pairs that state the same quantity (name, table column summed); a ratio near 10⁴ means
#: one of them is in 万元.
SAME: tuple[tuple[str, str, str], ...] = (
    ("project_spend_total", "Projects", "全年执行数"),
)
WAN = 10_000.0
_RATIO_TOL = 0.005


def _money(ctx: Ctx, value: float) -> str:
    return format_value(value, "money")


@builtin("UNIT-1", "warning", explain=True)
def money_units(ctx: Ctx) -> Iterator[Finding]:
    for name, ref_name, min_share in PARTS:
        x, ref = num(ctx.scalar(name)), num(ctx.scalar(ref_name))
        if x is None or ref is None or x <= 0 or ref <= 0:
            continue
        if x < ref * min_share and x * WAN <= ref * 1.05:
            sheet, cell = ctx.where(name)
            yield ctx.finding("UNIT-1.small", sheet, cell, ctx.scalar(name), label=_label(ctx, name), value=_money(ctx, x),
                              ref_label=_label(ctx, ref_name), ref=_money(ctx, ref),
                              share=_share(x / ref), scaled=_money(ctx, x * WAN))
    for name, table, column in SAME:
        x = num(ctx.scalar(name))
        t = ctx.ev.tables.get(table)
        if x is None or x <= 0 or t is None or column not in t.headers:
            continue
        c = t.first_col + t.headers.index(column)
        parts = [num(ctx.r.raw(t.sheet, t.first_data_row + i, c)) for i in range(t.n_rows)]
        total = sum(p for p in parts if p is not None)
        if total <= 0:
            continue
        ratio = x / total
        if any(abs(ratio / k - 1) <= _RATIO_TOL for k in (WAN, 1 / WAN)):
            sheet, cell = ctx.where(name)
            yield ctx.finding("UNIT-1.pair", sheet, cell, ctx.scalar(name), label=_label(ctx, name), value=_money(ctx, x),
                              other_label=f"{t.sheet}“{column}”", other=_money(ctx, total))
    for name in MONEY_NAMES:
        v = ctx.scalar(name)
        if is_number(v) and _decimals(v) > 2:
            sheet, cell = ctx.where(name)
            yield ctx.finding("UNIT-1.decimals", sheet, cell, v, label=_label(ctx, name), value=_plain(v))
    for table, columns in MONEY_COLUMNS.items():
        t = ctx.ev.tables.get(table)
        if t is None:
            continue
        for column in columns:
            if column not in t.headers:
                continue
            c = t.first_col + t.headers.index(column)
            for i in range(t.n_rows):
                row = t.first_data_row + i
                cell_v = _grid(ctx, t.sheet, row, c)
                if is_number(cell_v) and _decimals(cell_v) > 2:
                    yield ctx.finding("UNIT-1.decimals", t.sheet, cell_name(row, c), cell_v,
                                      label=f"{t.sheet}第 {row} 行“{column}”", value=_plain(cell_v))


def _share(x: float) -> str:
    """A small share readably: 0.0032% rather than 0.00%."""
    pct = x * 100
    return (f"{pct:.2f}" if pct >= 0.01 else f"{pct:.2g}") + "%"


def _grid(ctx: Ctx, sheet: str, row: int, col: int) -> object:
    grid = ctx.ev.grids.get(sheet, ())
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def _plain(v: object) -> str:
    from evaltool.formula.coerce import number_to_text

    return number_to_text(float(v))  # type: ignore[arg-type]


def _decimals(v: object) -> int:
    """Decimal places of a number as a spreadsheet shows it (15 significant digits)."""
    text = _plain(v)
    if "E" in text or "." not in text:
        return 0
    return len(text.split(".", 1)[1])


@builtin("UNIT-2", "warning", explain=True)
def percent_encoding(ctx: Ctx) -> Iterator[Finding]:
    for name in SHARE_NAMES:
        v = num(ctx.scalar(name))
        if v is not None and v > 1.5:
            sheet, cell = ctx.where(name)
            yield ctx.finding("UNIT-2.share", sheet, cell, ctx.scalar(name), label=_label(ctx, name), value=_plain(v))
    t = ctx.ev.tables.get("Indicators")
    for ind in ctx.ev.indicator_rows:
        if ind.kind != "定量" or ind.unit.strip() not in ("%", "％", "百分比"):
            continue
        tv, av = num(ind.target), num(ind.actual)
        if tv is None or av is None:
            continue
        if (tv <= 1.5) != (av <= 1.5) and max(tv, av) <= 150:
            col = t.first_col + t.headers.index("实际完成值") if t is not None and "实际完成值" in t.headers else 10
            yield ctx.finding("UNIT-2.indicator", t.sheet if t is not None else C.INDICATORS, cell_name(ind.row, col),
                              ind.actual, name=ind.level3, target=_plain(tv), actual=_plain(av))
