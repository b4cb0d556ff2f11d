"""Who has answered: each roster unit's state from what the store holds (催报名单).

Why: the bureau's daily question during a campaign. A unit is 未报送 until a workbook of its
own arrives; then its counted return (the latest, see intake's versions) decides: 通过, 有错误
(validation errors: it must correct), 未通过 (refused: wrong identity, tampered, unreadable —
it must resend) or 待确认 (two returns tie; the bureau decides). A refused file that cannot
name its unit (unreadable) is matched by the sender's address to the roster's e-mail. Returns
from units not on the roster are listed apart. A unit that has not returned carries what
``campaign issue`` warned about it (:mod:`~evaltool.store.notices`).

Example::

    rows, outside = campaign_status(store, campaign_id)
    [r.name for r in rows if r.state == NOT_RETURNED]      # the 催报名单
    needs_reminder(rows)                                   # not returned, or must correct
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from evaltool.store.db import Store
from evaltool.store.notices import IssueNote, issue_warnings
from evaltool.store.schema import File, FindingRow, Return, Unit

__all__ = ["UnitStatus", "campaign_status", "needs_reminder", "findings_of", "NOT_RETURNED", "PASSED", "ERRORS", "REFUSED",
           "PENDING", "STATE_LABELS"]

NOT_RETURNED, PASSED, ERRORS, REFUSED, PENDING = "not_returned", "passed", "errors", "refused", "pending"
STATE_LABELS = {
    NOT_RETURNED: ("未报送", "not returned"),
    PASSED: ("通过", "passed"),
    ERRORS: ("有错误", "has errors"),
    REFUSED: ("未通过", "refused"),
    PENDING: ("待确认", "to confirm"),
}
_ORDER = (NOT_RETURNED, REFUSED, ERRORS, PENDING, PASSED)


@dataclass(frozen=True)
class UnitStatus:
    code: str
    name: str
    department: str
    contact: str
    email: str
    state: str
    label: str = ""  # the file that decides the state
    total: float | None = None
    grade: str = ""
    errors: int = 0
    warnings: int = 0
    received: datetime | None = None  # mail date, else when evaltool received it (UTC)
    reason: str = ""
    on_roster: bool = True
    #: what ``campaign issue`` warned about the unit (TGT-HIST …), shown until it returns
    issue_warnings: tuple[IssueNote, ...] = ()
    file_id: int | None = None  # the deciding file's row (its findings: :func:`findings_of`)

    def state_label(self, lang: str = "zh") -> str:
        zh, en = STATE_LABELS[self.state]
        return en if lang == "en" else zh


def _state(decision: str, summary_status: str, errors: int) -> str:
    if decision == "pending":
        return PENDING
    if decision == "rejected" or summary_status == "未通过":
        return REFUSED
    return ERRORS if errors or summary_status == "有错误" else PASSED


def campaign_status(store: Store, campaign_id: int) -> tuple[list[UnitStatus], list[UnitStatus]]:
    """(roster units in roster order with their state, returns from units not on the roster)."""
    with store.session() as s:
        units = list(s.scalars(select(Unit).where(Unit.campaign_id == campaign_id).order_by(Unit.position)))
        counted = s.execute(
            select(File.id, File.label, File.decision, File.summary_status, File.reason, File.mail_date,
                   File.received_at,
                   Return.unit_code, Return.unit_name, Return.total, Return.grade, Return.errors, Return.warnings)
            .join(Return, Return.file_id == File.id)
            .where(File.campaign_id == campaign_id, File.decision.in_(("accepted", "pending")))
            .order_by(File.id)).all()
        refused = s.execute(
            select(File.id, File.label, File.sender, File.reason, File.mail_date, File.received_at, Return.unit_code,
                   Return.unit_name)
            .outerjoin(Return, Return.file_id == File.id)
            .where(File.campaign_id == campaign_id, File.decision == "rejected").order_by(File.id)).all()
    by_code = {u.code.strip(): u for u in units if u.code.strip()}
    by_name = {u.name.strip(): u for u in units}
    by_mail = {u.email.strip().lower(): u for u in units if u.email.strip()}
    found: dict[int, UnitStatus] = {}
    outside: list[UnitStatus] = []

    def keep(u: Unit, st: UnitStatus) -> None:
        old = found.get(u.id)
        if old is None or _ORDER.index(st.state) > _ORDER.index(old.state) or (
                st.state == old.state and (st.received or datetime.min) >= (old.received or datetime.min)):
            found[u.id] = st

    for r in refused:  # counted returns below override a refused file of the same unit
        u = by_code.get((r.unit_code or "").strip()) or by_name.get((r.unit_name or "").strip()) \
            or by_mail.get((r.sender or "").strip().lower())
        if u is not None and u.id not in found:
            found[u.id] = UnitStatus(u.code, u.name, u.department, u.contact, u.email, REFUSED, r.label,
                                     received=r.mail_date or r.received_at, reason=r.reason, file_id=r.id)
    for c in counted:
        u = by_code.get(c.unit_code.strip()) or (by_name.get(c.unit_name.strip()) if not c.unit_code.strip()
                                                 else None)
        st_ = _state(c.decision, c.summary_status, c.errors)
        if u is None:
            outside.append(UnitStatus(c.unit_code, c.unit_name, "", "", "", st_, c.label, c.total, c.grade,
                                      c.errors, c.warnings, c.mail_date or c.received_at, c.reason, False,
                                      file_id=c.id))
            continue
        st = UnitStatus(u.code, u.name, u.department, u.contact, u.email, st_, c.label, c.total, c.grade,
                        c.errors, c.warnings, c.mail_date or c.received_at, c.reason, file_id=c.id)
        old = found.get(u.id)
        if old is None or old.state == REFUSED:
            found[u.id] = st
        else:
            keep(u, st)
    notes = issue_warnings(store, campaign_id)
    rows = [found.get(u.id) or UnitStatus(u.code, u.name, u.department, u.contact, u.email, NOT_RETURNED,
                                          issue_warnings=tuple(notes.get(u.code, ())))
            for u in units]
    return rows, outside


def needs_reminder(rows: list[UnitStatus]) -> list[UnitStatus]:
    """Units that have not returned, or must correct (有错误) or resend (未通过)."""
    return [r for r in rows if r.state in (NOT_RETURNED, ERRORS, REFUSED)]


def findings_of(store: Store, file_ids: Iterable[int | None], *, severities: Iterable[str] = ("error",)
                ) -> dict[int, list[FindingRow]]:
    """file id -> its stored findings of these severities, in row-major order (render each with
    :func:`evaltool.messages.stored.stored_message` in the reader's language)."""
    ids = [i for i in file_ids if i is not None]
    out: dict[int, list[FindingRow]] = {i: [] for i in ids}
    if not ids:
        return out
    with store.session() as s:
        for x in s.scalars(select(FindingRow).where(FindingRow.file_id.in_(ids),
                                                    FindingRow.severity.in_(tuple(severities)))
                           .order_by(FindingRow.file_id, FindingRow.sheet, FindingRow.row, FindingRow.col,
                                     FindingRow.id)):
            out[x.file_id].append(x)
    return out
