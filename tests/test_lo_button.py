"""The 计算评分 button pressed for real in LibreOffice Calc, compared with ``evaltool score``.

A headless soffice on a fresh profile gets the extension from ``evaltool addin install
--libreoffice`` (tests/conftest.py ``live_office``). The sample is opened, edited through UNO
(typed, not saved), and the command URL that the installed extension registers under the
title 计算评分 (read from the live configuration, i.e. its Addons.xcu) is run through the
document's script provider: the macro snapshots the document, runs the engine in this
evaltool installation as a subprocess, and applies the plan. The result, saved by
LibreOffice (so every formula's value is LibreOffice's own), must equal what ``evaltool
score`` writes for the same edit: numbers within 1e-9, text exact (the time stamp in the
status cell aside).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from evaltool.addin.oxt import script_url
from evaltool.engine import evaluate
from evaltool.io import patch_cells
from evaltool.io.book import Formula
from evaltool.io.filebook import FileBook
from evaltool.io.parse import parse_book
from evaltool.io.writeback import build_plan

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "workbooks" / "sample-xicheng-2023.xlsx"
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")
EDITS = {("预算执行", "D5"): 18000000, ("绩效指标", "J7"): 600}  # 决算 lower (variance 9.60% → 4.78%); an actual 15× its target


def _value(grid: list[list[Any]], ref: str) -> Any:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    assert m is not None
    col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(m.group(1))))
    row = int(m.group(2))
    return grid[row - 1][col - 1] if row <= len(grid) and col <= len(grid[row - 1]) else None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return STAMP.sub("<when>", a) == STAMP.sub("<when>", b)
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return abs(float(a) - float(b)) <= 1e-9
    return a == b


def test_pressing_the_button_in_libreoffice_equals_evaltool_score(live_office: Any, tmp_path: Path) -> None:
    office = live_office
    shared = getattr(office, "shared", False)
    work = tmp_path / "return.xlsx"
    shutil.copy(SAMPLE, work)
    lo_out = tmp_path / "pressed-in-libreoffice.xlsx"
    office.call("open", path=str(work), hidden=True)
    try:
        for (sheet, ref), value in EDITS.items():
            assert office.call("set", sheet=sheet, ref=ref, value=value) is True  # document modified
        entries = [e for e in office.call("addons") if e["title"] == "计算评分"]
        assert entries and {e["url"] for e in entries} == {script_url("recalculate", "share" if shared else "user")}
        pressed = office.call("press", title="计算评分")
        assert pressed["returned"].startswith("计算评分完成。\n总分："), pressed["returned"]
        # what LibreOffice shows now: formulas live, sheets protected again, fills and notes
        status, total = office.call("read", sheet="封面", refs=["B13", "B11"])
        assert status["type"] == "TEXT" and status["string"].startswith("已计算 ")
        assert total["type"] == "FORMULA" and total["formula"].startswith("=IF(COUNT(Indicators[得分])")
        for sheet in ("封面", "预算执行", "绩效指标", "校验结果", "得分汇总"):
            assert office.call("protected", sheet=sheet) is True, sheet
        office.call("save", path=str(lo_out))
    finally:
        office.call("close")
    assert work.read_bytes() == SAMPLE.read_bytes()  # the button never saves

    edited = tmp_path / "edited.xlsx"
    patch_cells(SAMPLE, edited, dict(EDITS))
    cli_out = tmp_path / "scored-by-cli.xlsx"
    proc = subprocess.run([sys.executable, "-m", "evaltool", "score", str(edited), "-o", str(cli_out)],
                          capture_output=True, text=True, cwd=ROOT)  # fmt: skip
    # 0: no errors, 1: errors found (the sample has warnings only; either way the cells must agree)
    assert proc.returncode in (0, 1) and cli_out.is_file(), proc.stdout + proc.stderr

    plan = build_plan(evaluate(parse_book(FileBook(edited))))
    lo_book, cli_book = FileBook(lo_out), FileBook(cli_out)
    lo_grids = {s: lo_book.sheet_values(s) for s in {k[0] for k in plan.cells}}
    cli_grids = {s: cli_book.sheet_values(s) for s in lo_grids}
    compared, numbers, wrong = 0, 0, []
    for (sheet, ref), planned in plan.cells.items():
        want, got = _value(cli_grids[sheet], ref), _value(lo_grids[sheet], ref)
        compared += 1
        numbers += isinstance(want, float)
        if not _same(want, got):
            wrong.append((sheet, ref, planned.text if isinstance(planned, Formula) else planned, want, got))
    assert wrong == [] and compared == len(plan.cells) > 3000 and numbers > 100
    # the edit changed the outcome, and both paths agree on it
    original = build_plan(evaluate(parse_book(FileBook(SAMPLE))))
    total_ref = ("封面", "B11")
    assert isinstance(original.cells[total_ref], Formula) and isinstance(plan.cells[total_ref], Formula)
    assert original.cells[total_ref].cached != plan.cells[total_ref].cached
    assert _value(lo_grids["封面"], "B11") == pytest.approx(plan.cells[total_ref].cached, abs=1e-9)
    # fills and notes the plan asked for are in LibreOffice's file too
    import openpyxl

    wb = openpyxl.load_workbook(lo_out)
    assert plan.fills and plan.notes
    for (sheet, ref), colour in plan.fills.items():
        assert wb[sheet][ref].fill.fgColor.rgb[-6:] == colour, (sheet, ref)
    for (sheet, ref), note in plan.notes.items():
        comment = wb[sheet][ref].comment
        assert comment is not None and comment.text == note, (sheet, ref)
    checks = FileBook(lo_out).tables()["Checks"]
    assert checks.ref == plan.table_refs["Checks"]
    # every sheet is protected again with the template's own options
    assert _protection(lo_out) == _protection(SAMPLE) and len(_protection(SAMPLE)) >= 9


def _protection(path: Path) -> dict[str, dict[str, bool]]:
    """Sheet name -> <sheetProtection> flags (``1``/``true`` alike), as saved in the file."""
    import zipfile

    from defusedxml import ElementTree as ET

    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    book = FileBook(path)
    out = {}
    with zipfile.ZipFile(path) as zf:
        for sheet, part in book._sheet_parts.items():
            prot = ET.fromstring(zf.read(part)).find(f"{ns}sheetProtection")
            if prot is not None:
                out[sheet] = {k: v in ("1", "true") for k, v in prot.attrib.items() if k in
                              ("sheet", "objects", "scenarios", "formatColumns", "formatRows", "autoFilter",
                               "formatCells", "insertRows", "deleteRows", "sort", "selectLockedCells")}  # fmt: skip
    return out


def test_check_button_refreshes_only_the_checks(live_office: Any, tmp_path: Path) -> None:
    office = live_office
    work = tmp_path / "return.xlsx"
    shutil.copy(SAMPLE, work)
    office.call("open", path=str(work), hidden=True)
    try:
        before = office.call("read", sheet="封面", refs=["B11", "B12"])
        office.call("set", sheet="绩效指标", ref="J7", value=600)
        pressed = office.call("press", title="仅校验")
        assert pressed["returned"].startswith("校验完成："), pressed["returned"]
        status, total, grade = office.call("read", sheet="封面", refs=["B13", "B11", "B12"])
        assert status["string"].startswith("已校验 ")
        assert (total["formula"], grade["formula"]) == (before[0]["formula"], before[1]["formula"])
    finally:
        office.call("close")


def test_a_sheet_with_a_password_is_left_alone_and_said_so(live_office: Any, tmp_path: Path) -> None:
    office = live_office
    work = tmp_path / "return.xlsx"
    shutil.copy(SAMPLE, work)
    office.call("open", path=str(work), hidden=True)
    try:
        office.call("protect", sheet="校验结果", password="bureau-secret")
        before = office.call("grid", sheet="封面")
        pressed = office.call("press", title="计算评分")
        assert pressed["returned"].startswith("工作表“校验结果”设置了保护密码，按钮无法写入结果。"), pressed["returned"]
        assert office.call("grid", sheet="封面") == before  # nothing written anywhere
        for sheet in ("封面", "预算执行", "绩效指标", "校验结果"):
            assert office.call("protected", sheet=sheet) is True, sheet
    finally:
        office.call("close")


def test_a_broken_workbook_gets_a_message_not_a_traceback(live_office: Any, tmp_path: Path) -> None:
    """A workbook that is not a template: the engine's readable reason comes back; nothing is written."""
    import xlsxwriter

    path = tmp_path / "not-a-template.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("Sheet1").write("A1", "hello")
    wb.close()
    office = live_office
    office.call("open", path=str(path), hidden=True)
    try:
        pressed = office.call("press", title="计算评分")
        assert pressed["returned"].startswith("计算评分未完成：这个工作簿不是评价模板"), pressed["returned"]
        assert "Traceback" not in pressed["returned"]
        (cell,) = office.call("read", sheet="Sheet1", refs=["A1"])
        assert cell["string"] == "hello"
    finally:
        office.call("close")
