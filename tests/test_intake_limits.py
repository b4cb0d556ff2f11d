"""limits: zip and XML checks on real hostile packages, before any parser runs."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from support import hostile

from evaltool.intake.limits import DEFAULT_LIMITS, Limits, check_package, check_xml, check_zip, open_zip
from evaltool.intake.reasons import IntakeRejected


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile.make_all(tmp_path_factory.mktemp("hostile"))


def _code(fn, *args, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(IntakeRejected) as info:
        fn(*args, **kw)
    assert info.value.message_zh and info.value.message_en
    return info.value.reason_code


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_limits_defaults_are_frozen_and_overridable() -> None:
    assert DEFAULT_LIMITS.max_members == 2000 and DEFAULT_LIMITS.max_ratio == 200
    assert DEFAULT_LIMITS.max_total_bytes == 200 * 1024 * 1024
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.max_members = 1  # type: ignore[misc]
    assert dataclasses.replace(DEFAULT_LIMITS, max_members=3).max_members == 3


def test_good_workbook_passes(files: dict[str, Path]) -> None:
    assert check_package(files["good_xlsx"].read_bytes()) == []
    assert check_package(files["xlsm"].read_bytes()) == []
    assert check_package((hostile.CORPUS / "macro01.xlsm").read_bytes()) == []


def test_zip_bomb_ratio(files: dict[str, Path]) -> None:
    with zipfile.ZipFile(files["zip_bomb"]) as zf:
        assert _code(check_zip, zf, ooxml=False) == "zip-ratio"


def test_zip_bomb_total_when_ratio_allowed(files: dict[str, Path]) -> None:
    lax = Limits(max_ratio=1e9)
    with zipfile.ZipFile(files["zip_bomb"]) as zf:
        assert _code(check_zip, zf, lax, ooxml=False) == "zip-too-large"


def test_member_too_large(files: dict[str, Path]) -> None:
    with zipfile.ZipFile(files["zip_bomb"]) as zf:
        assert _code(check_zip, zf, Limits(max_member_bytes=10 << 20), ooxml=False) == "zip-member-too-large"


def test_too_many_members(files: dict[str, Path]) -> None:
    with zipfile.ZipFile(files["zip_many"]) as zf:
        assert _code(check_zip, zf, ooxml=False) == "zip-too-many-members"


@pytest.mark.parametrize("name", ["../../evil.xlsx", "/etc/passwd", "C:/x.xlsx", "c:\\x.xlsx",
                                  "a/../../b.xlsx", "..\\..\\evil.xlsx"])
def test_bad_names(name: str) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zipfile.ZipInfo(name), b"x")
    with _zip(buf.getvalue()) as zf:
        assert _code(check_zip, zf, ooxml=False) == "zip-bad-name"


def test_traversal_fixture(files: dict[str, Path]) -> None:
    with zipfile.ZipFile(files["traversal_zip"]) as zf:
        assert _code(check_zip, zf, ooxml=False) == "zip-bad-name"


def test_backslash_flag_for_plain_zip_reject_for_ooxml() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("材料\\单位A.xlsx", b"x")
    with _zip(buf.getvalue()) as zf:
        flags = check_zip(zf, ooxml=False)
        assert [f.code for f in flags] == ["zip-backslash-name"]
        assert _code(check_zip, zf, ooxml=True) == "zip-bad-name"


def test_duplicate_names() -> None:
    buf = io.BytesIO()
    with pytest.warns(UserWarning), zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", b"a")
        zf.writestr("xl/workbook.xml", b"b")
    with _zip(buf.getvalue()) as zf:
        assert _code(check_zip, zf, ooxml=True) == "zip-duplicate-name"


def test_encrypted_zip_member() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.xlsx", b"x")
    raw = bytearray(buf.getvalue())
    # set the "encrypted" general-purpose bit in the local and central headers
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        pos = raw.find(sig)
        off = 6 if sig == b"PK\x03\x04" else 8
        raw[pos + off] |= 1
    with _zip(bytes(raw)) as zf:
        assert _code(check_zip, zf, ooxml=False) == "zip-encrypted-member"


def test_nesting_depth() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.txt", b"x")
    with _zip(buf.getvalue()) as zf:
        assert check_zip(zf, ooxml=False, depth=3) == []
        assert _code(check_zip, zf, ooxml=False, depth=4) == "nesting-too-deep"


def test_entity_bomb_rejected_before_parsers(files: dict[str, Path]) -> None:
    data = files["entity_bomb"].read_bytes()
    assert _code(check_package, data) == "xml-dtd"
    # and it really is a bomb the readers choke on (so the check is not theoretical)
    with pytest.raises(Exception):  # noqa: B017 - openpyxl/defusedxml raise assorted types
        openpyxl.load_workbook(io.BytesIO(data))


def test_utf16_doctype_detected() -> None:
    part = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16-le")
    data = hostile._rewrite(hostile.workbook_bytes(), add={"xl/custom.xml": part})
    assert _code(check_package, data) == "xml-dtd"


def test_huge_declared_sheet(files: dict[str, Path]) -> None:
    data = files["huge_sheet"].read_bytes()
    assert len(data) < 20_000
    with pytest.raises(IntakeRejected) as info:
        check_package(data)
    assert info.value.reason_code == "sheet-too-large"
    assert "XFD1048576" in info.value.message_zh


def test_many_rows_counted(tmp_path: Path) -> None:
    data = hostile.many_rows_xlsx(tmp_path, rows=5000).read_bytes()
    assert check_package(data) == []
    with pytest.raises(IntakeRejected) as info:
        check_package(data, Limits(max_sheet_rows=4999))
    assert info.value.reason_code == "sheet-too-large" and "5000" in info.value.message_en
    assert check_package(data, Limits(max_sheet_rows=5000)) == []


def test_truncated_and_garbage(files: dict[str, Path]) -> None:
    assert _code(open_zip, files["truncated"].read_bytes()) == "corrupt"
    assert _code(open_zip, files["pdf"].read_bytes()) == "corrupt"


def test_lying_size_is_caught_by_crc() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * 5000 + b"</worksheet>")
    raw = bytearray(buf.getvalue())
    cd = raw.find(b"PK\x01\x02")
    raw[cd + 24:cd + 28] = (100).to_bytes(4, "little")  # central directory: uncompressed size 100
    with _zip(bytes(raw)) as zf:
        assert check_zip(zf, ooxml=True) == []  # the directory alone looks harmless …
        assert _code(check_xml, zf) == "corrupt"  # … streaming shows the lie


def test_doctype_in_xml_part_with_a_binary_name() -> None:
    """Relationships can point a sheet at any name, so XML is recognised by content."""
    data = hostile._rewrite(hostile.workbook_bytes(), add={"xl/media/image1.png": hostile.BILLION_LAUGHS})
    assert _code(check_package, data) == "xml-dtd"
    png = hostile._rewrite(hostile.workbook_bytes(), add={"xl/media/image2.png": b"\x89PNG<!DOCTYPE"})
    assert check_package(png) == []  # a real binary that merely contains the bytes is fine
