"""Times as the reader sees them: stored in UTC, shown in the bureau's time zone.

Why: collect.json, mail headers and workbook save times are compared and stored in UTC, but
a bureau in China reads Beijing time on 汇总, receipts and reply drafts. The zone is a named
setting (``--tz``, default :data:`DEFAULT_TZ`), never the machine's local zone, so the same
inbox gives the same outputs on any machine.

Example::

    local(datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc))          # 2026-03-02 09:30+08:00
    shown(datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc))          # '2026-03-02 09:30'
"""

from __future__ import annotations

from datetime import datetime, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["DEFAULT_TZ", "zone", "local", "shown"]

#: The zone times are shown in unless the bureau configures another (``--tz``).
DEFAULT_TZ = "Asia/Shanghai"


def zone(name: str | None = None) -> tzinfo:
    """The named IANA zone (default :data:`DEFAULT_TZ`); ValueError naming it when unknown."""
    key = name or DEFAULT_TZ
    if key.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone: {key!r} (e.g. Asia/Shanghai, UTC)") from exc


def local(d: datetime, tz: str | tzinfo | None = None) -> datetime:
    """``d`` in the display zone; a naive ``d`` is taken as UTC (how evaltool stores times)."""
    z = tz if isinstance(tz, tzinfo) else zone(tz)
    return (d if d.tzinfo else d.replace(tzinfo=timezone.utc)).astimezone(z)


def shown(d: datetime | None, tz: str | tzinfo | None = None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """``d`` formatted in the display zone; "" for None."""
    return "" if d is None else local(d, tz).strftime(fmt)
