"""Corrections stay live (issue 19, item 3), proven through LibreOffice.

A filler corrects an approximate actual (约90%) to a number in the scored workbook, in a
spreadsheet and without evaltool: the score must follow. The 预算执行 执行率 cells carry cached
values after scoring (readers that do not calculate see them), and a blank template shows no
总分 0.00.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import requires_lo
from test_scoring_fixtures import SAMPLE, make_book, row, scored, value

from evaltool.engine import evaluate
from evaltool.io import lo, patch_cells
from evaltool.io.reader import load
from evaltool.io.writeback import write_result


@requires_lo
def test_text_actual_corrected_to_a_number_rescores_live(tmp_path: Path) -> None:
    src = make_book(tmp_path / "p.xlsx", "project-self", {"indicators": {
        "质量达标率": {"实际完成值": "约90%"}}})                # weight 10, target 100 %
    result = scored(src)
    ind = row(result.evaluation, "质量达标率")
    # 约90% reads as [81 %, 99 %]; scored on the conservative bound 81 % → 10 × 0.81 = 8.1
    assert value(result, f"indicator:{ind.row}:得分") == 8.1
    assert value(result, f"indicator:{ind.row}:计分值") == pytest.approx(0.81)
    formula = next(s.formula for s in result.scores if s.key == f"indicator:{ind.row}:得分")
    assert f"'绩效指标'!J{ind.row}" in formula and f"'绩效指标'!P{ind.row}" in formula and "0.81" not in formula
    out = tmp_path / "scored.xlsx"
    write_result(result, src, out)
    corrected = tmp_path / "corrected.xlsx"
    patch_cells(out, corrected, {("绩效指标", f"J{ind.row}"): 0.95})   # what the accountant types
    plain, fixed = lo.recalculate([out, corrected], tmp_path / "lo")
    before = openpyxl.load_workbook(plain, data_only=True)["绩效指标"]
    after = openpyxl.load_workbook(fixed, data_only=True)["绩效指标"]
    assert before[f"P{ind.row}"].value == pytest.approx(0.81)             # the visible 计分值
    assert before[f"L{ind.row}"].value == pytest.approx(8.1)              # scored on it
    assert after[f"L{ind.row}"].value == pytest.approx(9.5)               # 10 × 0.95: follows J
    assert after[f"K{ind.row}"].value == pytest.approx(0.95)
    cover = openpyxl.load_workbook(fixed, data_only=True)["封面"]
    assert cover["B11"].value == pytest.approx(result.total + 1.4)       # 总分 follows too


def test_budget_execution_rate_carries_its_value(tmp_path: Path) -> None:
    out = tmp_path / "scored.xlsx"
    write_result(evaluate(load(SAMPLE)), SAMPLE, out)
    ws = openpyxl.load_workbook(out, data_only=True)["预算执行"]          # no recalculation
    assert ws["E5"].value == pytest.approx(17_088_957.48 / 18_902_744.60)  # 全年预算数 blank → 年初
    assert ws["E6"].value in (None, "")                                  # no figures on that line
    formula = openpyxl.load_workbook(out)["预算执行"]["E5"].value
    assert isinstance(formula, str) and formula.startswith("=IF(D5=")


@requires_lo
def test_blank_template_shows_no_total(tmp_path: Path) -> None:
    blank = SAMPLE.parent / "template-dept-overall.xlsx"
    (rec,) = lo.recalculate([blank], tmp_path / "lo")
    cover = openpyxl.load_workbook(rec, data_only=True)["封面"]
    assert cover["B11"].value in (None, "") and cover["B12"].value in (None, "")
