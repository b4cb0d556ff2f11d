"""Recompute the cells evaltool owns (rates; total and grade when scoring is available).

Why: a returned workbook carries cached values for the rate rows of 预算执行 and for
``total_score``/``grade``; a filler (or a stale save) can make them say anything. Rules must
see what the formulas compute from the inputs, so the rate formulas — data in
``evaltool/frameworks/rates.yaml`` — are evaluated here with the formula engine over the
inputs, and handed to :class:`~evaltool.rules.resolver.EvalResolver` as overrides. RATE-1
compares these with the cached values.

Example::

    comp = recompute(ev)
    comp.names["variance_rate"]          # 0.09595...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from evaltool.formula import Formula, Value, XLError, compile_formula
from evaltool.model import Evaluation
from evaltool.rules.resolver import EvalResolver

__all__ = ["Computed", "RateFormula", "rate_formulas", "recompute"]


@dataclass(frozen=True)
class RateFormula:
    name: str
    label: str
    formula: Formula
    description: str


@dataclass(frozen=True)
class Computed:
    """Recomputed values: by defined name, and by (table, column) aligned to data rows."""

    names: dict[str, Value] = field(default_factory=dict)
    columns: dict[tuple[str, str], list[Value]] = field(default_factory=dict)
    rates: tuple[RateFormula, ...] = ()
    total: float | None = None
    grade: str | None = None


@lru_cache(maxsize=16)
def rate_formulas(framework_id: str) -> tuple[RateFormula, ...]:
    """The framework's computed rates, compiled once (falls back to the shared rates.yaml)."""
    from evaltool.frameworks import FrameworkError, load_framework
    from evaltool.frameworks.loader import load_rates

    try:
        specs = load_framework(framework_id).rates
    except (FrameworkError, KeyError, OSError):
        specs = load_rates()
    return tuple(RateFormula(s.name, s.label, compile_formula(s.formula), s.description) for s in specs)


def _clean(v: Value) -> Value:
    return None if v == "" else v


def recompute(ev: Evaluation, scoring: Any = None) -> Computed:
    """Rates from their formulas over the inputs; scores from ``scoring`` (or a scoring pass)."""
    rates = rate_formulas(ev.framework_id)
    names: dict[str, Value] = {}
    for rf in rates:
        r = EvalResolver(ev, names)  # later rates may use earlier ones
        v = rf.formula.evaluate(r)
        names[rf.name] = v if isinstance(v, XLError) else _clean(v)
    comp = Computed(names=names, rates=rates)
    from evaltool.rules.scores import scores_for  # scoring imports rules.fuzzy: import late

    return scores_for(ev, comp, scoring)
