"""The 自评表 fields (template 2.1) and their checks, on real workbooks written and read back.

三公经费 parts must add up to the totals on 预算执行 (their one home) and stay within the budget
(控制率); 结转结余 must balance (年初 + 本年收入 − 本年支出 = 结转结余总额, 年初 and 年末 on
预算执行); 上年整改落实情况 is required once last year's
整改措施 is given; the report's 预决算差异率 is compared with the computed one. Each check is
shown to pass on good figures and to fail, naming the cell, on bad ones.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from evaltool import contract as C
from evaltool.demo.samples import sample_values, targets_for
from evaltool.engine import evaluate
from evaltool.io.reader import load
from evaltool.messages import render
from evaltool.model import Result
from evaltool.template import write_template

GOOD: dict[str, Any] = {
    "three_public_abroad_budget": Decimal("10000.00"), "three_public_abroad_final": Decimal("8000.00"),
    "three_public_vehicle_budget": Decimal("50000.00"), "three_public_vehicle_final": Decimal("45000.00"),
    "three_public_reception_budget": Decimal("5000.00"), "three_public_reception_final": Decimal("4000.00"),
    "three_public_budget": Decimal("65000.00"), "three_public_current": Decimal("57000.00"),  # 预算执行
    "carryover_prior": Decimal("1200000.00"), "income_current": Decimal("18500000.00"),
    "carryover_total": Decimal("2611042.52"),  # 1,200,000 + 18,500,000 − 17,088,957.48
    "prior_rectification": "加强项目预算评审", "prior_rectification_status": "已建立项目预算评审制度",
    "result_application": "评价结果与下年预算安排挂钩",
}


def _result(tmp_path: Path, name: str, **changes: Any) -> Result:
    values = {**sample_values(), **GOOD, **changes}
    path = write_template("dept-overall", tmp_path / f"{name}.xlsx", unit_name="测试单位", year=2023,
                          values=values, targets=targets_for())
    return evaluate(load(path))


def _failed(r: Result) -> dict[str, tuple[str, str, str]]:
    return {f.rule: (f.severity, f.sheet, f.cell) for f in r.findings
            if f.rule in ("SGJF-1", "SGJF-2", "SGJF-3", "JZJY-1", "ZG-1") or f.code == "RATE-5.differs"}


def test_fields_are_named_inputs_read_back(tmp_path: Path) -> None:
    r = _result(tmp_path, "good")
    ev = r.evaluation
    assert ev.scalar("three_public_vehicle_final") == Decimal("45000.00")
    assert ev.scalar("income_current") == Decimal("18500000.00")
    assert ev.scalar("prior_rectification_status") == "已建立项目预算评审制度"
    assert ev.scalar("eval_method") == "部门整体绩效自评" and ev.scalar("eval_agency") == "北京市西城区妇女联合会"
    assert ev.scalar("variance_rate_reported") == Decimal("0.096")
    assert _failed(r) == {}
    passed = {c.rule for c in r.checks if c.result == "通过"}
    assert {"SGJF-1", "SGJF-2", "SGJF-3", "JZJY-1", "ZG-1"} <= passed
    ws = openpyxl.load_workbook(tmp_path / "good.xlsx")[C.SELF_EVAL]
    assert ws.protection.sheet and not ws["B5"].protection.locked and ws["A5"].protection.locked


@pytest.mark.parametrize(("changes", "rule", "where"), [
    ({"three_public_budget": Decimal("66000.00")}, "SGJF-1", (C.SELF_EVAL, "B5")),  # parts ≠ total (budget)
    ({"three_public_vehicle_final": Decimal("46000.00")}, "SGJF-2", (C.SELF_EVAL, "C5")),  # parts ≠ total
    ({"three_public_abroad_final": Decimal("20000.00"), "three_public_current": Decimal("69000.00")},
     "SGJF-3", (C.BUDGET, "B51")),  # 控制率 69000/65000 > 100%
    ({"carryover_total": Decimal("2611042.00")}, "JZJY-1", (C.BUDGET, "B37")),  # balance off by 0.52
    ({"prior_rectification_status": ""}, "ZG-1", (C.SELF_EVAL, "B15")),  # 整改落实情况 missing
    ({"variance_rate_reported": Decimal("0.0955")}, "RATE-5", (C.SELF_EVAL, "B12")),  # the report says 9.55%
])
def test_each_check_fails_on_bad_figures(tmp_path: Path, changes: dict[str, Any], rule: str,
                                         where: tuple[str, str]) -> None:
    failed = _failed(_result(tmp_path, rule, **changes))
    assert set(failed) == {rule}, failed
    severity, sheet, got = failed[rule]
    assert (sheet, got) == where and severity in ("error", "warning")


def test_sample_reported_rate_equals_the_computed_at_9_60() -> None:
    """The seed's 9.60% sits in its own field; the comparison with the computed rate is a finding
    of its own (RATE-5, info when equal), not a rule row that merely passes; 自评等级 is blank."""
    sample = Path(__file__).resolve().parents[1] / "workbooks" / "sample-xicheng-2023.xlsx"
    r = evaluate(load(sample))
    assert r.evaluation.scalar("variance_rate_reported") == Decimal("0.096")
    (cmp,) = [f for f in r.findings if f.rule == "RATE-5"]
    assert (cmp.code, cmp.severity, cmp.sheet, cmp.cell) == ("RATE-5.equal", "info", C.SELF_EVAL, "B12")
    assert "9.60%" in render(cmp) and "一致" in render(cmp) and "equals" in render(cmp, "en")
    assert cmp.params["reported"] == cmp.params["computed"] == "9.60%"
    # in 校验结果 it is the finding's own row (提示, with both figures), not a rule row saying 通过
    assert [(c.severity, c.result) for c in r.checks if c.rule == "RATE-5"] == [("info", render(cmp))]
    assert r.evaluation.unit.self_grade == ""
    assert not [f for f in r.findings if f.rule == "SCORE-3"]


def test_reported_rate_off_by_more_than_the_tolerance_is_a_warning(tmp_path: Path) -> None:
    r = _result(tmp_path, "off", variance_rate_reported=Decimal("0.0961"))  # 9.61% vs 9.5954%
    (cmp,) = [f for f in r.findings if f.rule == "RATE-5"]
    assert (cmp.code, cmp.severity) == ("RATE-5.differs", "warning")
    assert "9.61%" in render(cmp) and "9.60%" in render(cmp) and "不一致" in render(cmp)
    r2 = _result(tmp_path, "at-edge", variance_rate_reported=Decimal("0.09599"))  # within 0.005 pp
    assert [f.code for f in r2.findings if f.rule == "RATE-5"] == ["RATE-5.equal"]
