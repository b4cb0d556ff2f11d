"""``evaltool demo``: the whole job on the bundled sample, in one folder.

Why: a new user (or a reviewer on a fresh machine) should see in one command what evaltool
does: the bureau's template, a department's filled return (the 西城区妇联 2023 sample, figures
exactly as its published report states them), the checks a careful evaluator would make, the
scores and grade written back as live formulas, a summary across several units, and the
sample's 绩效评价报告 written from its cells (``evaltool report``).

Each step returns data; :func:`run` prints nothing itself, the CLI renders the steps.

Example::

    from evaltool.demo import run
    steps = run(Path("evaltool-demo"))
    steps.scored, steps.summary          # paths of the outputs
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from evaltool.model import Result


@dataclass(frozen=True)
class DemoOutputs:
    folder: Path
    template: Path  # the blank template the bureau issues
    sample: Path  # the department's filled return, as received
    scored: Path  # the return with scores, rates, grade and checks written back
    units: tuple[Path, ...]  # generated returns of other units (invented figures)
    summary: Path  # 汇总 across the sample and the generated units
    result: Result  # the engine's result for the sample
    report: Path | None = None  # the sample's 绩效评价报告 (.docx)


def run(folder: Path, *, lang: str = "zh") -> DemoOutputs:
    """Write the template, the sample, its scored copy and a summary into ``folder``."""
    from evaltool.demo.samples import CREATED_AT, write_blank, write_demo_units, write_sample
    from evaltool.engine import evaluate_file
    from evaltool.model import TemplateError
    from evaltool.summary import write_summary
    from evaltool.summary.sources import expand_paths, iter_digests

    folder.mkdir(parents=True, exist_ok=True)
    template = write_blank(folder / "template-dept-overall.xlsx")
    returns = folder / "returns"
    if returns.exists():
        shutil.rmtree(returns)
    sample = write_sample(returns / "sample-xicheng-2023.xlsx")
    units = tuple(write_demo_units(returns))

    outcome = evaluate_file(sample)
    if outcome.result is None:  # our own sample: cannot happen unless the install is broken
        raise outcome.error or TemplateError(str(sample), "file.unreadable", reason="")
    result = outcome.result
    scored = outcome.write(folder / "sample-xicheng-2023.scored.xlsx", lang=lang)

    created = datetime.fromisoformat(CREATED_AT).astimezone(timezone.utc)
    summary = folder / ("汇总.xlsx" if lang != "en" else "summary.xlsx")
    digests = iter_digests(expand_paths([returns]), workers=1, lang=lang)
    write_summary(digests, summary, lang=lang, created=created)
    from evaltool.report import write_report

    report, _ = write_report(sample, folder / "绩效评价报告.docx", today=created.date())
    return DemoOutputs(folder, template, sample, scored, units, summary, result, report)
