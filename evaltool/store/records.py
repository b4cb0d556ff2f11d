"""What intake tells the store: a payload claimed, a return with its findings, a decision.

Why: ``collect`` must be incremental (a file whose content the campaign already holds is not
processed again) and safe when two staff run it at once on one campaign. The unit of safety
is the *claim*: before a payload is processed, a ``files`` row is inserted for its SHA-256 —
``INSERT … ON CONFLICT DO NOTHING`` on the unique key ``(campaign_id, sha256, refusal)`` lets
exactly one run win, in its own short transaction (on SQLite the database write lock
serialises the claimers); the loser records a sighting and moves on, told who holds it
(:class:`Claim`). :func:`complete` then writes the return, its findings and indicator lines
and the decision in one transaction — fenced: only while the claim is still this run's. A
claim left ``processing`` by a run that died is taken over once it is older than the lease
(``lease``, default :data:`DEFAULT_LEASE` = 1 hour, measured on the database's clock, so the
staff's machines need not agree on the time); the slow run that lost it then records
nothing for that file.

The store imports only the model: intake hands over plain values (:class:`Received`,
:class:`ReturnFacts`, mappings for rows).

Example::

    c = claim_file(store, cid, Received(sha256=h, label="1.eml/a.xlsx", filename="a.xlsx"), run="r1")
    if c.file_id is None: ...                  # another run (c.holder) has, or had (c.done), this content
    complete(store, fid, decision="accepted", facts=ReturnFacts(unit_code="110001", total=88.5), ...)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from evaltool.store.campaigns import utcnow
from evaltool.store.db import Store
from evaltool.store.names import name_bytes, safe_text
from evaltool.store.schema import Campaign, File, FindingRow, IndicatorRow, Reply, Return, Sighting

__all__ = ["Received", "ReturnFacts", "Claim", "claim", "claim_file", "complete", "release", "sight",
           "lock_campaign", "PROCESSING", "DEFAULT_LEASE", "STALE_CLAIM", "record_reply",
           "reply_exists", "db_now"]

PROCESSING = "processing"
#: How long a claim (a ``processing`` row) protects a file from the other runs: a run
#: evaluates and records each file it claims within seconds, so a claim older than this was
#: left by a run that died (killed, a machine that went to sleep) and may be taken over.
#: ``collect --claim-lease MINUTES`` sets it per run.
DEFAULT_LEASE = timedelta(hours=1)
STALE_CLAIM = DEFAULT_LEASE  # the former name


@dataclass(frozen=True)
class Received:
    """Where a payload came from (one sighting)."""

    sha256: str
    label: str
    refusal: str = ""  # reason code of a refusal decided before reading (part of the unique key)
    filename: str = ""
    source_sha256: str = ""
    kind: str = ""
    sender: str = ""
    sender_name: str = ""
    subject: str = ""
    message_id: str = ""
    mail_date: datetime | None = None


@dataclass(frozen=True)
class ReturnFacts:
    """What the workbook said (the ``returns`` row)."""

    unit_code: str = ""
    unit_name: str = ""
    year: int | None = None
    framework: str = ""
    modified: datetime | None = None
    total: float | None = None
    grade: str = ""
    errors: int = 0
    warnings: int = 0
    scored: bool = False
    rectification: str = ""
    rectification_done: str = ""
    unit_row: Mapping[str, Any] | None = None
    fill_date: datetime | None = None


@dataclass(frozen=True)
class Claim:
    """What :func:`claim_file` got: ``file_id`` when this run must process the payload; else
    who holds it (``holder``: that run's id, ``label``: its first name) and whether that run has
    finished with it (``done``: the campaign holds the content) or is processing it now."""

    file_id: int | None
    holder: str = ""
    label: str = ""
    done: bool = False
    taken_over: str = ""  # the run whose expired claim this run took over


def _naive(d: datetime | None) -> datetime | None:
    if d is None or d.tzinfo is None:
        return d
    return d.astimezone(timezone.utc).replace(tzinfo=None)


def lock_campaign(s: Session, campaign_id: int) -> None:
    """Serialise writers of one campaign for the rest of the transaction (a row lock on
    PostgreSQL, the database write lock on SQLite — taken first, so SQLite waits instead of
    failing on a lock upgrade)."""
    s.execute(update(Campaign).where(Campaign.id == campaign_id).values(tz=Campaign.tz))


def _sighting(r: Received, file_id: int, run: str, now: datetime) -> Sighting:
    return Sighting(file_id=file_id, label=r.label, label_raw=name_bytes(r.label), sender=r.sender,
                    message_id=r.message_id, mail_date=_naive(r.mail_date), seen_at=now, run=run)


def db_now(s: Session) -> datetime:
    """The database's clock (naive UTC) on PostgreSQL, where staff on several machines share
    one server; this machine's clock for SQLite (a file on one machine)."""
    if s.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        value = s.scalar(text("SELECT timezone('UTC', clock_timestamp())"))
        if isinstance(value, datetime):
            return value.replace(tzinfo=None)
    return utcnow()


def claim_file(store: Store, campaign_id: int, r: Received, *, run: str, lease: timedelta = DEFAULT_LEASE) -> Claim:
    """Claim ``r``'s content for ``run`` in one short transaction (see the module docstring): a
    new ``files`` row marked :data:`PROCESSING`, or an existing one whose claim is older than
    ``lease``. Every call records a sighting."""
    with store.session() as s:
        now = db_now(s)
        values = dict(campaign_id=campaign_id, sha256=r.sha256, refusal=r.refusal, source_sha256=r.source_sha256,
                      label=safe_text(r.label), label_raw=name_bytes(r.label), filename=safe_text(r.filename),
                      filename_raw=name_bytes(r.filename), kind=r.kind, sender=safe_text(r.sender),
                      sender_name=safe_text(r.sender_name), subject=safe_text(r.subject),
                      message_id=safe_text(r.message_id), mail_date=_naive(r.mail_date), received_at=now, run=run,
                      claimed_at=now, decision=PROCESSING, summary_status="", reason_code="", reason="",
                      superseded_by="", outputs={})
        dialect = store.dialect
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            stmt: Any = pg_insert(File).values(**values).on_conflict_do_nothing(
                constraint="uq_files_campaign_content").returning(File.id)
        elif dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            stmt = sqlite_insert(File).values(**values).on_conflict_do_nothing().returning(File.id)
        else:  # pragma: no cover - other databases: the unique key still decides
            stmt = insert(File).values(**values).returning(File.id)
        file_id = s.execute(stmt).scalar()
        if file_id is not None:
            s.add(_sighting(r, file_id, run, now))
            s.commit()
            return Claim(int(file_id))
        row = s.execute(select(File.id, File.decision, File.run, File.label).where(
            File.campaign_id == campaign_id, File.sha256 == r.sha256, File.refusal == r.refusal)).one()
        since = func.coalesce(File.claimed_at, File.received_at)
        if row.decision == PROCESSING:  # a compare-and-set: only one run takes an expired claim over
            taken = s.execute(update(File).where(File.id == row.id, File.decision == PROCESSING,
                                                 File.run == row.run, since < now - lease)
                              .values(claimed_at=now, run=run)).rowcount  # type: ignore[attr-defined]
            if taken:
                s.add(_sighting(r, row.id, run, now))
                s.commit()
                return Claim(int(row.id), taken_over=row.run)
        s.add(_sighting(r, row.id, run, now))
        s.commit()
        return Claim(None, holder=row.run, label=row.label, done=row.decision != PROCESSING)


def claim(store: Store, campaign_id: int, r: Received, *, run: str, lease: timedelta = DEFAULT_LEASE) -> int | None:
    """:func:`claim_file`'s file id (None when another run has or had the content)."""
    return claim_file(store, campaign_id, r, run=run, lease=lease).file_id


def sight(store: Store, campaign_id: int, r: Received, *, run: str) -> int | None:
    """Record one more sighting of content the campaign already holds; the file's id."""
    with store.session() as s:
        fid = s.scalar(select(File.id).where(File.campaign_id == campaign_id, File.sha256 == r.sha256)
                       .order_by(File.id).limit(1))
        if fid is not None:
            s.add(_sighting(r, fid, run, utcnow()))
            s.commit()
        return fid


def release(store: Store, file_ids: Iterable[int], *, run: str | None = None) -> None:
    """Give back claims a run could not finish (its files are processed again next time); with
    ``run``, only those still held by ``run``."""
    ids = list(file_ids)
    if not ids:
        return
    with store.session() as s:
        where = [File.id.in_(ids), File.decision == PROCESSING] + ([File.run == run] if run is not None else [])
        s.execute(delete(File).where(*where))
        s.commit()


def complete(store: Store, file_id: int, *, decision: str, summary_status: str = "", reason_code: str = "",
             reason: str = "", facts: ReturnFacts | None = None,
             findings: Iterable[Mapping[str, Any]] = (), indicators: Iterable[Mapping[str, Any]] = (),
             outputs: Mapping[str, str] | None = None, run: str | None = None) -> bool:
    """Write what was found in a claimed file, in one transaction. With ``run``: only while the
    file is still claimed by ``run`` (False, nothing written, when another run took it over)."""
    with store.session() as s:
        where = [File.id == file_id]
        if run is not None:
            where += [File.run == run, File.decision == PROCESSING]
        done = s.execute(update(File).where(*where).values(
            decision=decision, summary_status=summary_status, reason_code=reason_code, reason=safe_text(reason),
            outputs=dict(outputs or {}))).rowcount  # type: ignore[attr-defined]
        if not done:
            s.rollback()
            return False
        if facts is not None:
            s.add(Return(file_id=file_id, campaign_id=s.scalar(select(File.campaign_id).where(File.id == file_id)),
                         unit_code=facts.unit_code, unit_name=facts.unit_name, year=facts.year,
                         framework=facts.framework, modified=_naive(facts.modified), total=facts.total,
                         grade=facts.grade, errors=facts.errors, warnings=facts.warnings, scored=facts.scored,
                         rectification=facts.rectification, rectification_done=facts.rectification_done,
                         unit_row=dict(facts.unit_row or {}), fill_date=_naive(facts.fill_date)))
        s.add_all(FindingRow(file_id=file_id, **f) for f in findings)
        s.add_all(IndicatorRow(file_id=file_id, position=i, **x) for i, x in enumerate(indicators))
        s.commit()
    return True


def reply_exists(store: Store, campaign_id: int, kind: str, mail_key: str) -> bool:
    with store.session() as s:
        return s.scalar(select(Reply.id).where(Reply.campaign_id == campaign_id, Reply.kind == kind,
                                               Reply.mail_key == safe_text(mail_key))) is not None


def record_reply(store: Store, campaign_id: int, *, kind: str, mail_key: str, path: str,
                 unit_code: str = "") -> bool:
    """Record a written draft; False when one of this kind and key was recorded before."""
    from sqlalchemy.exc import IntegrityError

    with store.session() as s:
        s.add(Reply(campaign_id=campaign_id, kind=kind, mail_key=mail_key, path=path, unit_code=unit_code,
                    created_at=utcnow()))
        try:
            s.commit()
        except IntegrityError:
            s.rollback()
            return False
    return True
