"""Scoring: every computed cell of a template workbook as a (Python value, live formula) pair.

Why: the engine must both *know* the scores (for reports, the summary workbook and the CLI)
and *write* them as live Excel formulas that recompute when a filler edits the workbook. For
each method kind, rate, sub-total, total and grade the value and the formula are produced
side by side from the same data (the ``Methods``/``Params``/``Grades`` rows and
``frameworks/rates.yaml``), and the LibreOffice parity tests hold them equal.

Pure: no file I/O and no Excel library imports.

Example (the bundled sample; run as a doctest by tests/test_doctests.py):

>>> import tempfile, pathlib
>>> from evaltool.demo.samples import write_sample
>>> from evaltool.io.reader import load
>>> out = score(load(write_sample(pathlib.Path(tempfile.mkdtemp()) / "sample.xlsx")))
>>> out.total, out.grade            # 服务对象满意度 has no survey: its 10 points are not scored
(88.8, '良')
>>> round(out.rates["variance_rate"], 6)
0.095954
>>> [s for s in out.scores if s.key == "total_score"][0].formula
'=IF(COUNT(Indicators[得分])=0,"",ROUND(SUM(Indicators[得分]),param_round_digits))'
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from evaltool.contract.cells import where
from evaltool.model import Computed, Evaluation, Finding, Score
from evaltool.scoring.context import Context
from evaltool.scoring.grades import grade_formula, grade_value, withheld_text
from evaltool.scoring.indicators import SCORE_COL, is_blank_row, score_indicator
from evaltool.scoring.kinds import KINDS, Kind
from evaltool.scoring.params import ParamError, parse_params
from evaltool.scoring.rates import compute_rates, row_rates
from evaltool.scoring.summary import level1_subtotals, summary_scores, total_score

__all__ = ["score", "Scoring", "KINDS", "Kind", "ParamError", "parse_params", "Context"]

#: The Indicators columns evaltool computes, handed to the rule pass aligned with data rows.
COMPUTED_INDICATOR_COLUMNS = ("得分", "完成率/偏差率")


@dataclass(frozen=True)
class Scoring:
    """The one computing pass: every Score, its findings, and what the rule pass receives."""

    scores: tuple[Score, ...]
    findings: tuple[Finding, ...]
    total: float | None
    grade: str | None
    subtotals: dict[str, float]
    rates: dict[str, float | None]
    computed: Computed


def _min_coverage(ev: Evaluation) -> tuple[float | None, str | None]:
    """The ``min_coverage`` parameter (share of the weight that must be scored for a grade) and
    its formula expression; (None, None) when the workbook has no such parameter (1.x)."""
    if not any(p.name == "min_coverage" for p in ev.params):
        return None, None
    v = ev.param("min_coverage", None)
    try:
        value = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None, None
    return value, "param_min_coverage" if "param_min_coverage" in ev.names else repr(value)


def _coverage(ev: Evaluation, row_scores: dict[int, float]) -> tuple[float, int] | None:
    """(share of the weight whose row has a numeric score, number of rows without one)."""
    total = scored = 0.0
    unscored = 0
    for ind in ev.indicator_rows:
        w = float(ind.weight) if isinstance(ind.weight, (int, float, Decimal)) else 0.0
        total += w
        if ind.row in row_scores:
            scored += w
        elif not is_blank_row(ind):
            unscored += 1
    return None if total == 0 else (scored / total, unscored)


def _columns(ev: Evaluation, scores: list[Score]) -> dict[tuple[str, str], tuple[float | str | None, ...]]:
    t = ev.tables.get("Indicators")
    if t is None:
        return {}
    by_key = {s.key: s.value for s in scores}
    out: dict[tuple[str, str], tuple[float | str | None, ...]] = {}
    for col in COMPUTED_INDICATOR_COLUMNS:
        values: list[float | str | None] = []
        for i in range(t.n_rows):
            v = by_key.get(f"indicator:{t.first_data_row + i}:{col}")
            values.append(None if v in ("", None) else v if isinstance(v, (str, float)) else float(v))
        out[("Indicators", col)] = tuple(values)
    return out


def score(ev: Evaluation) -> Scoring:
    """Rates, every indicator row, ScoreSummary, total and grade of ``ev``."""
    ctx = Context.of(ev)
    rate_scores, rate_results, findings = compute_rates(ctx)
    rates = {r.name: r.value for r in rate_results}
    for name, v in ev.scalars.items():
        if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
            ctx.sources[name] = float(v)
        elif v is None or v == "":
            ctx.sources[name] = None
    ctx.sources.update(rates)

    scores: list[Score] = list(rate_scores) + row_rates(ctx)
    row_scores: dict[int, float] = {}
    for ind in ev.indicator_rows:
        if is_blank_row(ind):
            continue
        s, f = score_indicator(ind, ctx)
        scores += s
        findings += f
        main = s[0]
        assert main.key.endswith(SCORE_COL)
        if isinstance(main.value, float):
            row_scores[ind.row] = main.value

    scores += summary_scores(ctx, row_scores)
    total = total_score(ctx, row_scores)
    scores.append(total)
    total_value = total.value if isinstance(total.value, float) else None
    g = grade_value(total_value, ev.grades)
    g_sheet, g_cell = where(ev.names, "grade")
    total_expr = "total_score" if "total_score" in ev.names else f"{total.sheet}!{total.cell}"
    minimum, min_expr = _min_coverage(ev)
    shown: str = g or ""
    coverage = _coverage(ev, row_scores)
    if minimum is not None and total_value is not None and coverage is not None and coverage[0] < minimum:
        share, unscored = coverage
        findings.append(ctx.finding("SCORE-COVERAGE", "error", g_sheet, g_cell, "score.coverage_low",
                                    share=f"{share:.0%}", minimum=f"{minimum:.0%}", count=unscored))
        g, shown = None, withheld_text(share)
    scores.append(Score("grade", g_sheet, g_cell, shown, grade_formula(ctx, total_expr, min_expr), "评价等级"))
    if g is None and shown == "" and total_value is not None and ev.grades:
        findings.append(ctx.finding("SCORE-GRADE", "warning", g_sheet, g_cell, "score.grade_none",
                                    total=total_value))
    computed = Computed(rate_results, total_value, g, _columns(ev, scores))
    return Scoring(tuple(scores), tuple(findings), total_value, g,
                   level1_subtotals(ctx, row_scores), rates, computed)
