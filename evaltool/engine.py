"""The engine glue: one Evaluation in, one Result out (validation, scoring, integrity).

Why: the CLI, the batch and the Excel button all need the same three passes over a parsed
workbook — the rule sheets and built-in checks (``evaltool.rules.check``), scoring
(``evaltool.scoring.score``) and the integrity check against tampering
(``evaltool.integrity.verify``) — combined into one immutable :class:`Result`. Pure: no
file I/O, so it runs the same on a file, a live book or a test's hand-built model. Scoring
is the one pass that computes (rates, indicator columns, total, grade); the rule pass receives
its result and never recomputes.

Example::

    from evaltool.engine import evaluate
    result = evaluate(evaltool.load("returned.xlsx"))
    result.total, result.grade, result.errors     # 98.8, '优', 0
"""

from __future__ import annotations

from evaltool.integrity import verify
from evaltool.model import Evaluation, Result
from evaltool.rules import check
from evaltool.scoring import score

__all__ = ["evaluate"]

#: Scoring findings about a filler's cell that the rule pass reports in its own words (NUM-1
#: for fuzzy text, TGT-… for targets and actuals, RATE-1 for a rate whose input is text); kept only
#: when no rule finding names the cell.
_SHADOWED = frozenset({"SCORE-FUZZY", "SCORE-ACTUAL", "SCORE-TARGET", "SCORE-RATE"})


def evaluate(ev: Evaluation, *, lang: str = "zh") -> Result:
    """Validate, score and verify ``ev``; findings are ordered validation, scoring, integrity."""
    scoring = score(ev, lang=lang)
    outcome = check(ev, scoring.computed, lang=lang)
    findings = tuple(outcome.findings)
    named = {(f.sheet, f.cell) for f in findings}
    own = tuple(f for f in scoring.findings if f.rule not in _SHADOWED or (f.sheet, f.cell) not in named)
    return Result(
        evaluation=ev,
        findings=findings + own + tuple(verify(ev, lang=lang)),
        scores=scoring.scores,
        checks=tuple(outcome.checks),
        total=scoring.total,
        grade=scoring.grade,
        subtotals=scoring.subtotals,
        rates=scoring.rates,
    )
