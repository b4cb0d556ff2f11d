"""Crafted workbook packages that other producers (or damage in transit) give the bureau.

Each function writes one package to ``path`` and returns it. They are built from scratch with
``zipfile`` and byte edits, so every quirk is exactly the one named:

- ``minimal``: the smallest valid xlsx (one sheet, a few cells) with hooks for its parts;
- ``date_default_style``: style 0 is a date format (some producers do this);
- ``case_colliding``: ``xl/worksheets/sheet1.xml`` and ``xl/worksheets/Sheet1.xml``;
- ``backslash_names``: every member named with ``\\`` (``xl\\workbook.xml``);
- ``bad_crc``, ``deflate64``, ``encrypted_member``, ``truncated_central_directory``,
  ``broken_deflate``: zip-level damage on the worksheet member.

Run as a script to write them all into a folder::

    python tests/support/crafted.py OUT_DIR
"""

from __future__ import annotations

import struct
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET = "xl/worksheets/sheet1.xml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{NS}" xmlns:r="{R}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)


def styles(num_fmt_id: int = 0) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<styleSheet xmlns="{NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="1"><xf numFmtId="{num_fmt_id}" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    )


def sheet(body: str = '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="inlineStr"><is><t>x</t></is></c></row>',
          *, decl: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n', before: str = "",
          cols: str = "") -> str:  # fmt: skip
    return f'{decl}<worksheet xmlns="{NS}" xmlns:r="{R}">{before}{cols}<sheetData>{body}</sheetData></worksheet>'


def minimal(path: Path, *, sheet_xml: str | bytes | None = None, styles_xml: str | None = None,
            extra: dict[str, bytes] | None = None, rename: Callable[[str], str] | None = None) -> Path:  # fmt: skip
    """A valid xlsx with one sheet 'Sheet1'; parts can be replaced, added, renamed."""
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        SHEET: sheet() if sheet_xml is None else sheet_xml,
        "xl/styles.xml": styles() if styles_xml is None else styles_xml,
    }
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(rename(name) if rename else name, data)
    return path


def date_default_style(path: Path) -> Path:
    """Style 0 is the date format 14 (m/d/yyyy): a plain new cell would show 4242.25 as a date."""
    return minimal(path, styles_xml=styles(14))


def case_colliding(path: Path) -> Path:
    """The workbook uses sheet1.xml; a stale Sheet1.xml sits beside it (written last)."""
    stale = sheet('<row r="1"><c r="A1"><v>999</v></c></row>')
    return minimal(path, extra={"xl/worksheets/Sheet1.xml": stale.encode()})


def backslash_names(path: Path) -> Path:
    """Every member named with backslashes, as some Windows zip tools write them."""
    return minimal(path, rename=lambda n: n.replace("/", "\\"))


def _member_offsets(data: bytes, name: str) -> tuple[int, int]:
    """(local header offset, central record offset) of member ``name``."""
    enc = name.encode()
    local = data.index(b"PK\x03\x04")
    while True:
        nlen = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + nlen] == enc:
            break
        local = data.index(b"PK\x03\x04", local + 4)
    central = data.index(b"PK\x01\x02")
    while True:
        nlen = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + nlen] == enc:
            return local, central
        central = data.index(b"PK\x01\x02", central + 4)


def _edit(path: Path, edit: Callable[[bytearray, int, int], None], member: str = SHEET) -> Path:
    minimal(path)
    data = bytearray(path.read_bytes())
    local, central = _member_offsets(bytes(data), member)
    edit(data, local, central)
    path.write_bytes(bytes(data))
    return path


def bad_crc(path: Path) -> Path:
    """The worksheet's CRC-32 (local header and central directory) does not match its data."""

    def edit(data: bytearray, local: int, central: int) -> None:
        for at in (local + 14, central + 16):
            data[at] ^= 0xFF

    return _edit(path, edit)


def deflate64(path: Path) -> Path:
    """The worksheet claims compression method 9 (Deflate64), which zlib cannot read."""

    def edit(data: bytearray, local: int, central: int) -> None:
        struct.pack_into("<H", data, local + 8, 9)
        struct.pack_into("<H", data, central + 10, 9)

    return _edit(path, edit)


def encrypted_member(path: Path) -> Path:
    """The worksheet has the 'encrypted' flag bit set (traditional PKWARE encryption)."""

    def edit(data: bytearray, local: int, central: int) -> None:
        data[local + 6] |= 0x01
        data[central + 8] |= 0x01

    return _edit(path, edit)


def broken_deflate(path: Path) -> Path:
    """The worksheet's compressed bytes are garbage (zlib.error on inflate)."""

    def edit(data: bytearray, local: int, central: int) -> None:
        nlen, elen = struct.unpack_from("<2H", data, local + 26)
        start = local + 30 + nlen + elen
        size = struct.unpack_from("<L", data, local + 18)[0]
        data[start : start + size] = b"\xff" * size

    return _edit(path, edit)


def truncated_central_directory(path: Path) -> Path:
    """The file is cut in the middle of its central directory (an interrupted download)."""
    minimal(path)
    data = path.read_bytes()
    cut = data.index(b"PK\x01\x02") + 60
    path.write_bytes(data[:cut])
    return path


def ods(path: Path) -> Path:
    """An OpenDocument spreadsheet: ``mimetype`` first (stored), content.xml, manifest."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        for name in ("content.xml", "styles.xml", "meta.xml", "settings.xml", "manifest.rdf", "Thumbnails/thumbnail.png",
                     "Configurations2/accelerator/current.xml", "META-INF/manifest.xml"):  # fmt: skip
            z.writestr(name, "<x/>")
    return path


def xlsb(path: Path) -> Path:
    """An Excel binary workbook: OOXML packaging, ``xl/workbook.bin`` instead of XML."""
    ct = CONTENT_TYPES.replace("spreadsheetml.sheet.main+xml", "ms-excel.sheet.binary.macroEnabled.main").replace(
        "/xl/workbook.xml", "/xl/workbook.bin")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", ROOT_RELS.replace("workbook.xml", "workbook.bin"))
        z.writestr("xl/workbook.bin", b"\x83\x01\x00\x80\x01")
        z.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00")
    return path


def numbers(path: Path) -> Path:
    """An Apple Numbers document saved as a single zip."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in ("Index/Document.iwa", "Index/Tables/DataList.iwa", "Metadata/Properties.plist", "preview.jpg"):
            z.writestr(name, b"\x00\x01")
    return path


def broken_xlsx(path: Path) -> Path:
    """An xlsx that lost ``[Content_Types].xml`` and its workbook part (a damaged copy)."""
    return minimal(path, rename=lambda n: "lost/" + n if n in ("[Content_Types].xml", "xl/workbook.xml") else n)


def dde_template(path: Path) -> Path:
    """A workbook whose formula starts a program through DDE."""
    body = '<row r="1"><c r="A1"><f>cmd|\' /C calc\'!A0</f><v>0</v></c></row>'
    return minimal(path, sheet_xml=sheet(body))


ALL: dict[str, Callable[[Path], Path]] = {
    "date_default_style": date_default_style,
    "case_colliding": case_colliding,
    "backslash_names": backslash_names,
    "bad_crc": bad_crc,
    "deflate64": deflate64,
    "encrypted_member": encrypted_member,
    "broken_deflate": broken_deflate,
    "truncated_central_directory": truncated_central_directory,
}
FOREIGN: dict[str, Callable[[Path], Path]] = {"ods": ods, "xlsb": xlsb, "numbers": numbers, "broken_xlsx": broken_xlsx}

if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "crafted")
    out.mkdir(parents=True, exist_ok=True)
    for name, make in ALL.items():
        print(make(out / f"{name}.xlsx"))
