"""scan: active/external content flagged on real packages; clean workbooks stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import requires_lo
from support import hostile

from evaltool.intake.scan import scan_formula, scan_ole, scan_package


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile.make_all(tmp_path_factory.mktemp("hostile"))


def _codes(path: Path) -> set[str]:
    return {f.code for f in scan_package(path.read_bytes())}


def test_clean_workbook_has_no_flags(files: dict[str, Path]) -> None:
    assert scan_package(files["good_xlsx"].read_bytes()) == []


def test_real_vba_projects(files: dict[str, Path]) -> None:
    assert "vba-project" in _codes(files["xlsm"])
    assert "vba-project" in _codes(hostile.CORPUS / "macro01.xlsm")


def test_external_link_and_dde_link(files: dict[str, Path]) -> None:
    flags = scan_package(files["external_link"].read_bytes())
    codes = {f.code for f in flags}
    assert {"external-link", "dde-link"} <= codes
    assert any("evil.example" in f.detail for f in flags)
    dde = next(f for f in flags if f.code == "dde-link")
    assert dde.detail == "cmd|/c calc" and dde.severity == "error"


def test_embeddings_activex_connections(files: dict[str, Path]) -> None:
    assert {"ole-embedding", "activex", "data-connection"} <= _codes(files["ole_embedding"])


def test_dde_formula_written_by_xlsxwriter(files: dict[str, Path]) -> None:
    flags = [f for f in scan_package(files["dde"].read_bytes()) if f.code == "dde-formula"]
    assert len(flags) == 1
    assert "A7" in flags[0].detail and "cmd|" in flags[0].detail
    assert "DDE" in flags[0].message("zh") and "DDE" in flags[0].message("en")


def test_hyperlink_formula(files: dict[str, Path]) -> None:
    assert _codes(files["hyperlink"]) == {"hyperlink-formula"}


@pytest.mark.parametrize(("formula", "codes"), [
    ("cmd|' /C calc'!A0", {"dde-formula"}),
    ("SUM(1)+MSEXCEL|'\\..\\..\\Windows\\System32\\cmd.exe /c calc.exe'!''", {"dde-formula"}),
    ("=DDE|'x'!Z", {"dde-formula"}),
    ('IF(A1="a|b!c",1,0)', set()),  # a pipe inside a string literal is text
    ("SUM(A1:B2)*2", set()),
    ("'其他单位'!A1+[1]Sheet1!B2", set()),
    ('WEBSERVICE("http://x")', {"risky-function"}),
    ('hyperlink("http://x","y")', {"hyperlink-formula"}),
])
def test_scan_formula(formula: str, codes: set[str]) -> None:
    assert {f.code for f in scan_formula(formula, "xl/worksheets/sheet1.xml", "A1")} == codes


def test_auto_open_defined_name() -> None:
    wb = hostile.workbook_bytes()
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(wb)) as zf:
        xml = zf.read("xl/workbook.xml")
    xml = xml.replace(b"</workbook>", b'<definedNames><definedName name="Auto_Open">'
                      b"Sheet1!$A$1</definedName></definedNames></workbook>")
    data = hostile._rewrite(wb, replace={"xl/workbook.xml": xml},
                            add={"xl/macrosheets/sheet1.xml": b"<xm:macrosheet xmlns:xm='x'/>"})
    codes = {f.code for f in scan_package(data)}
    assert {"auto-open-name", "xlm-macrosheet"} <= codes


def test_flags_capped_per_code() -> None:
    import io

    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet()
    for r in range(12):
        ws.write_formula(r, 0, f'=HYPERLINK("http://x/{r}")')
    wb.close()
    flags = scan_package(buf.getvalue())
    assert [f.code for f in flags] == ["hyperlink-formula"] * 5
    assert flags[0].detail.startswith("xl/worksheets/sheet1.xml!A1")


@requires_lo
def test_clean_real_xls(tmp_path: Path) -> None:
    from evaltool.io import lo

    src = tmp_path / "a.xlsx"
    src.write_bytes(hostile.workbook_bytes())
    (xls,) = lo.convert([src], tmp_path / "out", "xls")
    assert scan_ole(xls.read_bytes()) == []


def test_ole_vba_storage_is_flagged() -> None:
    data = hostile.cfb_bytes({"Workbook": b"\x09\x08" + b"\0" * 30, "_VBA_PROJECT_CUR": b"x"})
    assert [f.code for f in scan_ole(data)] == ["vba-project"]


def test_biff_macro_sheet_is_flagged() -> None:
    name = "宏表".encode("utf-16-le")
    boundsheet = (0).to_bytes(4, "little") + bytes([0, 1, 2, 1]) + name  # dt=1: macro sheet
    stream = (b"\x85\x00" + len(boundsheet).to_bytes(2, "little") + boundsheet + b"\x0a\x00\x00\x00")
    flags = scan_ole(hostile.cfb_bytes({"Workbook": stream}))
    assert [(f.code, f.detail) for f in flags] == [("xlm-macrosheet", "宏表")]


@pytest.mark.parametrize("f_xml", [
    b"<f><![CDATA[cmd|' /C calc'!A0]]></f>",  # CDATA hides the text from a naive regex
    b"<x:f>cmd|&apos; /C calc&apos;!A0</x:f>",  # prefixed element, escaped quotes
    b"<f>cmd|' /C <!-- c -->calc'!A0</f>",  # a comment splits the text
])
def test_dde_formula_evasions(f_xml: bytes) -> None:
    sheet = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
             b' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
             b'<c r="B1">' + f_xml + b"<v>0</v></c></row></sheetData></worksheet>")
    data = hostile._rewrite(hostile.workbook_bytes(), replace={"xl/worksheets/sheet1.xml": sheet})
    flags = [f for f in scan_package(data) if f.code == "dde-formula"]
    assert len(flags) == 1 and "B1" in flags[0].detail
