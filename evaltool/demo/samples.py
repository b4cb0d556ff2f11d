"""The bundled sample: 北京市西城区妇女联合会 2023 (dept-overall), and generated demo units.

Why: a real, filled example lets every part of evaltool (checks, scoring, write-back,
summary) run on the figures of a published report — 《北京市西城区妇女联合会2023年度部门整体
绩效评价报告》. Every figure of the report that fits a template field is entered exactly as the
report states it (approximate phrasings as text, e.g. 近800); the report gives no targets, so
年度目标值 are illustrative and marked 目标值为示例. Output is deterministic (fixed
``created_at``): the same code writes byte-identical files, so ``workbooks/`` (made by
``workbooks/make_sample.py``) and ``evaltool demo`` hold the same sample.

:data:`DEMO_UNITS` are a few more districts with varied, invented figures, so a summary's
charts mean something; they are demo data, not from any report.

Example::

    from evaltool.demo.samples import write_sample, write_demo_units
    write_sample("sample.xlsx")
    write_demo_units("returns/")
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from evaltool.demo.seed_text import NARRATIVE
from evaltool.template import write_template

CREATED_AT = "2024-06-30T00:00:00+00:00"
UNIT = "北京市西城区妇女联合会"
EXAMPLE = "目标值为示例"

#: 三级指标 -> (示例目标值, 实际完成值 as the report states it, 备注 from the report)
ACTUALS: dict[str, tuple[Any, Any, str]] = {
    "执委领办项目数": (700, 753, "区级54项、街道184项、社区515项"),
    "服务妇女儿童人次": (30000, 33821, ""),
    "专场招聘会场次": (40, 45, "春风行动"),
    "帮扶救助困难妇女儿童人数": (200, 200, "京蒙协作扶持项目，项目资金20万元"),
    "选树西城最美家庭户数": (150, 168, ""),
    "推荐首都最美家庭户数": (15, 18, "推荐首都最美家庭、首都最美志愿服务家庭"),
    "青年交友联谊活动参与人数": (800, "近800", "报告原文：近800名青年参与现场活动"),
    "失独老人活动次数": (80, "80余", "报告原文：80余次"),
    "救助患癌妇女人数": (20, 20, "社会救助资金11万元"),
    "走访慰问困难群体人数": (350, 383, "发放慰问金23.5万元"),
    "春蕾女童教育实践场次": (10, 10, ""),
    "处理妇女来电来信来访件数": (150, 199, ""),
    "普法宣传讲座场次": (30, "三十余", "报告原文：三十余场次"),
    "增补街道妇联兼职主席人数": (15, 15, ""),
    "培训人次": (2400, "2400余", "报告原文：2400余人次"),
    "打造驿港湾个数": (35, 39, ""),
    "两癌免费筛查人数": (150, 150, "女外卖员、女家政员、女保洁员"),
    "家风系列活动场次": (20, "二十余", "报告原文：二十余场次"),
    "妇女儿童规划重点指标提前达标项数": (40, 45, ""),
    "寒暑假儿童关爱服务活动场次": (900, "近千", "报告原文：近千场次"),
    "主流媒体宣传报道条次": (200, "二百余", "报告原文：二百余条次"),
    "网上妇联点击总量": (100000, "10余万", "报告原文：10 余万人次"),
    "宣讲活动参与人次": (1000, "千余", "报告原文：千余人次"),
}
#: 定性指标 -> (实际完成值 tier, 备注 summarising the report's statement)
QUALITATIVE: dict[str, tuple[str, str]] = {
    "年度工作任务按时完成": ("达成", "报告：2023年完成了各项工作任务"),
    "部门整体支出控制在预算批复范围内": ("达成", "报告：部门整体支出控制在预算批复范围内"),
    "维权机制建设": ("达成", "报告：全面加强维权机制建设"),
    "基层妇联组织建设": ("达成", "报告：如期完成全区妇委会（妇工委）换届"),
    "财务管理制度健全性": ("达成", "报告：部门财务管理制度较健全"),
    "资金使用合规性和安全性": ("达成", "报告：严格执行内部控制规范和支出审批程序"),
    "会计基础信息完善性": ("达成", "报告：保证会计基础信息资料真实、完整"),
    "资产管理制度健全性": ("达成", "报告：制定固定资产管理办法"),
    "绩效管理情况": ("达成", "报告：推进预算与绩效管理一体化"),
}
COVER_NOTES = [
    "样例说明：本表根据《北京市西城区妇女联合会2023年度部门整体绩效评价报告》填写。报告中的数字按原文录入，"
    "约数按原文文字录入（如“近800”“三十余”）。",
    "报告未给出年度目标值：表中年度目标值均为示例（备注“目标值为示例”）；定性指标档次据报告表述填写。"
    "全年预算数、预算构成与项目清单报告未提供，留空。报告未给出满意度调查数据，满意度不计分（10分）。",
]


def sample_values() -> dict[str, Any]:
    indicators: dict[str, dict[str, Any]] = {}
    for name, (target, actual, note) in ACTUALS.items():
        indicators[name] = {"年度目标值": target, "实际完成值": actual,
                            "备注": EXAMPLE + ("；" + note if note else "")}
    for name, (tier, note) in QUALITATIVE.items():
        indicators[name] = {"实际完成值": tier, "备注": note}
    indicators["部门预决算差异率"] = {"备注": "由预算执行表自动计算；报告：预决算差异率为9.60%"}
    indicators["服务对象满意度"] = {"备注": "报告未给出满意度调查数据（有效样本数、满意样本数），满意度不计分"}
    return {
        "unit_name": UNIT,
        "eval_year": 2023,
        "self_grade": "优秀",
        "budget_initial": Decimal("18902744.60"),
        "final_expenditure": Decimal("17088957.48"),
        "projects_evaluated_count": 18,
        "projects_evaluated_share": Decimal("1"),
        "projects_evaluated_amount": Decimal("604.91"),
        "projects_evaluated_amount__note": "按报告原文录入：“涉及金额604.91元”",
        "projects_evaluated_share__note": "报告：占部门项目总数的100%",
        "indicators": indicators,
        "cover_notes": COVER_NOTES,
        "narrative": dict(NARRATIVE),
    }


#: (unit, 年初预算, 决算, factor on numeric targets, qualitative tier) — invented demo figures.
DEMO_UNITS: tuple[tuple[str, str, str, float, str], ...] = (
    ("东城区妇女联合会", "15200000.00", "14980000.00", 1.0, "达成"),
    ("朝阳区妇女联合会", "22600000.00", "19100000.00", 0.92, "部分达成"),
    ("海淀区妇女联合会", "19800000.00", "19650000.00", 0.97, "达成"),
    ("丰台区妇女联合会", "12400000.00", "9800000.00", 0.7, "未达成"),
    ("石景山区妇女联合会", "8600000.00", "8240000.00", 0.85, "部分达成"),
)


def write_sample(path: str | Path) -> Path:
    """Write the filled seed sample (identical bytes to ``workbooks/sample-xicheng-2023.xlsx``)."""
    return write_template("dept-overall", Path(path), unit_name=UNIT, year=2023,
                          values=sample_values(), created_at=CREATED_AT)


def write_blank(path: str | Path) -> Path:
    """Write the blank dept-overall template (identical to ``workbooks/template-dept-overall.xlsx``)."""
    return write_template("dept-overall", Path(path), created_at=CREATED_AT)


def demo_unit_values(unit: str, initial: str, final: str, factor: float, tier: str) -> dict[str, Any]:
    """The sample's values re-used for another unit: actuals = target × factor, one tier."""
    base = sample_values()
    indicators = {}
    for name, row in base["indicators"].items():
        row = dict(row)
        target = row.get("年度目标值")
        if isinstance(target, (int, float, Decimal)):
            row["实际完成值"] = round(float(target) * factor)
        elif row.get("实际完成值") in ("达成", "部分达成", "未达成"):
            row["实际完成值"] = tier
        indicators[name] = row
    sample = 120  # invented survey: satisfied share follows the unit's factor
    return dict(base, unit_name=unit, budget_initial=Decimal(initial), final_expenditure=Decimal(final),
                indicators=indicators, cover_notes=[], narrative={}, survey_sample=sample,
                survey_satisfied=round(sample * min(0.98, factor)))


def write_demo_units(folder: str | Path) -> list[Path]:
    """Write :data:`DEMO_UNITS` as filled dept-overall returns into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_template("dept-overall", out / f"{unit}.xlsx", unit_name=unit, year=2023,
                       values=demo_unit_values(unit, initial, final, factor, tier), created_at=CREATED_AT)
        for unit, initial, final, factor, tier in DEMO_UNITS
    ]
