"""Expand an INBOX folder into a flat stream of submission candidates.

Why: the bureau saves returned mails (.eml/.msg), loose workbooks and zip archives into one
folder, in any mix and with any extension. ``unpack`` walks it read-only, sniffs every payload
by content, opens mails and zips (through ``limits``, nested to ``Limits.max_depth``),
decrypts with the known password list, runs the pre-parse package checks and the structural
scan, and marks byte-identical duplicates. It is a generator holding one inbox file at a
time; every refusal is a ``Submission`` carrying a ``Rejection`` — nothing raises out of it.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from evaltool.intake.crypto import decrypt, is_encrypted
from evaltool.intake.limits import DEFAULT_LIMITS, Limits, check_package, check_zip, open_zip
from evaltool.intake.mail import Mail, parse_eml, read_msg
from evaltool.intake.names import safe_filename, shown, zip_member_name
from evaltool.intake.reasons import Flag, IntakeRejected, Rejection, text
from evaltool.intake.scan import scan_ole, scan_package
from evaltool.intake.sniff import ARCHIVE_LABELS, Kind, describe_other, foreign_format, sniff

__all__ = ["Submission", "unpack", "WORKBOOK_KINDS", "scan_flags", "scanned"]

WORKBOOK_KINDS = frozenset({Kind.XLSX, Kind.XLSM, Kind.XLTX, Kind.XLS})
_JUNK = {"thumbs.db", "desktop.ini", ".ds_store"}


@dataclass(frozen=True)
class Submission:
    """One candidate returned workbook (or the record of why a payload was refused)."""

    source_path: Path  # the file in INBOX
    source_sha256: str
    member: str | None  # path inside the source: "附件.zip/单位A.xlsx"; None for a loose file
    filename: str  # sanitised innermost name, safe to write
    data: bytes
    sender: str | None = None
    sender_name: str | None = None
    mail_date: datetime | None = None
    mail_subject: str | None = None
    message_id: str | None = None
    kind: Kind = Kind.UNKNOWN
    sha256: str = ""
    decrypted: bool = False
    duplicate_of: str | None = None  # label of the first candidate with the same bytes
    rejection: Rejection | None = None
    flags: tuple[Flag, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.rejection is None

    @property
    def label(self) -> str:
        name = shown(self.source_path.name)
        return f"{name}/{self.member}" if self.member else name


class BudgetExceeded(IntakeRejected):
    """One top-level INBOX file holds more than its budget: it is refused as a whole."""


class _Budget:
    """What one top-level INBOX file has used so far (all nesting levels together)."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.outcomes = self.members = self.bytes = 0

    def _over(self, zh: str, en: str, used: int, cap: int) -> None:
        if used > cap:
            raise BudgetExceeded("inbox-file-budget", text("inbox-file-budget", "zh", f"{zh}超过 {cap}"),
                                 text("inbox-file-budget", "en", f"more than {cap} {en}"))

    def add_outcome(self) -> None:
        self.outcomes += 1
        self._over("文件数", "files", self.outcomes, self.limits.inbox_file_outcomes)

    def add_members(self, n: int) -> None:
        self.members += n
        self._over("压缩包内文件数", "archive members", self.members, self.limits.inbox_file_members)

    def add_bytes(self, n: int) -> None:
        self.bytes += n
        self._over("解压后大小（MB）", "MB uncompressed", self.bytes >> 20, self.limits.inbox_file_bytes >> 20)


@dataclass(frozen=True)
class _Ctx:
    base: Submission  # source and mail fields filled in; data/filename set per payload
    chain: tuple[str, ...] = ()

    def child(self, name: str) -> _Ctx:
        return _Ctx(self.base, (*self.chain, shown(name)))

    def with_mail(self, mail: Mail) -> _Ctx:
        if self.base.sender is not None:  # forwarded/nested mail: keep the outer sender
            return self
        base = replace(self.base, sender=mail.sender, sender_name=mail.sender_name,
                       mail_date=mail.date, mail_subject=mail.subject, message_id=mail.message_id)
        return _Ctx(base, self.chain)

    def make(self, name: str, data: bytes, kind: Kind, *, rejection: Rejection | None = None,
             flags: Sequence[Flag] = (), decrypted: bool = False) -> Submission:
        fallback = "附件" + (".xlsx" if kind in (Kind.XLSX, Kind.XLTX) else "")
        return replace(
            self.base, member="/".join(self.chain) or None, filename=safe_filename(name, fallback),
            data=data, kind=kind, sha256=hashlib.sha256(data).hexdigest() if data else "",
            rejection=rejection, flags=tuple(flags), decrypted=decrypted,
        )


class _Unpacker:
    def __init__(self, limits: Limits, passwords: Sequence[str], scan: bool) -> None:
        self.limits, self.passwords, self.scan = limits, list(passwords), scan
        self.budget = _Budget(limits)

    def expand(self, data: bytes, name: str, ctx: _Ctx, depth: int) -> Generator[Submission, None, None]:
        try:
            yield from self._expand(data, name, ctx, depth)
        except BudgetExceeded:
            raise
        except IntakeRejected as exc:
            yield ctx.make(name, data, sniff(data), rejection=exc.record())
        except Exception as exc:  # a bug or a parser surprise must not stop the inbox
            yield ctx.make(name, data, Kind.UNKNOWN, rejection=Rejection.of("corrupt", type(exc).__name__))

    def _expand(self, data: bytes, name: str, ctx: _Ctx, depth: int) -> Iterator[Submission]:
        kind = sniff(data)
        foreign = foreign_format(data, kind)
        if foreign is not None:
            yield ctx.make(name, data, kind, rejection=Rejection.of(*foreign))
        elif kind in (Kind.EML, Kind.MSG):
            yield from self._mail(data, name, kind, ctx, depth)
        elif kind is Kind.ZIP:
            yield from self._zip(data, name, ctx, depth)
        elif kind is Kind.OOXML_ENCRYPTED or (kind is Kind.XLS and is_encrypted(data)):
            plain = decrypt(data, self.passwords)
            yield self._workbook(plain, name, sniff(plain), ctx, depth, decrypted=True)
        else:
            yield self._workbook(data, name, kind, ctx, depth)

    def _mail(self, data: bytes, name: str, kind: Kind, ctx: _Ctx, depth: int) -> Iterator[Submission]:
        if depth > self.limits.max_depth:
            raise IntakeRejected.of("nesting-too-deep", f"{depth} > {self.limits.max_depth}")
        mail = parse_eml(data) if kind is Kind.EML else read_msg(data)
        mctx = ctx.with_mail(mail)
        if not mail.attachments:
            yield mctx.make(name, b"", kind, rejection=Rejection.of("mail-no-attachment"))
        for att in mail.attachments:
            actx = mctx.child(att.filename or "附件")
            self.budget.add_bytes(len(att.data))
            if len(att.data) > self.limits.max_file_bytes:
                yield actx.make(att.filename, b"", Kind.UNKNOWN,
                                rejection=Rejection.of("file-too-large", f"{len(att.data) >> 20} MB"))
                continue
            yield from self.expand(att.data, att.filename, actx, depth + 1)

    def _zip(self, data: bytes, name: str, ctx: _Ctx, depth: int) -> Iterator[Submission]:
        with open_zip(data) as zf:
            flags = check_zip(zf, self.limits, ooxml=False, depth=depth)
            members = [i for i in zf.infolist() if not i.is_dir() and not _is_junk(zip_member_name(i))]
            if not members:
                raise IntakeRejected.of("not-a-workbook", "空压缩包 / empty zip")
            self.budget.add_members(len(members))
            for info in members:
                inner = zip_member_name(info).replace("\\", "/")
                mctx = ctx.child(inner)
                try:
                    with zf.open(info) as fh:
                        payload = fh.read(self.limits.max_member_bytes + 1)
                    self.budget.add_bytes(len(payload))
                except BudgetExceeded:
                    raise
                except Exception as exc:
                    yield mctx.make(inner, b"", Kind.CORRUPT,
                                    rejection=Rejection.of("corrupt", f"{inner}: {type(exc).__name__}"))
                    continue
                for sub in self.expand(payload, inner, mctx, depth + 1):
                    yield replace(sub, flags=tuple(flags) + sub.flags) if flags else sub

    def _workbook(self, data: bytes, name: str, kind: Kind, ctx: _Ctx, depth: int,
                  decrypted: bool = False) -> Submission:
        if kind in (Kind.XLSX, Kind.XLSM, Kind.XLTX):
            flags = check_package(data, self.limits)
            if self.scan:
                flags += scan_flags(data, kind)
            return ctx.make(name, data, kind, flags=flags, decrypted=decrypted)
        if kind is Kind.XLS:
            return ctx.make(name, data, kind, flags=scan_flags(data, kind) if self.scan else (), decrypted=decrypted)
        return ctx.make(name, data, kind, rejection=_refusal(data, kind), decrypted=decrypted)


def scan_flags(data: bytes, kind: Kind) -> list[Flag]:
    """The structural scan of one admitted payload — what ``unpack(scan=True)`` adds to its
    flags (after the package checks). ``collect --campaign`` unpacks with ``scan=False`` and
    scans a payload only once it has claimed it (:func:`scanned`): a payload another run
    evaluates is not scanned twice."""
    if kind in (Kind.XLSX, Kind.XLSM, Kind.XLTX):
        return list(scan_package(data))
    if kind is Kind.XLS:
        return list(scan_ole(data))
    return []


def scanned(sub: Submission) -> Submission:
    """``sub`` of ``unpack(scan=False)`` with the scan's flags, as ``unpack(scan=True)`` gives it
    (a refused payload is never scanned)."""
    if sub.rejection is not None or not sub.data:
        return sub
    extra = scan_flags(sub.data, sub.kind)
    return replace(sub, flags=sub.flags + tuple(extra)) if extra else sub


def _refusal(data: bytes, kind: Kind) -> Rejection:
    if kind is Kind.EMPTY:
        return Rejection.of("empty")
    if kind is Kind.CORRUPT:
        return Rejection.of("corrupt", "zip/OLE")
    if kind is Kind.OTHER_OOXML:
        return Rejection.of("not-a-workbook", "Word/PowerPoint/.xlsb")
    label = describe_other(data)
    return Rejection.of("unsupported-archive" if label in ARCHIVE_LABELS else "not-a-workbook", label)


def _is_junk(name: str) -> bool:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return (base.lower() in _JUNK or base.startswith(("~$", "._"))
            or name.startswith("__MACOSX/") or not base)


def _walk(inbox: Path, exclude: Sequence[Path]) -> Iterator[Path | tuple[Path, OSError]]:
    """Every file under ``inbox``, sorted; symlinks (to files or folders) are yielded as paths
    too (reading them is refused: not a regular file), an unreadable folder as (path, error)."""
    skip = {p.resolve() for p in exclude}
    errors: list[OSError] = []
    for root, dirs, files in os.walk(inbox, onerror=errors.append):
        while errors:
            exc = errors.pop(0)
            yield Path(exc.filename or root), exc
        links = [d for d in dirs if (Path(root) / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if d not in links and not d.startswith(".")
                         and (Path(root) / d).resolve() not in skip)
        for f in sorted([*files, *links]):
            if not f.startswith(".") and not _is_junk(f):
                yield Path(root) / f
    while errors:
        exc = errors.pop(0)
        yield Path(exc.filename or inbox), exc


def _read(path: Path, limits: Limits) -> bytes:
    """Read a regular file read-only, without following symlinks or blocking on FIFOs."""
    if path.is_symlink():
        target = "folder" if path.is_dir() else "file"
        raise IntakeRejected.of("not-regular-file", f"{shown(path.name)}: symbolic link to a {target}, not followed")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise IntakeRejected.of("not-regular-file", f"{shown(path.name)}: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise IntakeRejected.of("not-regular-file", shown(path.name))
        if st.st_size > limits.max_file_bytes:
            raise IntakeRejected.of("file-too-large", f"{st.st_size >> 20} MB > {limits.max_file_bytes >> 20} MB")
        return fh.read(limits.max_file_bytes + 1)


def unpack(inbox: Path, *, limits: Limits = DEFAULT_LIMITS, passwords: Sequence[str] = (),
           scan: bool = True, exclude: Sequence[Path] = (), seen: Callable[[Path, str], bool] | None = None,
           known: Mapping[str, str] | None = None) -> Iterator[Submission]:
    """Yield one ``Submission`` per payload found under ``inbox`` (recursively, sorted).

    ``passwords`` are tried on encrypted workbooks; ``scan`` adds structural flags;
    ``exclude`` lists folders to skip (e.g. an output folder inside the inbox).
    Hidden files, ``~$`` lock files, Thumbs.db/desktop.ini are skipped silently; symlinks and
    unreadable folders are listed as refusals. Everything found inside one top-level file is
    held back until the file is done: a file over its budget (``Limits.inbox_file_*``) yields
    one refusal for the whole file instead of thousands of outcomes. ``seen(path, sha256)``
    (sha256 "" for a file that could not be read) skips inbox files an earlier run processed;
    ``known`` maps payload hashes of earlier runs to their labels, so a payload sent again is a
    duplicate of the earlier one.
    """
    unpacker = _Unpacker(limits, passwords, scan)
    first_of: dict[str, str] = dict(known or {})
    for found in _walk(Path(inbox), exclude):
        if isinstance(found, tuple):
            path, err = found
            if seen is not None and seen(path, ""):
                continue
            yield Submission(path, "", None, safe_filename(path.name), b"",
                             rejection=Rejection.of("not-regular-file", f"{shown(path.name)}: {err.strerror}"))
            continue
        path = found
        empty = Submission(path, "", None, safe_filename(path.name), b"")
        try:
            data = _read(path, limits)
        except IntakeRejected as exc:
            if seen is None or not seen(path, ""):
                yield replace(empty, rejection=exc.record())
            continue
        digest = hashlib.sha256(data).hexdigest()
        if seen is not None and seen(path, digest):
            continue
        base = replace(empty, source_sha256=digest)
        unpacker.budget = _Budget(limits)
        held: list[Submission] = []
        subs = unpacker.expand(data, shown(path.name), _Ctx(base), 0)
        try:
            for sub in subs:
                unpacker.budget.add_outcome()
                held.append(sub)
        except BudgetExceeded as exc:
            subs.close()
            held = [replace(base, kind=sniff(data), rejection=exc.record())]
        del data
        for sub in held:
            if sub.sha256:
                first = first_of.setdefault(sub.sha256, sub.label)
                if first != sub.label:
                    sub = replace(sub, duplicate_of=first)
            yield sub


@dataclass(frozen=True)
class Screen:
    """The intake's judgement of one file: refused (``rejection``) or admitted with ``flags``."""

    kind: Kind
    rejection: Rejection | None
    flags: tuple[Flag, ...]


def screen_file(path: Path, *, limits: Limits = DEFAULT_LIMITS, passwords: Sequence[str] = ()) -> Screen:
    """Judge one workbook file exactly as ``collect`` judges a payload (read limits, sniff,
    foreign formats, package limits, active-content scan), so ``check`` and ``collect``
    agree on macros, DDE, external links and on what is not an xlsx at all.

    Example::

        screen_file(Path("返回.xlsx")).flags    # (Flag('dde-formula', ...), ...)
    """
    empty = Submission(path, "", None, safe_filename(path.name), b"")
    try:
        data = _read(path, limits)
    except IntakeRejected as exc:
        return Screen(Kind.UNKNOWN, exc.record(), ())
    unpacker = _Unpacker(limits, passwords, scan=True)
    kind = sniff(data)
    if kind is Kind.ZIP and foreign_format(data, kind) is None:  # a plain archive is not a workbook
        return Screen(kind, Rejection.of("not-a-workbook", "zip"), ())
    try:
        first = next(iter(unpacker.expand(data, shown(path.name), _Ctx(empty), 0)), None)
    except BudgetExceeded as exc:
        return Screen(kind, exc.record(), ())
    if first is None:
        return Screen(kind, Rejection.of("not-a-workbook", describe_other(data)), ())
    if first.rejection is None and first.kind is Kind.XLS:
        return Screen(first.kind, Rejection.of("not-a-workbook", ".xls/.et (BIFF)"), first.flags)
    return Screen(first.kind, first.rejection, first.flags)
