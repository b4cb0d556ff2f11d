"""Safe inspection of a zip (plain archive or OOXML package) BEFORE any parser touches it.

Why: neither openpyxl nor calamine limits decompressed size (excel-ecosystem.md §5.2), and a
returned file is attacker-controlled. ``check_zip`` looks only at the central directory
(member count, declared sizes, per-member ratio, unsafe names, duplicates, encrypted members,
nesting depth); ``check_xml`` then streams every member once, bounded, which also verifies
CRCs (CPython stops at the declared size and fails the CRC if a member lies about it), rejects
any DTD/entity declaration (billion laughs) in XML parts, and rejects worksheets whose declared
dimension or actual rows exceed the limits. Hard failures raise ``IntakeRejected``; soft
observations come back as ``Flag`` findings.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from evaltool.contract.a1 import parse_part
from evaltool.intake.names import zip_member_name
from evaltool.intake.reasons import Flag, IntakeRejected

__all__ = ["Limits", "DEFAULT_LIMITS", "open_zip", "check_zip", "check_xml", "check_package"]

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps for one returned file; override with ``dataclasses.replace(DEFAULT_LIMITS, ...)``."""

    max_file_bytes: int = 100 * MB  # one inbox file, attachment or extracted member
    max_members: int = 2000
    max_total_bytes: int = 200 * MB  # declared uncompressed total of one zip
    max_member_bytes: int = 100 * MB  # one uncompressed member (e.g. a sheet's XML)
    max_ratio: float = 200.0  # uncompressed / compressed, per member ...
    ratio_floor_bytes: int = 1 * MB  # ... checked only for members larger than this
    max_depth: int = 3  # nested containers: mail → zip → zip
    max_sheet_rows: int = 200_000
    max_sheet_cells: int = 20_000_000  # declared dimension rows × columns
    # budgets for everything inside one top-level INBOX file (a mail or archive, all nesting
    # levels together): sized for a real mail, refused as a whole when exceeded
    inbox_file_outcomes: int = 200  # payloads found (workbooks and refusals)
    inbox_file_members: int = 2000  # zip members, summed over nested archives
    inbox_file_bytes: int = 300 * MB  # uncompressed bytes of every payload taken out


DEFAULT_LIMITS = Limits()

_DRIVE = re.compile(r"^[A-Za-z]:")


def open_zip(data: bytes) -> zipfile.ZipFile:
    """Open ``data`` as a zip or raise ``IntakeRejected('corrupt')``."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise IntakeRejected.of("corrupt", f"zip: {exc}") from exc


def _check_name(name: str, *, ooxml: bool) -> Flag | None:
    if not name or name.startswith(("/", "\\")) or _DRIVE.match(name):
        raise IntakeRejected.of("zip-bad-name", f"absolute path: {name!r}")
    if "\x00" in name:
        raise IntakeRejected.of("zip-bad-name", f"NUL in name: {name!r}")
    parts = re.split(r"[\\/]", name)
    if any(p == ".." for p in parts):
        raise IntakeRejected.of("zip-bad-name", f"'..' in path: {name!r}")
    if "\\" in name:
        if ooxml:  # OPC part names never contain backslashes
            raise IntakeRejected.of("zip-bad-name", f"backslash in part name: {name!r}")
        return Flag("zip-backslash-name", name, name)
    return None


def check_zip(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS, *, ooxml: bool,
              depth: int = 0) -> list[Flag]:
    """Central-directory checks; raises ``IntakeRejected`` on the first hard failure.

    ``ooxml`` makes name rules strict (OPC part names); ``depth`` is the nesting level of this
    archive (0 = the file itself) and must not exceed ``limits.max_depth``.
    """
    if depth > limits.max_depth:
        raise IntakeRejected.of("nesting-too-deep", f"{depth} > {limits.max_depth}")
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise IntakeRejected.of("zip-too-many-members", f"{len(infos)} > {limits.max_members}")
    flags: list[Flag] = []
    seen: set[str] = set()
    total = 0
    for info in infos:
        name = zip_member_name(info)
        flag = _check_name(name, ooxml=ooxml)
        if flag:
            flags.append(flag)
        key = name.replace("\\", "/").lower()
        if key in seen:
            raise IntakeRejected.of("zip-duplicate-name", name)
        seen.add(key)
        if info.flag_bits & 0x1:
            raise IntakeRejected.of("zip-encrypted-member", name)
        if info.file_size > limits.max_member_bytes:
            raise IntakeRejected.of("zip-member-too-large", f"{name}: {info.file_size / MB:.0f} MB")
        if info.file_size > limits.ratio_floor_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise IntakeRejected.of("zip-ratio", f"{name}: {ratio:.0f}:1 > {limits.max_ratio:.0f}:1")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise IntakeRejected.of("zip-too-large", f"> {limits.max_total_bytes / MB:.0f} MB")
    return flags


_CHUNK = 1 << 16
_KEEP = 4096
_DTD_PATTERNS = [p.encode(enc) for p in ("<!DOCTYPE", "<!ENTITY")
                 for enc in ("utf-8", "utf-16-le", "utf-16-be")]
_ROW_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]{0,2048})>")
_R_ATTR = re.compile(rb"\sr\s*=\s*[\"'](\d{1,10})[\"']")
_DIM_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*ref\s*=\s*[\"']([A-Za-z$0-9:]+)[\"']")


def _looks_xml(head: bytes) -> bool:
    """XML by content, whatever the part is called (rels may point a sheet at ``x.png``)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")):
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def _dimension_size(ref: str) -> tuple[int, int]:
    """(rows, cols) spanned by a dimension ref like ``A1:XFD1048576``."""
    ends = [parse_part(p) or (1, 1) for p in ref.split(":")[:2]]
    rows = [r or 1 for r, _ in ends]
    cols = [c or 1 for _, c in ends]
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


class _SheetCounter:
    """Streaming row counter; counts each ``<row>`` once across chunk boundaries."""

    def __init__(self) -> None:
        self.rows = 0
        self.max_r = 0
        self.dimension: str | None = None

    def feed(self, buf: bytes, final: bool) -> int:
        """Scan ``buf``; returns how many leading bytes are fully consumed."""
        limit = len(buf) if final else max(0, len(buf) - _KEEP)
        if self.dimension is None:
            m = _DIM_RE.search(buf)
            if m:
                self.dimension = m.group(1).decode("ascii")
        for m in _ROW_RE.finditer(buf, 0, len(buf)):
            if m.start() >= limit:
                break
            self.rows += 1
            r = _R_ATTR.search(m.group(1))
            self.max_r = max(self.max_r, int(r.group(1)) if r else self.rows)
        return limit


def _check_sheet(name: str, counter: _SheetCounter, limits: Limits) -> None:
    if counter.dimension:
        rows, cols = _dimension_size(counter.dimension)
        if rows > limits.max_sheet_rows or rows * cols > limits.max_sheet_cells:
            raise IntakeRejected.of("sheet-too-large", f"{name}: dimension {counter.dimension}")
    if counter.rows > limits.max_sheet_rows:
        raise IntakeRejected.of("sheet-too-large", f"{name}: {counter.rows} rows > {limits.max_sheet_rows}")
    if counter.max_r > limits.max_sheet_rows:
        raise IntakeRejected.of("sheet-too-large", f"{name}: row {counter.max_r} > {limits.max_sheet_rows}")


def _stream_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    name = info.filename
    xml: bool | None = None
    counter: _SheetCounter | None = None
    tail = b""
    seen = 0
    try:
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                seen += len(chunk)
                if seen > limits.max_member_bytes:
                    raise IntakeRejected.of("zip-member-too-large", f"{name}: > {limits.max_member_bytes / MB:.0f} MB")
                if xml is None:
                    xml = _looks_xml(chunk[:64]) or name.lower().endswith((".xml", ".rels", ".vml"))
                    counter = _SheetCounter() if xml else None
                buf = tail + chunk
                if xml:
                    for pat in _DTD_PATTERNS:
                        if pat in buf:
                            raise IntakeRejected.of("xml-dtd", name)
                if counter is not None:
                    used = counter.feed(buf, final=not chunk)
                    tail = buf[used:]
                else:
                    tail = buf[-32:]
                if not chunk:
                    break
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
            NotImplementedError) as exc:
        raise IntakeRejected.of("corrupt", f"{name}: {exc}") from exc
    except Exception as exc:  # zlib.error and friends from a damaged deflate stream
        if isinstance(exc, IntakeRejected):
            raise
        raise IntakeRejected.of("corrupt", f"{name}: {type(exc).__name__}") from exc
    if counter is not None:
        _check_sheet(name, counter, limits)


def check_xml(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> None:
    """Stream every member once (bounded): CRC, DTD/entities and row counts in every part that
    is XML by content (whatever its name), declared sheet dimensions."""
    for info in zf.infolist():
        if not info.is_dir():
            _stream_member(zf, info, limits)


def check_package(data: bytes, limits: Limits = DEFAULT_LIMITS, *, depth: int = 0) -> list[Flag]:
    """Full pre-parse check of an OOXML package held in memory: ``check_zip`` + ``check_xml``."""
    with open_zip(data) as zf:
        flags = check_zip(zf, limits, ooxml=True, depth=depth)
        check_xml(zf, limits)
    return flags
