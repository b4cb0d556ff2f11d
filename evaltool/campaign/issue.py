"""``campaign issue`` and ``campaign remind``: templates and drafts for every roster unit.

Why: issuing is one signed template per unit (its name, code and year on the cover and in
``_meta``; its approved targets and own indicators from the campaign's targets file, locked
and fingerprinted as ``evaltool template --targets`` does; last year's 整改措施 when the store
has them) and one
outgoing draft per unit with it attached; reminding is one draft per unit that has not
returned or must correct. Each draft is recorded in the store (``replies``), so a second
``issue`` does not send twice and the bureau can see what went out.

Example::

    h = open_campaign("2024部门整体")
    done = issue_all(h, signer=keys.signer())        # [Issued(unit, template, draft, warnings), …]
    sent = remind_all(h, today=date(2025, 3, 10))    # [(status row, draft path), …]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from evaltool.campaign.carry import record_warnings, template_values
from evaltool.campaign.folder import CampaignHandle
from evaltool.campaign.mails import issue_draft, reminder_draft
from evaltool.campaign.targets import rows_of
from evaltool.intake.names import safe_filename
from evaltool.io.atomic import atomic_write_bytes
from evaltool.messages import render_text, text
from evaltool.store.campaigns import units_of
from evaltool.store.records import record_reply, reply_exists
from evaltool.store.status import UnitStatus, campaign_status, needs_reminder

__all__ = ["Issued", "issue_all", "remind_all", "MSG"]

MSG = {
    "no_targets": ("{ucode} {name}：目标表 {file} 中没有该单位的行，模板未锁定批复目标，框架为单位个性指标预留的分值空缺",
                   "{ucode} {name}: the targets file {file} has no rows for this unit; its template has no approved "
                   "targets and the points the framework keeps for own indicators stay empty"),
}


@dataclass(frozen=True)
class Issued:
    code: str
    name: str
    template: Path
    draft: Path
    new: bool  # False: issued before (the files were rewritten, no new record)
    warnings: tuple[str, ...] = ()


def issue_all(h: CampaignHandle, *, signer: Callable[[str], tuple[str, str]] | None = None, lang: str = "zh",
              deadline: str | None = None, sender: str | None = None, only: set[str] | None = None,
              created_at: str | None = None) -> list[Issued]:
    """Write ``issued/<code>_<name>.xlsx`` and ``outbox/issue/<code>_<name>.eml`` for each unit.

    A unit with rows in the campaign's targets file gets them locked into its template
    (:func:`evaltool.frameworks.targets.apply_targets`: total 100 checked here, a bad row raises
    :class:`~evaltool.frameworks.targets.TargetsError` naming the file's row and column); a unit
    without gets the framework as it is (its targets typed by the filler)."""
    from evaltool.template import write_template

    c = h.campaign
    out: list[Issued] = []
    for u in units_of(h.store, c.id):
        if only and u.code not in only:
            continue
        stem = safe_filename(f"{u.code}_{u.name}", fallback=u.code)
        path = h.folder / "issued" / f"{stem}.xlsx"
        values = template_values(h, u.code)
        # kept with the unit (campaign status shows them until it returns) and said now
        warnings = [render_text(w, lang) for w in record_warnings(h, u.code, lang=lang)]
        targets = rows_of(h, u.code)
        if c.targets_file and not targets:
            warnings = [*warnings, text(MSG, "no_targets", lang, ucode=u.code, name=u.name,
                                        file=Path(c.targets_file).name)]
        write_template(c.framework, path, unit_name=u.name, unit_code=u.code, year=c.year, lang=lang,
                       signer=signer, values=values, created_at=created_at, targets=targets or None,
                       targets_source=Path(c.targets_file).name or "目标表")
        data = path.read_bytes()
        draft = h.folder / "outbox" / "issue" / f"{stem}.eml"
        draft.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(draft, issue_draft(u, c, path.name, data, lang=lang, deadline=deadline, sender=sender))
        new = record_reply(h.store, c.id, kind="issue", mail_key=u.code, path=str(draft.relative_to(h.folder)),
                           unit_code=u.code)
        out.append(Issued(u.code, u.name, path, draft, new, tuple(warnings)))
    return out


def remind_all(h: CampaignHandle, *, today: date, lang: str = "zh", deadline: str | None = None,
               sender: str | None = None) -> list[tuple[UnitStatus, Path]]:
    """A reminder draft in ``outbox/remind-YYYYMMDD/`` per unit that must act (see
    :func:`~evaltool.store.status.needs_reminder`); the same day's re-run rewrites, not adds."""
    c = h.campaign
    rows, _outside = campaign_status(h.store, c.id)
    folder = h.folder / "outbox" / f"remind-{today:%Y%m%d}"
    out: list[tuple[UnitStatus, Path]] = []
    for row in needs_reminder(rows):
        stem = safe_filename(f"{row.code}_{row.name}", fallback=row.code)
        path = folder / f"{stem}.eml"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, reminder_draft(row, c, lang=lang, deadline=deadline, sender=sender))
        key = f"{row.code}@{today.isoformat()}"
        if not reply_exists(h.store, c.id, "reminder", key):
            record_reply(h.store, c.id, kind="reminder", mail_key=key, path=str(path.relative_to(h.folder)),
                         unit_code=row.code)
        out.append((row, path))
    return out
