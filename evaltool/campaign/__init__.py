"""Campaigns: a roster, issued templates and drafts, status and reminders over the store.

Why: the bureau's year — who must answer (:mod:`~evaltool.campaign.roster`), one signed
template and draft per unit (:mod:`~evaltool.campaign.issue`), who has answered and who must be
reminded (:mod:`evaltool.store.status`), last year's targets and 整改措施 carried forward
(:mod:`~evaltool.campaign.carry`). The campaign folder (:mod:`~evaltool.campaign.folder`)
holds ``campaign.json`` and, by default, the SQLite store. docs/campaign.md has the workflow.

Example::

    from evaltool.campaign import init_campaign, open_campaign, read_roster, issue_all, remind_all
    h = init_campaign("2024", name="2024部门整体", year=2024, framework="dept-overall",
                      roster=read_roster("units.xlsx"))
    issue_all(h)
"""

from __future__ import annotations

from evaltool.campaign.folder import CampaignFolderError, CampaignHandle, init_campaign, open_campaign
from evaltool.campaign.issue import Issued, issue_all, remind_all
from evaltool.campaign.roster import RosterError, read_roster
from evaltool.campaign.targets import TargetsError, read_targets

__all__ = ["CampaignFolderError", "CampaignHandle", "Issued", "RosterError", "TargetsError", "init_campaign",
           "issue_all", "open_campaign", "read_roster", "read_targets", "remind_all"]
