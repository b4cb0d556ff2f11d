"""``evaltool report --summary 汇总.xlsx|returns/``: the bureau's 汇总分析报告 across units.

Why: after intake the bureau reports upwards: how many units returned, the grade
distribution, the lowest scores, the most frequent problems — the 总览 of 汇总.xlsx in prose,
with tables and the same three charts (等级分布, 各单位总分, 各单位预决算差异率). It reads either
the returns themselves (scored afresh, like ``evaltool summary``) or a 汇总.xlsx written by
evaltool (its ``UnitScores``, ``Findings`` and ``NotAccepted`` tables).

Example::

    write_summary_report(["returns/"], "汇总分析报告.docx")
    write_summary_report(["汇总.xlsx"], "汇总分析报告.docx", pdf=True)
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from evaltool.messages import SEVERITY_OF_LABEL, severity_label
from evaltool.report.builder import SUMMARY_TEMPLATE
from evaltool.report.numbers import rate_text, score_text
from evaltool.report.render import render_docx, to_pdf

#: How many of the lowest-scoring units and of the most frequent problems the report names.
LOWEST_N = 3
TOP_PROBLEMS = 10



def _zh(severity: str) -> str:
    """错误/警告/提示 for a severity given as ``error`` … or already as its label."""
    return severity_label(SEVERITY_OF_LABEL.get(severity, severity))

@dataclass
class UnitLine:
    unit: str
    total: float | None
    grade: str
    variance: float | None
    threshold: float | None
    errors: int
    warnings: int
    status: str


@dataclass
class SummaryData:
    units: list[UnitLine] = field(default_factory=list)
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)  # unit, rule, severity, message
    others: list[tuple[str, str, str, str]] = field(default_factory=list)  # source, unit, status, reason
    year: str = ""


def _f(v: Any) -> float | None:
    try:
        return None if v in (None, "") or isinstance(v, bool) else float(v)
    except (TypeError, ValueError):
        return None


def _i(v: Any) -> int:
    f = _f(v)
    return int(f) if f is not None else 0


def from_returns(paths: Sequence[str | Path], *, workers: int = 1) -> SummaryData:
    """Score the returns under ``paths`` (files or folders) as ``evaltool summary`` does."""
    from evaltool.summary.collect import collect, supersede_duplicates
    from evaltool.summary.sources import expand_paths, iter_digests

    c = collect(supersede_duplicates(iter_digests(expand_paths(paths), workers=workers)))
    data = SummaryData()
    for u in c.units:
        data.units.append(UnitLine(u.unit, u.total, u.grade, u.variance_rate, u.variance_threshold, u.errors,
                                   u.warnings, u.status))
    data.findings = [(f.unit, f.rule, f.severity, f.message) for f in c.findings if not f.explained]
    data.others = [(o.source, o.unit, o.status, o.reason) for o in c.others]
    years = sorted({str(u.year) for u in c.units if u.year})
    data.year = "、".join(years)
    return data


def from_workbook(path: Path) -> SummaryData:
    """Read an evaltool 汇总.xlsx (its UnitScores, Findings and NotAccepted tables)."""
    from evaltool.io.filebook import FileBook

    book = FileBook(path)
    try:
        tables = book.tables()
        if "UnitScores" not in tables:
            raise ValueError(f"{path}: 不是 evaltool 汇总表（缺少“单位得分”表） / not an evaltool summary workbook")

        def rows(name: str) -> list[dict[str, Any]]:
            info = tables.get(name)
            if info is None:
                return []
            grid = book.sheet_values(info.sheet)
            out = []
            for r in range(info.first_data_row, info.last_data_row + 1):
                vals = list(grid[r - 1][info.first_col - 1:info.first_col - 1 + len(info.headers)]) \
                    if r - 1 < len(grid) else []
                vals += [None] * (len(info.headers) - len(vals))
                rec = dict(zip(info.headers, vals, strict=True))
                if any(v not in (None, "") for v in rec.values()):
                    out.append(rec)
            return out

        data = SummaryData()
        for r in rows("UnitScores"):
            data.units.append(UnitLine(str(r.get("单位名称") or ""), _f(r.get("总分")), str(r.get("等级") or ""),
                                       _f(r.get("预决算差异率")), _f(r.get("差异率预警阈值")), _i(r.get("错误数")),
                                       _i(r.get("警告数")), str(r.get("状态") or "")))
        data.findings = [(str(r.get("单位名称") or ""), str(r.get("规则") or r.get("规则编号") or ""),
                          str(r.get("级别") or ""), str(r.get("提示信息") or ""))
                         for r in rows("Findings") if str(r.get("提示信息") or "") not in ("", "（无）")
                         and not r.get("已说明")]
        data.others = [(str(r.get("来源文件") or ""), str(r.get("单位名称") or ""), str(r.get("状态") or ""),
                        str(r.get("原因") or "")) for r in rows("NotAccepted") if r.get("来源文件") not in (None, "（无）")]
        years = sorted({str(int(y)) for y in (_f(r.get("年度")) for r in rows("UnitScores")) if y})
        data.year = "、".join(years)
        return data
    finally:
        book.close()


def _problems(data: SummaryData) -> list[dict[str, Any]]:
    by_rule: dict[str, list[tuple[str, str, str]]] = {}
    for unit, rule, sev, msg in data.findings:
        if _zh(sev) == "提示":
            continue
        by_rule.setdefault(rule or msg[:20], []).append((unit, sev, msg))
    out: list[dict[str, Any]] = []
    for rule, items in by_rule.items():
        example = min((m for _, _, m in items), key=len)
        out.append({"label": f"{rule}（例：{example}）" if rule else example,
                    "severity": _zh(items[0][1]),
                    "units": len({u for u, _, _ in items}), "count": len(items)})
    out.sort(key=lambda p: (-int(p["units"]), -int(p["count"]), str(p["label"])))
    return out[:TOP_PROBLEMS]


def summary_context(data: SummaryData, *, today: dt.date | None = None) -> dict[str, Any]:
    """What the summary template renders (pure)."""
    t = today or dt.date.today()
    scored = [u for u in data.units if u.total is not None]
    ranked = sorted(scored, key=lambda u: -(u.total or 0))
    n_returned = len(data.units) + len(data.others)
    grades = Counter(u.grade for u in scored if u.grade)
    order = sorted(grades, key=_grade_key)
    grade_rows = [{"grade": g, "count": grades[g], "share": rate_text(grades[g] / len(scored), 1)} for g in order]
    overview = [f"本次共收到报送文件{n_returned}份，纳入汇总{len(data.units)}家单位，"
                f"其中通过校验{sum(1 for u in data.units if u.status == '通过')}家、有错误"
                f"{sum(1 for u in data.units if u.status == '有错误')}家；未通过或已被替代的文件{len(data.others)}份。"]
    if scored:
        totals = [u.total for u in scored if u.total is not None]
        overview.append(f"纳入评分的{len(scored)}家单位平均得分{score_text(statistics.fmean(totals))}分，"
                        f"中位数{score_text(statistics.median(totals))}分，最高{score_text(max(totals))}分，"
                        f"最低{score_text(min(totals))}分。")
    grade_text = ["、".join(f"“{r['grade']}”{r['count']}家（{r['share']}）" for r in grade_rows) + "。"] if grade_rows \
        else ["尚无单位得出等级。"]
    lowest = ranked[-LOWEST_N:][::-1] if ranked else []
    lowest_text = [f"得分最低的{len(lowest)}家单位为：" + "；".join(
        f"{u.unit}{score_text(u.total)}分（{u.grade or '无等级'}）" for u in lowest) + "。"] if lowest else ["无。"]
    problems = _problems(data)
    problems_text = [f"校验共发现未处理的错误和警告{sum(p['count'] for p in _problems_all(data))}项。出现最多的问题见表3。"] \
        if problems else ["未发现未处理的问题。"]
    units = [{"rank": i, "unit": u.unit, "total": score_text(u.total), "grade": u.grade,
              "variance": rate_text(u.variance) if u.variance is not None else "", "errors": u.errors,
              "warnings": u.warnings, "status": u.status} for i, u in enumerate(ranked, start=1)]
    units += [{"rank": "", "unit": u.unit, "total": "", "grade": "", "variance": "", "errors": u.errors,
               "warnings": u.warnings, "status": u.status} for u in data.units if u.total is None]
    failed = [f"{src}（{unit or '单位不详'}）：{status}，{reason}" for src, unit, status, reason in data.others]
    return {"title": f"{data.year + '年度' if data.year else ''}预算绩效评价汇总分析报告",
            "subtitle": f"{t.year}年{t.month}月{t.day}日", "overview": overview, "units": units,
            "grades": grade_rows, "grade_text": grade_text, "lowest_text": lowest_text,
            "problems": problems, "problems_text": problems_text, "failed": failed, "charts": []}


GRADE_ORDER = ("优", "优秀", "良", "良好", "中", "合格", "一般", "差", "较差", "不合格")


def _grade_key(g: str) -> tuple[int, str]:
    return (GRADE_ORDER.index(g) if g in GRADE_ORDER else len(GRADE_ORDER), g)


def _problems_all(data: SummaryData) -> list[dict[str, Any]]:
    return [{"count": 1} for _, _, sev, _ in data.findings if _zh(sev) != "提示"]


def _charts(data: SummaryData, folder: Path) -> list[tuple[str, Path]]:
    """The 总览's three charts as PNGs: 等级分布, 各单位总分, 各单位预决算差异率."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    from evaltool.report.chart import cjk_font

    font = cjk_font()
    rc: dict[str, Any] = {"font.family": "sans-serif", "axes.unicode_minus": False}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    scored = sorted((u for u in data.units if u.total is not None), key=lambda u: u.total or 0)
    out: list[tuple[str, Path]] = []
    with plt.rc_context(cast(Any, rc)):
        grades = Counter(u.grade for u in scored if u.grade)
        if grades:
            fig, ax = plt.subplots(figsize=(6, 2.8), dpi=200)
            names = sorted(grades, key=_grade_key)
            bars = ax.bar(names, [grades[g] for g in names], color="#5B9BD5", width=0.5)
            ax.bar_label(bars, fontsize=9)
            ax.set_ylabel("单位数", fontsize=9)
            ax.spines[["top", "right"]].set_visible(False)
            out.append(("等级分布", _save(fig, folder / "grades.png")))
        if scored:
            h = max(2.4, 0.32 * len(scored) + 1)
            fig, ax = plt.subplots(figsize=(6, h), dpi=200)
            bars = ax.barh([u.unit for u in scored], [u.total or 0 for u in scored], color="#5B9BD5")
            ax.bar_label(bars, labels=[score_text(u.total) for u in scored], fontsize=8, padding=2)
            ax.set_xlim(0, 110)
            ax.tick_params(labelsize=8)
            ax.spines[["top", "right"]].set_visible(False)
            out.append(("各单位总分", _save(fig, folder / "totals.png")))
            var = [u for u in scored if u.variance is not None]
            if var:
                fig, ax = plt.subplots(figsize=(6, h), dpi=200)
                colours = ["#E06666" if u.threshold is not None and abs(u.variance or 0) > u.threshold else "#5B9BD5"
                           for u in var]
                bars = ax.barh([u.unit for u in var], [(u.variance or 0) * 100 for u in var], color=colours)
                ax.bar_label(bars, labels=[rate_text(u.variance) for u in var], fontsize=8, padding=2)
                ax.set_xlabel("%（红色：超出预警阈值）", fontsize=8)
                ax.tick_params(labelsize=8)
                ax.spines[["top", "right"]].set_visible(False)
                out.append(("各单位预决算差异率", _save(fig, folder / "variance.png")))
    return out


def _save(fig: Any, path: Path) -> Path:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


def load_summary_data(source: Sequence[str | Path]) -> SummaryData:
    """A 汇总.xlsx written by evaltool (one file with a 单位得分 table), else returns to score."""
    paths = [Path(p) for p in source]
    if len(paths) == 1 and paths[0].is_file() and paths[0].suffix.lower() == ".xlsx":
        from evaltool.io.filebook import FileBook

        book = FileBook(paths[0])
        try:
            is_summary = "UnitScores" in book.tables()
        finally:
            book.close()
        if is_summary:
            return from_workbook(paths[0])
    return from_returns(paths)


def write_summary_report(source: Sequence[str | Path], out: str | Path, *, template: str | Path | None = None,
                         pdf: bool = False, today: dt.date | None = None) -> tuple[Path, Path | None]:
    """Write the 汇总分析报告 for ``source`` (a 汇总.xlsx, or returned workbooks / folders)."""
    from docx.shared import Mm
    from docxtpl import InlineImage  # type: ignore[import-untyped]

    out = Path(out)
    data = load_summary_data(source)
    ctx = summary_context(data, today=today)
    with tempfile.TemporaryDirectory() as tmp:
        charts = _charts(data, Path(tmp))

        def images(tpl: Any) -> dict[str, Any]:
            return {"charts": [{"title": t, "image": InlineImage(tpl, str(p), width=Mm(145))} for t, p in charts]}

        render_docx(Path(template) if template else SUMMARY_TEMPLATE, ctx, out, images)
    return out, (to_pdf(out) if pdf else None)
