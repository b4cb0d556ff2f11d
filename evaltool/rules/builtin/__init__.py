"""Built-in checks (those no Excel formula can express), run on every workbook.

Why: fuzzy numerals, 元/万元 magnitude, percentage encoding, types, recomputed rates and the
self-reported grade need Python. Each check registers itself (``base.builtin``) with its rule
id; its words are catalogue codes. ``run_builtins`` runs them all once and turns the findings
into static rows of the 校验结果 table (one row per finding, or one 通过 row per check that
found nothing), in Chinese as the workbook is.

Ids: TYPE-1 (numbers where numbers belong), NUM-1 (fuzzy quantities), NUM-2 (Chinese
numerals), TGT-1M (measurable targets), UNIT-1 (元 vs 万元, > 2 decimals), UNIT-2 (percent
encoding), RATE-1 (cached rates vs recomputed), RATE-2 (variance sign convention),
SCORE-3 (self-reported grade vs computed), NOTE-1 (illustrative figures), PLAUS-1 (plausibility
of the whole budget: floor, 三公 vs budget, 万元 notes, amounts per staff and project).

Example::

    findings, rows = run_builtins(ev, resolver, computed)
"""

from __future__ import annotations

from evaltool.messages import render, render_text
from evaltool.model import CheckRow, Computed, Evaluation, Finding, Text
from evaltool.rules.builtin import consistency, plausibility, required, types, units  # noqa: F401 - registers checks
from evaltool.rules.builtin.base import BUILTINS, BuiltinSpec, Ctx
from evaltool.rules.catalog import PASS
from evaltool.rules.resolver import EvalResolver

__all__ = ["run_builtins", "BUILTINS", "BuiltinSpec"]


def run_builtins(
    ev: Evaluation, r: EvalResolver, comp: Computed, *, only: set[str] | None = None
) -> tuple[list[Finding], list[CheckRow]]:
    """Run every registered built-in check (or ``only`` those ids) once."""
    findings: list[Finding] = []
    rows: list[CheckRow] = []
    for spec in BUILTINS.values():
        if only is not None and spec.id not in only:
            continue
        got = list(spec.run(Ctx(ev, r, comp, spec)))
        findings.extend(got)
        title = render_text(Text(spec.id))
        if not got:
            rows.append(CheckRow(spec.id, "内置", spec.severity, "", "", None, PASS, title))
        for f in got:
            rows.append(CheckRow(spec.id, "内置", f.severity, f.sheet, f.cell, None, render(f), title,
                                 ev.explanations.get((spec.id, f.sheet, f.cell), "")))
    return findings, rows
