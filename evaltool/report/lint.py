"""``lint-report``: check a written 绩效评价报告 against its workbook and against itself.

Why: reports are written by hand from the workbook's numbers, and the slips are the kind a
reader cannot see — 涉及金额604.91元 (万元 meant) for 18 projects of an 18.9-million budget, a
差异率 copied from last year, 市妇联 in a district report, a skipped section 三. Each check
here is data plus one small function:

- **figures** (LINT-FIG, error): a number whose window (the text up to the neighbouring
  figures) names a workbook quantity — by keyword (:data:`SCALARS`: 年初预算, 决算, 差异率 …)
  or, for indicators, by the 三级指标's name (character bigrams) with a compatible 计量单位 —
  must agree with the cell: money to the precision written (万元 converted), rates to the
  digits written, approximate counts (近800, 三十余) as intervals that overlap the cell's;
- **magnitude** (LINT-MAG, error): a total-like money figure below :data:`MIN_SHARE` of the
  年初预算, or below :data:`MIN_PER_PROJECT` 元 per project in a sentence that counts projects;
- **numbering** (LINT-SEC, warning): 一、/（一）/1./（1） consecutive at each level;
- **naming** (LINT-NAME, warning): a district unit called by its city-level name (市妇联) or
  its budget approved by the city's finance bureau (北京市财政局).

Example::

    findings = lint_report(Path("报告.docx"), Path("sample.xlsx"))
    [f.code for f in findings]      # ['LINT-SEC', 'LINT-NAME', 'LINT-MAG', …]
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from evaltool.model import Evaluation, Result
from evaltool.quantities.fuzzy import Interval, parse_quantity
from evaltool.report.lint_text import Figure, Sentence, figures, heading_level, read_paragraphs, sentences
from evaltool.report.numbers import cn_ordinal, money_text, plain_text, rate_text

#: Workbook scalars a sentence may name: name -> (kind, keyword regex, label).
SCALARS: dict[str, tuple[str, str, str]] = {
    "budget_initial": ("money", r"年初预算", "年初预算数"),
    "budget_adjusted": ("money", r"全年预算|调整后预算", "全年预算数"),
    "final_expenditure": ("money", r"决算|全年执行数|实际支出", "全年执行数（决算数）"),
    "projects_evaluated_amount": ("money", r"涉及金额|涉及资金|评价金额", "评价项目涉及金额"),
    "variance_rate": ("rate", r"差异率", "预决算差异率"),
    "execution_rate": ("rate", r"执行率", "预算执行率"),
    "projects_evaluated_share": ("rate", r"占.{0,10}(?:项目)?总数", "评价项目占项目总数比例"),
    "projects_evaluated_count": ("count", r"评价项目|评价.{0,4}项目", "评价项目数"),
}
#: 计量单位 that a figure's unit may stand for (a 名 indicator may be written 人 …).
UNIT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"名", "人", "位"}), frozenset({"人次"}), frozenset({"场", "场次"}), frozenset({"次"}),
    frozenset({"项"}), frozenset({"户"}), frozenset({"个"}), frozenset({"件"}), frozenset({"条", "条次"}),
    frozenset({"个", "项"}),
)
#: Window around a figure (characters before / after, bounded by the neighbouring figures).
WINDOW_BEFORE, WINDOW_AFTER = 40, 30
#: Indicator match: share of the name's character bigrams found in the window, or a count.
MIN_BIGRAM_SHARE, MIN_BIGRAMS, SURE_BIGRAMS = 0.4, 2, 4
#: Suffixes of indicator names that say "count of" and are not found in prose.
NAME_SUFFIXES = ("人数", "次数", "场次", "个数", "户数", "件数", "项数", "项目数", "人次", "条次", "数")
#: A total-like money figure below this share of 年初预算 is implausible (万元 written as 元?).
MIN_SHARE = Decimal("0.0001")
#: Or below this many 元 per project where the sentence counts projects.
MIN_PER_PROJECT = Decimal("1000")
#: Between a keyword and its figure these words make the figure a difference or a share of the
#: quantity (较年初预算减少152.12万元, 占决算的12%), not the quantity itself: no comparison is made.
COMPARISON = re.compile(r"减少|增加|下降|上升|增长|差额|相差|节约|超支|结余|之差|占")
TOTAL_WORDS = re.compile(r"涉及金额|涉及资金|资金总额|项目资金|预算|决算|支出")
PROJECT_COUNT = re.compile(r"(\d+)\s*个(?:项目)?|项目\s*(\d+)\s*个")

SEVERITY = {"LINT-FIG": "error", "LINT-MAG": "error", "LINT-SEC": "warning", "LINT-NAME": "warning"}


@dataclass(frozen=True)
class LintFinding:
    """One problem in a written report; ``sentence`` quotes it, ``cell`` names the workbook cell."""

    code: str
    severity: str
    section: str
    paragraph: int  # 1-based
    sentence: str
    message: str
    cell: str = ""
    text_value: str = ""
    workbook_value: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _bigrams(s: str) -> set[str]:
    s = re.sub(r"[^\u4e00-\u9fff]", "", s)
    return {s[i:i + 2] for i in range(len(s) - 1)}


def _core(name: str) -> str:
    for suf in NAME_SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf) + 1:
            return name[: -len(suf)]
    return name


def _units_agree(text_unit: str, cell_unit: str) -> bool:
    return text_unit == cell_unit or any(text_unit in g and cell_unit in g for g in UNIT_GROUPS)


def _overlap(a: Interval, b: Interval) -> bool:
    if a.is_point and b.is_point:
        return abs(a.low - b.low) < 1e-9
    lo = max(a.low, b.low)
    hi = min(a.high, b.high)
    if lo < hi:
        return True
    return lo == hi and a.contains(lo) and b.contains(lo)


@dataclass(frozen=True)
class _Quantity:
    key: str  # scalar name or "indicator:<row>"
    kind: str  # money | rate | count
    label: str
    cell: str
    value: Any
    unit: str = ""
    bigrams: frozenset[str] = frozenset()


def quantities(result: Result) -> list[_Quantity]:
    """The workbook quantities a report may state (scalars with a value, 定量 indicators)."""
    ev: Evaluation = result.evaluation
    out: list[_Quantity] = []
    for name, (kind, _, label) in SCALARS.items():
        value = result.rates.get(name) if kind == "rate" and name in result.rates else ev.scalar(name)
        if value in (None, ""):
            continue
        loc = ev.names.get(name)
        out.append(_Quantity(name, kind, label, f"{loc.sheet}!{loc.ref}" if loc else name, value))
    for ind in ev.indicator_rows:
        if ind.actual in (None, "") or ind.unit in ("", "%") or ind.kind == "定性":
            continue
        out.append(_Quantity(f"indicator:{ind.row}", "count", ind.level3, f"绩效指标!J{ind.row}", ind.actual,
                             ind.unit, frozenset(_bigrams(_core(ind.level3)))))
    return out


def _window(text: str, figs: list[Figure], i: int) -> tuple[str, str]:
    f = figs[i]
    lo = figs[i - 1].end if i > 0 else 0
    hi = figs[i + 1].start if i + 1 < len(figs) else len(text)
    return text[max(lo, f.start - WINDOW_BEFORE):f.start], text[f.end:min(hi, f.end + WINDOW_AFTER)]


def _match(f: Figure, before: str, after: str, qs: list[_Quantity]) -> _Quantity | None:
    """The quantity the figure is about: nearest keyword before it, else the best indicator name."""
    best: tuple[int, _Quantity] | None = None
    for q in qs:
        if q.key.startswith("indicator:") or q.kind != f.kind:
            continue
        if q.kind == "count" and f.unit not in ("个", "项"):
            continue
        for m in re.finditer(SCALARS[q.key][1], before):
            if best is None or m.end() > best[0]:
                best = (m.end(), q)
    if best is not None:
        between = before[best[0]:]
        return None if COMPARISON.search(between) and best[1].key != "projects_evaluated_share" else best[1]
    if f.kind != "count":
        return None
    window = _bigrams(before + after)
    scored = []
    for q in qs:
        if not q.key.startswith("indicator:") or not _units_agree(f.unit, q.unit) or not q.bigrams:
            continue
        hits = len(q.bigrams & window)
        share = hits / len(q.bigrams)
        if hits >= SURE_BIGRAMS or (hits >= min(MIN_BIGRAMS, len(q.bigrams)) and share >= MIN_BIGRAM_SHARE):
            scored.append((hits, share, q))
    if not scored:
        return None
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return scored[0][2]


def _agrees(f: Figure, q: _Quantity) -> tuple[bool, str]:
    """Whether the figure states the quantity's value, and the cell value as the report would write it."""
    if q.kind == "money":
        cell = Decimal(str(q.value))
        shown = money_text(cell) + "元"
        if f.exact is None:
            return f.interval.contains(float(cell)), shown
        tol = Decimal(1).scaleb(-f.decimals) * f.scale / 2
        return abs(f.exact - cell) <= tol + Decimal("0.000001"), shown
    if q.kind == "rate":
        v = Decimal(str(q.value)) * 100
        shown = rate_text(q.value)
        if f.exact is None:
            return f.interval.contains(float(v)), shown
        tol = Decimal(1).scaleb(-f.decimals) / 2
        return abs(f.exact - v) <= tol + Decimal("0.000001"), shown
    cell_iv = parse_quantity(q.value)
    shown = plain_text(q.value) + (q.unit or f.unit)
    if cell_iv is None:
        return True, shown
    return _overlap(f.interval, cell_iv), shown


def _figure_findings(sents: list[Sentence], result: Result, epsilon: float) -> list[LintFinding]:
    qs = quantities(result)
    budget = result.evaluation.scalar("budget_initial")
    out: list[LintFinding] = []
    for s in sents:
        figs = figures(s.text, epsilon=epsilon)
        for i, f in enumerate(figs):
            before, after = _window(s.text, figs, i)
            q = _match(f, before, after, qs)
            wan = False  # the figure is the cell's value in 万元 written as 元: one finding (LINT-MAG), not two
            if q is not None:
                ok, shown = _agrees(f, q)
                wan = not ok and q.kind == "money" and f.exact is not None and _agrees(_times(f, 10_000), q)[0]
                if not ok and not wan:
                    out.append(LintFinding(
                        "LINT-FIG", SEVERITY["LINT-FIG"], s.section, s.para + 1, s.text,
                        f"报告写“{f.text}”（{q.label}），工作簿 {q.cell} 为 {shown}，两者不一致",
                        q.cell, f.text, shown))
            if f.kind == "money" and f.exact is not None:
                mag = _magnitude(f, s.text, before, q, budget)
                if mag and wan and q is not None:
                    mag += f"（按万元即与工作簿 {q.cell} 一致）"
                if mag:
                    out.append(LintFinding("LINT-MAG", SEVERITY["LINT-MAG"], s.section, s.para + 1, s.text, mag,
                                           q.cell if q else "", f.text, ""))
    return out


def _times(f: Figure, k: int) -> Figure:
    """The figure read with a larger unit (604.91元 → 6,049,100元 for 万元)."""
    assert f.exact is not None
    return replace(f, exact=f.exact * k, scale=f.scale * k)


def _magnitude(f: Figure, text: str, before: str, q: _Quantity | None, budget: Any) -> str:
    assert f.exact is not None
    totalish = q is not None and q.kind == "money" or TOTAL_WORDS.search(before) is not None
    if not totalish or f.exact <= 0:
        return ""
    if isinstance(budget, Decimal) and budget > 0 and f.exact < budget * MIN_SHARE:
        share = f.exact / budget
        return (f"金额“{f.text}”仅为年初预算 {money_text(budget)} 元的 {rate_text(share, 4)}，数量级不合理；"
                f"若单位应为万元，即 {money_text(f.exact * 10000)} 元")
    m = PROJECT_COUNT.search(text)
    n = int(m.group(1) or m.group(2)) if m else 0
    if n >= 2 and f.exact / n < MIN_PER_PROJECT:
        return (f"金额“{f.text}”分摊到 {n} 个项目平均每项不足 {money_text(MIN_PER_PROJECT)} 元，数量级不合理；"
                f"若单位应为万元，即 {money_text(f.exact * 10000)} 元")
    return ""


def _numbering(paras: list[str]) -> list[LintFinding]:
    out: list[LintFinding] = []
    last: dict[int, tuple[int, str]] = {}
    for i, p in enumerate(paras):
        lv = heading_level(p)
        if lv is None:
            continue
        level, n = lv
        prev = last.get(level)
        expected = prev[0] + 1 if prev else 1
        if n != expected:
            fmt = _label(level, expected)
            after = f"“{_short(prev[1])}”之后" if prev else "本级第一个编号"
            out.append(LintFinding(
                "LINT-SEC", SEVERITY["LINT-SEC"], "", i + 1, _short(p),
                f"章节编号不连续：{after}是“{_short(p)}”，应为“{fmt}”" + (f"（缺少“{fmt}”）" if n > expected else "")))
        last = {k: v for k, v in last.items() if k < level}
        last[level] = (n, p)
    return out


def _label(level: int, n: int) -> str:
    return (f"{cn_ordinal(n)}、", f"（{cn_ordinal(n)}）", f"{n}.", f"（{n}）")[level - 1]


def _short(p: str, n: int = 24) -> str:
    return p if len(p) <= n else p[:n] + "…"


_REGION = re.compile(r"^(?P<city>[\u4e00-\u9fff]{2,3}?市)?(?P<district>[\u4e00-\u9fff]{1,4}?[区县])(?P<org>.+)$")
#: Common short names of units (full → short); the full name always counts too.
SHORT_NAMES = {"妇女联合会": "妇联", "教育委员会": "教委", "卫生健康委员会": "卫健委", "总工会": "工会",
               "残疾人联合会": "残联", "科学技术协会": "科协", "文学艺术界联合会": "文联"}


def _naming(sents: list[Sentence], unit: str) -> list[LintFinding]:
    m = _REGION.match(unit)
    if not m:
        return []
    city, district, org = m.group("city") or "", m.group("district"), m.group("org")
    names = [org] + [short for full, short in SHORT_NAMES.items() if org.endswith(full)]
    kind = district[-1]
    city_level = f"(?:{re.escape(city)}|市)" if city else "市"  # 北京市妇联 or 市妇联; never the bare name
    checks: list[tuple[re.Pattern[str], str]] = []
    for n in names:
        checks.append((re.compile(rf"(?<![{kind}]){city_level}{re.escape(n)}"),
                       f"本单位为{kind}级单位（{district}{names[-1]}），“{{hit}}”应为“{kind}{names[-1]}”"))
    checks.append((re.compile(rf"(?<![{kind}]){city_level}财政局"),
                   f"本单位为{kind}级单位，预算由{kind}财政局批复，“{{hit}}”应为“{district}财政局”或“{kind}财政局”"))
    out: list[LintFinding] = []
    for s in sents:
        for pat, msg in checks:
            for hit in pat.finditer(s.text):
                out.append(LintFinding("LINT-NAME", SEVERITY["LINT-NAME"], s.section, s.para + 1, s.text,
                                       msg.format(hit=hit.group(0)), "", hit.group(0), ""))
    return out


def _without_draft(paras: list[str]) -> list[str]:
    """Blank out evaltool's own draft list of findings (from its intro to the next heading)."""
    from evaltool.report.context import DRAFT_INTRO

    out, inside = [], False
    for p in paras:
        if p.startswith(DRAFT_INTRO[:12]):
            inside = True
        elif inside and heading_level(p) and heading_level(p)[0] <= 2:  # type: ignore[index]
            inside = False
        out.append("" if inside else p)
    return out


def lint_paragraphs(paras: list[str], result: Result) -> list[LintFinding]:
    """All checks over the report's paragraphs against a scored workbook."""
    eps = result.evaluation.param("fuzzy_epsilon", 0.1)
    sents = sentences(_without_draft(paras))
    found = _numbering(paras) + _naming(sents, result.evaluation.unit.name) + _figure_findings(
        sents, result, float(eps) if isinstance(eps, int | float) else 0.1)
    return sorted(found, key=lambda f: (f.paragraph, f.code))


def lint_report(report: Path, workbook: Path) -> list[LintFinding]:
    """Read ``report`` (.docx/.doc/.pdf) and check it against ``workbook``."""
    from evaltool.report.department import result_of

    return lint_paragraphs(read_paragraphs(Path(report)), result_of(workbook))
