"""Validation: rule sheets (审核公式), built-in checks, fuzzy Chinese quantities.

Why: a returned workbook must be checked against the rules that travel inside it (the
``Rules`` table) plus checks no formula can express (fuzzy text, unit magnitudes, types).
Everything yields :class:`evaltool.model.Finding` values; nothing here imports an Excel
library.

Example::

    from evaltool.rules import check
    ev = evaltool.load("returned.xlsx")
    outcome = check(ev, evaltool.scoring.score(ev).computed)
    for f in outcome.findings:
        print(f.severity, f.sheet, f.cell, render(f, "zh"))   # evaltool.messages.render

The rule pass receives what the one scoring pass computed (``evaltool.model.Computed``:
rates, total, grade, the computed Indicators columns) and never recomputes it; rules and
scoring do not import each other. Fuzzy numerals live in ``evaltool.quantities``.

Submodules: ``ruleset`` (compile rule sheets once), ``resolver`` (names/tables/cells of an
Evaluation), ``engine`` (``check``), ``builtin`` (catalogue of built-in checks), ``live``
(Checks rows).
"""

from __future__ import annotations

from typing import Any

__all__ = ["check", "CheckOutcome", "compile_ruleset", "RuleSet", "parse_quantity", "compare", "Interval"]


def __getattr__(name: str) -> Any:  # lazy: fuzzy parsing must not pull in the formula engine
    if name in ("parse_quantity", "compare", "Interval"):
        from evaltool.quantities import fuzzy

        return getattr(fuzzy, name)
    if name in ("check", "CheckOutcome"):
        from evaltool.rules import engine

        return getattr(engine, name)
    if name in ("compile_ruleset", "RuleSet"):
        from evaltool.rules import ruleset

        return getattr(ruleset, name)
    raise AttributeError(name)
