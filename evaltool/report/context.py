"""The report's content as plain data: what the Word template's Jinja tags read (pure).

Why: the 绩效评价报告 has the seed's structure — 一、部门概况, 二、整体绩效目标实现情况,
三、预算管理情况分析, 四、总体评价结论, 五、措施建议 — with every figure written from the cells
(so a unit slip cannot enter) and the prose from the 报告内容 sheet. Building it as a dict of
strings, lists and numbers keeps layout (the .docx, editable by the bureau in Word) apart
from content, and lets tests check the content without Word.

Sections of the framework go where the seed puts them: 一级指标 named in
:data:`MANAGEMENT_LEVELS` (预算管理) become 三、预算管理情况分析 with one （n） per 二级;
every other 一级 becomes a （n）…完成情况分析 of 二 with one ``n.`` per 二级. The 二级 whose
name is in :data:`BUDGET_GROUPS` carries the budget sentence and table.

Example::

    ctx = report_context(evaltool.load("sample.xlsx").result)
    ctx["budget"]["sentence"]   # '…年初预算18,902,744.60元，年度决算17,088,957.48元，预决算差异率为9.60%。'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from evaltool.model import Evaluation, Finding, Indicator, Result
from evaltool.quantities.fuzzy import parse_quantity
from evaltool.report.numbers import cn_ordinal, money_text, plain_text, rate_text, score_text

#: 一级指标 reported under 三、预算管理情况分析 (a named local choice; default: 预算管理).
MANAGEMENT_LEVELS: tuple[str, ...] = ("预算管理",)
#: 二级指标 under which the budget sentence and table are written.
BUDGET_GROUPS: tuple[str, ...] = ("部门预决算差异率", "预决算差异率", "预算执行")
#: Default 评价方式 on the cover when the workbook does not say.
DEFAULT_EVAL_MODE = "部门自评"
MISSING = "（未填写）"
DRAFT_INTRO = "以下问题由 evaltool 校验发现，尚未处理（草稿，请核实后修改或删除）："
UNIT_SLIP_RULES = frozenset({"UNIT-1"})
#: Findings not repeated in the draft: approximate actuals (NUM-1) are explained in the notes
#: under the indicator table instead.
DRAFT_SKIP = frozenset({"NUM-1"})


@dataclass(frozen=True)
class _Sums:
    weight: float
    score: float


def paragraphs(text: str, *, missing: str = MISSING) -> list[str]:
    """A cell's text as paragraphs (one per line); ``[missing]`` when empty."""
    out = [p.strip() for p in text.splitlines() if p.strip()]
    return out or ([missing] if missing else [])


def _group_title(level1: str, level2: str) -> str:
    """The seed's sub-heading: short 二级 names get their 一级 in front (数量 → 产出数量)."""
    return level1 + level2 if len(level2) <= 2 else level2


def _scores(result: Result) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for s in result.scores:
        parts = s.key.split(":")
        if len(parts) == 3 and parts[0] == "indicator":
            out.setdefault(int(parts[1]), {})[parts[2]] = s.value
    return out


def _sums(inds: Iterable[Indicator], scores: dict[int, dict[str, Any]]) -> _Sums:
    w = s = 0.0
    for i in inds:
        w += float(i.weight or 0)
        v = scores.get(i.row, {}).get("得分")
        s += float(v) if isinstance(v, int | float) else 0.0
    return _Sums(round(w, 6), round(s, 6))


def _open(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity in ("error", "warning") and not f.explained]


def finding_text(f: Finding, lang: str = "zh") -> str:
    """A finding as one line for the draft: its sentence from the message catalogue, and where."""
    from evaltool.messages import render

    msg = render(f, lang)
    where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else f.sheet
    return f"{msg}（{where}）" if where else msg


def _indicator_rows(ev: Evaluation, scores: dict[int, dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    eps = ev.param("fuzzy_epsilon", 0.1)
    rows, notes = [], []
    for i in ev.indicator_rows:
        sc = scores.get(i.row, {})
        actual = plain_text(i.actual)
        mark = ""
        if isinstance(i.actual, str):
            iv = parse_quantity(i.actual, epsilon=float(eps) if isinstance(eps, int | float) else 0.1)
            if iv is not None and not iv.is_point:
                notes.append(f"“{i.level3}”实际完成值按原文写作“{i.actual}{i.unit}”，按区间 {iv.describe()} 理解，"
                             f"计分取保守值 {plain_text(iv.bound_for(i.direction))}。")
                mark = f"注{len(notes)}"
        rate = sc.get("完成率/偏差率")
        rows.append({
            "level1": i.level1, "level2": i.level2, "name": i.level3, "unit": i.unit,
            "target": plain_text(i.target), "actual": actual, "mark": mark,
            "rate": rate_text(rate, 1) if isinstance(rate, int | float) else "",
            "weight": score_text(i.weight), "score": score_text(sc.get("得分")),
        })
    return rows, notes


def _budget(ev: Evaluation, result: Result, unit: str, year: str) -> dict[str, Any]:
    initial, final = ev.scalar("budget_initial"), ev.scalar("final_expenditure")
    variance = result.rates.get("variance_rate")
    execution = result.rates.get("execution_rate")
    parts = []
    if initial is not None:
        parts.append(f"年初预算{money_text(initial)}元")
    if ev.scalar("budget_adjusted") is not None:
        parts.append(f"全年预算{money_text(ev.scalar('budget_adjusted'))}元")
    if final is not None:
        parts.append(f"年度决算{money_text(final)}元")
    if variance is not None:
        parts.append(f"预决算差异率为{rate_text(variance)}")
    sentence = f"{unit}{year}年{'，'.join(parts)}。" if parts else f"{unit}{year}年预算数据{MISSING}。"
    if execution is not None:
        sentence += f"预算执行率为{rate_text(execution)}。"
    lines = [{"label": b.label, "initial": money_text(b.initial), "adjusted": money_text(b.adjusted),
              "executed": money_text(b.executed)} for b in ev.budget
             if any(x is not None for x in (b.initial, b.adjusted, b.executed))]
    return {"sentence": sentence, "lines": lines, "variance": rate_text(variance) if variance is not None else "",
            "execution": rate_text(execution) if execution is not None else ""}


def _projects_sentence(ev: Evaluation, result: Result, unit: str, year: str) -> str:
    n = ev.scalar("projects_evaluated_count")
    if n in (None, ""):
        return ""
    share, amount = ev.scalar("projects_evaluated_share"), ev.scalar("projects_evaluated_amount")
    s = f"{year}年，{unit}对{year}年度部门项目支出实施绩效评价，评价项目{plain_text(n)}个"
    if share not in (None, ""):
        s += f"，占部门项目总数的{rate_text(share, 0) if not isinstance(share, str) else share}"
    if amount not in (None, ""):
        loc = ev.names.get("projects_evaluated_amount")
        slip = loc is not None and any(f.rule in UNIT_SLIP_RULES and f.sheet == loc.sheet and loc.ref.endswith(f.cell)
                                       for f in _open(result.findings))
        s += f"，涉及金额{money_text(amount)}元" + ("〔金额待核实，见“存在的问题”〕" if slip else "")
    s += "。"
    if ev.unit.self_grade:
        s += f"项目支出自评结果为{ev.unit.self_grade}。"
    return s


def _date(ev: Evaluation, today: dt.date | None) -> str:
    d = ev.scalar("fill_date")
    if isinstance(d, dt.datetime | dt.date):
        return f"{d.year}年{d.month}月{d.day}日"
    t = today or dt.date.today()
    return f"{t.year}年{t.month}月{t.day}日"


def report_context(result: Result, *, today: dt.date | None = None, chart: Any = None) -> dict[str, Any]:
    """Everything the report template renders, from one scored workbook."""
    ev = result.evaluation
    n = ev.narrative
    unit = ev.unit.name or MISSING
    year = str(ev.unit.year or "")
    scores = _scores(result)
    by_level: dict[str, dict[str, list[Indicator]]] = {}
    for i in ev.indicator_rows:
        by_level.setdefault(i.level1, {}).setdefault(i.level2, []).append(i)
    for a, b, _ in n.progress:  # groups with text but no indicator row still get a section
        if b:
            by_level.setdefault(a, {}).setdefault(b, [])
    levels: list[dict[str, Any]] = []
    management: list[dict[str, Any]] = []
    score_rows: list[dict[str, Any]] = []
    for level1, groups in by_level.items():
        total = _sums((i for g in groups.values() for i in g), scores)
        is_mgmt = level1 in MANAGEMENT_LEVELS
        items = []
        for k, (level2, inds) in enumerate(groups.items(), start=1):
            s = _sums(inds, scores)
            items.append({"number": k, "number_cn": f"（{cn_ordinal(k)}）", "title": _group_title(level1, level2),
                          "name": level2, "paras": paragraphs(n.progress_text(level1, level2),
                                                              missing="" if level2 in BUDGET_GROUPS else MISSING),
                          "budget": level2 in BUDGET_GROUPS, "weight": score_text(s.weight),
                          "score": score_text(s.score)})
            score_rows.append({"level1": level1, "level2": level2, "weight": score_text(s.weight),
                               "score": score_text(s.score), "rate": rate_text(s.score / s.weight, 1) if s.weight else "",
                               "subtotal": False})
        score_rows.append({"level1": level1, "level2": "小计", "weight": score_text(total.weight),
                           "score": score_text(total.score),
                           "rate": rate_text(total.score / total.weight, 1) if total.weight else "", "subtotal": True})
        entry = {"name": level1, "title": f"{level1}完成情况分析" if level1 != "效果" else "效果实现情况分析",
                 "overview": paragraphs(n.progress_text(level1), missing=""), "groups": items,
                 "weight": score_text(total.weight), "score": score_text(total.score)}
        (management if is_mgmt else levels).append(entry)
    for k, lv in enumerate(levels, start=1):
        lv["number_cn"] = f"（{cn_ordinal(k)}）"
    budget = _budget(ev, result, unit, year)
    mgmt_groups = [g for lv in management for g in lv["groups"]]
    if not any(g["budget"] for g in mgmt_groups):
        mgmt_groups.append({"number": len(mgmt_groups) + 1, "title": "部门预决算差异率", "name": "部门预决算差异率",
                            "paras": [], "budget": True, "weight": "", "score": ""})
    for k, g in enumerate(mgmt_groups, start=1):
        g["number"], g["number_cn"] = k, f"（{cn_ordinal(k)}）"
    indicators, notes = _indicator_rows(ev, scores)
    open_findings = [f for f in _open(result.findings) if f.rule not in DRAFT_SKIP]
    grand = _sums(ev.indicator_rows, scores)
    score_rows.append({"level1": "合计", "level2": "", "weight": score_text(grand.weight),
                       "score": score_text(result.total), "rate": "", "subtotal": True})
    subs = "、".join(f"{lv['name']}{lv['score']}分（满分{lv['weight']}分）" for lv in levels + management)
    total_text = score_text(result.total) if result.total is not None else ""
    verdict = (f"经评价，{unit}{year}年度部门整体绩效评价得分{total_text}分，评价等级为“{result.grade or MISSING}”。"
               + (f"其中{subs}。" if subs else "")) if total_text else f"{unit}{year}年度部门整体绩效评价尚未得出总分。"
    return {
        "unit": unit, "year": year, "title": f"{year}年度部门整体绩效评价报告",
        "eval_mode": str(ev.scalar("eval_mode") or DEFAULT_EVAL_MODE), "date": _date(ev, today),
        "org": paragraphs(n.org), "duties": paragraphs(n.duties), "goals": paragraphs(n.goals),
        "levels": levels, "management": mgmt_groups, "budget": budget,
        "total": total_text, "grade": result.grade or "", "verdict": verdict,
        "projects_sentence": _projects_sentence(ev, result, unit, year),
        "score_rows": score_rows, "indicators": indicators, "notes": notes,
        "problems": paragraphs(n.problems, missing="" if open_findings else MISSING),
        "draft_intro": DRAFT_INTRO if open_findings else "",
        "draft": [f"（{k}）{finding_text(f)}" for k, f in enumerate(open_findings, start=1)],
        "measures": paragraphs(n.measures), "chart": chart,
        "framework": ev.meta.get("framework_id", ""), "source": ev.path,
    }
