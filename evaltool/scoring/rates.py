"""The computed rates of 预算执行 (预决算差异率, 预算执行率, the 2013 rates) from data.

Why: the rate formulas are data (``evaltool/frameworks/rates.yaml``, Excel syntax over the
defined names); evaltool evaluates the *same text* with its own formula engine over the
workbook's scalars and writes it back as the live formula, so Python and Excel cannot
disagree about which denominator or sign convention was used. A blank or zero denominator
gives ``""`` in Excel and None here.

Example::

    scores, rates, findings = compute_rates(ctx)
    rates["variance_rate"]    # 0.09595363839386588 for the Xicheng seed (9.60%)
"""

from __future__ import annotations

from decimal import Decimal

from evaltool.formula import Formula, FormulaSyntaxError, XLError, compile_formula
from evaltool.model import Evaluation, Finding, Score
from evaltool.scoring.context import Context

__all__ = ["RateDef", "rate_defs", "compute_rates", "ScalarResolver"]

BUDGET_SHEET = "预算执行"


class RateDef:
    """One rate: defined name, label, default row on 预算执行, Excel formula text."""

    def __init__(self, name: str, label: str, row: int, formula: str) -> None:
        self.name, self.label, self.row, self.formula = name, label, row, formula.lstrip("=")


def rate_defs() -> tuple[RateDef, ...]:
    """The rates of ``evaltool/frameworks/rates.yaml``."""
    from evaltool.frameworks.loader import load_rates

    return tuple(RateDef(r.name, r.label, r.row, r.formula) for r in load_rates())


class ScalarResolver:
    """A formula resolver over the workbook's scalars (defined names) and computed values."""

    def __init__(self, ev: Evaluation, extra: dict[str, float | None] | None = None) -> None:
        self._names = {k.lower(): v for k, v in ev.scalars.items()}
        for k, v in (extra or {}).items():
            self._names[k.lower()] = v

    def set(self, name: str, value: float | None) -> None:
        """Make a computed value (an earlier rate) visible to later formulas."""
        self._names[name.lower()] = value

    def name(self, name: str) -> object:
        v = self._names[name.lower()]  # KeyError → #NAME?
        if isinstance(v, Decimal):
            return float(v)
        return "" if v is None else v

    def cell(self, sheet: str | None, ref: str) -> object:
        raise KeyError(ref)

    def table(self, table: str | None, column: str | None, item: str | None) -> object:
        raise KeyError(table)

    def this_row(self, table: str | None, column: str) -> object:
        raise KeyError(column)


def _where(ev: Evaluation, rd: RateDef) -> tuple[str, str]:
    loc = ev.names.get(rd.name)
    if loc is not None:
        return loc.sheet, loc.ref.replace("$", "").split(":")[0]
    return BUDGET_SHEET, f"B{rd.row}"


def compute_rates(ctx: Context, defs: tuple[RateDef, ...] | None = None,
                  ) -> tuple[list[Score], dict[str, float | None], list[Finding]]:
    """Evaluate every rate over the scalars; returns its Scores, values and findings."""
    ev = ctx.ev
    resolver = ScalarResolver(ev)
    scores: list[Score] = []
    values: dict[str, float | None] = {}
    findings: list[Finding] = []
    for rd in rate_defs() if defs is None else defs:
        sheet, cell = _where(ev, rd)
        try:
            f: Formula = compile_formula(rd.formula)
            result = f.evaluate(resolver)
            text = f.render()
        except FormulaSyntaxError as exc:
            findings.append(ctx.finding("SCORE-RATE", "error", sheet, cell, "rate_error",
                                        name=rd.name, error=str(exc)))
            values[rd.name] = None
            continue
        value: float | None
        if isinstance(result, bool) or not isinstance(result, (int, float)):
            value = None
            if isinstance(result, XLError):
                findings.append(ctx.finding("SCORE-RATE", "warning", sheet, cell, "rate_error",
                                            name=rd.name, error=result.code))
        else:
            value = float(result)
        values[rd.name] = value
        resolver.set(rd.name, value)
        text = text if text.startswith("=") else "=" + text
        scores.append(Score(f"rate:{rd.name}", sheet, cell, value, text, rd.label))
    return scores, values, findings
