"""The template contract v2 (docs/template.md) as constants: sheets, names, rows, headers.

Why: the writer (:mod:`evaltool.template`) and the reader (:mod:`evaltool.io.parse`) must agree
cell for cell; both import these constants instead of repeating literals. Pure data — no
Excel library is imported here.

Example::

    from evaltool import contract as C
    C.TABLE_HEADERS["Indicators"][10]     # '完成率/偏差率'
    C.COVER_NAMES["total_score"]          # (11, '总分')
"""

from __future__ import annotations

from collections.abc import Mapping

TEMPLATE_VERSION = "2.1"
#: Major versions evaltool reads. A return on an older version (an older major, or 2.0 under
#: 2.1) is read by what it carries (its own methods, parameters, grades and rate formulas) and
#: flagged (built-in check VER-1); fields a later minor added are simply absent from it.
READABLE_MAJORS = ("1", "2")


def version_key(version: str) -> tuple[int, int] | None:
    """``"2.1"`` → ``(2, 1)`` (a bare major ``"2"`` is ``(2, 0)``); None when not a version."""
    head, _, rest = (version or "").strip().partition(".")
    minor = rest.split(".")[0] if rest else "0"
    return (int(head), int(minor)) if head.isdigit() and minor.isdigit() else None


def is_previous(version: str) -> bool:
    """True for a readable version older than :data:`TEMPLATE_VERSION` (major or minor)."""
    got, current = version_key(version), version_key(TEMPLATE_VERSION)
    return got is not None and current is not None and got < current
TEMPLATE_ID_PREFIX = "evaltool/"

COVER = "封面"
BUDGET = "预算执行"
INDICATORS = "绩效指标"
PROJECTS = "项目清单"
NARRATIVE = "报告内容"  # see evaltool.contract.narrative
RULES = "校验规则"
METHODS = "评分方法"
GRADES = "等级标准"
CHECKS = "校验结果"
OPEN_ISSUES = "待处理问题"  # rewritten by every score / button press: open findings only, for print
SUMMARY = "得分汇总"
META = "_meta"
SELF_EVAL = "自评表"  # template 2.1
SHEETS = (COVER, BUDGET, INDICATORS, PROJECTS, SELF_EVAL, NARRATIVE, RULES, METHODS, GRADES, CHECKS, OPEN_ISSUES,
          SUMMARY, META)

#: 待处理问题: the stamp cell (when it was written) and the list's header row (1-based) and columns.
OPEN_ISSUES_STAMP = "A3"
OPEN_ISSUES_HEADER_ROW = 4
OPEN_ISSUES_HEADERS = ("序号", "级别", "工作表", "单元格", "规则编号", "提示信息")
OPEN_ISSUES_WIDTHS = (6, 8, 12, 10, 12, 80)

#: 封面: name -> (row, label); value in column B, label in column A.
COVER_NAMES: dict[str, tuple[int, str]] = {
    "unit_name": (3, "单位名称"),
    "unit_code": (4, "单位编码"),
    "eval_year": (5, "评价年度"),
    "framework_name": (6, "评价框架"),
    "preparer": (7, "填报人"),
    "contact": (8, "联系电话"),
    "fill_date": (9, "填报日期"),
    "self_grade": (10, "自评等级"),
    "total_score": (11, "总分"),
    "grade": (12, "评价等级"),
    "calc_status": (13, "计算状态"),
    "template_id": (16, "模板编号"),
    "template_version": (17, "模板版本"),
}
COVER_INPUTS = ("unit_name", "unit_code", "eval_year", "preparer", "contact", "fill_date", "self_grade")

#: 预算执行 Budget table rows (data rows 5–8) and the three scalar names on row 5.
BUDGET_HEADER_ROW = 4
BUDGET_LINES = ("资金总额", "其中：财政拨款", "上年结转", "其他资金")
BUDGET_ROW5_NAMES = {"budget_initial": "B", "budget_adjusted": "C", "final_expenditure": "D"}
BUDGET_ROW5_LABELS = {
    "budget_initial": "年初预算数（元）",
    "budget_adjusted": "全年预算数（元）",
    "final_expenditure": "全年执行数（决算数）（元）",
}

#: 预算执行 key/value block, rows 11–21: name -> (row, label, number format kind).
KV_NAMES: dict[str, tuple[int, str, str]] = {
    "budget_adjustment": (11, "预算调整数（元）", "money"),
    "carryover_total": (12, "结转结余总额（元）", "money"),
    "three_public_current": (13, "本年度“三公经费”（元）", "money"),
    "three_public_prior": (14, "上年度“三公经费”（元）", "money"),
    "staff_actual": (15, "在职人员数（人）", "int"),
    "staff_authorized": (16, "编制数（人）", "int"),
    "key_project_spend": (17, "重点项目支出（元）", "money"),
    "project_spend_total": (18, "项目总支出（元）", "money"),
    "projects_evaluated_count": (19, "评价项目数（个）", "int"),
    "projects_evaluated_share": (20, "评价项目占项目总数比例", "rate"),
    "projects_evaluated_amount": (21, "评价项目涉及金额（元）", "money"),
}
KV_HEADER_ROW = 10
RATE_HEADER_ROW = 23
#: Rates, rows 24–30 (value in B, formula text in C — the text is fingerprinted).
RATE_NAMES = (
    "variance_rate", "execution_rate", "adjustment_rate", "carryover_rate",
    "three_public_change_rate", "staff_control_rate", "key_spend_rate",
)
RATE_FORMULA_COL = 3  # column C (1-based)

#: Template 2.0: 预算执行 rows 32–44, the survey and 财预〔2013〕53号 附件2 inputs (all optional;
#: a 1.x workbook has none of them): name -> (row, label, number format kind).
KV2_HEADER_ROW = 32
KV2_NAMES: dict[str, tuple[int, str, str]] = {
    "survey_sample": (33, "满意度调查有效样本数（份）", "int"),
    "survey_satisfied": (34, "其中：满意（含基本满意）样本数（份）", "int"),
    "payment_progress_actual": (35, "实际支付进度（实际支出/预算数）", "rate"),
    "payment_progress_planned": (36, "既定支付进度", "rate"),
    "carryover_prior": (37, "上年度累计结转结余资金总额（元）", "money"),
    "public_funds_actual": (38, "实际支出公用经费总额（元）", "money"),
    "public_funds_budget": (39, "预算安排公用经费总额（元）", "money"),
    "three_public_budget": (40, "“三公经费”预算安排数（元）", "money"),
    "procurement_actual": (41, "实际政府采购金额（元）", "money"),
    "procurement_budget": (42, "政府采购预算数（元）", "money"),
    "assets_in_use": (43, "实际在用固定资产总额（元）", "money"),
    "assets_total": (44, "所有固定资产总额（元）", "money"),
}
RATE2_HEADER_ROW = 46
#: Template 2.0 rates, rows 47–53 (same layout as rows 24–30).
RATE_NAMES_V2 = (
    "satisfaction_rate", "payment_progress_rate", "carryover_change_rate", "public_funds_control_rate",
    "three_public_control_rate", "procurement_execution_rate", "fixed_asset_use_rate",
)
#: Every rate's row on 预算执行.
RATE_ROWS: dict[str, int] = {
    **{n: RATE_HEADER_ROW + 1 + i for i, n in enumerate(RATE_NAMES)},
    **{n: RATE2_HEADER_ROW + 1 + i for i, n in enumerate(RATE_NAMES_V2)},
}
ALL_RATE_NAMES = RATE_NAMES + RATE_NAMES_V2

#: 自评表 (template 2.1; docs/template.md "自评表"): the 自评表 fields of 财预〔2020〕10号 that are
#: not indicators. 三公经费 by part, rows 5–7: label A, 预算数 B, 决算数 C. The totals keep their
#: one home on 预算执行 (three_public_budget, three_public_current); rules check parts = totals.
THREE_PUBLIC_HEADER_ROW = 4
THREE_PUBLIC_PARTS: dict[str, tuple[int, str]] = {
    "abroad": (5, "因公出国（境）费"),
    "vehicle": (6, "公务用车购置及运行费"),
    "reception": (7, "公务接待费"),
}
#: Row 8: where the totals are (text only, no input).
THREE_PUBLIC_TOTAL_ROW = 8
#: name -> (sheet row, column) for the 三公 cells: three_public_<part>_budget / _final.
THREE_PUBLIC_NAMES: dict[str, tuple[int, str]] = {
    f"three_public_{part}_{side}": (row, col)
    for part, (row, _) in THREE_PUBLIC_PARTS.items() for side, col in (("budget", "B"), ("final", "C"))
}
#: Key/value block from row 11 (label A, value B, 说明 C): name -> (row, label, kind). 结转结余
#: 年初 and 年末 are 预算执行's carryover_prior and carryover_total (one home each); the balance
#: 年初 + 本年收入 − 本年支出 = 年末 is a rule (JZJY-1).
SELF_EVAL_KV_HEADER_ROW = 10
SELF_EVAL_KV: dict[str, tuple[int, str, str]] = {
    "income_current": (11, "本年收入合计（元）", "money"),
    "variance_rate_reported": (12, "报告所列预决算差异率", "rate"),
    "deviation_analysis": (13, "偏差原因分析及改进措施", "text"),
    "prior_rectification": (14, "上年整改措施", "text"),
    "prior_rectification_status": (15, "上年整改落实情况", "text"),
    "result_application": (16, "结果应用", "text"),
}
#: 存在问题 and 整改措施 (措施建议) are not here: their one home is the 报告内容 sheet
#: (``evaltool.contract.narrative`` fields ``problems`` and ``measures``).
#: 封面 rows 14–15 (template 2.1): how and by whom the evaluation was made.
COVER_EVAL_NAMES: dict[str, tuple[int, str]] = {
    "eval_method": (14, "评价方式"),
    "eval_agency": (15, "评价机构"),
}
SELF_EVAL_TEXT_NAMES = frozenset({k for k, v in SELF_EVAL_KV.items() if v[2] == "text"} | set(COVER_EVAL_NAMES))

MONEY_NAMES = frozenset(
    {"budget_initial", "budget_adjusted", "final_expenditure"}
    | {k for k, v in KV_NAMES.items() if v[2] == "money"}
    | {k for k, v in KV2_NAMES.items() if v[2] == "money"}
    | set(THREE_PUBLIC_NAMES)
    | {k for k, v in SELF_EVAL_KV.items() if v[2] == "money"}
)
#: Names whose cell holds a formula or engine output: never read as truth.
COMPUTED_NAMES = frozenset(set(ALL_RATE_NAMES) | {"total_score", "grade", "calc_status"})

TABLE_SHEETS = {
    "Indicators": INDICATORS, "Projects": PROJECTS, "Budget": BUDGET, "Rules": RULES,
    "Methods": METHODS, "Params": METHODS, "Grades": GRADES, "Checks": CHECKS, "ScoreSummary": SUMMARY,
}
TABLE_HEADERS: dict[str, tuple[str, ...]] = {
    "Indicators": ("一级指标", "二级指标", "三级指标", "指标类型", "评分方法", "分值", "计量单位", "指标方向",
                   "年度目标值", "实际完成值", "完成率/偏差率", "得分", "偏差原因", "备注", "评定比例", "计分值"),
    "Projects": ("序号", "项目名称", "项目类型", "年初预算数", "全年预算数", "全年执行数", "执行率", "是否评价",
                 "自评得分", "自评等级", "备注"),
    "Budget": ("项目", "年初预算数", "全年预算数", "全年执行数", "执行率", "说明"),
    "Rules": ("规则编号", "范围", "对象表", "表达式", "级别", "提示信息", "容差", "需说明"),
    "Methods": ("方法编号", "方法名称", "类型", "参数", "说明", "依据", "效力"),
    "Params": ("参数名", "参数值", "说明"),
    "Grades": ("等级", "下限", "上限", "含上限", "别名"),
    "Checks": ("规则编号", "来源", "级别", "工作表", "单元格", "结果", "提示信息", "出错说明"),
    "ScoreSummary": ("一级指标", "二级指标", "分值", "得分", "得分率"),
}
TABLE_HEADER_ROWS = {
    "Indicators": 4, "Projects": 4, "Budget": 4, "Rules": 3, "Methods": 3, "Grades": 3, "Checks": 4,
    "ScoreSummary": 3,
}  # Params: after Methods + 2 blank rows
#: Columns added in template 2.0 at the end of a table; a 1.x workbook is read without them.
V2_COLUMNS: dict[str, tuple[str, ...]] = {"Indicators": ("评定比例", "计分值"), "Methods": ("依据", "效力")}
#: The header prefix every readable workbook (1.x and 2.x) has.
REQUIRED_HEADERS: dict[str, tuple[str, ...]] = {
    t: h[: len(h) - len(V2_COLUMNS.get(t, ()))] for t, h in TABLE_HEADERS.items()
}
REQUIRED_TABLES = tuple(TABLE_HEADERS)
REQUIRED_NAMES = tuple(COVER_NAMES) + tuple(BUDGET_ROW5_NAMES) + tuple(KV_NAMES) + RATE_NAMES

#: Spare (unlocked) rows below the framework's indicators, and blank project rows.
SPARE_INDICATOR_ROWS = 10
PROJECT_ROWS = 30

META_KEYS = (
    "template_id", "template_version", "framework_id", "framework_version", "created_at",
    "unit_name", "fingerprint", "signature", "key_id", "locked_indicator_rows",
    "unit_code", "eval_year", "signed",
)
#: The issued identity in ``_meta``: whom the template was issued to, for which year and
#: framework. A return whose cover names another unit, code or year is an identity error;
#: with a bureau key these values are inside the signature (``signed`` lists what it covers).
IDENTITY_KEYS = ("template_id", "framework_id", "unit_name", "unit_code", "eval_year")
SIGNED_IDENTITY = "fingerprint+identity"


def signed_payload(meta: Mapping[str, str]) -> str:
    """The text the bureau's HMAC signs: the fingerprint, and — when ``meta["signed"]`` says
    so (templates written since the issued identity was stored) — the identity keys too.

    Clearing ``signed`` does not help a forger: the stored signature was made over the longer
    text, so the shorter one no longer matches it.
    """
    fingerprint = str(meta.get("fingerprint", ""))
    if meta.get("signed") != SIGNED_IDENTITY:
        return fingerprint
    return "\n".join([fingerprint, *(f"{k}={meta.get(k, '')}" for k in IDENTITY_KEYS)])


#: ``_meta`` keys written only when they apply: ``approved_targets`` = ``1`` when the template was
#: issued with a targets file (the framework rows' 年度目标值 are then locked and fingerprinted).
#: ``filler_weighted_rows`` = ``1`` when the framework lets rows a filler adds count with their weight.
META_OPTIONAL_KEYS = ("approved_targets", "filler_weighted_rows")

STATUS_NOT_CALCULATED = "未计算"

#: The bureau's targets file (docs/targets.md): its columns, in the documented order.
TARGETS_COLUMNS = ("单位代码", "单位名称", "一级指标", "二级指标", "三级指标", "指标类型", "评分方法", "分值",
                   "计量单位", "指标方向", "年度目标值", "来源", "备注")
TARGETS_REQUIRED = ("单位代码", "三级指标", "年度目标值")
