"""Structural scan of a returned workbook for active or external content.

Why: evaltool never runs anything from a returned file, but the bureau must know when a
department's file carries macros (VBA or Excel 4.0 XLM), ActiveX, embedded OLE objects,
links to other workbooks or external locations, data connections, or formulas that start
programs via DDE (``cmd|' /C calc'!A0``) — so that such a file is not opened in Excel and its
data is re-emitted into a clean workbook (excel-ecosystem.md §5.1). The scan only lists zip
parts, reads relationship/workbook XML and streams formula text with defusedxml; for legacy
.xls it lists OLE storages and the BIFF sheet directory. Nothing is executed or rendered.
"""

from __future__ import annotations

import html
import re
import zipfile

import olefile
from defusedxml import ElementTree as SafeET

from evaltool.intake.limits import open_zip
from evaltool.intake.reasons import Flag

__all__ = ["scan_package", "scan_ole", "scan_formula"]

_PREFIX_FLAGS = [
    ("xl/activex/", "activex"),
    ("xl/embeddings/", "ole-embedding"),
    ("xl/externallinks/", "external-link"),
    ("xl/macrosheets/", "xlm-macrosheet"),
]
_DDE_RE = re.compile(r"""(?:^|[=(,+\-*/&\s;])@?'?[A-Za-z0-9_.\\ ]{1,64}'?\|\s*'[^']*'\s*!""")
_DDE_LOOSE = re.compile(r"""[A-Za-z0-9_.]+\|[^!]{0,255}!""")
_RISKY = ("WEBSERVICE(", "CALL(", "REGISTER.ID(", "REGISTER(", "EXEC(", "FILTERXML(")
_AUTO_NAMES = re.compile(r"^(_xlnm\.)?auto_(open|close|activate|deactivate)", re.IGNORECASE)
_MAX_FLAGS_PER_CODE = 5


def scan_formula(formula: str, part: str = "", cell: str = "") -> list[Flag]:
    """Flags for one formula text (no leading ``=`` needed)."""
    where = f"{part}!{cell}" if cell else part
    flags: list[Flag] = []
    text = formula.strip()
    quoted = re.sub(r'"[^"]*"', '""', text)  # ignore string literals such as "a|b!c"
    if _DDE_RE.search(quoted) or _DDE_LOOSE.search(quoted):
        flags.append(Flag("dde-formula", where, f"{where}: ={text[:80]}"))
    upper = quoted.upper().replace(" ", "")
    if "HYPERLINK(" in upper:
        flags.append(Flag("hyperlink-formula", where, f"{where}: ={text[:80]}"))
    for fn in _RISKY:
        if re.search(r"(?<![A-Z0-9_.])" + re.escape(fn), upper):
            flags.append(Flag("risky-function", where, f"{where}: {fn[:-1]}"))
    return flags


_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_F_RE = re.compile(rb"<(" + _P + rb"f)(?:\s[^>]*)?(?:/>|>([^<]*)</\1>)")
_F_OPEN = re.compile(rb"<" + _P + rb"f[\s/>]")
_CELL_REF = re.compile(rb"<" + _P + rb"c\s[^>]*?\br\s*=\s*[\"']([A-Za-z$]+\$?\d+)[\"']")
_KEEP_F = 1 << 16  # longer than any formula Excel accepts (8,192 chars, escaped)


def _cell_before(buf: bytes, pos: int) -> str:
    refs = _CELL_REF.findall(buf, max(0, pos - 4096), pos)
    return refs[-1].decode("ascii") if refs else ""


def _scan_sheet_fast(zf: zipfile.ZipFile, name: str) -> list[Flag] | None:
    """Regex pass over the streamed sheet; None when it cannot account for every ``<f>``."""
    flags: list[Flag] = []
    tail = b""
    opened = matched = 0
    with zf.open(name) as fh:
        while True:
            chunk = fh.read(1 << 18)
            buf = tail + chunk
            limit = len(buf) if not chunk else max(0, len(buf) - _KEEP_F)
            for m in _F_RE.finditer(buf, 0, len(buf)):
                if m.start() >= limit:
                    break
                matched += 1
                if m.group(2):
                    text = html.unescape(m.group(2).decode("utf-8", "replace"))
                    found = scan_formula(text, name)
                    if found:
                        cell = _cell_before(buf, m.start())
                        flags.extend(scan_formula(text, name, cell))
            opened += len(_F_OPEN.findall(buf, 0, limit))
            tail = buf[limit:]
            if not chunk:
                break
    return flags if opened == matched else None


def _scan_sheet(zf: zipfile.ZipFile, name: str) -> list[Flag]:
    try:
        fast = _scan_sheet_fast(zf, name)
    except Exception:
        fast = None
    return fast if fast is not None else _scan_sheet_parse(zf, name)


def _scan_sheet_parse(zf: zipfile.ZipFile, name: str) -> list[Flag]:
    flags: list[Flag] = []
    cell = ""
    try:
        with zf.open(name) as fh:
            for event, el in SafeET.iterparse(fh, events=("start", "end")):
                tag = el.tag.rsplit("}", 1)[-1]
                if event == "start":
                    if tag == "c":
                        cell = el.get("r", "")
                    continue
                if tag == "f" and el.text:
                    flags.extend(scan_formula(el.text, name, cell))
                if tag in ("c", "row"):
                    el.clear()
    except Exception as exc:  # malformed XML is the reader's problem; note it and move on
        flags.append(Flag("unreadable-part", name, f"{name}: unreadable XML: {type(exc).__name__}"))
    return flags


def _scan_rels(zf: zipfile.ZipFile, name: str) -> list[Flag]:
    flags: list[Flag] = []
    try:
        root = SafeET.fromstring(zf.read(name))
    except Exception:
        return flags
    for rel in root:
        if rel.get("TargetMode", "") != "External":
            continue
        rtype = rel.get("Type", "").rsplit("/", 1)[-1]
        if rtype == "hyperlink":
            continue  # ordinary cell hyperlinks
        target = rel.get("Target", "")
        code = "external-link" if rtype == "externalLinkPath" else "external-target"
        flags.append(Flag(code, name, f"{rtype} → {target[:120]}"))
    return flags


def _scan_workbook(zf: zipfile.ZipFile, name: str) -> list[Flag]:
    flags: list[Flag] = []
    try:
        root = SafeET.fromstring(zf.read(name))
    except Exception:
        return flags
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "definedName":
            dn = el.get("name", "")
            if _AUTO_NAMES.match(dn):
                flags.append(Flag("auto-open-name", name, dn))
            if el.text:
                flags.extend(scan_formula(el.text, name, dn))
    return flags


def _scan_external_link(zf: zipfile.ZipFile, name: str) -> list[Flag]:
    try:
        root = SafeET.fromstring(zf.read(name))
    except Exception:
        return []
    for el in root.iter():
        if el.tag.rsplit("}", 1)[-1] == "ddeLink":
            return [Flag("dde-link", name, f"{el.get('ddeService', '')}|{el.get('ddeTopic', '')}")]
    return []


def _cap(flags: list[Flag]) -> list[Flag]:
    """At most a few flags per code, so a sheet of 10,000 HYPERLINKs stays readable."""
    counts: dict[str, int] = {}
    out: list[Flag] = []
    for f in flags:
        counts[f.code] = counts.get(f.code, 0) + 1
        if counts[f.code] <= _MAX_FLAGS_PER_CODE:
            out.append(f)
    return out


def scan_package(data: bytes | zipfile.ZipFile) -> list[Flag]:
    """Flags for an OOXML package (bytes or an open ZipFile); run ``limits`` checks first."""
    zf = data if isinstance(data, zipfile.ZipFile) else open_zip(data)
    flags: list[Flag] = []
    names = [i.filename for i in zf.infolist() if not i.is_dir()]
    lower = {n.lower(): n for n in names}
    for low, name in lower.items():
        base = low.rsplit("/", 1)[-1]
        if base == "vbaproject.bin" or (low.endswith(".bin") and "vbaproject" in base):
            flags.append(Flag("vba-project", name, name))
        for prefix, code in _PREFIX_FLAGS:
            if low.startswith(prefix) and not low.endswith(".rels"):
                flags.append(Flag(code, name, name))
        if low == "xl/connections.xml":
            flags.append(Flag("data-connection", name, name))
        if low.startswith("xl/externallinks/") and low.endswith(".xml"):
            flags.extend(_scan_external_link(zf, name))
        if low.endswith(".rels"):
            flags.extend(_scan_rels(zf, name))
        if low == "xl/workbook.xml":
            flags.extend(_scan_workbook(zf, name))
        if low.startswith(("xl/worksheets/", "xl/macrosheets/")) and low.endswith(".xml"):
            flags.extend(_scan_sheet(zf, name))
    if zf is not data:
        zf.close()
    return _cap(flags)


def _biff_macro_sheets(stream: bytes) -> list[str]:
    """Names of BOUNDSHEET8 records whose type is a macro sheet (dt = 1)."""
    found: list[str] = []
    pos = 0
    while pos + 4 <= len(stream):
        rtype = int.from_bytes(stream[pos:pos + 2], "little")
        size = int.from_bytes(stream[pos + 2:pos + 4], "little")
        body = stream[pos + 4:pos + 4 + size]
        if rtype == 0x0085 and len(body) >= 8 and body[5] == 0x01:
            cch, flags = body[6], body[7]
            raw = body[8:8 + (cch * 2 if flags & 1 else cch)]
            found.append(raw.decode("utf-16-le" if flags & 1 else "latin-1", errors="replace"))
        if rtype == 0x000A:  # EOF of the workbook globals substream
            break
        pos += 4 + size
    return found


def scan_ole(data: bytes) -> list[Flag]:
    """Flags for a legacy .xls/.et (BIFF in OLE): VBA storage, embedded objects, XLM sheets."""
    flags: list[Flag] = []
    try:
        ole = olefile.OleFileIO(data)
    except Exception:
        return flags
    with ole:
        entries = ["/".join(p) for p in ole.listdir(streams=True, storages=True)]
        tops = {e.split("/", 1)[0] for e in entries}
        if "_VBA_PROJECT_CUR" in tops or "_VBA_PROJECT" in tops:
            flags.append(Flag("vba-project", "_VBA_PROJECT_CUR", "VBA"))
        if "ObjectPool" in tops:
            flags.append(Flag("ole-embedding", "ObjectPool", "ObjectPool"))
        book = "Workbook" if ole.exists("Workbook") else "Book" if ole.exists("Book") else None
        if book:
            for sheet in _biff_macro_sheets(ole.openstream(book).read()):
                flags.append(Flag("xlm-macrosheet", book, sheet))
    return flags
