"""sniff: kinds decided by content on real files (xlsx, xlsm, encrypted, zip, eml, OLE, xls)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from conftest import requires_lo
from support import hostile

from evaltool.intake.sniff import Kind, describe_other, sniff

CASES = {
    "good_xlsx": Kind.XLSX, "empty": Kind.EMPTY, "truncated": Kind.CORRUPT, "png": Kind.UNKNOWN,
    "pdf": Kind.UNKNOWN, "text": Kind.UNKNOWN, "rar": Kind.UNKNOWN, "zip_bomb": Kind.ZIP,
    "traversal_zip": Kind.ZIP, "good_zip": Kind.ZIP, "encrypted": Kind.OOXML_ENCRYPTED,
    "xlsm": Kind.XLSM, "entity_bomb": Kind.XLSX, "dde": Kind.XLSX, "eml_no_attachment": Kind.EML,
    "eml_gbk": Kind.EML, "eml_raw_gbk": Kind.EML, "eml_rfc2231": Kind.EML, "eml_forwarded": Kind.EML,
    "msg": Kind.MSG, "ole_word": Kind.UNKNOWN,
}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile.make_all(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_kind_by_content(files: dict[str, Path], case: str) -> None:
    assert sniff(files[case].read_bytes()) is CASES[case]


def test_corpus_xlsm_is_macro_enabled() -> None:
    data = (hostile.CORPUS / "macro01.xlsm").read_bytes()
    assert sniff(data) is Kind.XLSM


def test_template_and_other_ooxml() -> None:
    wb = hostile.workbook_bytes()
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    with zipfile.ZipFile(io.BytesIO(wb)) as zf:
        types = zf.read("[Content_Types].xml")
    xltx = hostile._rewrite(wb, replace={"[Content_Types].xml": types.replace(
        ct.encode(), b"application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml")})
    docx = hostile._rewrite(wb, replace={"[Content_Types].xml": types.replace(
        ct.encode(), b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")})
    assert sniff(xltx) is Kind.XLTX
    assert sniff(docx) is Kind.OTHER_OOXML
    docm = hostile._rewrite(docx, replace={"[Content_Types].xml": types.replace(
        ct.encode(), b"application/vnd.ms-word.document.macroEnabled.main+xml")},
        add={"word/vbaProject.bin": b"x"})
    assert sniff(docm) is Kind.OTHER_OOXML  # a Word macro document is not a workbook
    xlsb = hostile._rewrite(wb, replace={"[Content_Types].xml": types.replace(
        ct.encode(), b"application/vnd.ms-excel.sheet.binary.macroEnabled.main")})
    assert sniff(xlsb) is Kind.OTHER_OOXML
    xlsx_vba = hostile._rewrite(wb, add={"xl/vbaProject.bin": b"x"})
    assert sniff(xlsx_vba) is Kind.XLSM  # a VBA project smuggled into a .xlsx content type


def test_zip_without_content_types_is_plain_zip(files: dict[str, Path]) -> None:
    assert sniff(files["good_zip"].read_bytes()) is Kind.ZIP


def test_mail_heuristic_rejects_prose_with_colons() -> None:
    assert sniff("说明: 这是文本\n第二行: 也是\n".encode()) is Kind.UNKNOWN
    assert sniff(b"Subject: x\nFrom: a@b.c\n\nbody") is Kind.EML


def test_describe_other(files: dict[str, Path]) -> None:
    assert describe_other(files["pdf"].read_bytes()) == "PDF"
    assert describe_other(files["png"].read_bytes()) == "PNG"
    assert describe_other(files["rar"].read_bytes()) == "RAR"
    assert describe_other(files["text"].read_bytes()) == "text"
    assert describe_other(b"<html><table><tr><td>1</td></tr></table></html>") == "HTML"


@requires_lo
def test_real_xls_and_et(tmp_path: Path) -> None:
    from evaltool.io import lo

    src = tmp_path / "单位X.xlsx"
    src.write_bytes(hostile.workbook_bytes("单位X"))
    (xls,) = lo.convert([src], tmp_path / "out", "xls")
    data = xls.read_bytes()
    assert sniff(data) is Kind.XLS
    et = tmp_path / "单位X.et"  # WPS .et is the same BIFF/OLE format
    et.write_bytes(data)
    assert sniff(et.read_bytes()) is Kind.XLS
