"""Every word the summary workbook shows, in Chinese (default) and English.

Why: the summary is read by the bureau's evaluator in Chinese; ``--lang en`` gives the same
workbook in English. Sheet names, table headers, status and severity words all live here as
one ``code -> (中文, English)`` catalogue used through :func:`evaltool.messages.text`
(severity words come from :func:`evaltool.messages.severity_label`, their one home).

Example::

    label("sheet_units", "zh")      # '单位得分'
    status_label("有错误", "en")     # 'Errors'
"""

from __future__ import annotations

from evaltool.messages import text

__all__ = ["LABELS", "label", "status_label", "level1_headers", "STATUSES", "SEVERITY_ORDER"]

#: Canonical statuses (stored in :class:`SummaryEntry`), in display order.
STATUSES: tuple[str, ...] = ("通过", "有错误", "待确认", "未通过", "已被替代")
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

LABELS: dict[str, tuple[str, str]] = {
    # sheets
    "sheet_overview": ("总览", "Overview"),
    "sheet_units": ("单位得分", "Unit scores"),
    "sheet_details": ("指标明细", "Indicator details"),
    "sheet_findings": ("问题清单", "Findings"),
    "sheet_rejected": ("未通过", "Not accepted"),
    # titles
    "title": ("预算绩效评价汇总表", "Budget performance evaluation summary"),
    "title_units": ("各单位评价得分", "Scores by unit"),
    "title_details": ("绩效指标明细", "Indicators of every unit"),
    "title_findings": ("校验问题清单", "Problems found by the checks"),
    "title_rejected": ("未通过及已替代的文件", "Files not accepted or superseded"),
    "subtitle": ("汇总时间：{created}（{zone}）　　文件数：{n}", "Compiled: {created} ({zone})    Files: {n}"),
    "subtitle_root": ("　　来源文件夹：{root}", "    Folder: {root}"),
    "money_unit": ("金额单位：元", "Amounts in yuan"),
    "footer": ("&C第 &P 页，共 &N 页", "&CPage &P of &N"),
    # statuses
    "通过": ("通过", "Passed"),
    "有错误": ("有错误", "Errors"),
    "未通过": ("未通过", "Rejected"),
    "已被替代": ("已被替代", "Superseded"),
    "待确认": ("待确认", "To confirm"),
    "yes": ("是", "yes"),
    "no": ("否", ""),
    # overview blocks
    "block_returns": ("回收情况", "Returns"),
    "block_scores": ("得分情况", "Scores"),
    "block_grades": ("等级分布", "Grade distribution"),
    "item": ("项目", "Item"),
    "count": ("数量", "Count"),
    "value": ("数值", "Value"),
    "n_returned": ("收到文件", "Files received"),
    "n_passed": ("通过", "Passed"),
    "n_errors": ("有错误", "With errors"),
    "n_rejected": ("未通过", "Rejected"),
    "n_superseded": ("已被替代", "Superseded"),
    "avg": ("平均分", "Average score"),
    "median": ("中位数", "Median score"),
    "max": ("最高分", "Highest score"),
    "min": ("最低分", "Lowest score"),
    "grade": ("等级", "Grade"),
    "units": ("单位数", "Units"),
    "share": ("占比", "Share"),
    "none": ("（无）", "(none)"),
    "chart_grades": ("等级分布", "Grade distribution"),
    "chart_scores": ("各单位总分", "Total score by unit"),
    "chart_variance": ("各单位预决算差异率", "Budget/final variance by unit"),
    "chart_variance_note": ("红色：超出预警阈值", "Red: beyond the warning threshold"),
    # columns
    "col_unit": ("单位名称", "Unit"),
    "col_code": ("单位编码", "Unit code"),
    "col_year": ("年度", "Year"),
    "col_framework": ("评价框架", "Framework"),
    "col_total": ("总分", "Total"),
    "col_grade": ("等级", "Grade"),
    "col_rank": ("排名", "Rank"),
    "col_variance": ("预决算差异率", "Variance rate"),
    "col_threshold": ("差异率预警阈值", "Variance threshold"),
    "col_execution": ("预算执行率", "Execution rate"),
    "col_budget": ("年初预算数（元）", "Initial budget (yuan)"),
    "col_final": ("全年执行数（元）", "Final expenditure (yuan)"),
    "col_errors": ("错误数", "Errors"),
    "col_warnings": ("警告数", "Warnings"),
    "col_status": ("状态", "Status"),
    "col_file": ("来源文件", "Source file"),
    "col_l1": ("一级指标", "Level 1"),
    "col_l2": ("二级指标", "Level 2"),
    "col_l3": ("三级指标", "Level 3"),
    "col_kind": ("指标类型", "Type"),
    "col_weight": ("分值", "Weight"),
    "col_direction": ("指标方向", "Direction"),
    "col_measure": ("计量单位", "Measure"),
    "col_target": ("年度目标值", "Target"),
    "col_actual": ("实际完成值", "Actual"),
    "col_rate": ("完成率/偏差率", "Rate"),
    "col_score": ("得分", "Score"),
    "col_score_note": ("计分说明", "Scoring note"),
    "col_sheet": ("工作表", "Sheet"),
    "col_cell": ("单元格", "Cell"),
    "col_rule": ("规则编号", "Rule"),
    "col_severity": ("级别", "Severity"),
    "col_message": ("提示信息", "Message"),
    "col_explained": ("已说明", "Explained"),
    "col_reason": ("原因", "Reason"),
    "col_sender": ("发件人", "Sender"),
    "col_mail_date": ("来信时间", "Mail date"),
    "col_superseded_by": ("替代文件", "Superseded by"),
}


def label(code: str, lang: str = "zh", **kw: object) -> str:
    """The summary label ``code`` in ``lang``."""
    return text(LABELS, code, lang, **kw)


def status_label(status: str, lang: str = "zh") -> str:
    """Display word for a canonical status (通过/有错误/未通过/已被替代)."""
    return text(LABELS, status, lang) if status in LABELS else status


def level1_headers(names: list[str], fixed: set[str], lang: str = "zh") -> list[str]:
    """Column headers for 一级指标 names; a name equal to a fixed column gets a suffix.

    project-self has a 一级指标 called 预算执行率, which is also the summary's rate column:
    it becomes ``预算执行率（一级指标）`` (``预算执行率 (level 1)`` in English).
    """
    suffix = "（一级指标）" if lang != "en" else " (level 1)"
    return [f"{n}{suffix}" if n in fixed else n for n in names]
