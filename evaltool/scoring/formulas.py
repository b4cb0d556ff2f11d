"""The template writer's hook: the live 完成率/偏差率 and 得分 formulas of an unfilled row.

Why: a template must show scores as soon as a department types its values in Excel/WPS, and
those formulas should be the scoring engine's own (same kinds, parameters, rounding, edge
rules) rather than a second copy. ``evaltool.template.formulas.formula_for`` uses
:func:`indicator_formulas` and falls back to its placeholders on ValueError (a row without a
known method). Text that Excel cannot read as a number (近800) leaves the
score blank here; ``evaltool score`` later writes the conservative bound.

Example::

    indicator_formulas(method, RowContext("Indicators", 5, "得分", ind))
    # {'完成率/偏差率': '=IF(OR([@实际完成值]="",…),"",IF([@年度目标值]=0,"",…))',
    #  '得分': '=IF(…,"",ROUND(…,param_round_digits))'}
"""

from __future__ import annotations

from typing import Any

from evaltool.model import Method
from evaltool.scoring.completion import norm_direction
from evaltool.scoring.indicators import RATE_COL, SCORE_COL, row_formulas
from evaltool.scoring.kinds import KINDS, Cells
from evaltool.scoring.params import parse_params

__all__ = ["indicator_formulas"]


def _ref(header: str) -> str:
    """evaltool's row form ``[@列名]``; the template expands it to ``Indicators[[#This Row],[列名]]``
    so the formula keeps pointing at its own row when rows are inserted."""
    return f"[@{header}]"


def indicator_formulas(method: Method | None, ctx: Any) -> dict[str, str]:
    """``{完成率/偏差率: formula, 得分: formula}`` in row form (``[@实际完成值]``).

    ``ctx`` is the template's ``RowContext`` (its ``indicator`` gives the direction). Raises
    ValueError for rows without a known method (the template then writes its placeholder).
    """
    if method is None or method.kind not in KINDS:
        raise ValueError("no scoring method for this row")
    kind = KINDS[method.kind]
    params = parse_params(method.params_text) if method.params_text else dict(method.params)
    ind = getattr(ctx, "indicator", None)
    direction = norm_direction(getattr(ind, "direction", "") if ind is not None else "")
    source = params.get("source", "").strip()
    x = source or _ref("实际完成值")
    blanks = [f'{x}=""'] + ([] if kind.text_x else [f"NOT(ISNUMBER({x}))"])
    zeros: list[str] = []
    i = _ref("年度目标值")
    target = (i, i)
    if kind.needs_target:
        if direction == "区间":
            target = (f'VALUE(LEFT({i},FIND("~",{i})-1))', f'VALUE(MID({i},FIND("~",{i})+1,99))')
            zeros = [f'{i}=""', f"ISERROR({target[0]})", f"ISERROR({target[1]})"]
        else:
            zeros = [f'{i}=""', f"ISERROR(VALUE({i}))"]
    cells = Cells(x, target, _ref("分值"), direction, _ref("偏差原因"), _ref("评定比例"))
    score, rate = row_formulas(kind, params, cells, blanks, zeros, "param_round_digits")
    return {RATE_COL: rate, SCORE_COL: score}
