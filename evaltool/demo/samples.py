"""The bundled sample: 北京市西城区妇女联合会 2023 (dept-overall), and generated demo units.

Why: a real, filled example lets every part of evaltool (checks, scoring, write-back,
summary) run on the figures of a published report — 《北京市西城区妇女联合会2023年度部门整体
绩效评价报告》. Every figure of the report that fits a template field is entered exactly as the
report states it (approximate phrasings as text, e.g. 近800); figures that fit no field are kept
in 备注. The unit's own indicators and targets come from the bundled targets file
(``targets-fulian-2023.csv``, docs/targets.md) and are locked at issuance; the report gives no
targets, so they are illustrative and marked 目标值为示例. The report publishes no 部门整体 score
or grade (its 自评结果为优秀 is about the 18 项目支出 self-evaluations), so 自评等级 is left
blank with the reason on the cover. Output is deterministic (fixed
``created_at``): the same code writes byte-identical files, so ``workbooks/`` (made by
``workbooks/make_sample.py``) and ``evaltool demo`` hold the same sample.

:data:`DEMO_UNITS` are a few more districts with varied, invented figures, so a summary's
charts mean something; they are demo data, not from any report, issued from the same targets
file under their own 单位代码.

Example::

    from evaltool.demo.samples import write_sample, write_demo_units
    write_sample("sample.xlsx")
    write_demo_units("returns/")
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from evaltool.demo.seed_text import NARRATIVE
from evaltool.frameworks.targets import TargetRow, for_unit
from evaltool.io.targets import read_targets
from evaltool.template import write_template

CREATED_AT = "2024-06-30T00:00:00+00:00"
UNIT = "北京市西城区妇女联合会"
UNIT_CODE = "FL-XC"
EXAMPLE = "目标值为示例"
#: The bureau's targets file for the sample unit and the demo units (illustrative targets).
TARGETS = Path(__file__).with_name("targets-fulian-2023.csv")

#: 三级指标 -> (示例目标值 as in the targets file, 实际完成值 as the report states it, 备注 from the report)
ACTUALS: dict[str, tuple[Any, Any, str]] = {
    "执委领办项目数": (700, 753, "区级54项、街道184项、社区515项；推荐首都巾帼最美奋斗者4名，最美妇联执委3名"),
    "服务妇女儿童人次": (30000, 33821, ""),
    "专场招聘会场次": (40, 45, "春风行动；报告原文：百余名女性走上就业岗位"),
    "帮扶救助困难妇女儿童人数": (200, 200, "京蒙协作扶持项目，项目资金20万元"),
    "选树西城最美家庭户数": (150, 168, "1户家庭获2023年“全国最美家庭”荣誉称号"),
    "推荐首都最美家庭户数": (15, 18, "推荐首都最美家庭、首都最美志愿服务家庭"),
    "青年交友联谊活动参与人数": (800, "近800", "报告原文：近800名青年参与现场活动"),
    "失独老人活动次数": (80, "80余", "报告原文：80余次"),
    "救助患癌妇女人数": (20, 20, "社会救助资金11万元"),
    "走访慰问困难群体人数": (350, 383, "发放慰问金23.5万元；“六一”为30户困境儿童送温暖，发放慰问金3万元"),
    "春蕾女童教育实践场次": (10, 10, ""),
    "处理妇女来电来信来访件数": (150, 199, ""),
    "普法宣传讲座场次": (30, "三十余", "报告原文：三十余场次"),
    "增补街道妇联兼职主席人数": (15, 15, ""),
    "培训人次": (2400, "2400余", "报告原文：2400余人次"),
    "打造驿港湾个数": (35, 39, "“驿路有爱·温暖驿家”惠及126名女快递员和女外卖员"),
    "两癌免费筛查人数": (150, 150, "女外卖员、女家政员、女保洁员"),
    "家风系列活动场次": (20, "二十余", "报告原文：二十余场次，带领辖区近千户家庭"),
    "妇女儿童规划重点指标提前达标项数": (40, 45, ""),
    "寒暑假儿童关爱服务活动场次": (900, "近千", "报告原文：近千场次，服务家庭万余人次"),
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
    "自评等级留空：报告未公布部门整体评价得分或等级；报告中“自评结果为优秀”指对18个项目支出的绩效自评，"
    "不是部门整体的自评等级。",
]


def sample_values() -> dict[str, Any]:
    indicators: dict[str, dict[str, Any]] = {}
    for name, (_target, actual, note) in ACTUALS.items():  # targets: locked from TARGETS
        indicators[name] = {"实际完成值": actual, "备注": EXAMPLE + ("；" + note if note else "")}
    for name, (tier, note) in QUALITATIVE.items():
        indicators[name] = {"实际完成值": tier, "备注": note}
    indicators["部门预决算差异率"] = {"备注": "由预算执行表自动计算；报告所列 9.60% 填在自评表，由内置检查 RATE-5 与计算值核对"}
    indicators["服务对象满意度"] = {"备注": "报告未给出满意度调查数据（有效样本数、满意样本数），满意度不计分"}
    return {
        "unit_name": UNIT,
        "eval_year": 2023,
        "budget_initial": Decimal("18902744.60"),
        "final_expenditure": Decimal("17088957.48"),
        "projects_evaluated_count": 18,
        "projects_evaluated_share": Decimal("1"),
        "projects_evaluated_amount": Decimal("604.91"),
        "projects_evaluated_amount__note": "按报告原文录入：“涉及金额604.91元”",
        "projects_evaluated_share__note": "报告：占部门项目总数的100%",
        # 自评表 and cover fields (template 2.0), as the report states them
        "eval_method": "部门整体绩效自评",
        "eval_agency": UNIT,
        "variance_rate_reported": Decimal("0.096"),
        "variance_rate_reported__note": "报告原文：预决算差异率为9.60%",
        "deviation_analysis": ("报告“措施建议”：1.提高绩效管理意识，加强绩效目标管理，指标设置细化、量化；"
                               "2.健全完善项目实施方案；3.注重部门整体和项目预算绩效过程资料的收集、分析。"
                               "报告未逐项分析偏差原因。"),
        "result_application__note": "报告未说明结果应用",
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
#: The demo units' 单位代码 in the targets file (invented, like their figures).
DEMO_CODES = ("FL-DC", "FL-CY", "FL-HD", "FL-FT", "FL-SJS")


def targets_for(unit_code: str = UNIT_CODE, overrides: Mapping[str, Any] | None = None) -> tuple[TargetRow, ...]:
    """One unit's rows of the bundled targets file; ``overrides`` ({三级指标: 年度目标值}) replace
    targets (tests issue variants of the sample this way)."""
    rows = for_unit(read_targets(TARGETS), unit_code, str(TARGETS.name))
    if not overrides:
        return rows
    return tuple(replace(r, target=overrides[r.name]) if r.name in overrides else r for r in rows)


def targets_of_values(values: Mapping[str, Any], unit_code: str = UNIT_CODE) -> tuple[TargetRow, ...]:
    """The sample unit's targets with any 年度目标值 given in ``values["indicators"]`` instead."""
    given = {name: row["年度目标值"] for name, row in (values.get("indicators") or {}).items()
             if isinstance(row, Mapping) and "年度目标值" in row}
    return targets_for(unit_code, given)


def write_sample(path: str | Path) -> Path:
    """Write the filled seed sample (identical bytes to ``workbooks/sample-xicheng-2023.xlsx``)."""
    return write_template("dept-overall", Path(path), unit_name=UNIT, unit_code=UNIT_CODE, year=2023,
                          values=sample_values(), created_at=CREATED_AT, targets=targets_for(UNIT_CODE),
                          targets_source=TARGETS.name)


def write_blank(path: str | Path) -> Path:
    """Write the blank dept-overall template (identical to ``workbooks/template-dept-overall.xlsx``)."""
    return write_template("dept-overall", Path(path), created_at=CREATED_AT)


def demo_unit_values(unit: str, initial: str, final: str, factor: float, tier: str,
                     code: str = UNIT_CODE) -> dict[str, Any]:
    """The sample's values re-used for another unit: actuals = its approved target × factor, one tier."""
    base = sample_values()
    targets = {r.name: r.target for r in targets_for(code)}
    indicators = {}
    for name, row in base["indicators"].items():
        row = dict(row)
        target = targets.get(name)
        if isinstance(target, (int, float, Decimal)):
            row["实际完成值"] = round(float(target) * factor)
        elif row.get("实际完成值") in ("达成", "部分达成", "未达成"):
            row["实际完成值"] = tier
        indicators[name] = row
    sample = 120  # invented survey: satisfied share follows the unit's factor
    return dict(base, unit_name=unit, unit_code=code, budget_initial=Decimal(initial),
                final_expenditure=Decimal(final), indicators=indicators, cover_notes=[], narrative={},
                survey_sample=sample, survey_satisfied=round(sample * min(0.98, factor)))


def write_demo_units(folder: str | Path) -> list[Path]:
    """Write :data:`DEMO_UNITS` as filled dept-overall returns into ``folder``."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    return [
        write_template("dept-overall", out / f"{unit}.xlsx", unit_name=unit, unit_code=code, year=2023,
                       values=demo_unit_values(unit, initial, final, factor, tier, code), created_at=CREATED_AT,
                       targets=targets_for(code), targets_source=TARGETS.name)
        for (unit, initial, final, factor, tier), code in zip(DEMO_UNITS, DEMO_CODES, strict=True)
    ]
