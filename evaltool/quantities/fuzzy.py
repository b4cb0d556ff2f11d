"""Approximate Chinese quantities as intervals: 近800名, 三十余场次, 10余万人次, 约50, 逾千人.

Why: departments report actuals the way their annual reports read ("近800名青年参与",
"培训2400余人次"). Treating such text as 0 scores a real achievement as failure; treating
近800 as 800 over-scores it. ``parse_quantity`` turns the text into an :class:`Interval`
(frameworks.md §4.3), ``compare`` says whether it meets a target for sure, fails for sure or
cannot be decided, and scoring uses the conservative bound (:meth:`Interval.bound_for`).

Semantics (ε = ``epsilon``, default 0.1):

- ``N余`` / ``N多``: (N, N+step) open, step = place of the last non-zero digit (三十余 → (30, 40),
  10余万 → (100000, 200000), 2400余 → (2400, 2500), 千余 → (1000, 2000)).
- ``近N`` / ``将近N`` / ``接近N``: [N·(1−ε), N) — strictly below N.
- ``约N`` / ``大约N`` / ``N左右`` / ``N上下``: [N·(1−ε), N·(1+ε)].
- ``超过N`` / ``逾N`` / ``多于N`` / ``>N``: (N, ∞); ``N以上``: [N, ∞) (``above_inclusive``).
- ``不少于N`` / ``至少N`` / ``不低于N`` / ``≥N``: [N, ∞); ``不超过N`` / ``N以内`` / ``N以下`` / ``≤N``: (−∞, N].
- ``数十`` / ``几十`` → [20, 100); ``上百`` → [100, 200); ``数百`` → [200, 1000) … (always blur).
- ``X至Y`` / ``X-Y`` / ``X~Y`` / ``X到Y``: [X, Y].
- Chinese and mixed numerals (一百二十, 两千, 1.2万, 壹拾) are exact points; ``%`` divides by 100;
  a trailing unit (名, 人次, 场次, 项, 户 …) is stripped and kept in ``Interval.unit``.

Example:

>>> iv = parse_quantity("近800名")
>>> iv.low, iv.high, iv.low_closed, iv.high_closed, iv.blur, iv.unit
(720.0, 800.0, True, False, True, '名')
>>> compare(iv, "≥", 750)
'indeterminate'
>>> compare(parse_quantity("三十余场次"), "≥", 30)
'met'
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from evaltool.quantities.numerals import last_digit_step, read_number

__all__ = ["Interval", "parse_quantity", "compare", "Verdict", "UNITS", "fmt_number"]

Verdict = Literal["met", "not_met", "indeterminate"]

#: Units that may follow a Chinese-only numeral (after Arabic digits any digit-free unit is fine).
UNITS: tuple[str, ...] = (
    "人次", "场次", "户次", "条次", "篇次", "册次", "家次", "个百分点", "平方米", "小时", "课时", "学时",
    "公里", "千米", "万元", "亿元", "名", "人", "场", "项", "户", "次", "个", "件", "条", "家", "所",
    "篇", "期", "批", "天", "日", "月", "年", "元", "份", "本", "册", "台", "套", "辆", "处", "座", "支",
    "只", "位", "组", "类", "种", "张", "部", "间", "米", "吨", "站", "栋", "幢", "节", "门", "起", "例",
    "块", "所", "趟", "轮", "届", "对", "双", "单", "笔", "分", "%",
)

_PREFIX: tuple[tuple[str, str], ...] = (
    ("将近", "near"), ("接近", "near"), ("近", "near"),
    ("大约", "about"), ("大概", "about"), ("约", "about"),
    ("不少于", "ge"), ("不低于", "ge"), ("至少", "ge"), ("最少", "ge"), (">=", "ge"),
    ("不超过", "le"), ("不多于", "le"), ("不高于", "le"), ("最多", "le"), ("至多", "le"), ("<=", "le"),
    ("超过", "gt"), ("多于", "gt"), ("高于", "gt"), ("大于", "gt"), ("逾", "gt"), (">", "gt"),
    ("少于", "lt"), ("低于", "lt"), ("小于", "lt"), ("不足", "lt"), ("不到", "lt"), ("<", "lt"),
    ("共计", ""), ("累计", ""), ("合计", ""), ("达到", ""), ("共", ""), ("达", ""), ("计", ""), ("=", ""),
)
_SUFFIX: tuple[tuple[str, str], ...] = (
    ("左右", "about"), ("上下", "about"), ("以上", "above"), ("开外", "gt"), ("有余", "more"),
    ("以下", "le"), ("以内", "le"), ("之内", "le"),
)
_BLUR_WORD = re.compile(r"^(数|几|上|成)(十|百|千|万)(万|亿)?")
_BLUR_SCALE = {"十": 10, "百": 100, "千": 1000, "万": 10_000}
_RANGE_SEP = re.compile(r"(?<=[\d十百千万亿余多%一二两三四五六七八九零〇名人次场项户个件])(?:至|到|~|-|—|–)")
_SPACE = re.compile(r"\s+")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


@dataclass(frozen=True)
class Interval:
    """A quantity as an interval; a plain number is the point ``[n, n]``.

    ``blur`` marks an approximate wording (近/约/余/数十 …); bounds from 不少于/超过/至 are
    intervals but not blur. ``note`` says in Chinese how the text was read.
    """

    low: float
    high: float
    low_closed: bool
    high_closed: bool
    blur: bool
    text: str
    note: str = ""
    unit: str = ""

    @property
    def is_point(self) -> bool:
        return self.low == self.high and self.low_closed and self.high_closed

    def contains(self, x: float) -> bool:
        above = x > self.low or (self.low_closed and x == self.low)
        below = x < self.high or (self.high_closed and x == self.high)
        return above and below

    def bound_for(self, direction: str) -> float:
        """The conservative bound for scoring: the low end for ≥/=/区间, the high end for ≤."""
        d = _direction(direction)
        return self.high if d == "le" else self.low

    def describe(self) -> str:
        """The interval in mathematical notation, numbers readable: ``[720, 800)``."""
        if self.is_point:
            return fmt_number(self.low)
        left = "[" if self.low_closed and math.isfinite(self.low) else "("
        right = "]" if self.high_closed and math.isfinite(self.high) else ")"
        return f"{left}{fmt_number(self.low)}, {fmt_number(self.high)}{right}"


def fmt_number(x: float) -> str:
    """A bound readably: integers without ``.0``, 10 significant digits, ±∞ for open ends."""
    if math.isinf(x):
        return "+∞" if x > 0 else "−∞"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return format(x, ".10g")


def _normalize(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    s = s.replace("≥", ">=").replace("≤", "<=").replace("～", "~").replace("〜", "~")
    s = _SPACE.sub("", s)
    return _THOUSANDS.sub("", s)


def _unit_ok(unit: str, arabic: bool) -> bool:
    if not unit:
        return True
    if any(ch.isdigit() for ch in unit) or re.search(r"[一二两三四五六七八九十百千万亿]", unit[:1]):
        return False
    return arabic or unit.startswith(UNITS)


def _core(s: str) -> tuple[Decimal, Decimal, bool, bool, bool, str, str] | None:
    """Read the number part: (low, high, low_closed, high_closed, blur, unit, kind)."""
    m = _BLUR_WORD.match(s)
    if m:
        scale = Decimal(_BLUR_SCALE[m.group(2)]) * (
            {"万": 10_000, "亿": 100_000_000}.get(m.group(3) or "", 1)
        )
        lo, hi = (Decimal(1), Decimal(2)) if m.group(1) in "上成" else (Decimal(2), Decimal(10))
        unit = s[m.end():]
        if not _unit_ok(unit, False):
            return None
        return lo * scale, hi * scale, True, False, True, unit, "blurword"
    run = read_number(s)
    if run is None:
        return None
    unit = s[run.end:]
    pct = unit.startswith("%")
    if pct:
        unit = unit[1:]
    if not _unit_ok(unit, run.arabic):
        return None
    v = run.value / 100 if pct else run.value
    if run.more:
        step = last_digit_step(run.value) / (100 if pct else 1)
        return v, v + step, False, False, True, ("%" if pct else "") + unit, "more"
    return v, v, True, True, False, ("%" if pct else "") + unit, "point"


def _simple(s: str, epsilon: float, above_inclusive: bool) -> Interval | None:
    text = s
    prefix = ""
    for word, kind in _PREFIX:
        if s.startswith(word):
            prefix, s = kind, s[len(word):]
            break
    suffix = ""
    for word, kind in _SUFFIX:
        if s.endswith(word):
            suffix, s = kind, s[: -len(word)]
            break
    if s.startswith("-") and not prefix:
        core = _core(s[1:])
        if core is None or core[6] != "point":
            return None
        lo, hi, lc, hc, blur, unit, kind = core
        lo, hi = -hi, -lo
    else:
        core = _core(s)
        if core is None:
            return None
        lo, hi, lc, hc, blur, unit, kind = core
    eps = Decimal(str(epsilon))
    low, high = lo, hi
    mode = prefix or suffix
    if prefix and suffix and suffix != "more":
        mode = prefix if prefix in ("near", "about") else suffix
    note = ""
    if mode == "near":
        low, high, lc, hc, blur = lo * (1 - eps), lo, True, False, True
        note = f"“近N”按 [N×(1−{eps}), N) 理解"
    elif mode == "about":
        low, high, lc, hc, blur = lo * (1 - eps), hi * (1 + eps), True, True, True
        note = f"“约N/N左右”按 [N×(1−{eps}), N×(1+{eps})] 理解"
    elif mode == "more":
        low, high, lc, hc, blur = lo, lo + last_digit_step(lo), False, False, True
    flow, fhigh = float(low), float(high)
    if mode == "ge" or (mode == "above" and above_inclusive):
        fhigh, hc = math.inf, False
    elif mode in ("gt", "above"):
        fhigh, lc, hc = math.inf, False, False
    elif mode == "le":
        flow, lc = -math.inf, False
    elif mode == "lt":
        flow, fhigh, lc, hc = -math.inf, flow, False, False
    if not note:
        note = {"more": "“N余/N多”按 (N, N+位值) 理解", "blurword": "“数十/上百”类表述，区间很宽"}.get(kind, "")
    return Interval(flow, fhigh, lc, hc, blur, text, note, unit.lstrip("%"))


def parse_quantity(
    text: object, *, epsilon: float = 0.1, above_inclusive: bool = True
) -> Interval | None:
    """Read ``text`` as a quantity interval, or None when it is not a quantity (达成预期, 效果明显).

    Numbers (int/float/Decimal) are exact points. ``epsilon`` is the tolerance of 近/约;
    ``above_inclusive`` reads N以上 as [N, ∞) (legal usage) rather than (N, ∞).
    """
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float, Decimal)):
        f = float(text)
        if not math.isfinite(f):
            return None
        return Interval(f, f, True, True, False, str(text))
    if not isinstance(text, str):
        return None
    s = _normalize(text)
    if not s:
        return None
    m = _RANGE_SEP.search(s)
    if m and m.start() > 0:
        a = _simple(s[: m.start()], epsilon, above_inclusive)
        b = _simple(s[m.end():], epsilon, above_inclusive)
        if a is not None and b is not None and a.low <= b.high:
            unit = b.unit or a.unit
            return Interval(a.low, b.high, a.low_closed, b.high_closed, a.blur or b.blur, text,
                            "“X至Y”按闭区间 [X, Y] 理解", unit)
    iv = _simple(s, epsilon, above_inclusive)
    if iv is None:
        return None
    return Interval(iv.low, iv.high, iv.low_closed, iv.high_closed, iv.blur, text, iv.note, iv.unit)


def _direction(direction: str) -> str:
    d = unicodedata.normalize("NFKC", str(direction or "")).strip()
    return {
        ">=": "ge", "≥": "ge", "≧": "ge", ">": "gt", "<=": "le", "≤": "le", "≦": "le", "<": "lt",
        "=": "eq", "==": "eq", "区间": "range", "": "ge",
    }.get(d, "ge")


def compare(interval: Interval, direction: str, target: object) -> Verdict:
    """Does a fuzzy actual meet ``target`` under ``direction`` (≥ ≤ = 区间, or > <)?

    ``met`` when every value of the interval satisfies it, ``not_met`` when none does,
    ``indeterminate`` otherwise. ``target`` is a number, a numeric text or, for 区间, a text
    ``a~b`` or an :class:`Interval`.
    """
    t = target if isinstance(target, Interval) else parse_quantity(target)
    if t is None:
        return "indeterminate"
    d = _direction(direction)
    iv = interval
    if d == "range" or not t.is_point:
        lo_t, hi_t = t.low, t.high
        if d == "le" and not t.is_point:
            lo_t = -math.inf
        if d == "ge" and not t.is_point:
            lo_t, hi_t = t.low, math.inf
        inside = iv.low >= lo_t and iv.high <= hi_t
        outside = iv.high < lo_t or iv.low > hi_t or (iv.high == lo_t and not iv.high_closed) or (
            iv.low == hi_t and not iv.low_closed
        )
        return "met" if inside else "not_met" if outside else "indeterminate"
    x = t.low
    if d == "ge":
        if iv.low >= x:
            return "met"
        return "not_met" if iv.high < x or (iv.high == x and not iv.high_closed) else "indeterminate"
    if d == "gt":
        if iv.low > x or (iv.low == x and not iv.low_closed):
            return "met"
        return "not_met" if iv.high <= x else "indeterminate"
    if d == "le":
        if iv.high <= x:
            return "met"
        return "not_met" if iv.low > x or (iv.low == x and not iv.low_closed) else "indeterminate"
    if d == "lt":
        if iv.high < x or (iv.high == x and not iv.high_closed):
            return "met"
        return "not_met" if iv.low >= x else "indeterminate"
    # eq
    if iv.is_point:
        return "met" if iv.low == x else "not_met"
    return "indeterminate" if iv.contains(x) else "not_met"
