"""Write-back on real workbooks: lossless, atomic, Checks table, marks, backups, locks.

The rich workbook is the real template writer's output with user content added through
xlsxwriter in the same pass (an image on 封面, a text box on 预算执行, a comment on 绩效指标,
a chart on 得分汇总 and an extra sheet of the filler's own), so the test sees exactly the kind
of package a department returns.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import struct
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from test_scoring_fixtures import SAMPLE, make_book, random_values, scored

import evaltool.template.writer as template_writer
from evaltool.io import patch_cells
from evaltool.io.writeback import WorkbookLocked, build_plan, write_in_place, write_result
from evaltool.model import CheckRow, Finding, Result


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = zlib.compress(b"\x00\xff\x00\x00" * 1)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


@pytest.fixture
def rich_book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    original = template_writer.write_meta

    def with_user_content(ctx: object, meta: dict[str, str]) -> None:
        original(ctx, meta)
        wb = ctx.wb  # type: ignore[attr-defined]
        sheets = {ws.get_name(): ws for ws in wb.worksheets()}
        sheets["封面"].insert_image("E3", "logo.png", {"image_data": io.BytesIO(_png())})
        sheets["预算执行"].insert_textbox("H3", "本表由财务科填写", {"width": 200, "height": 60})
        sheets["绩效指标"].write_comment("N6", "请核对目标值")
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"categories": "='得分汇总'!$A$4:$A$7", "values": "='得分汇总'!$C$4:$C$7"})
        sheets["得分汇总"].insert_chart("G3", chart)
        wb.add_worksheet("自用备注").write_string("A1", "=SUM(1,2) 只是文字")

    monkeypatch.setattr(template_writer, "write_meta", with_user_content)
    return make_book(tmp_path / "rich.xlsx", "dept-overall", random_values("dept-overall", 3))


def _sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    wb = z.read("xl/workbook.xml").decode()
    rels = z.read("xl/_rels/workbook.xml.rels").decode()
    targets = {}
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        rid = re.search(r'\bId="([^"]+)"', m.group()).group(1)  # type: ignore[union-attr]
        target = re.search(r'\bTarget="([^"]+)"', m.group()).group(1)  # type: ignore[union-attr]
        targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    out = {}
    for m in re.finditer(r"<sheet\b[^>]*>", wb):
        name = re.search(r'\bname="([^"]+)"', m.group()).group(1)  # type: ignore[union-attr]
        rid = re.search(r'\br:id="([^"]+)"', m.group()).group(1)  # type: ignore[union-attr]
        out[name] = targets[rid]
    return out


def test_lossless_on_rich_workbook(rich_book: Path, tmp_path: Path) -> None:
    result = scored(rich_book)
    flagged = Finding("R1", "warning", "绩效指标", "J7", "rule.message", {"message": "偏差原因未填写"})  # a note beside N6's comment
    result = dataclasses.replace(result, findings=(*result.findings, flagged))
    out = tmp_path / "out.xlsx"
    plan = write_result(result, rich_book, out)
    src, dst = zipfile.ZipFile(rich_book), zipfile.ZipFile(out)
    parts = _sheet_parts(src)
    touched = {s for s, _ in [*plan.cells, *plan.fills, *plan.notes]}
    allowed = {parts[s] for s in touched} | {
        "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels", "xl/calcChain.xml",
        "xl/styles.xml"}
    allowed |= {n for n in src.namelist() if re.match(r"xl/(comments|drawings/vmlDrawing|worksheets/_rels/)", n)}
    allowed |= {n for n in src.namelist() if n.startswith("xl/tables/")} if plan.table_refs else set()
    unchanged = [n for n in src.namelist() if n not in allowed]
    for name in unchanged:
        assert dst.read(name) == src.read(name), name
    kept = {"xl/media/image1.png", "xl/charts/chart1.xml", parts["自用备注"], parts["项目清单"],
            "xl/sharedStrings.xml", "docProps/core.xml"}
    kept |= {n for n in src.namelist() if re.match(r"xl/drawings/drawing\d+\.xml$", n)}
    assert kept <= set(unchanged) and len(kept) >= 7
    assert set(dst.namelist()) >= set(src.namelist()) - {"xl/calcChain.xml"}
    wb = openpyxl.load_workbook(out)
    assert wb["自用备注"]["A1"].value == "=SUM(1,2) 只是文字" and wb["自用备注"]["A1"].data_type == "s"
    assert wb["封面"]["B11"].value.startswith("=IF(COUNT(Indicators[得分])=0")
    assert wb["绩效指标"]["N6"].comment.text == "请核对目标值"
    assert wb["绩效指标"]["J7"].comment.text == "偏差原因未填写"
    assert wb["绩效指标"]["J7"].fill.fgColor.rgb.endswith("FFEB9C")


def test_checks_table_rows_resize_and_keep_explanations(tmp_path: Path) -> None:
    book = tmp_path / "c.xlsx"
    patch_cells(SAMPLE, book, {("校验结果", "H5"): "已与决算核对，差额为四舍五入"})
    base = scored(book)
    assert base.evaluation.explanations[("SUM-1", "预算执行", "B5")].startswith("已与决算核对")

    def rows(n: int) -> tuple[CheckRow, ...]:
        first = CheckRow("SUM-1", "规则表", "error", "预算执行", "B5", 'IF(1+1=2,"通过","合计不符")', "通过",
                         "年初预算数应等于其中各项之和")
        more = [CheckRow(f"B-{i}", "内置", "warning", "绩效指标", f"J{5 + i}", None, f"问题 {i}", f"问题 {i}")
                for i in range(n - 1)]
        return (first, *more)

    five = tmp_path / "five.xlsx"
    write_result(dataclasses.replace(base, checks=rows(5)), book, five)
    ws = openpyxl.load_workbook(five)["校验结果"]
    assert ws.tables["Checks"].ref == "A4:H9"
    assert ws["F5"].value == '=IF(1+1=2,"通过","合计不符")' and ws["C5"].value == "错误"
    assert ws["H5"].value == "已与决算核对，差额为四舍五入"
    assert [ws.cell(r, 1).value for r in range(6, 10)] == ["B-0", "B-1", "B-2", "B-3"]
    assert ws["F9"].value == "问题 3" and ws["C9"].value == "警告"

    two = tmp_path / "two.xlsx"
    again = scored(five)
    write_result(dataclasses.replace(again, checks=rows(2)), five, two)
    ws = openpyxl.load_workbook(two)["校验结果"]
    assert ws.tables["Checks"].ref == "A4:H6"
    assert ws["A6"].value == "B-0" and ws["H5"].value == "已与决算核对，差额为四舍五入"
    assert all(ws.cell(r, c).value is None for r in range(7, 10) for c in range(1, 9))


def test_plan_status_fills_and_notes(tmp_path: Path) -> None:
    from datetime import datetime

    base = scored(SAMPLE)
    findings = (
        Finding("R1", "error", "预算执行", "B5", "rule.message", {"message": "年初预算数与明细不符"}),
        Finding("R2", "warning", "预算执行", "B5", "rule.message", {"message": "请说明差异"}),
        Finding("R3", "warning", "绩效指标", "J5:J6", "rule.message", {"message": "偏差原因未填"}),
        Finding("R4", "warning", "绩效指标", "J9", "rule.message", {"message": "已说明"}, explained=True),
        Finding("R5", "info", "绩效指标", "J10", "rule.message", {"message": "提示"}),
    )
    plan = build_plan(dataclasses.replace(base, findings=findings), now=datetime(2026, 11, 27, 10, 0))
    assert plan.cells[("封面", "B13")] == "已计算 2026-11-27 10:00，错误 1 项，警告 2 项"
    assert plan.fills == {("预算执行", "B5"): "FFC7CE", ("绩效指标", "J5"): "FFEB9C",
                          ("绩效指标", "J6"): "FFEB9C"}
    assert plan.notes[("预算执行", "B5")] == "年初预算数与明细不符\n请说明差异"
    en = build_plan(dataclasses.replace(base, findings=findings), now=datetime(2026, 11, 27, 10, 0),
                    lang="en")
    assert en.cells[("封面", "B13")] == "calculated 2026-11-27 10:00, 1 errors, 2 warnings"


def _scored_copy(tmp_path: Path) -> tuple[Path, Result]:
    path = tmp_path / "单位.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    return path, scored(path)


def test_in_place_keeps_a_backup(tmp_path: Path) -> None:
    path, result = _scored_copy(tmp_path)
    path.chmod(0o640)
    before = path.read_bytes()
    backup = write_in_place(result, path)
    assert backup.parent == tmp_path and backup.name.startswith("单位.bak-") and backup.suffix == ".xlsx"
    assert backup.read_bytes() == before and path.read_bytes() != before
    assert openpyxl.load_workbook(path, data_only=True)["封面"]["B11"].value == 88.8
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, backup.name])
    assert path.stat().st_mode & 0o777 == 0o640                   # permissions survive the replace


def test_new_output_gets_default_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_result(scored(SAMPLE), SAMPLE, tmp_path / "o.xlsx")
    finally:
        os.umask(umask)
    assert (tmp_path / "o.xlsx").stat().st_mode & 0o777 == 0o644  # not the temp file's 0600


@pytest.mark.parametrize("lock", ["~$单位.xlsx", ".~lock.单位.xlsx#"])
def test_locked_workbook_is_refused(tmp_path: Path, lock: str) -> None:
    path, result = _scored_copy(tmp_path)
    (tmp_path / lock).write_bytes(b"owner")
    before = path.read_bytes()
    with pytest.raises(WorkbookLocked) as exc:
        write_in_place(result, path)
    assert "单位.xlsx" in str(exc.value) and "关闭" in str(exc.value)
    assert path.read_bytes() == before and len(list(tmp_path.iterdir())) == 2


def test_crash_before_replace_leaves_original_and_no_temp(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path, result = _scored_copy(tmp_path)
    before = path.read_bytes()
    real_replace = os.replace

    def crash_on_final_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == path:
            raise OSError("simulated crash: power lost before the rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_final_rename)
    with pytest.raises(OSError, match="simulated crash"):
        write_in_place(result, path)
    assert path.read_bytes() == before
    others = [p for p in tmp_path.iterdir() if p != path]
    assert not [p for p in others if p.name.startswith(".~evaltool-") or p.suffix == ".tmp"]
    assert all(p.name.startswith("单位.bak-") and p.read_bytes() == before for p in others)
