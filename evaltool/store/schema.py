"""The results store's tables (SQLAlchemy 2 ORM): campaigns, roster, received files, returns.

Why: a bureau's evaluation is a campaign — one year, one framework, a roster of units
expected to answer — and intake must remember across runs, machines and staff what came in
and what was decided. One row per *distinct content* (``files``, unique on the SHA-256 per
campaign: the key that lets two ``collect`` runs at once never duplicate a return), one row
per time it was seen (``sightings``: every mail, zip member or loose file, duplicates
included), the return read from it (``returns``), its findings and indicator lines, and the
replies written. Every text column is :class:`~evaltool.store.names.SafeText`; names whose
bytes matter are kept raw too (``*_raw``). Times are naive UTC.

The schema is under Alembic migrations (``evaltool/store/migrations``); a change here is a
new revision there.

Example::

    from sqlalchemy import select
    with store.session() as s:
        s.scalars(select(File).where(File.campaign_id == c.id, File.decision == "accepted")).all()
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from evaltool.store.names import SafeText

__all__ = ["Base", "Campaign", "Unit", "Target", "File", "Sighting", "Return", "FindingRow",
           "IndicatorRow", "Reply", "IssueWarning", "DECISIONS"]

#: a file's decision: counted, replaced by a later return of its unit, two returns tie
#: (待确认, not ranked until the bureau decides), refused, or the same content seen before
DECISIONS = ("accepted", "superseded", "pending", "rejected", "duplicate")


class Base(DeclarativeBase):
    type_annotation_map = {str: SafeText(), dict[str, Any]: JSON(), bytes: LargeBinary()}


class Campaign(Base):
    """One evaluation: a name, a year, a framework, a time zone and where its files live."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    year: Mapped[int | None]
    framework: Mapped[str] = mapped_column(String(100))
    tz: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    folder: Mapped[str] = mapped_column(default="")
    targets_file: Mapped[str] = mapped_column(default="")
    adhoc: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Unit(Base):
    """A unit on the roster: expected to return one workbook."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("campaign_id", "code", name="uq_units_campaign_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(100))
    name: Mapped[str]
    department: Mapped[str] = mapped_column(default="")  # 主管部门
    contact: Mapped[str] = mapped_column(default="")
    email: Mapped[str] = mapped_column(default="")


class Target(Base):
    """One row of the campaign's targets file (docs/targets.md) for a unit: an approved target
    of a framework indicator, or one of the unit's own indicators with its weight (migration 0003
    added the columns past ``source``)."""

    __tablename__ = "targets"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(String(100))
    level1: Mapped[str] = mapped_column(default="")
    level2: Mapped[str] = mapped_column(default="")
    level3: Mapped[str] = mapped_column(default="")
    target: Mapped[str] = mapped_column(default="")
    measure: Mapped[str] = mapped_column(default="")
    direction: Mapped[str] = mapped_column(default="")
    source: Mapped[str] = mapped_column(default="")
    line: Mapped[int] = mapped_column(Integer, default=0)  # its row in the file (errors name it)
    unit_name: Mapped[str] = mapped_column(default="")
    kind: Mapped[str] = mapped_column(default="")  # 指标类型
    method: Mapped[str] = mapped_column(default="")  # 评分方法
    weight: Mapped[str] = mapped_column(default="")  # 分值 as exact decimal text; '' when not given
    note: Mapped[str] = mapped_column(default="")

    @property
    def weight_value(self) -> Decimal | None:
        return Decimal(self.weight) if self.weight else None


class File(Base):
    """One distinct received payload (by content) and what was decided about it."""

    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("campaign_id", "sha256", "refusal", name="uq_files_campaign_content"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    #: '' for a payload that was read; the reason code of a refusal decided from the container
    #: alone (a mail without attachment and an empty file share the empty content's hash)
    refusal: Mapped[str] = mapped_column(String(64), default="")
    source_sha256: Mapped[str] = mapped_column(String(64), default="")
    label: Mapped[str] = mapped_column(default="")  # inbox-relative path [/ member]
    label_raw: Mapped[bytes] = mapped_column(default=b"")
    filename: Mapped[str] = mapped_column(default="")
    filename_raw: Mapped[bytes] = mapped_column(default=b"")
    kind: Mapped[str] = mapped_column(String(32), default="")
    sender: Mapped[str] = mapped_column(default="")
    sender_name: Mapped[str] = mapped_column(default="")
    subject: Mapped[str] = mapped_column(default="")
    message_id: Mapped[str] = mapped_column(default="")
    mail_date: Mapped[datetime | None] = mapped_column(DateTime)
    received_at: Mapped[datetime] = mapped_column(DateTime)
    run: Mapped[str] = mapped_column(String(64), default="")  # which collect run recorded it
    #: when ``run`` claimed it (the database's clock, UTC): a ``processing`` claim older than
    #: the lease (``records.DEFAULT_LEASE``) may be taken over by another run (0002)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    decision: Mapped[str] = mapped_column(String(16), default="rejected")
    summary_status: Mapped[str] = mapped_column(default="")
    reason_code: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(default="")
    superseded_by: Mapped[str] = mapped_column(default="")
    outputs: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Sighting(Base):
    """Each time a payload was received (a mail, a zip member, a loose file), repeats included."""

    __tablename__ = "sightings"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(default="")
    label_raw: Mapped[bytes] = mapped_column(default=b"")
    sender: Mapped[str] = mapped_column(default="")
    message_id: Mapped[str] = mapped_column(default="")
    mail_date: Mapped[datetime | None] = mapped_column(DateTime)
    seen_at: Mapped[datetime] = mapped_column(DateTime)
    run: Mapped[str] = mapped_column(String(64), default="")


class Return(Base):
    """The workbook read from a file: whose it is, its total and grade, what it says."""

    __tablename__ = "returns"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    unit_code: Mapped[str] = mapped_column(String(100), default="")
    unit_name: Mapped[str] = mapped_column(default="")
    year: Mapped[int | None]
    framework: Mapped[str] = mapped_column(String(100), default="")
    modified: Mapped[datetime | None] = mapped_column(DateTime)
    fill_date: Mapped[datetime | None] = mapped_column(DateTime)  # 填报日期: versions across runs (0002)
    total: Mapped[float | None] = mapped_column(Float)
    grade: Mapped[str] = mapped_column(default="")
    errors: Mapped[int] = mapped_column(default=0)
    warnings: Mapped[int] = mapped_column(default=0)
    scored: Mapped[bool] = mapped_column(Boolean, default=False)
    rectification: Mapped[str] = mapped_column(default="")  # 整改措施 (carried into next year)
    rectification_done: Mapped[str] = mapped_column(default="")  # 整改落实情况
    unit_row: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the summary's unit row (JSON)


Index("ix_returns_campaign_unit", Return.campaign_id, Return.unit_code)


class FindingRow(Base):
    """One finding of a return (or of a refused file), as the summary lists it.

    ``code`` + ``params`` (0002) are the finding as data, rendered in the reader's language
    when read (:func:`evaltool.messages.stored.stored_message`); ``message`` is the sentence as
    rendered when it was recorded — all a row written before 0002 has (``code`` empty).
    """

    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    rule: Mapped[str] = mapped_column(default="")
    severity: Mapped[str] = mapped_column(String(16), default="error")
    sheet: Mapped[str] = mapped_column(default="")
    cell: Mapped[str] = mapped_column(default="")
    row: Mapped[int] = mapped_column(default=0)  # for row-major ordering
    col: Mapped[int] = mapped_column(default=0)
    message: Mapped[str] = mapped_column(default="")
    explained: Mapped[bool] = mapped_column(Boolean, default=False)
    code: Mapped[str] = mapped_column(String(100), default="", server_default="")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class IndicatorRow(Base):
    """One indicator line of a return with its target, actual, rate and score."""

    __tablename__ = "indicators"
    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    level1: Mapped[str] = mapped_column(default="")
    level2: Mapped[str] = mapped_column(default="")
    level3: Mapped[str] = mapped_column(default="")
    kind: Mapped[str] = mapped_column(default="")
    weight: Mapped[str] = mapped_column(default="")  # Decimal as text: exact
    direction: Mapped[str] = mapped_column(default="")
    measure: Mapped[str] = mapped_column(default="")
    target: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"t": type, "v": text}
    actual: Mapped[dict[str, Any]] = mapped_column(default=dict)
    rate: Mapped[dict[str, Any]] = mapped_column(default=dict)
    score: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str] = mapped_column(default="")


class Reply(Base):
    """A mail draft evaltool wrote: a reply to a return, an issued template, a reminder."""

    __tablename__ = "replies"
    __table_args__ = (UniqueConstraint("campaign_id", "kind", "mail_key", name="uq_replies_kind_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # reply | issue | reminder
    mail_key: Mapped[str] = mapped_column()  # Message-ID, inbox path, or unit + date
    unit_code: Mapped[str] = mapped_column(String(100), default="")
    path: Mapped[str] = mapped_column(default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class IssueWarning(Base):
    """A warning ``campaign issue`` gave about a unit's template (e.g. TGT-HIST: a target below
    last year's actual), kept until the unit returns (0002). Code + params, rendered late."""

    __tablename__ = "issue_warnings"
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    unit_code: Mapped[str] = mapped_column(String(100))
    rule: Mapped[str] = mapped_column(String(64), default="")
    severity: Mapped[str] = mapped_column(String(16), default="warning")
    code: Mapped[str] = mapped_column(String(100), default="")
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(default="")  # as rendered at issue time
    created_at: Mapped[datetime] = mapped_column(DateTime)
