"""Reason codes, bilingual messages and the rejection / flag record types of the intake.

Why: everything a department returns is untrusted, and every refusal must reach the bureau
(and, through a reply draft, the department) as a short Chinese sentence saying what is wrong
and what to do — with an English variant. Codes are stable ASCII identifiers so that later
stages (collect, summary, receipts) can count, filter and translate them; the wording lives
in the message catalogue (``intake.<code>`` in :mod:`evaltool.messages.catalogue`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from evaltool.messages import render_text
from evaltool.model import EvaltoolError, Text

__all__ = [
    "REASONS",
    "FLAGS",
    "Lang",
    "IntakeRejected",
    "Rejection",
    "Flag",
    "text",
]

Lang = Literal["zh", "en"]

#: Why a returned file is refused (its sentence is the catalogue's ``intake.<code>``).
REASONS: tuple[str, ...] = (
    "empty",
    "corrupt",
    "not-a-workbook",
    "unsupported-archive",
    "not-regular-file",
    "file-too-large",
    "zip-too-many-members",
    "zip-too-large",
    "zip-member-too-large",
    "zip-ratio",
    "zip-bad-name",
    "zip-duplicate-name",
    "zip-encrypted-member",
    "nesting-too-deep",
    "xml-dtd",
    "sheet-too-large",
    "encrypted-no-password",
    "encrypted-wrong-password",
    "encrypted-unsupported",
    "mail-no-attachment",
    "mail-no-boundary",
    "inbox-file-budget",
    "foreign-ods",
    "foreign-numbers",
    "foreign-xlsb",
    "foreign-office",
    "broken-xlsx",
    "output-failed",
    "mail-corrupt",
    "msg-needs-extra",
)

#: Structural flags raised by scan.py / limits.py: code -> severity (sentence ``intake.<code>``).
FLAGS: dict[str, str] = {
    "vba-project": "warning",
    "activex": "error",
    "ole-embedding": "warning",
    "external-link": "warning",
    "external-target": "error",
    "xlm-macrosheet": "error",
    "auto-open-name": "error",
    "dde-formula": "error",
    "dde-link": "error",
    "risky-function": "warning",
    "hyperlink-formula": "info",
    "data-connection": "warning",
    "unreadable-part": "warning",
    "zip-backslash-name": "info",
}


def text(code: str, lang: Lang = "zh", detail: str = "") -> str:
    """The user-facing sentence for a reason or flag ``code`` in ``lang``."""
    if code in REASONS or code in FLAGS:
        return render_text(Text(f"intake.{code}", {"detail": detail}), lang)
    return render_text(Text("intake.unknown", {"code": code, "detail": detail}), lang)


class IntakeRejected(EvaltoolError):
    """A returned file (or mail, or archive) is refused, with a stable code and both messages."""

    code = "intake"

    def __init__(self, reason_code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{reason_code}: {message_en}")
        self.reason_code = reason_code
        self.message_zh = message_zh
        self.message_en = message_en

    @classmethod
    def of(cls, code: str, detail: str = "") -> IntakeRejected:
        """Build from the catalogue: ``IntakeRejected.of("zip-ratio", "1000:1")``."""
        return cls(code, text(code, "zh", detail), text(code, "en", detail))

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def record(self) -> Rejection:
        return Rejection(self.reason_code, self.message_zh, self.message_en)


@dataclass(frozen=True)
class Rejection:
    """The data form of a refusal, carried by a candidate instead of raising."""

    reason_code: str
    message_zh: str
    message_en: str

    @classmethod
    def of(cls, code: str, detail: str = "") -> Rejection:
        return IntakeRejected.of(code, detail).record()

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class Flag:
    """Something notable found in a package: ``code`` (see FLAGS), the zip ``part``, a ``detail``."""

    code: str
    part: str
    detail: str = ""

    @property
    def severity(self) -> str:
        return FLAGS.get(self.code, "warning")

    def message(self, lang: Lang = "zh") -> str:
        return text(self.code, lang, self.detail or self.part)
