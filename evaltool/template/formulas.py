"""Live formulas the template writes for 完成率/偏差率 and 得分.

Why: the template must carry live formulas (cached value ``""``) so Excel/LibreOffice show
scores as soon as a department fills a row. The authoritative per-method formulas belong to
the scoring engine (``evaltool.scoring.formulas.indicator_formulas``); rows without a known
method (the spare rows) get these simple placeholders (same kinds and parameters).
Formulas are written in evaltool's row form (``[@实际完成值]``) and expanded to Excel's
``Indicators[[#This Row],[实际完成值]]`` by :func:`expand_row_refs`.

Example::

    ctx = RowContext(table="Indicators", row=5, column="得分", indicator=ind)
    formula_for(method, ctx)   # '=IF([@完成率/偏差率]="","",ROUND([@分值]*MIN(1,MAX(0,...
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evaltool.frameworks.schema import parse_map
from evaltool.model import Indicator, Method
from evaltool.scoring.formulas import indicator_formulas

RATE_COL = "完成率/偏差率"
SCORE_COL = "得分"
_ROW_REF = re.compile(r"\[@(?:\[([^\]]+)\]|([^\]\[]+))\]")


@dataclass(frozen=True)
class RowContext:
    """Where a formula goes: table, 1-based sheet row, the column, and the row's indicator."""

    table: str
    row: int
    column: str  # 完成率/偏差率 | 得分
    indicator: Indicator | None = None


def expand_row_refs(formula: str, table: str) -> str:
    """``[@实际完成值]`` -> ``Indicators[[#This Row],[实际完成值]]`` (what the file stores)."""
    return _ROW_REF.sub(lambda m: f"{table}[[#This Row],[{m.group(1) or m.group(2)}]]", formula)


def _num(text: str, default: str) -> str:
    try:
        float(text)
        return text
    except ValueError:
        return default


def _completion(m: Method) -> str:
    src = m.params.get("source")
    x = src or "[@实际完成值]"
    t = "[@年度目标值]"
    if m.kind in ("ratio", "over_target_penalty"):
        return f'=IF(NOT(ISNUMBER({x})),"",IF(AND(ISNUMBER({t}),{t}<>0),{x}/{t},""))'
    if m.kind == "inverse_ratio":
        return f'=IF(OR(NOT(ISNUMBER({x})),NOT(ISNUMBER({t}))),"",IF({x}=0,"",{t}/{x}))'
    if m.kind in ("qualitative", "categorical"):
        tiers = parse_map(m.params.get("tiers") or m.params.get("map") or "")
        expr = '""'
        for name, share in reversed(list(tiers.items())):
            expr = f'IF({x}="{name}",{_num(share, "0")},{expr})'
        return f'=IF({x}="","",{expr})'
    return f'=IF(ISNUMBER({x}),{x},"")'


def _bands(m: Method, k: str) -> str:
    edges = [e for e in m.params.get("edges", "").split(",") if e.strip()]
    shares = [s for s in m.params.get("shares", "").split(",") if s.strip()]
    op = "<=" if m.params.get("side", "high") == "low" else ">="
    expr = _num(shares[-1], "0") if shares else "0"
    for e, s in reversed(list(zip(edges, shares, strict=False))):
        expr = f"IF({k}{op}{_num(e, '0')},{_num(s, '0')},{expr})"
    return expr


def _score(m: Method) -> str:
    k, w, p = "[@完成率/偏差率]", "[@分值]", m.params
    cap = _num(p.get("cap", "1"), "1")
    if m.kind in ("ratio", "inverse_ratio"):
        pts = f"{w}*MIN({cap},MAX(0,{k}))"
    elif m.kind == "over_target_penalty":
        thr, pen = _num(p.get("threshold", "0.3"), "0.3"), _num(p.get("penalty", "0.2"), "0.2")
        pts = f"MAX(0,{w}*MIN(1,MAX(0,{k}))-IF({k}-1>{thr},{pen}*{w},0))"
    elif m.kind in ("qualitative", "categorical"):
        pts = f"{w}*{k}"
    elif m.kind == "bands":
        pts = f"{w}*{_bands(m, k)}"
    elif m.kind == "deduct_per_pp":
        thr, per, floor = (_num(p.get(n, d), d) for n, d in (("threshold", "0"), ("per_pp", "0"), ("floor", "0")))
        gap = f"({thr}-{k})" if p.get("side") == "below" else f"({k}-{thr})"
        pts = f"MAX({floor},{w}-{per}*MAX(0,{gap}*100))"
    elif m.kind == "linear":
        full, zero = _num(p.get("full", "1"), "1"), _num(p.get("zero", "0"), "0")
        pts = f"{w}*MIN(1,MAX(0,({k}-{zero})/({full}-{zero})))" if full != zero else f"{w}"
    elif m.kind == "checklist":
        per = _num(p.get("per_item", "1"), "1")
        pts = f"MAX(0,{w}-{k}*{per})" if p.get("mode") == "deduct" else f"MIN({w},MAX(0,{k}*{per}))"
    else:
        pts = f"{w}*MIN(1,MAX(0,{k}))"
    return f'=IF(OR({k}="",{w}=""),"",ROUND({pts},param_round_digits))'


def placeholder_formula(method: Method | None, ctx: RowContext) -> str:
    """evaltool's own simple formula for ``ctx.column`` (ratio-based when the method is unknown)."""
    m = method or Method(row=0, code="", name="", kind="ratio", params={"cap": "1"}, params_text="cap=1",
                         description="")
    return _completion(m) if ctx.column == RATE_COL else _score(m)


def formula_for(method: Method | None, ctx: RowContext) -> str | None:
    """The formula (row form, leading ``=``) for one indicator cell: scoring's, or the placeholder
    for a row without a known method (scoring raises ValueError for those)."""
    try:
        got = indicator_formulas(method, ctx)
    except ValueError:
        return placeholder_formula(method, ctx)
    text = got.get(ctx.column)
    if not text:
        return placeholder_formula(method, ctx)
    return text if text.startswith("=") else "=" + text
