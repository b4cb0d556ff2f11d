"""The results store: campaigns, rosters, every received file, return, finding, decision, reply.

Why: a bureau's evaluation outlives one ``collect`` run — several staff, several days, last
year to compare with. The store keeps it in a database through SQLAlchemy 2: a SQLite file in
the campaign folder by default (nothing to set up), PostgreSQL for a shared server
(``--db postgresql://…``). The schema ships with Alembic migrations, run on every open.
This room imports only the model (and SQLAlchemy/Alembic).

Modules: :mod:`~evaltool.store.db` (open, migrate), :mod:`~evaltool.store.schema` (tables),
:mod:`~evaltool.store.campaigns` (campaigns, roster, targets), :mod:`~evaltool.store.records`
(claims, returns, decisions, replies), :mod:`~evaltool.store.status` (who has answered),
:mod:`~evaltool.store.history` (last year's actuals and 整改措施), :mod:`~evaltool.store.names`
(text every database accepts, names as raw bytes).

Example::

    from evaltool.store import open_store, create_campaign, campaign_status
    store = open_store("2024/campaign.db")
    c = create_campaign(store, "2024部门整体", year=2024, framework="dept-overall")
    rows, outside = campaign_status(store, c.id)
"""

from __future__ import annotations

from evaltool.store.campaigns import (
    CampaignExists,
    RosterUnit,
    TargetRow,
    add_targets,
    add_units,
    adhoc_campaign,
    create_campaign,
    get_campaign,
    previous_campaign,
    targets_of,
    units_of,
)
from evaltool.store.db import Store, head_revision, open_store, store_url
from evaltool.store.status import UnitStatus, campaign_status, needs_reminder

__all__ = [
    "CampaignExists", "RosterUnit", "Store", "TargetRow", "UnitStatus", "adhoc_campaign", "add_targets",
    "add_units", "campaign_status", "create_campaign", "get_campaign", "head_revision", "needs_reminder",
    "open_store", "previous_campaign", "store_url", "targets_of", "units_of",
]
