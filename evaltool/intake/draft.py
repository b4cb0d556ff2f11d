"""Build a reply as a standard .eml *draft* that Outlook, Foxmail or Thunderbird open for editing.

Why: the bureau answers each department (receipt, list of problems, scored workbook) from its
own mail client — evaltool never sends mail. A UTF-8 message with RFC 2231 attachment names
and the ``X-Unsent: 1`` header opens in Outlook as an unsent draft, ready to review and send.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid

__all__ = ["reply_draft"]


def _one_line(value: str) -> str:
    return " ".join(value.split())


def reply_draft(
    to: str | Sequence[str],
    subject: str,
    body: str,
    attachments: Sequence[tuple[str, bytes, str]] = (),
    sender: str | None = None,
    in_reply_to: str | None = None,
) -> bytes:
    """The bytes of a draft .eml (CRLF line endings).

    ``attachments`` are ``(filename, data, mime)`` with mime like
    ``application/vnd.openxmlformats-officedocument.spreadsheetml.sheet``. ``in_reply_to`` is
    the original Message-ID (threads the reply). Newlines in header values are folded away.
    """
    msg = EmailMessage()
    recipients = [to] if isinstance(to, str) else list(to)
    msg["To"] = ", ".join(_one_line(r) for r in recipients)
    if sender:
        msg["From"] = _one_line(sender)
    msg["Subject"] = _one_line(subject)
    msg["X-Unsent"] = "1"
    msg["Message-ID"] = make_msgid(domain="evaltool.local")
    if in_reply_to:
        ref = _one_line(in_reply_to)
        msg["In-Reply-To"] = ref
        msg["References"] = ref
    msg.set_content(body, charset="utf-8")
    for filename, data, mime in attachments:
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype or "octet-stream",
                           filename=_one_line(filename))
    return msg.as_bytes(policy=SMTP)
