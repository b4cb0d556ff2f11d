"""The 报告内容 sheet: written by the template, read into ``Evaluation.narrative``, outside the fingerprint."""

from __future__ import annotations

from pathlib import Path

import openpyxl

import evaltool
from evaltool.contract import narrative as N
from evaltool.demo.samples import write_sample
from evaltool.demo.seed_text import NARRATIVE
from evaltool.template import write_template
from evaltool.template.writer import template_fingerprint


def test_sample_carries_the_seed_text(tmp_path: Path) -> None:
    ev = evaltool.load(write_sample(tmp_path / "s.xlsx")).evaluation
    n = ev.narrative
    assert n.org.startswith("北京市西城区妇女联合会是中国共产党领导下的") and "\n下属1个相当科级" in n.org
    assert n.progress_text("产出", "数量").count("\n") == 6  # （1）…（7）, one paragraph each
    assert n.progress_text("预算管理", "财务管理") == NARRATIVE[("预算管理", "财务管理")]
    assert n.measures.splitlines()[2].startswith("3.注重部门整体")
    assert ("效果", "", "") in n.progress  # the overview row exists, left blank


def test_sheet_is_unlocked_input_with_hints_and_not_fingerprinted(tmp_path: Path) -> None:
    blank = write_template("dept-overall", tmp_path / "b.xlsx")
    filled = write_template("dept-overall", tmp_path / "f.xlsx", values={"narrative": {"duties": "甲\n乙"}})
    wb = openpyxl.load_workbook(filled)
    ws = wb[N.SHEET]
    assert ws.protection.sheet and tuple(c.value for c in ws[N.HEADER_ROW]) == N.HEADERS
    rows = {ws.cell(r, 1).value: r for r in range(N.HEADER_ROW + 1, ws.max_row + 1)}
    r = rows["主要职能"]
    assert ws.cell(r, 4).value == "甲\n乙" and ws.cell(r, 4).protection.locked is False
    assert ws.cell(r, 1).protection.locked is not False  # labels stay locked
    dv = [d for d in ws.data_validations.dataValidation if f"D{r}" in str(d.sqref)][0]
    assert dv.type == "textLength" and dv.operator == "lessThanOrEqual" and dv.formula1 == "1200"
    assert dv.promptTitle == "主要职能" and "三定" in dv.prompt
    meta = {row[0].value: row[1].value for row in openpyxl.load_workbook(blank)["_meta"].iter_rows()}
    meta_f = {row[0].value: row[1].value for row in wb["_meta"].iter_rows()}
    assert meta["fingerprint"] == meta_f["fingerprint"] == template_fingerprint("dept-overall")
    assert evaltool.load(filled).evaluation.narrative.duties == "甲\n乙"


def test_workbook_without_the_sheet_reads_as_empty(tmp_path: Path) -> None:
    path = write_template("dept-overall", tmp_path / "f.xlsx", values={"narrative": {"org": "内设机构"}})
    wb = openpyxl.load_workbook(path)
    del wb[N.SHEET]
    wb.save(tmp_path / "old.xlsx")
    ev = evaltool.load(tmp_path / "old.xlsx").evaluation
    assert ev.narrative.empty and ev.narrative.org == ""
