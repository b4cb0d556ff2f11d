"""The registry of scoring-method kinds: each a pure (value, formula) pair for one row.

Why: a scoring method is data (a ``Methods`` row: kind + ``参数``), and for every kind the
Python score and the live Excel formula are written side by side so they cannot drift; the
LibreOffice parity tests hold them equal. Both functions return the *raw* score in points
(before ``ROUND``), ``value`` also a short note. Bad parameters raise :class:`ParamError`.

Kinds (parameters as in the framework files):

- ``ratio``              W·min(cap, max(0, 完成率))                          ``cap=1``
- ``inverse_ratio``      W·min(cap, 目标/实际) (实际 0 → full)                 ``cap=1``
- ``deduct_per_pp``      max(floor, W − d·超出百分点), d = W·per_pp_share (derived from the weight)
                         or the typed per_pp of a v1 workbook  ``threshold; per_pp_share|per_pp; side; floor=0``
- ``bands``              W·share of the first band reached  ``edges=0.9,0.8; shares=1,0.8,0; side=high|low;
                         abs=1`` (bands on |x|: a deviation either way counts)
- ``linear``             W·clamp((x−zero)/(full−zero), 0, 1)                 ``full; zero``
- ``checklist``          count: min(W, per_item·min(items, x)); deduct: max(0, W − per_item·x)
- ``qualitative``        W·tiers[x], or W·评定比例 when the evaluator chose a share inside the tier's
                         band                  ``tiers=达成=1,部分达成=0.7,…; bands=达成=0.8~1,…``
- ``over_target_penalty`` like ratio, but W·(1−penalty) when 完成率−1 > threshold and 偏差原因 is blank
- ``timeliness``         财预〔2013〕53号 完成及时率 r = (计划−实际)/计划 (目标值 = 计划完成时间,
                         实际完成值 = 实际完成时间); r ≥ 0 (on time or early) → W, late → W·max(0, 1+r)
- ``categorical``        W·map[x]                                            ``map=无结余=1,…``

Example::

    k = KINDS["ratio"]
    k.value(Row(95.0, Target(100, 100), 10.0, "≥"), {"cap": "1"})     # (9.5, '')
    k.formula(Cells("J5", ("I5", "I5"), "F5", "≥"), {"cap": "1"})
    # 'F5*MIN(1,MAX(0,IF(I5=0,1,J5/I5)))'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from evaltool.scoring.completion import Target, achievement, achievement_formula
from evaltool.scoring.params import ParamError, choice, mapping, number, numbers
from evaltool.scoring.xl import ge, gt, le, lit, lt, text_lit

__all__ = ["Row", "Cells", "Kind", "KINDS", "register", "tier_share", "tier_formula", "xl_trim",
           "tier_bands", "in_band", "chosen_share", "timeliness_rate"]

P = Mapping[str, str]


@dataclass(frozen=True)
class Row:
    """Python inputs of one row: x (number, tier text or None), target, weight, direction,
    偏差原因 text and the evaluator's chosen share (评定比例; None when blank or absent)."""

    x: float | str | None
    target: Target | None
    weight: float
    direction: str
    reason: str = ""
    share: float | str | None = None


@dataclass(frozen=True)
class Cells:
    """Formula expressions of the same row: x, target (lo, hi), weight, direction, 偏差原因
    and 评定比例 cells ("" when the workbook has no such column)."""

    x: str
    target: tuple[str, str]
    weight: str
    direction: str
    reason: str = ""
    share: str = ""


@dataclass(frozen=True)
class Kind:
    name: str
    value: Callable[[Row, P], tuple[float, str]]
    formula: Callable[[Cells, P], str]
    needs_target: bool = False
    text_x: bool = False  # x is a tier name, not a number
    tier_key: str | None = None  # the parameter holding the tier map (qualitative/categorical)
    #: the 完成率/偏差率 column when it is neither the achievement nor x (value, formula)
    column: tuple[Callable[[Row], float | None], Callable[[Cells], str]] | None = None


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def _num(row: Row) -> float:
    assert isinstance(row.x, float)
    return row.x


def _target(row: Row) -> Target:
    assert row.target is not None
    return row.target


# --- ratio ---------------------------------------------------------------------------
def _ratio_v(row: Row, p: P) -> tuple[float, str]:
    cap = number(p, "cap", 1.0)
    c = achievement(_num(row), _target(row), row.direction)
    return row.weight * min(cap, max(0.0, c)), ""


def _ratio_f(c: Cells, p: P) -> str:
    cap = number(p, "cap", 1.0)
    return f"{c.weight}*MIN({lit(cap)},MAX(0,{achievement_formula(c.x, c.target, c.direction)}))"


register(Kind("ratio", _ratio_v, _ratio_f, needs_target=True))


# --- inverse_ratio ---------------------------------------------------------------------
def _inv_v(row: Row, p: P) -> tuple[float, str]:
    cap = number(p, "cap", 1.0)
    x, t = _num(row), _target(row).hi
    c = 1.0 if x == 0 else t / x
    return row.weight * min(cap, max(0.0, c)), ""


def _inv_f(c: Cells, p: P) -> str:
    cap = number(p, "cap", 1.0)
    return f"{c.weight}*MIN({lit(cap)},MAX(0,IF({c.x}=0,1,{c.target[1]}/{c.x})))"


register(Kind("inverse_ratio", _inv_v, _inv_f, needs_target=True))


# --- deduct_per_pp ---------------------------------------------------------------------
def _dpp(p: P) -> tuple[float, float | None, float | None, str, float]:
    """threshold, per_pp_share (of the weight) or per_pp (points, v1 workbooks), side, floor."""
    share = number(p, "per_pp_share", -1.0)
    per_pp = None if share >= 0 else number(p, "per_pp")
    return (number(p, "threshold"), share if share >= 0 else None, per_pp,
            choice(p, "side", ("above", "below")), number(p, "floor", 0.0))


def _dpp_v(row: Row, p: P) -> tuple[float, str]:
    threshold, share, per_pp, side, floor = _dpp(p)
    x = _num(row)
    excess = (x - threshold) * 100 if side == "above" else (threshold - x) * 100
    step = row.weight * share if share is not None else per_pp
    assert step is not None
    return max(floor, row.weight - step * max(0.0, excess)), ""


def _dpp_f(c: Cells, p: P) -> str:
    threshold, share, per_pp, side, floor = _dpp(p)
    diff = f"({c.x}-{lit(threshold)})" if side == "above" else f"({lit(threshold)}-{c.x})"
    step = f"{c.weight}*{lit(share)}" if share is not None else lit(per_pp or 0.0)
    return f"MAX({lit(floor)},{c.weight}-{step}*MAX(0,{diff}*100))"


register(Kind("deduct_per_pp", _dpp_v, _dpp_f))


# --- bands -----------------------------------------------------------------------------
def _bands(p: P) -> tuple[tuple[float, ...], tuple[float, ...], str]:
    edges, shares = numbers(p, "edges"), numbers(p, "shares")
    if len(shares) != len(edges) + 1:
        raise ParamError("score.param_bands_len", "shares", p.get("shares", ""))
    return edges, shares, choice(p, "side", ("high", "low"))


def _abs(p: P) -> bool:
    return choice(p, "abs", ("0", "1")) == "1"


def _bands_v(row: Row, p: P) -> tuple[float, str]:
    edges, shares, side = _bands(p)
    x = abs(_num(row)) if _abs(p) else _num(row)
    reached = ge if side == "high" else le
    for edge, share in zip(edges, shares, strict=False):
        if reached(x, edge):
            return row.weight * share, ""
    return row.weight * shares[-1], ""


def _bands_f(c: Cells, p: P) -> str:
    edges, shares, side = _bands(p)
    op = ">=" if side == "high" else "<="
    x = f"ABS({c.x})" if _abs(p) else c.x
    expr = lit(shares[-1])
    for edge, share in reversed(list(zip(edges, shares, strict=False))):
        expr = f"IF({x}{op}{lit(edge)},{lit(share)},{expr})"
    return f"{c.weight}*{expr}"


register(Kind("bands", _bands_v, _bands_f))


# --- linear ----------------------------------------------------------------------------
def _lin(p: P) -> tuple[float, float]:
    full, zero = number(p, "full"), number(p, "zero")
    if full == zero:
        raise ParamError("score.param_linear_equal", "zero", p.get("zero", ""))
    return full, zero


def _lin_v(row: Row, p: P) -> tuple[float, str]:
    full, zero = _lin(p)
    share = (_num(row) - zero) / (full - zero)
    return row.weight * max(0.0, min(1.0, share)), ""


def _lin_f(c: Cells, p: P) -> str:
    full, zero = _lin(p)
    return f"{c.weight}*MAX(0,MIN(1,({c.x}-{lit(zero)})/({lit(full)}-{lit(zero)})))"


register(Kind("linear", _lin_v, _lin_f))


# --- checklist -------------------------------------------------------------------------
def _chk(p: P) -> tuple[float, float, str]:
    return (number(p, "items"), number(p, "per_item", 1.0),
            choice(p, "mode", ("deduct", "count")))


def _chk_v(row: Row, p: P) -> tuple[float, str]:
    items, per_item, mode = _chk(p)
    x = _num(row)
    if mode == "count":
        return min(row.weight, per_item * min(items, x)), ""
    return max(0.0, row.weight - per_item * x), ""


def _chk_f(c: Cells, p: P) -> str:
    items, per_item, mode = _chk(p)
    if mode == "count":
        return f"MIN({c.weight},{lit(per_item)}*MIN({lit(items)},{c.x}))"
    return f"MAX(0,{c.weight}-{lit(per_item)}*{c.x})"


register(Kind("checklist", _chk_v, _chk_f))


# --- qualitative / categorical: text → share -------------------------------------------
def xl_trim(text: str) -> str:
    """Excel's ``TRIM``: runs of ASCII spaces collapse and the ends are cut; nothing else (a
    full-width space or a line break stays, so such a tier is reported, in Excel and here)."""
    return " ".join(part for part in text.split(" ") if part)


def tier_share(p: P, key: str, label: str) -> float | None:
    """The share of tier ``label`` (trimmed, case-insensitive as Excel's ``=``); None if unknown."""
    label = xl_trim(label).casefold()
    for name, share in mapping(p, key).items():
        if xl_trim(name).casefold() == label:
            return share
    return None


def tier_formula(p: P, key: str, x: str, default: str, share_cell: str = "") -> str:
    """Nested IFs mapping the trimmed ``x`` to its share; ``default`` for an unknown tier.

    With ``share_cell`` (the 评定比例 cell) and tier bands, a tier scores the chosen share when
    it is a number inside the tier's band, else the tier's default share.
    """
    expr = default
    trimmed = f"TRIM({x})"
    bands = tier_bands(p) if share_cell else {}
    for name, share in reversed(list(mapping(p, key).items())):
        value = lit(share)
        band = bands.get(xl_trim(name))
        if band is not None:
            lo, hi = band
            upper = f"{share_cell}<={lit(hi)}" if hi >= 1 else f"{share_cell}<{lit(hi)}"
            value = (f"IF(ISNUMBER({share_cell}),IF(AND({share_cell}>={lit(lo)},{upper}),"
                     f"{share_cell},{lit(share)}),{lit(share)})")
        expr = f"IF({trimmed}={text_lit(xl_trim(name))},{value},{expr})"
    return expr


def tier_bands(p: P) -> dict[str, tuple[float, float]]:
    """``bands=达成=0.8~1,部分达成=0.6~0.8,未达成=0~0.6`` → {tier: (lo, hi)}; {} when absent.

    A band is ``[lo, hi)``; the band reaching 1 is closed (``[0.8, 1]``), as 财预〔2020〕10号
    writes 100%–80%(含), 80%–60%(含), 60%–0%.
    """
    raw = p.get("bands", "")
    out: dict[str, tuple[float, float]] = {}
    for item in re.split(r"[,，、]", raw):
        if not item.strip():
            continue
        name, sep, rng = item.partition("=")
        lo, sep2, hi = rng.replace("～", "~").partition("~")
        if not sep or not sep2 or not name.strip():
            raise ParamError("param_bad_map", "bands", raw)
        try:
            out[xl_trim(name.strip())] = (float(lo), float(hi))
        except ValueError:
            raise ParamError("param_not_number", "bands", raw) from None
    return out


def in_band(share: float, band: tuple[float, float]) -> bool:
    lo, hi = band
    return ge(share, lo) and (le(share, hi) if hi >= 1 else lt(share, hi))


def chosen_share(p: P, tier: str, share: float | str | None) -> tuple[float | None, str]:
    """The share to score tier ``tier`` with: the evaluator's 评定比例 when it lies inside the
    tier's band, else the tier's default; and a code ("" | "score.share_out_of_band")."""
    default = tier_share(p, "tiers", tier)
    label = xl_trim(tier).casefold()
    band = next((b for name, b in tier_bands(p).items() if name.casefold() == label), None)
    if default is None or band is None or share is None or share == "":
        return default, ""
    if isinstance(share, str) or not in_band(float(share), band):
        return default, "score.share_out_of_band"
    return float(share), ""


def _tier_pair(key: str) -> tuple[Callable[[Row, P], tuple[float, str]], Callable[[Cells, P], str]]:
    def value(row: Row, p: P) -> tuple[float, str]:
        if key == "tiers" and p.get("bands"):
            share, code = chosen_share(p, str(row.x or ""), row.share)
            if share is None:
                return 0.0, "score.tier_unknown"
            return row.weight * share, code
        share = tier_share(p, key, str(row.x or ""))
        return (0.0, "score.tier_unknown") if share is None else (row.weight * share, "")

    def formula(c: Cells, p: P) -> str:
        if key == "tiers" and p.get("bands") and c.share:
            return f"{c.weight}*{tier_formula(p, key, c.x, '0', c.share)}"
        return f"{c.weight}*{tier_formula(p, key, c.x, '0')}"

    return value, formula


register(Kind("qualitative", *_tier_pair("tiers"), text_x=True, tier_key="tiers"))
register(Kind("categorical", *_tier_pair("map"), text_x=True, tier_key="map"))


# --- over_target_penalty ---------------------------------------------------------------
def _otp(p: P) -> tuple[float, float]:
    return number(p, "threshold", 0.3), number(p, "penalty", 0.2)


def _otp_v(row: Row, p: P) -> tuple[float, str]:
    threshold, penalty = _otp(p)
    c = achievement(_num(row), _target(row), row.direction)
    if gt(c - 1, threshold) and not xl_trim(row.reason or ""):
        return row.weight * max(0.0, 1 - penalty), "score.over_target"
    return row.weight * min(1.0, max(0.0, c)), ""


def _otp_f(c: Cells, p: P) -> str:
    threshold, penalty = _otp(p)
    a = achievement_formula(c.x, c.target, c.direction)
    over = f"{a}-1>{lit(threshold)}"
    if c.reason:
        over = f'AND({over},TRIM({c.reason})="")'
    return (f"{c.weight}*IF({over},MAX(0,1-{lit(penalty)}),"
            f"MIN(1,MAX(0,{a})))")


register(Kind("over_target_penalty", _otp_v, _otp_f, needs_target=True))


# --- timeliness (财预〔2013〕53号 完成及时率) --------------------------------------------------
def timeliness_rate(x: float, target: Target) -> float | None:
    """(计划完成时间 − 实际完成时间)/计划完成时间; None when the plan is 0."""
    plan = target.lo
    return None if plan == 0 else (plan - x) / plan


def _time_v(row: Row, p: P) -> tuple[float, str]:
    r = timeliness_rate(_num(row), _target(row))
    if r is None:
        return row.weight, ""
    return row.weight * (1.0 if ge(r, 0) else max(0.0, 1 + r)), ""


def _time_rate_f(c: Cells) -> str:
    return f"({c.target[0]}-{c.x})/{c.target[0]}"


def _time_f(c: Cells, p: P) -> str:
    r = _time_rate_f(c)
    return f"{c.weight}*IF({c.target[0]}=0,1,IF({r}>=0,1,MAX(0,1+{r})))"


def _time_col_v(row: Row) -> float | None:
    return timeliness_rate(_num(row), _target(row))


def _time_col_f(c: Cells) -> str:
    return f'IF({c.target[0]}=0,"",{_time_rate_f(c)})'


register(Kind("timeliness", _time_v, _time_f, needs_target=True, column=(_time_col_v, _time_col_f)))
