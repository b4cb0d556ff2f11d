"""Scoring real workbooks, expected values worked out by hand.

The sample (西城区妇联 2023) scores 88.8: 100 points minus 0.2 for 青年交友 (近800 → low bound
720 of [720, 800) against target 800: 2 × 720/800 = 1.8), minus 1 for 预决算差异率
(|9.5954 %| lies in (5 %, 10 %] → 80 % of 5 = 4) and minus the 10 points of 服务对象满意度, which
the report backs with no survey (no 有效样本数 → not scored). Every other 定量 row meets its
illustrative target on its conservative bound (80余 → 80 ≥ 80, 三十余 → 30 ≥ 30, 近千 → 900 ≥ 900
…) and every 定性 row is 达成. 90 of 100 points could be scored (≥ 80 % coverage), so the grade
is issued: 良. The edge book below holds one edge per row.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_scoring_fixtures import SAMPLE, make_book, row, scored, value

from evaltool.io.reader import load
from evaltool.messages import notes_text, render


def test_sample_total_grade_rates_subtotals() -> None:
    r = scored(SAMPLE)
    assert r.total == 88.8 and r.grade == "良"
    assert r.rates["variance_rate"] == pytest.approx(1_813_787.12 / 18_902_744.60, rel=1e-15)
    assert round(r.rates["variance_rate"] * 100, 2) == 9.60  # type: ignore[operator]
    assert r.rates["execution_rate"] == pytest.approx(17_088_957.48 / 18_902_744.60)  # 全年预算数 blank
    assert r.rates["staff_control_rate"] is None                                      # not filled in
    assert r.rates["satisfaction_rate"] is None                                       # no survey
    assert dict(r.subtotals) == {"产出": 49.8, "效果": 20.0, "预算管理": 19.0}
    ev = r.evaluation
    youth = row(ev, "青年交友联谊活动参与人数")
    assert value(r, f"indicator:{youth.row}:得分") == 1.8
    note = next(notes_text(s.notes) for s in r.scores if s.key == f"indicator:{youth.row}:得分")
    assert "按模糊值下限计分" in note and "720" in note
    assert any(f.rule == "SCORE-FUZZY" and f.cell == f"J{youth.row}" for f in r.findings)
    variance = row(ev, "部门预决算差异率")
    assert value(r, f"indicator:{variance.row}:得分") == 4.0
    formula = next(s.formula for s in r.scores if s.key == f"indicator:{variance.row}:得分")
    assert "variance_rate" in formula and formula.startswith("=")


def edge_book(path: Path) -> Path:
    """dept-overall with one edge per row (all ratio rows weigh 2 unless said)."""
    values = {
        "budget_initial": 0, "final_expenditure": 100,      # zero denominator → rate blank
        "indicators": {
            "执委领办项目数": {"年度目标值": 0, "实际完成值": 5},          # zero target → full 2
            "服务妇女儿童人次": {"年度目标值": 100, "实际完成值": "95"},    # numeric text → 1.9
            "专场招聘会场次": {"年度目标值": 40, "实际完成值": 60},         # over-achieved → 2
            "帮扶救助困难妇女儿童人数": {"年度目标值": "80~120", "实际完成值": 60},  # 区间 → 1.5
            "选树西城最美家庭户数": {"年度目标值": 150, "实际完成值": "达成预期"},   # not a number → 0
            "推荐首都最美家庭户数": {"年度目标值": 15},                     # blank actual → blank
            "青年交友联谊活动参与人数": {"年度目标值": 800, "实际完成值": "近800"},  # → 1.8
            "失独老人活动次数": {"年度目标值": 80, "实际完成值": 100},      # ≤ (edited) → 1.6
            "救助患癌妇女人数": {"年度目标值": None, "实际完成值": 20},     # no target → 0
            "走访慰问困难群体人数": {"年度目标值": 3, "实际完成值": 2},     # 2×2/3 = 1.33
            "年度工作任务按时完成": {"实际完成值": "部分达成"},             # 5 × 0.7 = 3.5 (10号 [60%, 80%))
            "部门整体支出控制在预算批复范围内": {"实际完成值": "基本达成"},  # unknown tier → 0
            "维权机制建设": {"实际完成值": "未达成"},                       # 4 × 0.3 = 1.2 (10号 [0, 60%))
        },
    }
    path = make_book(path, "dept-overall", values)
    ev = load(path)
    return make_book(path, "dept-overall", values, {
        ("绩效指标", f"H{row(ev, '帮扶救助困难妇女儿童人数').row}"): "区间",
        ("绩效指标", f"H{row(ev, '失独老人活动次数').row}"): "≤",
    })


EDGE_SCORES = {
    "执委领办项目数": (2.0, None), "服务妇女儿童人次": (1.9, 0.95), "专场招聘会场次": (2.0, 1.5),
    "帮扶救助困难妇女儿童人数": (1.5, 0.75), "选树西城最美家庭户数": (0.0, None),
    "推荐首都最美家庭户数": (None, None), "青年交友联谊活动参与人数": (1.8, 0.9),
    "失独老人活动次数": (1.6, 0.8), "救助患癌妇女人数": (0.0, None),
    "走访慰问困难群体人数": (1.33, 2 / 3), "年度工作任务按时完成": (3.5, 0.7),
    "部门整体支出控制在预算批复范围内": (0.0, None), "维权机制建设": (1.2, 0.3),
    "部门预决算差异率": (None, None),
}


def test_edge_rows(tmp_path: Path) -> None:
    r = scored(edge_book(tmp_path / "edge.xlsx"))
    ev = r.evaluation
    for name, (points, rate) in EDGE_SCORES.items():
        ind = row(ev, name)
        assert value(r, f"indicator:{ind.row}:得分") == points, name
        got = value(r, f"indicator:{ind.row}:完成率/偏差率")
        assert got == (None if rate is None else pytest.approx(rate)), name
    # 2+1.9+2+1.5+0+1.8+1.6+0+1.33 (数量) + 3.5 (进度) + 0 (成本) = 15.63; 效果 1.2
    assert r.total == 16.83
    assert r.subtotals["产出"] == 15.63 and r.subtotals["效果"] == 1.2
    # only 2×9 + 5 + 6 + 4 = 33 of 100 points could be scored (< min_coverage 80 %): no grade
    assert r.grade is None
    grade = next(s for s in r.scores if s.key == "grade")
    assert grade.value == "未评级（可计分分值占33%）" and "param_min_coverage" in grade.formula
    cov = [f for f in r.findings if f.rule == "SCORE-COVERAGE"]
    assert len(cov) == 1 and cov[0].severity == "error" and "33%" in render(cov[0]) and "80%" in render(cov[0])
    assert r.subtotals["预算管理"] == 0.0
    assert r.rates["variance_rate"] is None
    rules = {(f.rule, f.cell) for f in r.findings}
    assert ("SCORE-ACTUAL", f"J{row(ev, '选树西城最美家庭户数').row}") in rules
    assert ("SCORE-TARGET", f"I{row(ev, '救助患癌妇女人数').row}") in rules
    assert ("SCORE-TIER", f"J{row(ev, '部门整体支出控制在预算批复范围内').row}") in rules
    blank = row(ev, "推荐首都最美家庭户数")
    notes = next(s.notes for s in r.scores if s.key == f"indicator:{blank.row}:得分")
    assert notes_text(notes) == "未填写实际完成值，暂不计分"
    assert notes_text(notes, "en") == "actual value not filled in: not scored yet"


def test_bad_method_params_and_unknown_method_are_findings(tmp_path: Path) -> None:
    path = make_book(tmp_path / "bad.xlsx", "dept-overall", {"indicators": {
        "执委领办项目数": {"年度目标值": 10, "实际完成值": 9}}})
    ev = load(path)
    r1 = row(ev, "执委领办项目数")
    make_book(path, "dept-overall", {"indicators": {"执委领办项目数": {"年度目标值": 10, "实际完成值": 9}}},
              {("评分方法", "D4"): "cap=abc",                          # M01's 参数
               ("评分方法", "D7"): "edges=0.1; shares=1",               # M05: shares count wrong
               ("绩效指标", f"E{r1.row + 1}"): "M99"})                 # unknown method
    r = scored(path)
    errors = [f for f in r.findings if f.severity == "error"]
    assert any(f.rule == "SCORE-PARAM" and "cap" in render(f) for f in errors)
    assert any(f.rule == "SCORE-PARAM" and "shares" in render(f) for f in errors)
    assert any(f.rule == "SCORE-METHOD" and "M99" in render(f) for f in errors)
    assert value(r, f"indicator:{r1.row}:得分") == 0.0


def test_round_digits_param_drives_rounding(tmp_path: Path) -> None:
    vals = {"indicators": {"走访慰问困难群体人数": {"年度目标值": 3, "实际完成值": 2}}}
    two = scored(make_book(tmp_path / "r2.xlsx", "dept-overall", vals))
    one = scored(make_book(tmp_path / "r1.xlsx", "dept-overall", vals, {("评分方法", "B14"): 1}))
    r = row(two.evaluation, "走访慰问困难群体人数").row
    assert value(two, f"indicator:{r}:得分") == 1.33 and value(one, f"indicator:{r}:得分") == 1.3
    assert next(s.formula for s in one.scores if s.key == "total_score").endswith(",param_round_digits))")


def test_2013_rates_and_rate_methods(tmp_path: Path) -> None:
    """dept-2013: the rates from the budget sheet and the methods that score them, by hand."""
    path = make_book(tmp_path / "d2013.xlsx", "dept-2013", {
        "budget_initial": Decimal("10000000.00"), "budget_adjusted": Decimal("10000000.00"),
        "final_expenditure": Decimal("9500000.00"), "budget_adjustment": Decimal("0"),
        "carryover_total": Decimal("300000.00"),
        "three_public_current": Decimal("103000.00"),
        "three_public_prior": Decimal("100000.00"), "staff_actual": 52, "staff_authorized": 50,
        "key_project_spend": Decimal("4500000.00"), "project_spend_total": Decimal("5000000.00"),
    })
    r = scored(path)
    rates = r.rates
    assert rates["execution_rate"] == pytest.approx(0.95)           # 9.5M / 10M
    assert rates["variance_rate"] == pytest.approx(0.05)            # (10M − 9.5M) / 10M
    assert rates["adjustment_rate"] == 0.0
    assert rates["carryover_rate"] == pytest.approx(0.03)           # 0.3M / 10M
    assert rates["three_public_change_rate"] == pytest.approx(0.03)  # (103k − 100k) / 100k
    assert rates["staff_control_rate"] == pytest.approx(1.04)       # 52 / 50
    assert rates["key_spend_rate"] == pytest.approx(0.9)            # 4.5M / 5M
    ev = r.evaluation
    # deductions per point are shares of the weight (per_pp_share), so they scale with it
    expected = {
        "在职人员控制率": 1.8,       # 3 − 3 × 10 % × 4 pp
        "“三公经费”变动率": 2.1,     # 3 − 3 × 10 % × 3 pp
        "重点支出安排率": 3.0,       # 90 % reaches the top band (≥ 0.9)
        "预算完成率": 3.0,           # 4 − 4 × 5 % × 5 pp below 100 %
        "预算调整率": 3.0,           # 0 ≤ 0: top band of side=low
        "结转结余率": 1.8,           # 2 × (0.03 − 0.3)/(0 − 0.3) = 2 × 0.9
    }
    for name, points in expected.items():
        assert value(r, f"indicator:{row(ev, name).row}:得分") == points, name
    k = value(r, f"indicator:{row(ev, '在职人员控制率').row}:完成率/偏差率")
    assert k == pytest.approx(1.04)                                  # the column shows the rate
    rate_cells = {s.key: (s.sheet, s.cell) for s in r.scores if s.key.startswith("rate:")}
    assert rate_cells["rate:variance_rate"] == ("预算执行", "B24")
    assert rate_cells["rate:key_spend_rate"] == ("预算执行", "B30")
