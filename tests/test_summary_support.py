"""Hand-built model objects for the summary tests (no reader or engine needed).

Every figure here is chosen by hand so the tests can state expected values independently of
the summary code: totals, grades and rates are given, not computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from evaltool.model import (
    CellValue,
    Evaluation,
    Finding,
    Grade,
    Indicator,
    Param,
    Result,
    Score,
    Severity,
    TableInfo,
    UnitInfo,
)

GRADES = (
    Grade(4, "优", 90, 100, True, ("优秀",)),
    Grade(5, "良", 80, 90, False, ("良好",)),
    Grade(6, "中", 60, 80, False, ("一般",)),
    Grade(7, "差", 0, 60, False, ("较差",)),
)

INDICATOR_HEADERS = ("一级指标", "二级指标", "三级指标", "指标类型", "评分方法", "分值", "计量单位",
                     "指标方向", "年度目标值", "实际完成值", "完成率/偏差率", "得分", "偏差原因", "备注")

# (一级, 二级, 三级, 类型, 分值, 方向, 目标, 实际)
DEFAULT_INDICATORS: tuple[tuple[str, str, str, str, str, str, CellValue, CellValue], ...] = (
    ("决策", "目标设定", "绩效目标合理性", "定性", "10", "=", "合理", "达成"),
    ("过程", "资金管理", "预算执行率", "定量", "20", "≥", Decimal("0.9"), Decimal("0.95")),
    ("产出", "数量", "培训场次", "定量", "40", "≥", Decimal("30"), "三十余场次"),
    ("效益", "满意度", "服务对象满意度", "定量", "30", "≥", Decimal("0.9"), Decimal("0.85")),
)


def make_result(
    unit: str,
    *,
    code: str = "001",
    year: int = 2023,
    framework: str = "dept-overall",
    scores: Sequence[float | None] = (9.0, 18.0, 36.0, 25.5),
    rates: Sequence[float | str | None] = ("", 1.0556, 1.0, 0.9444),
    total: float | None = 88.5,
    grade: str | None = "良",
    variance: float | None = 0.02,
    execution: float | None = 0.95,
    threshold: float = 0.05,
    findings: Sequence[Finding] = (),
    indicators: Sequence[tuple[str, str, str, str, str, str, CellValue, CellValue]] = DEFAULT_INDICATORS,
    path: str = "",
) -> Result:
    path = path or f"/returns/{unit}.xlsx"
    rows = tuple(
        Indicator(5 + i, l1, l2, l3, kind, "M1", Decimal(w), "%", d, t, a, "", "")
        for i, (l1, l2, l3, kind, w, d, t, a) in enumerate(indicators)
    )
    info = TableInfo("Indicators", "绩效指标", f"A4:N{4 + len(rows)}", INDICATOR_HEADERS, 4, 1, len(rows))
    ev = Evaluation(
        path=path,
        template_id=f"evaltool/{framework}",
        template_version="1.0",
        framework_id=framework,
        meta={},
        unit=UnitInfo(unit, code, year, "张三", "010-1", None, ""),
        scalars={"budget_initial": Decimal("1000000.00"), "final_expenditure": Decimal("980000.00"),
                 "framework_name": "部门整体支出" if framework == "dept-overall" else framework},
        names={},
        tables={"Indicators": info},
        budget=(),
        indicator_rows=rows,
        projects=(),
        rules=(),
        methods=(),
        grades=GRADES,
        params=(Param(10, "variance_warn_threshold", threshold, "预决算差异率预警阈值"),),
        explanations={},
        grids={},
    )
    score_objs = []
    for ind, s, r in zip(rows, scores, rates, strict=True):
        score_objs.append(Score(f"indicator:{ind.row}:得分", "绩效指标", f"L{ind.row}", s, f"=1+{ind.row}"))
        score_objs.append(Score(f"indicator:{ind.row}:rate", "绩效指标", f"K{ind.row}", r, "=1"))
    subtotals: dict[str, float] = {}
    for ind, s in zip(rows, scores, strict=True):
        if s is not None:
            subtotals[ind.level1] = subtotals.get(ind.level1, 0.0) + s
    return Result(
        evaluation=ev,
        findings=tuple(findings),
        scores=tuple(score_objs),
        checks=(),
        total=total,
        grade=grade,
        subtotals=subtotals,
        rates={"variance_rate": variance, "execution_rate": execution},
    )


def finding(rule: str, severity: Severity, cell: str, message: str, *, explained: bool = False) -> Finding:
    return Finding(rule, severity, "预算执行", cell, "rule.message", {"message": message}, explained=explained)


HYPERLINK_UNIT = '=HYPERLINK("http://example.com","x")'


def four_units() -> list[Result]:
    """西城 88.5 良 (one error), 东城 92 优, a hostile name 88.5 良, 朝阳 55.25 差."""
    return [
        make_result("西城区财政局", findings=[finding("R01", "error", "B5", "资金总额不等于各项之和"),
                                           finding("R07", "warning", "C12", "见 http://example.com 说明")]),
        make_result("东城区教育局", code="002", total=92.0, grade="优", scores=(10, 20, 38, 24), variance=-0.08),
        make_result(HYPERLINK_UNIT, code="003", total=88.5, grade="良", variance=0.1),
        make_result("朝阳区卫健委", code="004", total=55.25, grade="差", scores=(5, 10, 20.25, 20),
                    variance=None, execution=None),
    ]
