"""Campaigns and their rosters in the store: create, find, list the units expected.

Why: a campaign is what the bureau runs once a year — name, year, framework, time zone — and
its roster says who must answer. ``collect`` without a campaign gets an *ad-hoc* one named
after its output folder, so every run has somewhere to remember what it saw.

Example::

    c = create_campaign(store, "2024部门整体", year=2024, framework="dept-overall", folder="/srv/2024")
    add_units(store, c.id, [RosterUnit("110001", "某局", "某委", "张三", "zs@x.cn")])
    previous_campaign(store, c)       # last year's campaign of the same framework, if any
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from evaltool.frameworks.targets import TargetRow
from evaltool.model import EvaltoolError
from evaltool.store.db import Store
from evaltool.store.schema import Campaign, Target, Unit

__all__ = ["RosterUnit", "TargetRow", "create_campaign", "get_campaign", "adhoc_campaign", "add_units",
           "units_of", "add_targets", "targets_of", "previous_campaign", "CampaignExists", "utcnow"]


class CampaignExists(EvaltoolError, ValueError):
    """A campaign of that name is already in the store."""

    code = "campaign_exists"


@dataclass(frozen=True)
class RosterUnit:
    code: str
    name: str
    department: str = ""  # 主管部门
    contact: str = ""
    email: str = ""


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def create_campaign(store: Store, name: str, *, year: int | None, framework: str, tz: str = "Asia/Shanghai",
                    folder: str = "", targets_file: str = "", adhoc: bool = False) -> Campaign:
    """Add a campaign; :class:`CampaignExists` when the name is taken."""
    with store.session() as s:
        c = Campaign(name=name, year=year, framework=framework, tz=tz, folder=folder, targets_file=targets_file,
                     adhoc=adhoc, created_at=utcnow())
        s.add(c)
        try:
            s.commit()
        except IntegrityError as exc:
            raise CampaignExists(name) from exc
        return c


def get_campaign(store: Store, name: str) -> Campaign | None:
    with store.session() as s:
        return s.scalars(select(Campaign).where(Campaign.name == name)).first()


def adhoc_campaign(store: Store, name: str, folder: str) -> Campaign:
    """The ad-hoc campaign of a plain ``collect INBOX -o OUT`` (created on first use; race-safe)."""
    found = get_campaign(store, name)
    if found is not None:
        return found
    try:
        return create_campaign(store, name, year=None, framework="", folder=folder, adhoc=True)
    except CampaignExists:
        found = get_campaign(store, name)
        assert found is not None
        return found


def add_units(store: Store, campaign_id: int, units: Iterable[RosterUnit]) -> int:
    """Add roster units in order; returns how many were added."""
    n = 0
    with store.session() as s:
        for i, u in enumerate(units):
            s.add(Unit(campaign_id=campaign_id, position=i, code=u.code, name=u.name, department=u.department,
                       contact=u.contact, email=u.email))
            n += 1
        s.commit()
    return n


def units_of(store: Store, campaign_id: int) -> list[Unit]:
    with store.session() as s:
        return list(s.scalars(select(Unit).where(Unit.campaign_id == campaign_id).order_by(Unit.position)))


def add_targets(store: Store, campaign_id: int, rows: Sequence[TargetRow]) -> int:
    """Keep the rows of the campaign's targets file (one schema: docs/targets.md)."""
    with store.session() as s:
        s.add_all(Target(campaign_id=campaign_id, unit_code=r.unit_code, level1=r.level1, level2=r.level2,
                         level3=r.name, target="" if r.target is None else str(r.target), measure=r.unit,
                         direction=r.direction, source=r.source, line=r.line, unit_name=r.unit_name,
                         kind=r.kind, method=r.method, weight="" if r.weight is None else str(r.weight),
                         note=r.note) for r in rows)
        s.commit()
    return len(rows)


def targets_of(store: Store, campaign_id: int, unit_code: str | None = None) -> list[Target]:
    with store.session() as s:
        q = select(Target).where(Target.campaign_id == campaign_id)
        if unit_code is not None:
            q = q.where(Target.unit_code == unit_code)
        return list(s.scalars(q.order_by(Target.id)))


def previous_campaign(store: Store, c: Campaign) -> Campaign | None:
    """The latest earlier-year, non-ad-hoc campaign of the same framework."""
    if c.year is None:
        return None
    with store.session() as s:
        return s.scalars(select(Campaign).where(Campaign.framework == c.framework, Campaign.year < c.year,
                                                Campaign.adhoc.is_(False))
                         .order_by(Campaign.year.desc(), Campaign.id.desc())).first()
