"""One finding per cause, in the filler's terms (issue 19, messages).

Each test edits the filled sample the way a filler would — a cell cleared, an amount pasted
as text, a percentage typed for a count, a row deleted in the spreadsheet — and asserts what
the filler now reads: one finding naming the cell and the cause, and nothing that merely
follows from it. The 校验结果 sheet never shows a raw ``{placeholder}``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import requires_lo

from evaltool.engine import evaluate
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.io.writeback import write_result
from evaltool.messages import render
from evaltool.model import Finding

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
#: 资金总额's parts filled in (the sample leaves rows 6–8 of 预算执行 blank).
PARTS = {("封面", "B10"): "良",  # a 自评等级 that agrees with the 良 total (the sample leaves it blank)
         ("预算执行", "B6"): 15000000, ("预算执行", "B7"): 3902744.60, ("预算执行", "B8"): 0,
         ("预算执行", "D6"): 14000000, ("预算执行", "D7"): 3088957.48, ("预算执行", "D8"): 0}


def _key(f: Finding) -> tuple[str, str, str]:
    return f.rule, f.sheet, f.cell


def _new(base: Path, edited: Path) -> list[Finding]:
    """Findings of ``edited`` that ``base`` does not have."""
    before = {_key(f) for f in evaluate(load(base)).findings}
    return [f for f in evaluate(load(edited)).findings if _key(f) not in before]


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("filler") / "parts.xlsx"
    patch_cells(SAMPLE, p, PARTS)
    assert not [f for f in evaluate(load(p)).findings if f.severity == "error"]
    return p


def test_a_total_left_blank_reads_as_not_filled_in(parts: Path, tmp_path: Path) -> None:
    edited = tmp_path / "blank.xlsx"
    patch_cells(parts, edited, {("预算执行", "D5"): None})  # the filler clears 决算 (全年执行数)
    (f,) = _new(parts, edited)
    assert (f.rule, f.severity, f.sheet, f.cell) == ("REQ-1", "error", "预算执行", "D5")
    assert "未填写" in render(f) and "全年执行数" in render(f) and "0.00" not in render(f)
    assert "not filled in" in render(f, "en")


def test_an_amount_pasted_as_text_is_one_finding(parts: Path, tmp_path: Path) -> None:
    edited = tmp_path / "text.xlsx"
    patch_cells(parts, edited, {("预算执行", "B5"): "22,987,654.32"})
    (f,) = _new(parts, edited)  # not also SUM-1 and two RATE-1 for the same cell
    assert (f.rule, f.severity, f.cell) == ("TYPE-1", "error", "B5") and "22,987,654.32" in render(f)


def test_a_percentage_in_a_count_indicator_is_an_error_not_a_score(tmp_path: Path) -> None:
    edited = tmp_path / "pct.xlsx"
    patch_cells(SAMPLE, edited, {("绩效指标", "J12"): "约90%"})  # 失独老人活动次数, counted in 次
    result = evaluate(load(edited))
    at = [f for f in result.findings if (f.sheet, f.cell) == ("绩效指标", "J12")]
    assert [(f.rule, f.severity) for f in at] == [("TYPE-1", "error")]
    assert "次" in render(at[0]) and "百分比" in render(at[0])
    score = next(s for s in result.scores if s.key == "indicator:12:得分")
    assert score.value == 0.0 and "J12" in score.formula  # live: a corrected number scores again


def test_no_raw_placeholder_in_the_checks_messages(tmp_path: Path) -> None:
    out = tmp_path / "scored.xlsx"
    write_result(evaluate(load(SAMPLE)), SAMPLE, out)
    formulas = openpyxl.load_workbook(out)["校验结果"]
    values = openpyxl.load_workbook(out, data_only=True)["校验结果"]
    shown = [values.cell(r, 7).value for r in range(5, values.max_row + 1)]
    assert shown and not [m for m in shown if m and "{" in str(m)]
    assert any("18,902,744.60" in str(m) for m in shown)  # {budget_initial} shows the amount
    assert str(formulas.cell(5, 7).value).startswith("=")  # live: it follows the filler's edits


def test_no_raw_placeholder_in_a_blank_template(tmp_path: Path) -> None:
    from evaltool.template import write_template

    path = write_template("dept-overall", tmp_path / "t.xlsx", unit_name="甲", year=2024)
    ws = openpyxl.load_workbook(path, data_only=True)["校验结果"]
    shown = [ws.cell(r, 7).value for r in range(5, ws.max_row + 1)]
    assert shown and not [m for m in shown if m and "{" in str(m)]


@requires_lo
def test_a_deleted_indicator_row_is_one_message(tmp_path: Path) -> None:
    from support.lo_edit import delete_rows

    edited = delete_rows(SAMPLE, tmp_path / "deleted.xlsx", "绩效指标", 20)  # as a filler does it
    ev = load(edited)
    assert "打造驿港湾个数" not in {i.level3 for i in ev.indicator_rows}
    found = evaluate(ev).findings
    integrity = [f for f in found if f.source == "integrity"]
    assert [(f.rule, f.code, f.sheet, f.cell) for f in integrity] == [("INT-1", "INT-1.deleted_row", "绩效指标", "A20")]
    assert render(integrity[0]).startswith("第20行“打造驿港湾个数”被删除")
    assert not [f for f in found if f.sheet == "_meta"]
    assert not [f for f in found if f.rule == "WGT-1"]  # the weights no longer adding up follows from it


def test_a_formula_in_the_unit_name_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    from evaltool.engine import evaluate_file
    from evaltool.io.book import Formula

    edited = tmp_path / "formula.xlsx"  # typed =HYPERLINK(…) into 单位名称; saved without a cached value
    patch_cells(SAMPLE, edited, {("封面", "B3"): Formula('=HYPERLINK("http://example.com","西城区妇联")', None)})
    outcome = evaluate_file(edited)
    assert outcome.result is not None and outcome.result.evaluation.unit.name == ""  # what a reader sees
    (f,) = [f for f in outcome.findings if f.rule == "TYPE-2"]
    assert (f.severity, f.sheet, f.cell) == ("error", "封面", "B3")
    assert "单位名称" in render(f) and "HYPERLINK" in render(f) and "封面!B3" in render(f)
