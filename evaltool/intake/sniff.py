"""Identify a returned file by its content (magic bytes), never by its extension.

Why: departments rename files (``.et`` → ``.xls``, PDF → ``.xlsx``), mail clients mangle
names, and an encrypted .xlsx is really an OLE file. The intake must route each payload by
what it *is*: OOXML zip (plain / macro-enabled / template / other Office), plain zip archive,
encrypted OOXML (OLE with EncryptionInfo + EncryptedPackage), BIFF .xls (WPS .et is the same
format), Outlook .msg (OLE with ``__substg1.0_`` streams), RFC 822 mail, empty, or unknown.
``describe_other`` names common non-workbooks (PDF, PNG, RAR…) for a helpful refusal.
"""

from __future__ import annotations

import io
import re
import zipfile
from enum import Enum

import olefile
from defusedxml import ElementTree as SafeET

__all__ = ["Kind", "sniff", "describe_other", "foreign_format", "OLE_MAGIC", "ZIP_MAGICS"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_CT_MAX = 1 << 20  # [Content_Types].xml larger than 1 MB is not an Office file we accept


class Kind(str, Enum):
    """What a payload is, by content."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    XLTX = "xltx"
    OTHER_OOXML = "other-ooxml"
    ZIP = "zip"
    OOXML_ENCRYPTED = "ooxml-encrypted"
    XLS = "xls"
    MSG = "msg"
    EML = "eml"
    EMPTY = "empty"
    CORRUPT = "corrupt"  # container magic present, structure unreadable (e.g. truncated)
    UNKNOWN = "unknown"


_SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
# macro-enabled workbook, template and add-in (XML); the .xlsb "binary.macroEnabled" is not XML
_MACRO_MAINS = frozenset({
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml",
})

def _content_types(zf: zipfile.ZipFile) -> dict[str, str] | None:
    """PartName → ContentType from ``[Content_Types].xml`` (Defaults keyed as ``*.ext``)."""
    try:
        info = zf.getinfo("[Content_Types].xml")
    except KeyError:
        return None
    if info.file_size > _CT_MAX:
        return None
    try:
        root = SafeET.fromstring(zf.read(info))
    except Exception:  # malformed, DTD, bad CRC: not a package we can trust
        return None
    types: dict[str, str] = {}
    for el in root:
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "Override":
            types[el.get("PartName", "").lstrip("/").lower()] = el.get("ContentType", "")
        elif tag == "Default":
            types["*." + el.get("Extension", "").lower()] = el.get("ContentType", "")
    return types


def _sniff_zip(data: bytes) -> Kind:
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return Kind.CORRUPT
    with zf:
        names = {n.lower() for n in zf.namelist()}
        types = _content_types(zf)
        if types is None:
            return Kind.XLSX if "xl/workbook.xml" in names else Kind.ZIP
        values = set(types.values())
        if values & _MACRO_MAINS:
            return Kind.XLSM
        if _SHEET_MAIN in values:
            return Kind.XLSM if "xl/vbaproject.bin" in names else Kind.XLSX
        if _TEMPLATE_MAIN in values:
            return Kind.XLSM if "xl/vbaproject.bin" in names else Kind.XLTX
        return Kind.OTHER_OOXML


def _sniff_ole(data: bytes) -> Kind:
    try:
        ole = olefile.OleFileIO(data)
    except Exception:  # olefile raises OSError and assorted parse errors on broken files
        return Kind.CORRUPT
    with ole:
        streams = {"/".join(p) for p in ole.listdir(streams=True, storages=True)}
    tops = {s.split("/", 1)[0] for s in streams}
    if "EncryptionInfo" in tops and "EncryptedPackage" in tops:
        return Kind.OOXML_ENCRYPTED
    if "Workbook" in tops or "Book" in tops:
        return Kind.XLS
    if any(s.startswith("__substg1.0_") for s in tops):
        return Kind.MSG
    return Kind.UNKNOWN


_HEADER_RE = re.compile(rb"^[!-9;-~]{1,76}:")  # RFC 5322 field-name then colon
_MAIL_HEADERS = {
    b"from", b"to", b"subject", b"date", b"received", b"message-id", b"mime-version",
    b"return-path", b"delivered-to", b"content-type", b"reply-to", b"cc", b"x-mailer",
}


def _looks_like_mail(data: bytes) -> bool:
    head = data[:16384].replace(b"\r\n", b"\n")
    lines = head.split(b"\n")
    if lines and lines[0].startswith(b"From "):  # mbox separator line
        lines = lines[1:]
    known: set[bytes] = set()
    count = 0
    for line in lines:
        if not line:
            break
        if line[:1] in (b" ", b"\t") and count:
            continue
        if not _HEADER_RE.match(line):
            return False
        count += 1
        known.add(line.split(b":", 1)[0].strip().lower())
    has_origin = bool(known & {b"from", b"received", b"return-path", b"message-id"})
    return count >= 2 and has_origin and len(known & _MAIL_HEADERS) >= 2


def sniff(data: bytes) -> Kind:
    """The Kind of ``data``, decided by content only."""
    if not data:
        return Kind.EMPTY
    if data.startswith(ZIP_MAGICS):
        return _sniff_zip(data)
    if data.startswith(OLE_MAGIC):
        return _sniff_ole(data)
    if _looks_like_mail(data):
        return Kind.EML
    return Kind.UNKNOWN


_OFFICE = (("word/", "Word"), ("ppt/", "PowerPoint"), ("visio/", "Visio"))


def foreign_format(data: bytes, kind: Kind) -> tuple[str, str] | None:
    """(reason code, detail) when a zip-based ``data`` is a document of another program.

    Such a file is refused once, with what the sender should do, instead of being opened as
    an archive (an .ods would give one "not a workbook" per member): OpenDocument (.ods,
    ``mimetype`` member), Apple Numbers (``Index/Document.iwa``), .xlsb (``xl/workbook.bin``),
    Word/PowerPoint, and a damaged .xlsx (SpreadsheetML parts without ``[Content_Types].xml``).
    """
    if kind not in (Kind.ZIP, Kind.OTHER_OOXML):
        return None
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    with zf:
        names = [n.replace("\\", "/") for n in zf.namelist()]
        lower = {n.lower() for n in names}
        if "mimetype" in lower:
            try:
                info = next(i for i in zf.infolist() if i.filename.lower() == "mimetype")
                mime = zf.read(info)[:200] if info.file_size < 200 else b""
            except Exception:
                mime = b""
            if mime.startswith(b"application/vnd.oasis.opendocument"):
                return ("foreign-ods", "") if b"spreadsheet" in mime else ("foreign-office", "OpenDocument")
        if "index/document.iwa" in lower or any(n.startswith("index/") and n.endswith(".iwa") for n in lower):
            return "foreign-numbers", ""
        if any(n.startswith("xl/") and n.endswith(".bin") and "workbook" in n for n in lower):
            return "foreign-xlsb", ""
        for prefix, label in _OFFICE:
            if kind is Kind.OTHER_OOXML and any(n.startswith(prefix) for n in lower):
                return "foreign-office", label
        if kind is Kind.ZIP and any(n.startswith("xl/") for n in lower):
            missing = "[Content_Types].xml" if "[content_types].xml" not in lower else "xl/workbook.xml"
            return "broken-xlsx", f"missing {missing}"
    return None


_OTHER = [
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\x78\x9f\x3e\x22", "winmail.dat (TNEF)"),
    (b"{\\rtf", "RTF"),
    (b"MZ", "EXE/DLL"),
]


def describe_other(data: bytes) -> str:
    """A short label for a non-workbook payload (``"PDF"``, ``"RAR"``, ``"HTML"``, ``"text"``…)."""
    for magic, label in _OTHER:
        if data.startswith(magic):
            return label
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<html", b"<!doctype html")) or b"<table" in head:
        return "HTML"
    if head.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in data[:8192]:
        return "XML Spreadsheet 2003"
    if head.startswith(b"<"):
        return "XML"
    return "binary" if b"\x00" in data[:4096] else "text"


ARCHIVE_LABELS = frozenset({"RAR", "7z", "gzip"})
