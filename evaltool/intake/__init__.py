"""Intake: turn a folder of returned mails, archives and workbooks into checked candidates.

Why: everything a department returns is untrusted. These building blocks identify payloads by
content (``sniff``), bound zip/XML resources before any parser runs (``limits``), list active
or external content (``scan``), decrypt with a known password list (``crypto``), read mails
(``mail``, ``draft``), sanitise names (``names``) and expand an inbox (``unpack``). Refusals
carry a stable reason code and Chinese/English messages (``reasons``).

Example::

    from evaltool.intake import unpack
    for sub in unpack(Path("INBOX"), passwords=["secret"]):
        print(sub.label, sub.kind.value, sub.rejection and sub.rejection.message("zh"))
"""

from evaltool.intake.limits import DEFAULT_LIMITS, Limits
from evaltool.intake.reasons import Flag, IntakeRejected, Rejection
from evaltool.intake.sniff import Kind, sniff
from evaltool.intake.unpack import Submission, unpack

__all__ = [
    "DEFAULT_LIMITS",
    "Flag",
    "IntakeRejected",
    "Kind",
    "Limits",
    "Rejection",
    "Submission",
    "sniff",
    "unpack",
]
