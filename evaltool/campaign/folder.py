"""A campaign folder: ``campaign.json`` (name, store URL) beside the SQLite store and outputs.

Why: every campaign command after ``init`` runs inside (or with ``--campaign``) the folder;
the folder says which store and which campaign, so staff need not repeat ``--db``. A
PostgreSQL URL may instead come from ``EVALTOOL_DB`` (kept out of the file when it carries a
password).

Layout::

    2024部门整体/
        campaign.json   campaign.db (SQLite default)
        issued/ 110001_某局.xlsx …     outbox/issue/*.eml   outbox/remind-20250310/*.eml
        collect/ (collect's OUT: 汇总.xlsx, receipts/, …)

Example::

    h = init_campaign("2024部门整体", name="2024部门整体", year=2024, framework="dept-overall",
                      roster=read_roster("units.xlsx"))
    h = open_campaign("2024部门整体")          # later, from any command
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evaltool.io.atomic import atomic_write_bytes
from evaltool.model import EvaltoolError
from evaltool.store import Store, open_store
from evaltool.store.campaigns import (
    RosterUnit,
    TargetRow,
    add_targets,
    add_units,
    create_campaign,
    get_campaign,
)
from evaltool.store.schema import Campaign

__all__ = ["CampaignHandle", "init_campaign", "open_campaign", "CONFIG", "DEFAULT_DB", "CampaignFolderError"]

CONFIG = "campaign.json"
DEFAULT_DB = "campaign.db"


class CampaignFolderError(EvaltoolError, ValueError):
    """No campaign here, or the campaign.json does not match the store (bilingual message)."""

    code = "campaign_folder"


@dataclass
class CampaignHandle:
    folder: Path
    store: Store
    campaign: Campaign


def _db_for(folder: Path, db: str | None) -> tuple[str, str]:
    """(what campaign.json records, what to open)."""
    if db and "://" not in db:  # a SQLite file shared by several campaigns (e.g. across years)
        path = str(Path(db).resolve())
        return path, path
    if db:
        return db, db
    return DEFAULT_DB, str(folder / DEFAULT_DB)


def init_campaign(folder: str | os.PathLike[str], *, name: str, year: int | None, framework: str,
                  roster: Sequence[RosterUnit], targets: Sequence[TargetRow] = (), targets_file: str = "",
                  tz: str = "Asia/Shanghai", db: str | None = None) -> CampaignHandle:
    """Create the folder, the campaign, its roster and targets in the store, and campaign.json.

    The targets are applied to the framework unit by unit first (a bad row raises
    :class:`~evaltool.frameworks.targets.TargetsError` naming it; nothing is created)."""
    if targets:
        from evaltool.frameworks import load_framework
        from evaltool.frameworks.targets import check_units

        check_units(load_framework(framework), targets, Path(targets_file).name or "目标表")
    path = Path(folder).resolve()
    if (path / CONFIG).exists():
        raise CampaignFolderError(f"{path / CONFIG} 已存在：此文件夹已有评价活动 / already holds a campaign")
    path.mkdir(parents=True, exist_ok=True)
    recorded, url = _db_for(path, db)
    store = open_store(url)
    c = create_campaign(store, name, year=year, framework=framework, tz=tz, folder=str(path),
                        targets_file=targets_file)
    add_units(store, c.id, roster)
    add_targets(store, c.id, list(targets))
    doc = {"name": name, "db": "" if recorded.startswith("postgres") and "@" in recorded and ":" in
           recorded.split("://", 1)[1].split("@", 1)[0] else recorded}
    if db and not doc["db"]:
        doc["db_env"] = "EVALTOOL_DB"  # a URL with a password is not written to disk
    atomic_write_bytes(path / CONFIG, (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return CampaignHandle(path, store, c)


def open_campaign(folder: str | os.PathLike[str] = ".", db: str | None = None) -> CampaignHandle:
    """Open the campaign of ``folder`` (its campaign.json; ``db`` or ``EVALTOOL_DB`` override the store)."""
    path = Path(folder).resolve()
    cfg = path / CONFIG
    if not cfg.is_file():
        raise CampaignFolderError(f"{path} 不是评价活动文件夹（没有 {CONFIG}；先运行 evaltool campaign init） / "
                                  f"not a campaign folder (no {CONFIG}; run evaltool campaign init first)")
    doc = json.loads(cfg.read_text(encoding="utf-8"))
    url = db or os.environ.get("EVALTOOL_DB") or doc.get("db") or DEFAULT_DB
    if "://" not in url and not os.path.isabs(url):
        url = str(path / url)
    store = open_store(url)
    c = get_campaign(store, doc["name"])
    if c is None:
        raise CampaignFolderError(f"存储中没有评价活动“{doc['name']}” / the store holds no campaign '{doc['name']}'")
    return CampaignHandle(path, store, c)
