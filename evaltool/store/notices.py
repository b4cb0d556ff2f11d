"""What ``campaign issue`` warned about a unit, kept in the store until the unit returns.

Why: a warning printed once at issue time (TGT-HIST: an approved target below what the unit
achieved last year) is gone by the time the bureau looks at who has answered. It is stored
with the unit — as a catalogue code + params, rendered late in the reader's language, plus
the sentence as printed — and ``campaign status`` (screen and 报送情况) shows it while the
unit has not returned. Issuing a unit again replaces its warnings.

Example::

    record_issue_warnings(store, cid, "110001", [IssueNote("TGT-HIST", "warning", "TGT-HIST.issue",
                                                           {"level3": "…"}, "110001 …：年度目标值 …")])
    issue_warnings(store, cid)["110001"][0].code       # 'TGT-HIST.issue'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select

from evaltool.store.campaigns import utcnow
from evaltool.store.db import Store
from evaltool.store.schema import IssueWarning

__all__ = ["IssueNote", "record_issue_warnings", "issue_warnings"]


@dataclass(frozen=True)
class IssueNote:
    """One issue-time warning: the check (``rule``), its catalogue ``code`` and JSON ``params``
    (:func:`evaltool.messages.stored.params_json`), and the sentence as printed."""

    rule: str
    severity: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)
    message: str = ""


def record_issue_warnings(store: Store, campaign_id: int, unit_code: str, notes: Iterable[IssueNote]) -> None:
    """Replace the unit's issue-time warnings with ``notes`` (none: the unit has none now)."""
    with store.session() as s:
        s.execute(delete(IssueWarning).where(IssueWarning.campaign_id == campaign_id,
                                             IssueWarning.unit_code == unit_code))
        now = utcnow()
        s.add_all(IssueWarning(campaign_id=campaign_id, unit_code=unit_code, rule=n.rule, severity=n.severity,
                               code=n.code, params=dict(n.params), message=n.message, created_at=now)
                  for n in notes)
        s.commit()


def issue_warnings(store: Store, campaign_id: int) -> dict[str, list[IssueNote]]:
    """unit code -> its issue-time warnings, in the order recorded."""
    out: dict[str, list[IssueNote]] = {}
    with store.session() as s:
        for w in s.scalars(select(IssueWarning).where(IssueWarning.campaign_id == campaign_id)
                           .order_by(IssueWarning.id)):
            out.setdefault(w.unit_code, []).append(IssueNote(w.rule, w.severity, w.code, w.params or {}, w.message))
    return out
