"""Grades a bureau can defend (issue 13): each rule tried the way a filler or a bureau would.

Every workbook is a real template written by the template writer, filled or edited cell by
cell with the lossless patcher (as a filler edits in Excel), read back and scored by the engine.
Expected points are worked out by hand next to each assertion. The live formulas behind the
same rules are held equal to Python through LibreOffice in test_scoring_parity.py (random
books fill every new input: survey, 53号 figures, zero prior years, 评定比例 in and out of band).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_scoring_fixtures import SAMPLE, V1_SAMPLE, make_book, row, scored, value
from typer.testing import CliRunner

from evaltool import contract as C
from evaltool.cli import app
from evaltool.engine import evaluate
from evaltool.frameworks import FrameworkError, load_framework
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.messages import render
from evaltool.model import Result
from evaltool.scoring.completion import Target
from evaltool.scoring.kinds import KINDS, Row

INITIAL = Decimal("18902744.60")


def _points(r: Result, name: str) -> object:
    return value(r, f"indicator:{row(r.evaluation, name).row}:得分")


def _edit(src: Path, dst: Path, cells: dict[tuple[str, str], object]) -> Path:
    patch_cells(src, dst, cells)
    return dst


# --- 预决算差异率: a deviation either way, never a reward for overspending -----------------------
@pytest.mark.parametrize("pct", ["0.08", "0.35"])
def test_overspending_never_scores_better_than_underspending(tmp_path: Path, pct: str) -> None:
    d = INITIAL * Decimal(pct)
    over = scored(_edit(SAMPLE, tmp_path / "over.xlsx", {("预算执行", "D5"): float(INITIAL + d)}))
    under = scored(_edit(SAMPLE, tmp_path / "under.xlsx", {("预算执行", "D5"): float(INITIAL - d)}))
    assert over.rates["variance_rate"] == pytest.approx(-float(pct))  # (年初 − 决算)/年初, signed as shown
    assert under.rates["variance_rate"] == pytest.approx(float(pct))
    # |8 %| lies in (5 %, 10 %] → 80 % of 5 = 4; |35 %| > 20 % → 0: the same either way
    expected = 4.0 if pct == "0.08" else 0.0
    assert _points(over, "部门预决算差异率") == _points(under, "部门预决算差异率") == expected


# --- 预算调整率: a cut is an adjustment too --------------------------------------------------------
def _d2013(tmp_path: Path, name: str, **values: object) -> Path:
    base: dict[str, object] = {
        "budget_initial": Decimal("10000000.00"), "budget_adjusted": Decimal("10000000.00"),
        "final_expenditure": Decimal("9500000.00"), "budget_adjustment": Decimal("0"),
    }
    base.update(values)
    return make_book(tmp_path / name, "dept-2013", base)


def test_budget_cut_does_not_score_full_on_adjustment_rate(tmp_path: Path) -> None:
    cut = _d2013(tmp_path, "cut.xlsx", budget_adjusted=Decimal("7350000.00"),
                 budget_adjustment=Decimal("-2650000.00"))   # −26.5 %
    r = scored(cut)
    assert r.rates["adjustment_rate"] == pytest.approx(0.265)   # |−2.65M| / 10M
    # (20 %, 30 %] → 1/6 of 3 = 0.5 (was 3 of 3 on the signed rate)
    assert _points(r, "预算调整率") == 0.5
    full = scored(_d2013(tmp_path, "none.xlsx"))
    assert _points(full, "预算调整率") == 3.0


def test_adjustment_is_checked_against_adjusted_minus_initial(tmp_path: Path) -> None:
    # 全年预算 − 年初预算 = −2.65M, but 预算调整数 says −100: BUD-3 warns
    bad = evaluate(load(_d2013(tmp_path, "bud3.xlsx", budget_adjusted=Decimal("7350000.00"),
                               budget_adjustment=Decimal("-100.00"))))
    bud3 = [f for f in bad.findings if f.rule == "BUD-3"]
    assert len(bud3) == 1 and bud3[0].severity == "warning" and "7,350,000.00" in render(bud3[0])
    ok = evaluate(load(_d2013(tmp_path, "ok.xlsx", budget_adjusted=Decimal("7350000.00"),
                              budget_adjustment=Decimal("-2650000.00"))))
    assert not [f for f in ok.findings if f.rule == "BUD-3"]


# --- 定性: tiers inside 财预〔2020〕10号's bands, a chosen share, a finding outside -------------------
def test_qualitative_tiers_inside_10hao_bands(tmp_path: Path) -> None:
    path = make_book(tmp_path / "q.xlsx", "dept-overall", {"indicators": {
        "年度工作任务按时完成": {"实际完成值": "部分达成"},                  # weight 5
        "部门整体支出控制在预算批复范围内": {"实际完成值": "未达成"},        # weight 6
        "维权机制建设": {"实际完成值": "部分达成", "评定比例": 0.75},         # weight 4, inside [60 %, 80 %)
        "基层妇联组织建设": {"实际完成值": "部分达成", "评定比例": 0.9},      # weight 4, outside
        "绩效管理情况": {"实际完成值": "达成", "评定比例": 0.85},            # weight 3, inside [80 %, 100 %]
    }})
    r = scored(path)
    assert _points(r, "年度工作任务按时完成") == 3.5                      # 5 × 70 % ∈ [60 %, 80 %)
    assert _points(r, "部门整体支出控制在预算批复范围内") == 1.8          # 6 × 30 % ∈ [0, 60 %)
    assert _points(r, "维权机制建设") == 3.0                              # 4 × 75 % (chosen)
    assert _points(r, "基层妇联组织建设") == 2.8                          # 90 % leaves the band → 4 × 70 %
    assert _points(r, "绩效管理情况") == 2.55                             # 3 × 85 % (chosen)
    out = [f for f in r.findings if f.rule == "SCORE-SHARE"]
    assert len(out) == 1 and out[0].cell == f"O{row(r.evaluation, '基层妇联组织建设').row}"
    assert "[60%, 80%)" in render(out[0]) and "70%" in render(out[0])


def test_tier_shares_span_the_bands() -> None:
    """Every bundled qualitative method: default share of each tier inside 10号's band."""
    q = KINDS["qualitative"]
    for fid in ("dept-overall", "project-self", "dept-2013"):
        for m in load_framework(fid).methods:
            if m.kind != "qualitative":
                continue
            for tier, lo, hi in (("达成", 0.8, 1.0), ("部分达成", 0.6, 0.8), ("未达成", 0.0, 0.6)):
                pts, _ = q.value(Row(tier, None, 10.0, "="), m.params)
                assert lo * 10 <= pts <= hi * 10 and (hi == 1.0 or pts < hi * 10), (fid, tier)


# --- 服务对象满意度: survey data or no points ------------------------------------------------------
def test_satisfaction_without_survey_is_not_scored_and_says_why() -> None:
    result = evaluate(load(SAMPLE))
    assert value(result, f"indicator:{row(result.evaluation, '服务对象满意度').row}:得分") is None
    (why,) = [f for f in result.findings if f.rule == "SURVEY-1"]
    assert (why.sheet, why.cell) == ("预算执行", "B33") and "不计分" in render(why) and "10 分" in render(why)


def test_satisfaction_from_survey_fields(tmp_path: Path) -> None:
    r = scored(_edit(SAMPLE, tmp_path / "s.xlsx", {("预算执行", "B33"): 200, ("预算执行", "B34"): 150}))
    assert r.rates["satisfaction_rate"] == 0.75                        # 150 / 200
    assert _points(r, "服务对象满意度") == 6.0                          # ≥ 70 % band → 60 % of 10
    small = evaluate(load(_edit(SAMPLE, tmp_path / "n.xlsx", {("预算执行", "B33"): 12, ("预算执行", "B34"): 12})))
    assert small.rates["satisfaction_rate"] is None                    # 12 < survey_min_sample 30
    assert any(f.rule == "SURVEY-1" and "12" in render(f) and "30" in render(f) for f in small.findings)


# --- zero prior years: an explicit rule and a finding ------------------------------------------
def test_three_public_zero_over_zero_is_scored_by_the_documented_rule(tmp_path: Path) -> None:
    zero = evaluate(load(_d2013(tmp_path, "z.xlsx", three_public_current=Decimal(0),
                                three_public_prior=Decimal(0))))
    assert zero.rates["three_public_change_rate"] == 0.0              # 0/0 → 0 % by rule
    assert value(zero, f"indicator:{row(zero.evaluation, '“三公经费”变动率').row}:得分") == 3.0
    assert any(f.rule == "RATE-3" and f.severity == "info" and "均为 0" in render(f) for f in zero.findings)
    grew = evaluate(load(_d2013(tmp_path, "g.xlsx", three_public_current=Decimal("50000.00"),
                                three_public_prior=Decimal(0))))
    assert grew.rates["three_public_change_rate"] == 1.0              # 0 → x: zero_base_increase 100 %
    assert value(grew, f"indicator:{row(grew.evaluation, '“三公经费”变动率').row}:得分") == 0.0
    assert any(f.rule == "RATE-3" and f.severity == "warning" for f in grew.findings)


# --- denominators: fixed by the framework, any fallback reported ----------------------------------
def test_execution_rate_fallback_is_reported(tmp_path: Path) -> None:
    over = evaluate(load(_edit(SAMPLE, tmp_path / "o.xlsx", {("预算执行", "D5"): 19_500_000})))
    (f,) = [f for f in over.findings if f.rule == "RATE-4"]
    assert "年初预算数" in render(f) and "超过" in render(f)              # 决算 > 年初预算 is flagged
    fixed = evaluate(load(_edit(SAMPLE, tmp_path / "f.xlsx", {("预算执行", "C5"): 19_000_000})))
    assert not [f for f in fixed.findings if f.rule == "RATE-4"]


# --- per-point deductions scale with the weight -------------------------------------------------
def test_per_point_deduction_is_derived_from_the_weight(tmp_path: Path) -> None:
    vals = {"staff_actual": 52, "staff_authorized": 50}                 # 104 %: 4 pp over
    path = _d2013(tmp_path, "w3.xlsx", **vals)
    r3 = scored(path)
    assert _points(r3, "在职人员控制率") == 1.8                        # 3 − 3 × 10 % × 4
    ev = load(path)
    heavier = scored(_edit(path, tmp_path / "w6.xlsx",
                           {("绩效指标", f"F{row(ev, '在职人员控制率').row}"): 6}))
    assert _points(heavier, "在职人员控制率") == 3.6                   # 6 − 6 × 10 % × 4: same share


# --- M06 as documented ----------------------------------------------------------------------------
def test_over_target_penalty_only_when_unexplained() -> None:
    k, p = KINDS["over_target_penalty"], {"threshold": "0.3", "penalty": "0.2"}
    t = Target(100, 100)
    assert k.value(Row(131.0, t, 10.0, "≥"), p)[0] == 8.0                          # no reason: −20 %
    assert k.value(Row(131.0, t, 10.0, "≥", reason="年初目标偏低"), p)[0] == 10.0   # explained: full
    assert k.value(Row(99.0, t, 10.0, "≥"), p)[0] == pytest.approx(9.9)


# --- coverage: no grade from mostly blank rows -----------------------------------------------------
def test_workbook_below_coverage_gets_no_grade(tmp_path: Path) -> None:
    path = _d2013(tmp_path, "few.xlsx", staff_actual=50, staff_authorized=50)
    result = evaluate(load(path))
    assert result.total is not None and result.grade is None
    grade = next(s for s in result.scores if s.key == "grade")
    assert str(grade.value).startswith("未评级（可计分分值占")
    assert any(f.rule == "SCORE-COVERAGE" and f.severity == "error" for f in result.findings)


# --- 完成及时率 by 53号's formula ------------------------------------------------------------------
@pytest.mark.parametrize(("actual", "points", "rate"), [
    (365, 6.0, 0.0),                  # on time: (365 − 365)/365 = 0 → full marks
    (300, 6.0, 65 / 365),             # early: positive → full marks
    (400, 5.42, -35 / 365),           # late: 6 × (1 − 35/365) = 5.4247 → 5.42
])
def test_completion_timeliness(tmp_path: Path, actual: int, points: float, rate: float) -> None:
    path = make_book(tmp_path / "t.xlsx", "dept-2013", {"indicators": {
        "完成及时率": {"年度目标值": 365, "实际完成值": actual}}})
    r = scored(path)
    assert _points(r, "完成及时率") == points
    assert value(r, f"indicator:{row(r.evaluation, '完成及时率').row}:完成率/偏差率") == pytest.approx(rate)


# --- dept-2013 is 53号 附件2, explained with formula, source and standing ---------------------------
ANNEX2 = (
    "绩效目标合理性", "绩效指标明确性", "在职人员控制率", "“三公经费”变动率", "重点支出安排率",
    "预算完成率", "预算调整率", "支付进度率", "结转结余率", "结转结余变动率", "公用经费控制率",
    "“三公经费”控制率", "政府采购执行率", "管理制度健全性", "资金使用合规性", "预决算信息公开性",
    "基础信息完善性", "资产管理安全性", "固定资产利用率", "实际完成率", "完成及时率", "质量达标率",
    "重点工作办结率", "经济效益", "社会效益", "生态效益", "社会公众或服务对象满意度",
)


def test_explain_lists_every_annex2_indicator_with_formula_source_standing() -> None:
    res = CliRunner().invoke(app, ["frameworks", "--explain", "dept-2013"])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    for name in ANNEX2:
        i = next(k for k, line in enumerate(lines) if f"/{name} " in line)
        assert "公式：" in lines[i], name
        basis = lines[i + 1]
        assert "依据：" in basis and any(f"[{s}" in basis for s in ("官方", "地方", "默认", "未核实")), name
    assert "遵循 follows：财预〔2013〕53号" in res.output
    # [U] items of the reference are never shown as official
    i = next(k for k, line in enumerate(lines) if "/支付进度率 " in line)
    assert "[未核实 unverified]" in lines[i + 1]


def test_every_method_indicator_and_rate_names_its_basis_and_standing() -> None:
    for fid in ("dept-overall", "project-self", "dept-2013"):
        fw = load_framework(fid)
        for m in fw.methods:
            assert m.basis and m.standing in ("official", "local", "default", "unverified"), (fid, m.code)
        for i in fw.indicators:
            assert i.basis and i.standing, (fid, i.name)
        for r in fw.rates:
            assert r.basis and r.standing, r.name


def test_methods_sheet_shows_basis_and_standing() -> None:
    ev = load(SAMPLE)
    t = ev.tables["Methods"]
    assert t.headers[-2:] == ("依据", "效力")
    m = ev.method("M03")
    assert m is not None and "财预〔2020〕10号" in m.basis and m.standing == "未核实"


# --- framework load checks ------------------------------------------------------------------------
_GOOD = """id: {id}
name: 测试框架
follows: [{follows}]
methods:
  - {{code: M01, name: 完成率, kind: ratio, params: cap=1, description: 按比例, basis: 默认, standing: default}}
  - {{code: M02, name: 定性, kind: qualitative, params: "{tiers}", description: 三档, basis: 10号, standing: unverified}}
levels:
  - name: 产出
    weight: {w1}
    basis: 测试
    standing: default
    groups:
      - name: 数量
        indicators:
          - {{name: 甲, method: M01, weight: {w1}}}
  - name: 效益
    weight: {w2}
    basis: 测试
    standing: default
    groups:
      - name: 社会
        indicators:
          - {{name: 乙, kind: 定性, method: {m2}, weight: {w2}, direction: "="}}
  - name: 过程
    weight: {w3}
    basis: 测试
    standing: default
    groups:
      - name: 管理
        indicators:
          - {{name: 丙, kind: 定性, method: M02, weight: {w3}, direction: "="}}
"""
TIERS = "tiers=达成=1,部分达成=0.7,未达成=0.3; bands=达成=0.8~1,部分达成=0.6~0.8,未达成=0~0.6"


@pytest.mark.parametrize(("name", "fields", "says"), [
    ("ok", {}, None),
    ("weights", {"w3": 40}, "≠ 100"),
    ("method", {"m2": "M09"}, "M09 未在 methods 中定义"),
    ("tiers", {"tiers": "tiers=达成=1,部分达成=0.8,未达成=0.6; bands=达成=0.8~1,部分达成=0.6~0.8,未达成=0~0.6"},
     "部分达成 的默认比例 0.8 不在其区间"),
    ("tenhao", {"follows": "财预〔2020〕10号", "w1": 30, "w2": 20, "w3": 50}, "产出与效益分值合计 50 低于 60"),
    ("tenhao_ok", {"follows": "财预〔2020〕10号"}, None),
    ("fiftythree", {"follows": "财预〔2013〕53号", "w1": 30, "w2": 20, "w3": 50}, None),
])
def test_framework_files_are_checked_on_load(tmp_path: Path, name: str, fields: dict[str, object],
                                             says: str | None) -> None:
    args: dict[str, object] = {"id": name, "follows": "", "tiers": TIERS, "w1": 40, "w2": 30, "w3": 30,
                               "m2": "M02"}
    args.update(fields)
    path = tmp_path / f"{name}.yaml"
    path.write_text(_GOOD.format(**args), encoding="utf-8")
    if says is None:
        assert load_framework(path, strict=True).id == name
        return
    with pytest.raises(FrameworkError) as exc:
        load_framework(path, strict=True)
    assert f"{name}.yaml" in str(exc.value) and says in str(exc.value)
    res = CliRunner().invoke(app, ["frameworks", "--explain", str(path)])
    assert res.exit_code == 2 and f"{name}.yaml" in res.output


# --- the template version: 2.0, and a 1.0 return read by what it carries, flagged -----------------
def test_previous_version_return_is_read_and_flagged() -> None:
    assert C.TEMPLATE_VERSION == "2.1"
    ev = load(V1_SAMPLE)                       # the sample as committed on template 1.0
    assert ev.template_version == "1.0" and "评定比例" not in ev.tables["Indicators"].headers
    result = evaluate(ev)
    (ver,) = [f for f in result.findings if f.rule == "VER-1"]
    assert (ver.sheet, ver.cell, ver.severity) == ("封面", "B17", "warning") and "1.0" in render(ver)
    # scored by its own methods, parameters and rate formulas: 98.8 优 as issued, nothing misread
    assert (result.total, result.grade) == (98.8, "优")
    assert not [f for f in result.findings if f.source == "integrity"]   # its fingerprint still holds
    assert not [f for f in result.findings if f.rule in ("SURVEY-1", "SCORE-COVERAGE", "RATE-3")]
    assert "VER-1" not in {f.rule for f in evaluate(load(SAMPLE)).findings}


#: The template-2.0 sample as committed on main before 2.1 (tests/data, a real 2.0 return).
V20_SAMPLE = Path(__file__).resolve().parent / "data" / "sample-v2.0-xicheng-2023.xlsx"


def test_a_2_0_return_under_2_1_is_flagged_and_scores_as_before() -> None:
    """2.1 added fields (自评表, 评价方式/评价机构, locked approved targets); a 2.0 return has none
    of them: it is flagged VER-1 (a warning) and otherwise read, checked and scored as on 2.0."""
    ev = load(V20_SAMPLE)
    assert ev.template_version == "2.0" and C.SELF_EVAL not in ev.grids
    result = evaluate(ev)
    (ver,) = [f for f in result.findings if f.rule == "VER-1"]
    assert (ver.sheet, ver.cell, ver.severity, ver.code) == ("封面", "B17", "warning", "VER-1.minor")
    assert "2.0" in render(ver) and "2.1" in render(ver) and "2.1" in render(ver, "en")
    # measured on main (f3fd166, template 2.0) before the change, with
    # `evaltool score tests/data/sample-v2.0-xicheng-2023.xlsx --format json`: 88.8 良,
    # 产出 49.8 / 效果 20.0 / 预算管理 19.0, and exactly these findings
    assert (result.total, result.grade) == (88.8, "良")
    assert dict(result.subtotals) == {"产出": 49.8, "效果": 20.0, "预算管理": 19.0}
    rules = sorted(f.rule for f in result.findings if f.rule != "VER-1")
    assert rules == sorted(["VAR-1", "TGT-3", "RATE-4", "SURVEY-1", "SCORE-3", "NOTE-1", "UNIT-1",
                            "SCORE-SOURCE"] + ["NUM-1"] * 9)
    # nothing about what 2.1 added and 2.0 lacks: no 自评表 rule, no locked-target integrity error
    assert not [f for f in result.findings if f.source == "integrity" or f.sheet == C.SELF_EVAL]
    assert not [f for f in result.findings if f.rule in ("SGJF-1", "SGJF-2", "SGJF-3", "JZJY-1", "ZG-1", "RATE-5")]
