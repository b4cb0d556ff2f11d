"""Real workbooks for the scoring/write-back tests: the shipped sample, template-made books
with chosen values, seeded random fillings, and cell edits a bureau or filler would make.

Books are written by the real template writer (``evaltool.template.write_template``) and
edited with the real lossless patcher, then read with the real reader — no hand-built model.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.model import Evaluation, Indicator, Result
from evaltool.scoring import score
from evaltool.template import write_template
from evaltool.template.writer import build_context

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
#: The sample as committed on template 1.0 (before the 2.0 bump): a real previous-version return.
V1_SAMPLE = ROOT / "tests" / "data" / "sample-v1-xicheng-2023.xlsx"
CREATED = "2024-06-30T00:00:00+00:00"


def make_book(path: Path, framework: str, values: Mapping[str, Any] | None = None,
              edits: Mapping[tuple[str, str], object] | None = None) -> Path:
    """A filled template at ``path``, then ``edits`` applied with the package patcher."""
    from evaltool.demo.samples import targets_of_values

    targets = targets_of_values(values or {}) if framework == "dept-overall" else None  # the sample's
    write_template(framework, path, unit_name="测试单位", year=2023, values=dict(values or {}),
                   created_at=CREATED, targets=targets)
    if edits:
        patch_cells(path, path, dict(edits))
    return path


def scored(path: Path) -> Result:
    """Scoring only (no rule sheets): a Result as the engine builds it, with no checks."""
    ev = load(path)
    s = score(ev)
    return Result(ev, s.findings, s.scores, (), s.total, s.grade, s.subtotals, s.rates)


def row(ev: Evaluation, level3: str) -> Indicator:
    return next(i for i in ev.indicator_rows if i.level3 == level3)


def value(result: Result, key: str) -> object:
    return next(s.value for s in result.scores if s.key == key)


def random_values(framework: str, seed: int) -> dict[str, Any]:
    """A seeded filling of every input: budget scalars, targets, actuals and tiers."""
    rnd = random.Random(seed)
    ctx = build_context(framework, None, None, None, "zh")
    methods = {m.code: m for m in ctx.methods}
    money = lambda lo, hi: Decimal(rnd.randint(lo * 100, hi * 100)) / 100  # noqa: E731
    initial = money(5_000_000, 30_000_000)
    vals: dict[str, Any] = {
        "budget_initial": initial,
        "budget_adjusted": initial + money(-500_000, 2_000_000) if rnd.random() < 0.7 else None,
        "final_expenditure": initial * Decimal(rnd.randint(70, 105)) / 100,
        "budget_adjustment": money(0, 3_000_000),
        "carryover_total": money(0, 2_000_000),
        "three_public_current": money(50_000, 400_000),
        "three_public_prior": money(50_000, 400_000),
        "staff_actual": rnd.randint(40, 60),
        "staff_authorized": 50,
        "key_project_spend": money(1_000_000, 5_000_000),
        "project_spend_total": money(5_000_000, 6_000_000),
        # template 2.0 inputs: a survey (sometimes below the minimum sample), the 53号 附件2 figures,
        # and zero prior years (the zero-base rule of the change rates)
        "survey_sample": rnd.choice([None, 12, rnd.randint(30, 400)]),
        "payment_progress_actual": round(rnd.uniform(0.6, 1.1), 4),
        "payment_progress_planned": round(rnd.uniform(0.8, 1.0), 4),
        "carryover_prior": rnd.choice([Decimal(0), money(0, 2_000_000)]),
        "public_funds_actual": money(100_000, 900_000),
        "public_funds_budget": money(100_000, 900_000),
        "three_public_budget": money(50_000, 400_000),
        "procurement_actual": money(0, 3_000_000),
        "procurement_budget": money(1_000_000, 3_000_000),
        "assets_in_use": money(1_000_000, 9_000_000),
        "assets_total": money(9_000_000, 10_000_000),
    }
    if vals["survey_sample"]:
        vals["survey_satisfied"] = rnd.randint(0, int(vals["survey_sample"]))
    if rnd.random() < 0.3:
        vals["three_public_prior"] = Decimal(0)
        vals["three_public_current"] = rnd.choice([Decimal(0), money(1, 100_000)])
    inds: dict[str, dict[str, Any]] = {}
    for ind in ctx.indicators:
        m = methods[ind.method]
        key = f"{ind.level2}/{ind.level3}"
        if "source=" in m.params_text:
            continue
        if m.kind in ("qualitative", "categorical"):
            tiers = [t.split("=")[0] for t in m.params_text.split("=", 1)[1].split(",")]
            inds[key] = {"实际完成值": rnd.choice(tiers)}
            if m.kind == "qualitative" and rnd.random() < 0.6:  # the evaluator's share, in or out of band
                inds[key]["评定比例"] = round(rnd.uniform(0, 1), 2)
        elif m.kind == "checklist":
            inds[key] = {"实际完成值": rnd.randint(0, 4)}
        elif m.kind == "bands":
            inds[key] = {"实际完成值": round(rnd.uniform(0.5, 1.0), 4)}
        else:
            target = ind.target if isinstance(ind.target, (int, float, Decimal)) and ind.target else rnd.randint(10, 900)
            actual: object = round(float(target) * rnd.uniform(0.6, 1.5), rnd.choice([0, 2, 3]))
            if rnd.random() < 0.15:
                actual = f"近{int(float(target))}" if float(target) >= 10 else actual
            inds[key] = {"年度目标值": target, "实际完成值": actual}
    vals["indicators"] = inds
    return vals
