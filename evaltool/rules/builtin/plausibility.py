"""Built-in plausibility check of the whole budget: PLAUS-1.

Why: a department that fills its entire budget in 万元 passes every rule that compares one of
its figures with another — they all shrink together. What gives it away is the scale against
the world: no department runs a year on 3,456.78 元, 118 staff cannot cost 29 元 a head, the
三公经费 cannot exceed the whole budget, and a note saying 单位：万元 on a sheet in 元 says so
outright. Strong evidence is an **error** (the return is kept out of the ranking and the
statistics, :func:`evaltool.model.disqualifying`), weak evidence a **warning**; each finding
gives the suggested reading (the figure × 10,000).

Thresholds are named parameters with documented defaults (:data:`DEFAULTS`); a bureau changes
one by adding a row with that name to the 参数 sheet of its template. The seed sample and the
demo's units raise none.

Example::

    list(BUILTINS["PLAUS-1"].run(ctx))   # [Finding(rule='PLAUS-1', cell='B5', message='资金总额 3,456.78 元…')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evaltool import contract as C
from evaltool.model import Finding
from evaltool.rules.builtin.base import Ctx, builtin, is_number, num
from evaltool.rules.messages import format_value

#: Named thresholds and their defaults (元, 元 per person, 元 per project).
DEFAULTS: dict[str, float] = {
    "plaus_min_budget": 10_000.0,  # 资金总额 below this: no department runs a year on less (error)
    "plaus_min_per_staff": 10_000.0,  # 资金总额 per 在职人员 below this (warning)
    "plaus_min_per_project": 1_000.0,  # 项目 年初预算数 per listed project below this (warning)
}
WAN = 10_000.0
#: A note on the budget sheet that declares the amounts to be in 万元.
WAN_NOTE = re.compile(r"(金额)?单位\s*[:：]?\s*万元|以万元(为单位|计)|[（(]\s*万元\s*[)）]")

_BUDGET_NAMES = ("budget_initial", "budget_adjusted", "final_expenditure")


def _money(v: float) -> str:
    return format_value(v, "money")


@builtin("PLAUS-1", "error", explain=True)
def whole_budget(ctx: Ctx) -> Iterator[Finding]:
    amounts = [(name, num(ctx.scalar(name))) for name in _BUDGET_NAMES]
    known = [(name, v) for name, v in amounts if v is not None and v > 0]
    if not known:
        return  # an empty budget is for the required-field rules
    name, budget = max(known, key=lambda x: x[1])
    sheet, cell = ctx.where(name)
    floor = ctx.param("plaus_min_budget", DEFAULTS["plaus_min_budget"])
    if budget < floor:
        yield ctx.finding("PLAUS-1.floor", sheet, cell, ctx.scalar(name), value=_money(budget), floor=_money(floor),
                          scaled=_money(budget * WAN))
    three = num(ctx.scalar("three_public_current"))
    if three is not None and three > budget:
        s3, c3 = ctx.where("three_public_current")
        yield ctx.finding("PLAUS-1.three_public", s3, c3, ctx.scalar("three_public_current"), value=_money(three),
                          budget=_money(budget), scaled=_money(budget * WAN))
    note = _wan_note(ctx)
    if note is not None:
        yield ctx.finding("PLAUS-1.note", note[0], note[1], note[2], note=note[2], scaled=_money(budget * WAN))
    staff = num(ctx.scalar("staff_actual"))
    per_staff = ctx.param("plaus_min_per_staff", DEFAULTS["plaus_min_per_staff"])
    if staff is not None and staff >= 1 and budget >= floor and budget / staff < per_staff:
        yield ctx.finding("PLAUS-1.per_staff", sheet, cell, ctx.scalar(name), severity="warning", value=_money(budget),
                          staff=f"{staff:g}", each=_money(budget / staff), floor=_money(per_staff))
    projects = [p.budget_initial for p in ctx.ev.projects if is_number(p.budget_initial)]
    total = float(sum(p for p in projects if p is not None))
    per_project = ctx.param("plaus_min_per_project", DEFAULTS["plaus_min_per_project"])
    if projects and total > 0 and total / len(projects) < per_project:
        t = ctx.ev.tables.get("Projects")
        where = (t.sheet, f"A{t.first_data_row}") if t is not None else ("", "")
        yield ctx.finding("PLAUS-1.per_project", *where, None, severity="warning", n=len(projects), value=_money(total),
                          each=_money(total / len(projects)), floor=_money(per_project))


def _wan_note(ctx: Ctx) -> tuple[str, str, str] | None:
    """The first text cell on the budget sheet that declares 万元: (sheet, cell, text)."""
    grid = ctx.ev.grids.get(C.BUDGET, ())
    for r, row in enumerate(grid, 1):
        for c, v in enumerate(row, 1):
            if isinstance(v, str) and WAN_NOTE.search(v):
                from evaltool.contract.a1 import column_letters

                return C.BUDGET, f"{column_letters(c)}{r}", v.strip()
    return None
