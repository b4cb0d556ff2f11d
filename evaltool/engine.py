"""The engine glue: one Evaluation in, one Result out (validation, scoring, integrity).

Why: the CLI, the batch and the Excel button all need the same three passes over a parsed
workbook — the rule sheets and built-in checks (``evaltool.rules.check``), scoring
(``evaltool.scoring.score``) and, where installed, the intake's integrity check
(``evaltool.integrity.verify``) — combined into one immutable :class:`Result`. Pure: no
file I/O, so it runs the same on a file, a live book or a test's hand-built model.

Passes whose modules are not in the tree yet (a ModuleNotFoundError naming an ``evaltool``
module: work of other engineers that lands later) are skipped; any other error propagates,
so a bug in a pass never hides as "no findings".

Example::

    from evaltool.engine import evaluate
    result = evaluate(evaltool.load("returned.xlsx"))
    result.total, result.grade, result.errors     # 92.35, '优', 0
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable
from typing import Any

from evaltool.model import CheckRow, Evaluation, Finding, Result
from evaltool.scoring import score

__all__ = ["evaluate"]


def _optional(module: str) -> Any | None:
    """``module`` if it is importable; None when it (or an evaltool module it needs) is absent."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == "evaltool" or exc.name.startswith("evaltool.")):
            return None
        raise


def _validate(ev: Evaluation, lang: str) -> tuple[tuple[Finding, ...], tuple[CheckRow, ...]]:
    rules = _optional("evaltool.rules.engine")
    if rules is None or not hasattr(rules, "check"):
        return (), ()
    outcome = rules.check(ev, lang=lang)
    return tuple(outcome.findings), tuple(outcome.checks)


def _integrity(ev: Evaluation, lang: str) -> tuple[Finding, ...]:
    mod = _optional("evaltool.integrity")
    if mod is None or not hasattr(mod, "verify"):
        return ()
    takes_lang = "lang" in inspect.signature(mod.verify).parameters
    found = mod.verify(ev, lang=lang) if takes_lang else mod.verify(ev)
    if found is None:
        return ()
    if hasattr(found, "findings"):
        found = found.findings
    return tuple(found) if isinstance(found, Iterable) else ()


#: Scoring findings about a filler's cell that the rule pass reports in its own words (NUM-1
#: for fuzzy text, TGT-… for targets and actuals); kept only when no rule finding names the cell.
_SHADOWED = frozenset({"SCORE-FUZZY", "SCORE-ACTUAL", "SCORE-TARGET"})


def evaluate(ev: Evaluation, *, lang: str = "zh") -> Result:
    """Validate, score and verify ``ev``; findings are ordered validation, scoring, integrity."""
    findings, checks = _validate(ev, lang)
    scoring = score(ev, lang=lang)
    named = {(f.sheet, f.cell) for f in findings}
    own = tuple(f for f in scoring.findings if f.rule not in _SHADOWED or (f.sheet, f.cell) not in named)
    return Result(
        evaluation=ev,
        findings=findings + own + _integrity(ev, lang),
        scores=scoring.scores,
        checks=checks,
        total=scoring.total,
        grade=scoring.grade,
        subtotals=scoring.subtotals,
        rates=scoring.rates,
    )
