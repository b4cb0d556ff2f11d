"""Read returned mails (.eml with the stdlib, .msg through the optional extract-msg).

Why: departments return the filled workbook by e-mail, and the bureau saves the mails into a
folder. We need the sender, subject, date, Message-ID (for provenance and for replying) and
every attached file — including attachments of forwarded mails (nested ``message/rfc822``)
and names written by Chinese mail clients: RFC 2231 UTF-8, the non-standard GBK encoded-word
inside quotes (``filename="=?GBK?B?…?="``) and raw GBK bytes in the header. Signature images
(inline ``image/*`` with a Content-ID) and text bodies are not attachments.

``.msg`` parsing needs extract-msg, which is GPL: it is imported lazily and, when missing,
``read_msg`` raises ``MsgSupportMissing`` (reason ``msg-needs-extra``).
"""

from __future__ import annotations

import email.policy
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from evaltool.intake.draft import reply_draft
from evaltool.intake.reasons import IntakeRejected

__all__ = ["Attachment", "Mail", "parse_eml", "read_msg", "MsgSupportMissing", "reply_draft"]


@dataclass(frozen=True)
class Attachment:
    filename: str  # as sent (decoded, NOT sanitised: use names.safe_filename before writing)
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Mail:
    sender: str  # address, lower-cased
    sender_name: str
    to: tuple[str, ...]
    subject: str
    date: datetime | None
    message_id: str
    attachments: list[Attachment] = field(default_factory=list)


class MsgSupportMissing(IntakeRejected):
    """extract-msg (optional, GPL) is not installed."""


_ENCODED_WORD = re.compile(r"=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=")


def _raw_to_text(value: str) -> str:
    """Undo ``surrogateescape`` of raw 8-bit header bytes: UTF-8 first, then GB18030."""
    raw = value.encode("ascii", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded-words the header parser left in place (e.g. inside quotes)."""
    if not _ENCODED_WORD.search(value):
        return value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, UnicodeDecodeError, ValueError):
        return value


def _raw_header(part: Message, name: str) -> str | None:
    for key, value in part.raw_items():
        if key.lower() == name:
            return value if isinstance(value, str) else str(value)
    return None


def _header_text(msg: Message, name: str) -> str:
    """A header as text, robust to raw GBK bytes, encoded-words and parser failures."""
    raw = _raw_header(msg, name)
    if raw is None:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        return _decode_words(" ".join(_raw_to_text(raw).split()))
    try:
        return _decode_words(str(msg[name]))
    except Exception:  # policy.default can raise on malformed structured headers
        return _decode_words(" ".join(raw.split()))


_FILENAME_PARAM = re.compile(r"""(?:file)?name\*?=\s*(?:"([^"]*)"|([^;\s]+))""", re.IGNORECASE)


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(display name, address) pairs; structured parse first, raw-text fallback."""
    raw = _raw_header(msg, name)
    if raw is None:
        return []
    if not any("\udc80" <= ch <= "\udcff" for ch in raw):
        try:
            found = getattr(msg[name], "addresses", None)
            if found is not None:
                return [(a.display_name, a.addr_spec) for a in found if a.addr_spec]
        except Exception:  # malformed address list: fall back to the lenient parser
            pass
    return [(n, a) for n, a in getaddresses([_header_text(msg, name)]) if a]


def _filename(part: Message) -> str:
    for header in ("content-disposition", "content-type"):
        raw = _raw_header(part, header)
        if raw and any("\udc80" <= ch <= "\udcff" for ch in raw):
            text = _raw_to_text(raw)
            m = _FILENAME_PARAM.search(text)
            if m:
                return _decode_words(m.group(1) if m.group(1) is not None else m.group(2))
    try:
        name = part.get_filename()
    except Exception:
        name = None
    return _decode_words(name) if name else ""


def _is_attachment(part: Message, filename: str) -> bool:
    ctype = part.get_content_type()
    if part.is_multipart() or ctype == "message/rfc822":
        return False
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    if ctype.startswith("image/") and part.get("Content-ID") and disposition != "attachment":
        return False  # signature / inline picture of an HTML body
    if ctype.startswith("text/") and not filename:
        return False  # a body
    return bool(filename) or not ctype.startswith(("text/", "multipart/"))


def _attachments(msg: Message) -> list[Attachment]:
    found: list[Attachment] = []
    for part in msg.walk():  # walk() descends into message/rfc822 payloads too
        filename = _filename(part)
        if not _is_attachment(part, filename):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        found.append(Attachment(filename, data, part.get_content_type()))
    return found


def _date(msg: Message) -> datetime | None:
    try:
        header = msg["Date"]
        return getattr(header, "datetime", None)
    except Exception:
        return None


def parse_eml(data: bytes) -> Mail:
    """Parse an RFC 822 message; raises ``IntakeRejected('mail-corrupt')`` only on total failure."""
    try:
        msg = BytesParser(policy=email.policy.default).parsebytes(data)
    except Exception as exc:
        raise IntakeRejected.of("mail-corrupt", f"{type(exc).__name__}") from exc
    if msg.get_content_maintype() == "multipart" and not msg.get_boundary():
        raise IntakeRejected.of("mail-no-boundary")
    senders = _addresses(msg, "from")
    name, addr = senders[0] if senders else ("", "")
    to = tuple(a.lower() for _, a in _addresses(msg, "to"))
    return Mail(
        sender=addr.lower(),
        sender_name=name,
        to=to,
        subject=_header_text(msg, "subject"),
        date=_date(msg),
        message_id=_header_text(msg, "message-id").strip(),
        attachments=_attachments(msg),
    )


def _msg_attachments(message: object) -> list[Attachment]:
    out: list[Attachment] = []
    for att in getattr(message, "attachments", []) or []:
        data = getattr(att, "data", None)
        if isinstance(data, bytes):
            name = getattr(att, "longFilename", None) or getattr(att, "shortFilename", None) or ""
            out.append(Attachment(str(name), data, str(getattr(att, "mimetype", None) or
                                                     "application/octet-stream")))
        elif data is not None:  # an embedded message: take its attachments
            out.extend(_msg_attachments(data))
    return out


def read_msg(data: bytes) -> Mail:
    """Parse an Outlook .msg (needs the optional ``evaltool[msg]`` extra)."""
    try:
        import extract_msg  # type: ignore[import-not-found]  # GPL, optional
    except ImportError as exc:
        raise MsgSupportMissing.of("msg-needs-extra") from exc
    try:
        message = extract_msg.openMsg(data)
    except Exception as exc:
        raise IntakeRejected.of("mail-corrupt", f".msg: {type(exc).__name__}") from exc
    try:
        name, addr = parseaddr(str(getattr(message, "sender", "") or ""))
        to = tuple(a.lower() for _, a in getaddresses([str(getattr(message, "to", "") or "")]) if a)
        date = getattr(message, "date", None)
        return Mail(
            sender=addr.lower(),
            sender_name=name,
            to=to,
            subject=str(getattr(message, "subject", "") or ""),
            date=date if isinstance(date, datetime) else None,
            message_id=str(getattr(message, "messageId", "") or ""),
            attachments=_msg_attachments(message),
        )
    finally:
        close = getattr(message, "close", None)
        if callable(close):
            close()

