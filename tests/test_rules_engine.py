"""The validation engine on real workbooks: the seed sample, a clean and a crafted bad one,
malformed rules, 需说明 explanations and the compile-once cache.

Expected values are hand-computed from the figures (noted next to each assertion).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_rules_build import bad_values, checks_row, good_values, patch, sample_values, write

from evaltool.io.reader import load
from evaltool.messages import render
from evaltool.model import Evaluation
from evaltool.rules import CheckOutcome, compile_ruleset
from evaltool.rules import check as rules_check
from evaltool.rules.builtin import BUILTINS
from evaltool.rules.messages import format_value
from evaltool.rules.ruleset import PARSE_COUNTER
from evaltool.scoring import score


def check(ev: Evaluation, **kw: Any) -> CheckOutcome:
    """The rule pass as the engine runs it: on the result of the one scoring pass."""
    return rules_check(ev, score(ev).computed, **kw)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("rules")
    return {name: write(d / f"{name}.xlsx", vals) for name, vals in
            (("sample", sample_values()), ("good", good_values()), ("bad", bad_values()))}


@pytest.fixture(scope="module")
def sample(books: dict[str, Path]) -> Evaluation:
    return load(books["sample"])


def _keys(findings: tuple) -> set[tuple[str, str, str]]:  # type: ignore[type-arg]
    return {(f.rule, f.sheet, f.cell) for f in findings}


def test_sample_findings_are_what_an_evaluator_would_note(sample: Evaluation) -> None:
    out = check(sample)
    got = _keys(out.findings)
    fuzzy_rows = (11, 12, 17, 19, 22, 24, 27, 28, 29)  # 近800 80余 三十余 2400余 二十余 近千 二百余 10余万 千余
    expected = {
        ("VAR-1", "预算执行", "B24"),  # 9.60% > 5% warning threshold
        ("TGT-3", "绩效指标", "J16"),  # 199/150 − 1 = 32.7% > 30%, no 偏差原因
        ("UNIT-1", "预算执行", "B21"),  # 604.91 元 vs 18,902,744.60 元
        ("NOTE-1", "绩效指标", "N5"),  # targets marked 目标值为示例
        ("RATE-4", "预算执行", "B25"),  # 全年预算数 blank: 执行率 falls back to 年初预算数
        ("SURVEY-1", "预算执行", "B33"),  # no survey: 服务对象满意度 (10 points) is not scored
        ("RATE-5", "自评表", "B12"),  # the report's own 9.60% equals the computed rate (info)
        *(("NUM-1", "绩效指标", f"J{r}") for r in fuzzy_rows),
    }  # no SCORE-3: the seed publishes no 部门整体 grade, so 自评等级 is blank
    assert got == expected
    assert out.errors == 0
    by = {(f.rule, f.cell): f for f in out.findings}
    assert "[720, 800)" in render(by[("NUM-1", "J11")]) and "未达成" in render(by[("NUM-1", "J11")])
    assert "(30, 40)" in render(by[("NUM-1", "J17")]) and "已达成" in render(by[("NUM-1", "J17")])
    assert "(100000, 200000)" in render(by[("NUM-1", "J28")])
    assert "疑似以万元填报" in render(by[("UNIT-1", "B21")]) and "6,049,100.00" in render(by[("UNIT-1", "B21")])
    assert by[("UNIT-1", "B21")].value == Decimal("604.91")
    assert all(f.file == sample.path for f in out.findings)
    # the report's 优秀 rested on 10 points of satisfaction with no survey behind them
    assert out.computed is not None and out.computed.grade == "良" and out.computed.total == 88.8


def test_report_variance_rate_reproduces(sample: Evaluation) -> None:
    out = check(sample)
    assert out.computed is not None
    rate = out.computed.rate("variance_rate")
    assert rate is not None
    v = rate.value
    # (18,902,744.60 − 17,088,957.48) / 18,902,744.60 = 1,813,787.12 / 18,902,744.60
    assert v == pytest.approx(1813787.12 / 18902744.60, rel=1e-12)
    assert format_value(v, "rate") == "9.60%"
    var = next(f for f in out.findings if f.rule == "VAR-1")
    assert render(var).startswith("预决算差异率为 9.60%，超过预警阈值 5.00%")


def test_english_messages(sample: Evaluation) -> None:
    out = check(sample)
    var = next(f for f in out.findings if f.rule == "VAR-1")
    assert render(var, "en").startswith("budget-to-final variance 9.60% exceeds the warning threshold 5.00%")
    num = next(f for f in out.findings if f.cell == "J11")
    assert "read as [720, 800)" in render(num, "en") and "not met for certain" in render(num, "en")


def test_good_workbook_is_quiet(books: dict[str, Path]) -> None:
    out = check(load(books["good"]))
    assert out.findings == ()
    builtin_rows = [c for c in out.checks if c.source == "内置"]
    assert {c.rule for c in builtin_rows} == set(BUILTINS) and all(c.result == "通过" for c in builtin_rows)


def test_each_builtin_fires_on_the_bad_workbook(books: dict[str, Path]) -> None:
    out = check(load(books["bad"]))
    got = _keys(out.findings)
    for key in [
        ("TYPE-1", "预算执行", "C5"),  # 全年预算数 typed as 一千万
        ("TYPE-1", "绩效指标", "J5"),  # 定量 actual 达成预期指标
        ("NUM-1", "绩效指标", "J11"),  # 近800
        ("NUM-2", "绩效指标", "J12"),  # 一百二十 → 120
        ("TGT-1M", "绩效指标", "I13"),  # target 若干
        ("UNIT-1", "预算执行", "B21"),  # 604.91 元
        ("UNIT-1", "预算执行", "B12"),  # 1234.567 元: 3 decimals
        ("UNIT-2", "预算执行", "B20"),  # share typed as 100
        ("SCORE-3", "封面", "B10"),  # 良好 vs computed 优
        ("SCORE-3", "项目清单", "J5"),  # project 95 points but 良
        ("NOTE-1", "绩效指标", "N15"),  # 目标值为示例
    ]:
        assert key in got, key
    type1 = [f for f in out.findings if f.rule == "TYPE-1" and f.cell == "C5"]
    assert len(type1) == 1 and type1[0].severity == "error" and type1[0].value == "一千万"
    num2 = next(f for f in out.findings if f.rule == "NUM-2")
    assert num2.severity == "info" and "按 120 计" in render(num2)
    assert out.errors >= 5


def test_rate1_and_rate2_on_overtyped_cells(books: dict[str, Path], tmp_path: Path) -> None:
    ev = load(books["good"])
    sign = ev.names["param_variance_sign"]
    p = patch(books["good"], tmp_path / "rates.xlsx", {
        ("预算执行", "B24"): 0.09,  # overtyped: recomputes to 902,744.60/18,902,744.60 = 4.78%
        ("预算执行", "B29"): 0.25,  # staff_control_rate cached but its inputs are blank
        (sign.sheet, sign.ref.replace("$", "")): "(决算-年初预算)/年初预算",
    })
    out = check(load(p))
    rate1 = {f.cell: f for f in out.findings if f.rule == "RATE-1"}
    assert set(rate1) == {"B24", "B29"}
    assert rate1["B24"].severity == "error" and "9.00%" in render(rate1["B24"]) and "4.78%" in render(rate1["B24"])
    rate2 = [f for f in out.findings if f.rule == "RATE-2"]
    assert len(rate2) == 1 and "相反" in render(rate2[0])


def test_rate1_rounded_cached_value_is_a_warning(books: dict[str, Path], tmp_path: Path) -> None:
    # 9.5954% typed as a whole 10%: a rounded value, outside the 0.005 pp tolerance
    p = patch(books["sample"], tmp_path / "rounded.xlsx", {("预算执行", "B24"): 0.1})
    rate1 = [f for f in check(load(p)).findings if f.rule == "RATE-1"]
    assert len(rate1) == 1 and rate1[0].severity == "warning" and "舍入" in render(rate1[0])


def test_malformed_and_unknown_rules_are_findings(books: dict[str, Path], tmp_path: Path) -> None:
    ev = load(books["good"])
    rows = {r.id: r.row for r in ev.rules}
    p = patch(books["good"], tmp_path / "broken.xlsx", {
        ("校验规则", f"D{rows['SUM-1']}"): "ABS(budget_initial-",  # ends after 19 characters
        ("校验规则", f"D{rows['BUD-1']}"): "NO_SUCH_NAME>0",
        ("校验规则", f"D{rows['WGT-1']}"): "SUM(Nope[分值])=100",
        ("校验规则", f"D{rows['XREF-2']}"): "SUM(Indicators[不存在])>0",
        ("校验规则", f"B{rows['VAR-1']}"): "全局",
    })
    out = check(load(p))
    by = {f.rule: f for f in out.findings if f.sheet == "校验规则"}
    assert set(by) == {"SUM-1", "BUD-1", "WGT-1", "XREF-2", "VAR-1"}
    assert by["SUM-1"].cell == f"D{rows['SUM-1']}" and by["SUM-1"].severity == "error"
    assert "第 20 个字符" in render(by["SUM-1"])
    assert "NO_SUCH_NAME" in render(by["BUD-1"]) and "Nope" in render(by["WGT-1"])
    assert "不存在" in render(by["XREF-2"]) and "全局" in render(by["VAR-1"])
    static = [c for c in out.checks if c.rule == "SUM-1"]
    assert len(static) == 1 and static[0].formula is None


def test_explained_warning_stands(books: dict[str, Path], tmp_path: Path) -> None:
    ev = load(books["sample"])
    row = checks_row(ev, "VAR-1", "预算执行", "B24")
    p = patch(books["sample"], tmp_path / "explained.xlsx", {("校验结果", f"H{row}"): "年末追加专项经费未执行完毕"})
    out = check(load(p))
    var = next(f for f in out.findings if f.rule == "VAR-1")
    assert var.explained
    assert out.warnings == check(ev).warnings - 1
    row_out = next(c for c in out.checks if c.rule == "VAR-1")
    assert row_out.explanation == "年末追加专项经费未执行完毕"


def test_checks_rows_are_live_formulas(sample: Evaluation) -> None:
    out = check(sample)
    var = next(c for c in out.checks if c.rule == "VAR-1")
    assert var.formula is not None and var.formula.startswith("=IF(IF(ISNUMBER(variance_rate)")
    assert '"通过"' in var.formula and 'TEXT(variance_rate,"0.00%")' in var.formula
    assert var.result.startswith("预决算差异率为 9.60%")
    row = next(c for c in out.checks if c.rule == "TGT-3" and c.cell == "J16")
    assert "'绩效指标'!J16" in (row.formula or "") and "[@" not in (row.formula or "")
    wgt = next(c for c in out.checks if c.rule == "WGT-1")
    assert "'校验规则'!$G$" in (wgt.formula or "") and "Indicators[" not in (wgt.formula or "")


def test_rule_sets_compile_once_per_content(books: dict[str, Path]) -> None:
    a, b = load(books["good"]), load(books["bad"])
    check(a)
    before = PARSE_COUNTER[0]
    check(b)
    assert PARSE_COUNTER[0] == before  # same rules in both workbooks: nothing re-parsed
    assert compile_ruleset(a.rules) is compile_ruleset(b.rules)


def test_rule_evaluating_to_an_error_value(books: dict[str, Path], tmp_path: Path) -> None:
    ev = load(books["good"])
    row = next(r.row for r in ev.rules if r.id == "XREF-2")
    p = patch(books["good"], tmp_path / "div0.xlsx", {("校验规则", f"D{row}"): "eval_year/0>1"})
    for lang, text in (("zh", "计算结果为 #DIV/0!"), ("en", "evaluates to #DIV/0!")):
        out = check(load(p))
        (f,) = [f for f in out.findings if f.rule == "XREF-2"]
        assert f.cell == "B5" and f.sheet == "封面" and text in render(f, lang)  # eval_year lives in 封面!B5
        (c,) = [c for c in out.checks if c.rule == "XREF-2"]
        assert c.result == "#DIV/0!" and c.formula == '=IF(eval_year/0>1,"通过","评价年度（"&(eval_year&"")&"）应为 2000–2100 之间的年份")'
