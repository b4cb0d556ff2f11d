"""Make the shipped workbooks: the blank dept-overall template and the 西城区妇联 2023 sample.

Why: a real, filled example lets every part of evaltool (checks, scoring, write-back,
summary) be tested on the figures of a published report — 《北京市西城区妇女联合会2023年度
部门整体绩效评价报告》 (/work/shared/seed). Every figure of the report that fits a template
field is entered exactly as the report states it (approximate phrasings as text, e.g. 近800);
the report gives no targets, so 年度目标值 are illustrative and marked 目标值为示例. Output is
deterministic (fixed created_at): re-running gives byte-identical files.

Example::

    python workbooks/make_sample.py          # writes the two .xlsx files next to this script
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from evaltool.template import write_template

HERE = Path(__file__).resolve().parent
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
    "服务对象满意度": ("达成", "报告未给出满意度调查数据，以所获荣誉说明；档次为示例"),
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
    "全年预算数、预算构成与项目清单报告未提供，留空。",
]


def sample_values() -> dict[str, Any]:
    indicators: dict[str, dict[str, Any]] = {}
    for name, (target, actual, note) in ACTUALS.items():
        indicators[name] = {"年度目标值": target, "实际完成值": actual,
                            "备注": EXAMPLE + ("；" + note if note else "")}
    for name, (tier, note) in QUALITATIVE.items():
        indicators[name] = {"实际完成值": tier, "备注": note}
    indicators["部门预决算差异率"] = {"备注": "由预算执行表自动计算；报告：预决算差异率为9.60%"}
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
    }


def main(outdir: Path = HERE) -> list[Path]:
    blank = write_template("dept-overall", outdir / "template-dept-overall.xlsx", created_at=CREATED_AT)
    sample = write_template("dept-overall", outdir / "sample-xicheng-2023.xlsx", unit_name=UNIT, year=2023,
                            values=sample_values(), created_at=CREATED_AT)
    return [blank, sample]


if __name__ == "__main__":
    for p in main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(p)
