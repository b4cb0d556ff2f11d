"""Each scoring kind against hand-computed cases, and its formula against the same numbers.

Every expected value below is worked out by hand in the comment next to it. The formula of
each case is also evaluated with evaltool's own formula engine over the same cells, so the
pair (value, formula) is checked here without LibreOffice; test_scoring_parity.py checks the
written workbooks through LibreOffice.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaltool.formula import MemoryResolver, compile_formula
from evaltool.scoring.completion import Target, column_value
from evaltool.scoring.kinds import KINDS, Cells, Row
from evaltool.scoring.params import ParamError, mapping, number, numbers, parse_params

P = parse_params

# (kind, params, x, target (lo, hi) or None, weight, direction, expected raw score)
CASES = [
    ("ratio", "cap=1", 95.0, (100, 100), 10, "≥", 9.5),            # 95/100*10
    ("ratio", "cap=1", 120.0, (100, 100), 10, "≥", 10.0),          # 1.2 capped at 1
    ("ratio", "cap=1.2", 120.0, (100, 100), 10, "≥", 12.0),        # cap 1.2 allows 12
    ("ratio", "cap=1", 7.0, (0, 0), 4, "≥", 4.0),                  # zero target: met
    ("ratio", "cap=1", -5.0, (100, 100), 10, "≥", 0.0),            # negative → floor 0
    ("ratio", "cap=1", 125.0, (100, 100), 10, "≤", 8.0),           # ≤: 100/125 = 0.8
    ("ratio", "cap=1", 80.0, (100, 100), 10, "≤", 10.0),           # ≤: 100/80 capped
    ("ratio", "cap=1", 90.0, (100, 100), 10, "=", 9.0),            # =: 1-10/100
    ("ratio", "cap=1", 100.0, (80, 120), 10, "区间", 10.0),        # inside the range
    ("ratio", "cap=1", 60.0, (80, 120), 10, "区间", 7.5),          # 60/80
    ("ratio", "cap=1", 150.0, (80, 120), 10, "区间", 8.0),         # 120/150
    ("inverse_ratio", "cap=1", 125.0, (100, 100), 5, "≤", 4.0),    # 100/125*5
    ("inverse_ratio", "cap=1", 0.0, (100, 100), 5, "≤", 5.0),      # nothing spent: full
    ("deduct_per_pp", "threshold=1; per_pp=0.5; side=above", 1.03, None, 5, "≤", 3.5),  # 3pp·0.5
    ("deduct_per_pp", "threshold=1; per_pp=0.5; side=above", 0.98, None, 5, "≤", 5.0),
    ("deduct_per_pp", "threshold=1; per_pp=0.5; side=above", 1.2, None, 5, "≤", 0.0),   # floor 0
    ("deduct_per_pp", "threshold=0.9; per_pp=2; side=below", 0.88, None, 8, "≥", 4.0),  # 2pp·2
    ("deduct_per_pp", "threshold=0; per_pp=0.8; side=above; floor=1", 0.5, None, 8, "≤", 1.0),
    ("bands", "edges=0.9,0.8,0.7,0.6; shares=1,0.8,0.6,0.4,0", 0.95, None, 5, "≥", 5.0),
    ("bands", "edges=0.9,0.8,0.7,0.6; shares=1,0.8,0.6,0.4,0", 0.85, None, 5, "≥", 4.0),
    ("bands", "edges=0.9,0.8,0.7,0.6; shares=1,0.8,0.6,0.4,0", 0.6, None, 5, "≥", 2.0),
    ("bands", "edges=0.9,0.8,0.7,0.6; shares=1,0.8,0.6,0.4,0", 0.59, None, 5, "≥", 0.0),
    # 0.8999999999999999 equals 0.9 in 15 digits, as in LibreOffice: top band
    ("bands", "edges=0.9,0.8,0.7,0.6; shares=1,0.8,0.6,0.4,0", 0.8999999999999999, None, 5, "≥", 5.0),
    ("bands", "edges=0.05,0.1,0.15,0.2; shares=1,0.8,0.6,0.4,0; side=low", 0.0959536, None, 5, "≤", 4.0),
    ("bands", "edges=0.05,0.1,0.15,0.2; shares=1,0.8,0.6,0.4,0; side=low", 0.05, None, 5, "≤", 5.0),
    ("bands", "edges=0.05,0.1,0.15,0.2; shares=1,0.8,0.6,0.4,0; side=low", 0.25, None, 5, "≤", 0.0),
    ("linear", "full=1; zero=1.15", 1.05, None, 3, "≤", 2.0),       # (1.05-1.15)/(1-1.15)=2/3 → 2
    ("linear", "full=1; zero=1.15", 1.2, None, 3, "≤", 0.0),
    ("linear", "full=1; zero=1.15", 0.9, None, 3, "≤", 3.0),
    ("checklist", "items=3; per_item=1; mode=count", 2.0, None, 3, "≥", 2.0),
    ("checklist", "items=3; per_item=1; mode=count", 5.0, None, 3, "≥", 3.0),   # at most items
    ("checklist", "items=3; per_item=1; mode=deduct", 1.0, None, 3, "≥", 2.0),
    ("checklist", "items=3; per_item=1; mode=deduct", 4.0, None, 3, "≥", 0.0),
    ("qualitative", "tiers=达成=1,部分达成=0.8,未达成=0.6", "部分达成", None, 5, "=", 4.0),
    ("qualitative", "tiers=达成=1,部分达成=0.8,未达成=0.6", "未达成", None, 5, "=", 3.0),
    ("qualitative", "tiers=优=1,良=0.85,中=0.7,差=0.5", "良", None, 4, "=", 3.4),
    ("qualitative", "tiers=达成=1,部分达成=0.8,未达成=0.6", "基本达成", None, 5, "=", 0.0),
    ("qualitative", "tiers=达成=1,部分达成=0.8,未达成=0.6", "  部分达成 ", None, 5, "=", 4.0),  # TRIM
    ("qualitative", "tiers=达成=1,部分达成=0.8,未达成=0.6", "部分达成\u3000", None, 5, "=", 0.0),  # kept
    ("qualitative", "tiers=优=1,良=0.85,中=0.7,差=0.5", "良\n", None, 4, "=", 0.0),  # TRIM keeps \n
    ("categorical", "map=无结余=1,有结余未超上年结转=0.67,超过上年结转=0", "有结余未超上年结转", None, 3, "=", 2.01),
    ("over_target_penalty", "threshold=0.3; penalty=0.2", 140.0, (100, 100), 10, "≥", 8.0),
    ("over_target_penalty", "threshold=0.3; penalty=0.2", 130.0, (100, 100), 10, "≥", 10.0),  # 30% is not > 30%
    ("over_target_penalty", "threshold=0.3; penalty=0.2", 90.0, (100, 100), 10, "≥", 9.0),
]


def _resolver(x: object, target: tuple[float, float] | None, weight: float) -> MemoryResolver:
    cells: dict[str, object] = {"J5": x, "F5": weight}
    if target is not None:
        cells["I5"], cells["H5"] = target[0], target[1]
    return MemoryResolver(sheets={"绩效指标": cells})


@pytest.mark.parametrize("kind,params,x,target,weight,direction,expected", CASES)
def test_kind_value_and_formula(kind: str, params: str, x: object, target: tuple[float, float] | None,
                                weight: float, direction: str, expected: float) -> None:
    k = KINDS[kind]
    t = Target(*target) if target else None
    value, _ = k.value(Row(x, t, float(weight), direction), P(params))  # type: ignore[arg-type]
    assert value == pytest.approx(expected, abs=1e-12)
    text = k.formula(Cells("J5", ("I5", "H5"), "F5", direction), P(params))
    got = compile_formula(text).evaluate(_resolver(x, target, weight))
    assert got == pytest.approx(expected, abs=1e-12), text


def test_unknown_tier_is_reported() -> None:
    _, note = KINDS["qualitative"].value(Row("基本达成", None, 5.0, "="), P("tiers=达成=1"))
    assert note == "score.tier_unknown"


def test_column_value_per_direction() -> None:
    assert column_value(95.0, Target(100, 100), "≥") == pytest.approx(0.95)
    assert column_value(125.0, Target(100, 100), "≤") == pytest.approx(0.8)
    assert column_value(90.0, Target(100, 100), "=") == pytest.approx(-0.1)   # deviation
    assert column_value(5.0, Target(0, 0), "≥") is None                     # zero target: blank
    assert column_value(60.0, Target(80, 120), "区间") == pytest.approx(0.75)


def test_params_parse_first_equals_splits() -> None:
    p = parse_params("tiers=达成=1,部分达成=0.8； cap = 1 ;junk")
    assert p == {"tiers": "达成=1,部分达成=0.8", "cap": "1"}
    assert mapping(p, "tiers") == {"达成": 1.0, "部分达成": 0.8}
    assert number(p, "cap") == 1.0
    assert number(P("threshold=90%"), "threshold") == pytest.approx(0.9)
    assert numbers(P("edges=0.9，0.8、0.7"), "edges") == (0.9, 0.8, 0.7)


@pytest.mark.parametrize("kind,params,code", [
    ("deduct_per_pp", "per_pp=0.5", "score.param_missing"),            # threshold missing
    ("deduct_per_pp", "threshold=abc; per_pp=0.5", "score.param_not_number"),
    ("deduct_per_pp", "threshold=1; per_pp=0.5; side=up", "score.param_bad_choice"),
    ("bands", "edges=0.9,0.8; shares=1,0", "score.param_bands_len"),
    ("linear", "full=1; zero=1", "score.param_linear_equal"),
    ("qualitative", "tiers=达成", "score.param_bad_map"),
])
def test_bad_params_raise_param_error(kind: str, params: str, code: str) -> None:
    with pytest.raises(ParamError) as exc:
        KINDS[kind].value(Row(1.0, Target(1, 1), 1.0, "≥"), P(params))
    assert exc.value.code == code
    with pytest.raises(ParamError):
        KINDS[kind].formula(Cells("J5", ("I5", "I5"), "F5", "≥"), P(params))


# realistic magnitudes: zero, or |x| in [1e-6, 1e6] (no subnormals whose ratios overflow)
_finite = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1e6),
                    st.floats(min_value=-1e6, max_value=-1e-6))
_share = st.floats(min_value=0, max_value=1, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(["ratio", "inverse_ratio", "deduct_per_pp", "bands", "linear",
                          "checklist", "over_target_penalty"]),
    x=_finite, lo=_finite, span=st.floats(min_value=0, max_value=1e4, allow_nan=False),
    weight=st.floats(min_value=0, max_value=100, allow_nan=False),
    direction=st.sampled_from(["≥", "≤", "=", "区间"]),
    a=_share, b=_share, c=st.floats(min_value=0.01, max_value=5, allow_nan=False),
    side=st.booleans(),
)
def test_value_equals_formula_for_any_input(kind: str, x: float, lo: float, span: float, weight: float,
                                            direction: str, a: float, b: float, c: float,
                                            side: bool) -> None:
    """Whatever the numbers, the Python value and its formula (evaluated by evaltool.formula,
    which is itself LibreOffice-parity tested) agree: the pair cannot drift apart."""
    hi = lo + span
    params = {
        "ratio": f"cap={c}", "inverse_ratio": f"cap={c}",
        "deduct_per_pp": f"threshold={a}; per_pp={c}; side={'above' if side else 'below'}; floor={b}",
        "bands": f"edges={max(a, b)},{min(a, b)}; shares=1,{b},0; side={'high' if side else 'low'}",
        "linear": f"full={a}; zero={a + c}",
        "checklist": f"items=3; per_item={c}; mode={'count' if side else 'deduct'}",
        "over_target_penalty": f"threshold={a}; penalty={b}",
    }[kind]
    k = KINDS[kind]
    value, _ = k.value(Row(x, Target(lo, hi), weight, direction), P(params))
    text = k.formula(Cells("J5", ("I5", "H5"), "F5", direction), P(params))
    got = compile_formula(text).evaluate(_resolver(x, (lo, hi), weight))
    assert isinstance(got, float), text
    assert got == pytest.approx(value, rel=1e-12, abs=1e-9), text
