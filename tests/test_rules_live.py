"""Live Checks formulas: A1 translation, ``tol`` cells, message formatting and safety, and
agreement between the template's embedded formulas and the engine's write-back rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from test_rules_build import sample_values, write

from evaltool.formula import compile_formula
from evaltool.formula.nodes import Call, walk
from evaltool.io.reader import load
from evaltool.model import Evaluation, Rule, TableInfo
from evaltool.rules import CheckOutcome, compile_ruleset
from evaltool.rules import check as rules_check
from evaltool.rules.live import formula_for, template_checks
from evaltool.rules.messages import format_value, message_formula, string_literal
from evaltool.scoring import score

TABLES = {
    "Indicators": TableInfo("Indicators", "绩效指标", "A4:N10", ("一级指标", "二级指标", "三级指标", "指标类型",
                            "评分方法", "分值", "计量单位", "指标方向", "年度目标值", "实际完成值", "完成率/偏差率",
                            "得分", "偏差原因", "备注"), 4, 1, 6),
    "Rules": TableInfo("Rules", "校验规则", "A3:H9", ("规则编号", "范围", "对象表", "表达式", "级别", "提示信息",
                       "容差", "需说明"), 3, 1, 6),
}


def check(ev: Evaluation, **kw: Any) -> CheckOutcome:
    """The rule pass as the engine runs it: on the result of the one scoring pass."""
    return rules_check(ev, score(ev).computed, **kw)


def _rule(expr: str, message: str, scope: str = "逐行", table: str = "Indicators", row: int = 7) -> Rule:
    return Rule(row, "T-1", scope, table, expr, "warning", message, 0.5, False)


@pytest.mark.parametrize(("value", "kind", "text"), [
    (18902744.6, "money", "18,902,744.60"),
    (0.005, "money", "0.01"),  # half away from zero, as TEXT does
    (-1234.5, "money", "-1,234.50"),
    (None, "money", "0.00"),
    (0.095953638, "rate", "9.60%"),
    (0.30, "rate", "30.00%"),
    (199.0, "general", "199"),
    ("近800", "money", "近800"),  # TEXT of text is the text
])
def test_format_value_like_text(value: object, kind: str, text: str) -> None:
    assert format_value(value, kind) == text  # type: ignore[arg-type]


def test_row_rule_renders_to_a1_with_tol_cell() -> None:
    (cr,) = compile_ruleset([_rule("ABS([@分值]-SUM(Indicators[分值]))<=tol", "{@三级指标} 分值 {@分值}")])
    f = formula_for(cr, TABLES, set(), row=2)  # third data row = sheet row 7
    assert f == ("=IF(ABS('绩效指标'!F7-SUM('绩效指标'!$F$5:$F$10))<='校验规则'!$G$7,\"通过\","
                 "('绩效指标'!C7&\"\")&\" 分值 \"&('绩效指标'!F7&\"\"))")


def test_untrusted_message_stays_a_string_literal() -> None:
    evil = '")&HYPERLINK("http://evil.example","x")&("=1+1{nope}'
    (cr,) = compile_ruleset([_rule("[@分值]>=0", evil)])
    f = formula_for(cr, TABLES, set(), row=0)
    calls = {n.name for n in walk(compile_formula(f).ast) if isinstance(n, Call)}
    assert calls == {"IF"}  # no HYPERLINK: the message is one quoted literal
    assert compile_formula(message_formula(evil, {})).evaluate(None) == evil


def test_long_messages_are_split_under_255_characters() -> None:
    text = "很长的提示" * 120
    expr = string_literal(text)
    assert all(len(part) <= 252 for part in expr.split("&"))
    assert compile_formula(expr).evaluate(None) == text


def test_template_formulas_equal_engine_formulas(tmp_path: Path) -> None:
    path = write(tmp_path / "s.xlsx", sample_values())
    ev = load(path)
    info = ev.tables["Checks"]
    ws = openpyxl.load_workbook(path)[info.sheet]  # formulas as the template writer stored them
    in_file = {}
    for r in range(info.first_data_row, info.last_data_row + 1):
        key = tuple(ws.cell(r, c).value for c in (1, 4, 5))
        in_file[key] = ws.cell(r, 6).value
    rows = [c for c in check(ev).checks if c.formula]
    assert len(rows) > 100
    for c in rows:
        assert in_file[(c.rule, c.sheet, c.cell)] == c.formula, c
    blank = template_checks(ev.rules, ev.tables, {k: (v.sheet, v.ref) for k, v in ev.names.items()})
    assert {(c.rule, c.sheet, c.cell) for c in blank} >= {(c.rule, c.sheet, c.cell) for c in rows}
    assert all(c.result == "" for c in blank if c.formula)  # nothing computed for a blank template
