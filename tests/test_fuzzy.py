"""Fuzzy Chinese quantities: hand-computed intervals and properties (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evaltool.quantities.fuzzy import compare, parse_quantity

INF = math.inf


@pytest.mark.parametrize(
    ("text", "low", "high", "lc", "hc", "blur", "unit"),
    [
        ("近800名", 720, 800, True, False, True, "名"),  # 800 × 0.9 = 720, strictly below 800
        ("将近800", 720, 800, True, False, True, ""),
        ("近千", 900, 1000, True, False, True, ""),
        ("三十余场次", 30, 40, False, False, True, "场次"),
        ("二十余场次", 20, 30, False, False, True, "场次"),
        ("80余次", 80, 90, False, False, True, "次"),
        ("10余万", 100_000, 200_000, False, False, True, ""),
        ("10 余万人次", 100_000, 200_000, False, False, True, "人次"),
        ("2400余人次", 2400, 2500, False, False, True, "人次"),
        ("二百余条次", 200, 300, False, False, True, "条次"),
        ("千余人次", 1000, 2000, False, False, True, "人次"),
        ("百余名", 100, 200, False, False, True, "名"),
        ("万余人次", 10_000, 20_000, False, False, True, "人次"),
        ("三十余万", 300_000, 400_000, False, False, True, ""),
        ("3000多", 3000, 4000, False, False, True, ""),
        ("约800人", 720, 880, True, True, True, "人"),
        ("800左右", 720, 880, True, True, True, ""),
        ("50上下", 45, 55, True, True, True, ""),
        ("800以上", 800, INF, True, False, False, ""),
        ("不少于5项", 5, INF, True, False, False, "项"),
        ("至少5", 5, INF, True, False, False, ""),
        ("超过10", 10, INF, False, False, False, ""),
        ("逾千人", 1000, INF, False, False, False, "人"),
        ("不超过3", -INF, 3, False, True, False, ""),
        ("5户以内", -INF, 5, False, True, False, "户"),
        ("数十场", 20, 100, True, False, True, "场"),
        ("几十", 20, 100, True, False, True, ""),
        ("上百", 100, 200, True, False, True, ""),
        ("数百", 200, 1000, True, False, True, ""),
        ("30至40", 30, 40, True, True, False, ""),
        ("30-40", 30, 40, True, True, False, ""),
        ("30~40人", 30, 40, True, True, False, "人"),
        ("一百二十", 120, 120, True, True, False, ""),
        ("两千", 2000, 2000, True, True, False, ""),
        ("1.2万", 12000, 12000, True, True, False, ""),
        ("壹拾", 10, 10, True, True, False, ""),
        ("一百零五", 105, 105, True, True, False, ""),
        ("一亿两千万", 120_000_000, 120_000_000, True, True, False, ""),
        ("2,400", 2400, 2400, True, True, False, ""),
        ("１２０", 120, 120, True, True, False, ""),
        ("95%", 0.95, 0.95, True, True, False, ""),
        ("≥95%", 0.95, INF, True, False, False, ""),
        ("383人", 383, 383, True, True, False, "人"),
    ],
)
def test_parse_examples(text: str, low: float, high: float, lc: bool, hc: bool, blur: bool, unit: str) -> None:
    iv = parse_quantity(text)
    assert iv is not None, text
    assert (iv.low, iv.high, iv.low_closed, iv.high_closed, iv.blur, iv.unit) == pytest.approx(
        (low, high, lc, hc, blur, unit)
    )
    assert iv.text == text


@pytest.mark.parametrize("text", ["达成预期指标", "效果明显", "一般", "两癌", "2023年12月", "", "是", None, True])
def test_not_quantities(text: object) -> None:
    assert parse_quantity(text) is None


def test_epsilon_and_above_inclusive_are_parameters() -> None:
    iv = parse_quantity("近800", epsilon=0.05)
    assert iv is not None and iv.low == 760  # 800 × 0.95
    above = parse_quantity("800以上", above_inclusive=False)
    assert above is not None and not above.low_closed and above.low == 800


@pytest.mark.parametrize(
    ("text", "direction", "target", "verdict"),
    [
        ("近800", "≥", 750, "indeterminate"),  # [720, 800) straddles 750
        ("近800", "≥", 700, "met"),
        ("近800", "≥", 800, "not_met"),  # strictly below 800
        ("三十余场次", "≥", 30, "met"),  # (30, 40) all above 30
        ("三十余场次", "≥", 40, "not_met"),
        ("三十余场次", "≥", 35, "indeterminate"),
        ("二百余", "≥", 300, "not_met"),
        ("不超过3", "≤", 5, "met"),
        ("约800", "=", 800, "indeterminate"),
        ("120", "=", 120, "met"),
        ("30至40", "区间", "20~50", "met"),
        ("30至40", "区间", "35~50", "indeterminate"),
        ("30至40", "区间", "41~50", "not_met"),
        ("近800名", "≥", "≥700", "met"),
    ],
)
def test_compare(text: str, direction: str, target: object, verdict: str) -> None:
    iv = parse_quantity(text)
    assert iv is not None
    assert compare(iv, direction, target) == verdict


def test_conservative_bound() -> None:
    iv = parse_quantity("近800名")
    assert iv is not None
    assert iv.bound_for("≥") == 720 and iv.bound_for("≤") == 800


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_integer_text_is_exact_point(n: int) -> None:
    iv = parse_quantity(str(n))
    assert iv is not None and iv.is_point and iv.low == n and not iv.blur


@given(st.integers(min_value=1, max_value=10**9))
def test_near_n_is_below_n(n: int) -> None:
    iv = parse_quantity(f"近{n}")
    assert iv is not None and iv.high == n and not iv.high_closed and iv.low < n
    assert not iv.contains(n)


@given(st.integers(min_value=1, max_value=10**9))
def test_n_more_excludes_n_and_next_step(n: int) -> None:
    iv = parse_quantity(f"{n}余")
    assert iv is not None and not iv.contains(n) and iv.low == n
    assert iv.high > n and not iv.contains(iv.high)
    assert compare(iv, "≥", n) == "met"


_CN = "零一二三四五六七八九"


def _to_chinese(n: int) -> str:
    """Hand-written reference conversion for 1..9999 (standard reading, 一十 for 10–19)."""
    parts = []
    for unit, value in (("千", 1000), ("百", 100), ("十", 10)):
        d = n // value % 10
        if d:
            parts.append(_CN[d] + unit)
        elif parts and n % value:
            parts.append("零")
    if n % 10:
        parts.append(_CN[n % 10])
    text = "".join(parts)
    while "零零" in text:
        text = text.replace("零零", "零")
    return text


@given(st.integers(min_value=1, max_value=9999))
def test_chinese_numerals_read_exactly(n: int) -> None:
    iv = parse_quantity(_to_chinese(n))
    assert iv is not None and iv.is_point and iv.low == n, _to_chinese(n)
