"""Built-in check REQ-1: a total left blank while its parts are filled in.

Why: a filler who leaves 资金总额's 全年执行数（决算数） blank but fills 财政拨款/上年结转 has
forgotten one cell; the sum rule (SUM-1C) would say "全年执行数（0.00）应等于…", which
reads like a wrong figure. One finding in the filler's terms — 未填写 — names the cell; the
engine drops the consequences (see ``evaltool.rules.engine.one_per_cause``).

Example::

    list(BUILTINS["REQ-1"].run(ctx))   # [Finding(rule='REQ-1', cell='D5', code='REQ-1.blank', …)]
"""

from __future__ import annotations

from collections.abc import Iterator

from evaltool.formula.memory import parse_a1
from evaltool.model import Finding
from evaltool.rules.builtin.base import Ctx, builtin, is_number
from evaltool.rules.builtin.types import _label

#: Totals on the Budget table's first row whose parts are the rows below it.
TOTALS = ("budget_initial", "budget_adjusted", "final_expenditure")


@builtin("REQ-1", "error")
def required_totals(ctx: Ctx) -> Iterator[Finding]:
    t = ctx.ev.tables.get("Budget")
    if t is None:
        return
    for name in TOTALS:
        v = ctx.scalar(name)
        sheet, cell = ctx.where(name)
        if not cell or sheet != t.sheet or (v is not None and not (isinstance(v, str) and not v.strip())):
            continue
        row, col, _, _ = parse_a1(cell)
        parts = [ctx.r.raw(sheet, r, col) for r in range(row + 1, t.last_data_row + 1)]
        if any(is_number(p) for p in parts):
            yield ctx.finding("REQ-1.blank", sheet, cell, None, label=_label(ctx, name))
