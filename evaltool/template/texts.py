"""Titles and fill-in hints of each template sheet, in Chinese (default) and English.

Why: row 1 (title) and row 2 (what to fill) are what a department reads first; ``--lang en``
switches these texts. Sheet names, table headers, labels and defined names are fixed by the
contract and stay Chinese/ASCII in every language.

Example::

    sheet_head(ctx, ws, "budget", last_col=5, height=44)
"""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from evaltool.messages import text
from evaltool.template.context import Ctx

TITLES: dict[str, tuple[str, str]] = {
    "cover": ("{name}填报表", "{name} — evaluation return"),
    "budget": ("预算执行情况", "Budget execution"),
    "indicators": ("{name}指标表", "{name} — indicators"),
    "projects": ("项目支出清单", "Project list"),
    "rules": ("校验规则（由财政部门制定，勿改）", "Validation rules (set by the finance bureau; do not edit)"),
    "methods": ("评分方法与参数（由财政部门制定，勿改）", "Scoring methods and parameters (bureau-owned; do not edit)"),
    "grades": ("等级标准（由财政部门制定，勿改）", "Grade bands (bureau-owned; do not edit)"),
    "checks": ("校验结果", "Check results"),
    "open_issues": ("待处理问题", "Open issues"),
    "summary": ("得分汇总", "Score summary"),
}
HINTS: dict[str, tuple[str, str]] = {
    "cover": ("填写说明：黄色单元格由填报单位填写；其余单元格由模板或 evaltool 生成，已锁定。"
              "总分、评价等级由公式自动计算；填写完成后请保存并按要求报送。",
              "Fill in the yellow cells; everything else is generated and locked. Total score and grade "
              "are formulas. Save and return the file when done."),
    "budget": ("金额单位：元（保留两位小数）。请填写黄色单元格：资金总额行（第5行）由填报单位直接填写，不自动求和；"
               "填写了其中各项时，校验规则检查其与资金总额是否相符。第24–30行为自动计算的比率，勿改。",
               "Amounts in yuan (元, two decimals). Fill in the yellow cells. Row 5 (资金总额) is entered, not "
               "summed; when its parts are given, a rule checks they add up. Rows 24–30 are computed rates."),
    "indicators": ("填写说明：请填写黄色单元格——年度目标值、实际完成值、偏差原因、备注。定量指标填数字"
                   "（可写“近800”“三十余”等约数，系统会识别并提示）；定性指标从下拉列表选择档次。"
                   "完成率/偏差率、得分由公式自动计算。如需增加指标，请在表格下方空行填写；新增指标经财政部门审定前"
                   "不计分，分值请留空，建议分值写在备注。",
                   "Fill in targets, actuals, reasons and notes (yellow). Quantitative actuals are numbers "
                   "(approximate Chinese phrasings such as 近800 are recognised and reported); qualitative ones "
                   "are chosen from the drop-down. Completion and score are formulas. Add indicators in the "
                   "blank rows below; an added indicator is not scored until the bureau approves it: leave 分值 "
                   "blank and put the proposed weight in 备注."),
    "projects": ("填写说明：逐行填写本单位项目支出，金额单位：元。执行率自动计算（全年执行数/全年预算数，"
                 "全年预算数为空时用年初预算数）。是否评价、自评等级请从下拉列表选择。",
                 "One project per row, amounts in yuan. 执行率 is computed (执行数/全年预算数, or /年初预算数 "
                 "when 全年预算数 is blank). Choose 是否评价 and 自评等级 from the drop-downs."),
    "rules": ("表达式为 Excel 公式，结果为 TRUE 表示通过；tol 表示本规则的容差；"
              "需说明=是 的规则未通过时，可在“校验结果”表填写出错说明。",
              "Each expression is an Excel formula; TRUE passes. tol is the rule's tolerance. A failing rule "
              "with 需说明=是 stands when explained in the check results sheet."),
    "methods": ("类型为 evaltool 的计分类型；参数为 键=值，以分号分隔；source=名称 表示以该计算比率为实际值。",
                "类型 is an evaltool scoring kind; 参数 are key=value pairs separated by ';'; source=<name> "
                "scores the named computed rate instead of the row's actual."),
    "grades": ("区间为 [下限, 上限)，含上限=是 时包含上限（如 优：90–100 含100）。",
               "Bands are [lower, upper); 含上限=是 closes the top band (优: 90–100 inclusive)."),
    "open_issues": ("由 evaltool 在每次“计算评分”或 evaltool score 时重写，只列出尚未解决的错误、警告和提示，供打印审阅；"
                    "逐条校验见“校验结果”表。",
                    "Rewritten by evaltool at every 计算评分 press or evaltool score: only the open findings, "
                    "for printing; every check is on 校验结果."),
    "checks": ("由 evaltool 生成。未通过的“需说明”规则，请在“出错说明”列填写原因；其余列勿改。"
               "打印审阅请用“待处理问题”表。",
               "Written by evaltool. For a failing rule that allows an explanation, write it in 出错说明."),
    "summary": ("按一级、二级指标汇总分值与得分，公式自动计算。", "Weights and scores by level (formulas)."),
}


def sheet_head(ctx: Ctx, ws: Worksheet, key: str, *, last_col: int, height: float = 30) -> None:
    """Title in A1 and the hint merged across row 2 (A2:<last_col>2)."""
    ws.write_string(0, 0, text(TITLES, key, ctx.lang, name=ctx.fw.name), ctx.st.title)
    hint = text(HINTS, key, ctx.lang)
    if last_col > 0:
        ws.merge_range(1, 0, 1, last_col, hint, ctx.st.hint)
    else:
        ws.write_string(1, 0, hint, ctx.st.hint)
    ws.set_row(1, height)
