"""What this year's template carries from the store: last year's 整改措施, and warnings.

Why: the campaign's targets file sets each unit's 年度目标值 before issue (locked into the
template by :mod:`evaltool.campaign.issue`, not here); last year's
campaign (same framework, an earlier year, in the same store) says what the unit achieved
and what it promised to fix. A target easier than last year's actual is a warning for the
bureau at issue time (财预〔2020〕10号: targets set too low); last year's 整改措施 go into the
template so the unit reports 整改落实情况 against them.

Example::

    values = template_values(handle, "110001")     # {'prior_rectification': '1.加强预算执行监控…', …}
    warnings = record_warnings(handle, "110001")  # [Text('TGT-HIST.issue', {…})], kept in the store too
"""

from __future__ import annotations

from typing import Any

from evaltool.campaign.folder import CampaignHandle
from evaltool.messages import render_text
from evaltool.messages.stored import params_json
from evaltool.model import Text
from evaltool.store.campaigns import previous_campaign, targets_of
from evaltool.store.history import last_actuals, last_rectification, lowered_targets
from evaltool.store.notices import IssueNote, record_issue_warnings

__all__ = ["template_values", "lowered_warnings", "record_warnings", "LAST_RECTIFICATION", "LOWERED_TARGET"]

#: the template value (a defined name of the 自评表 fields) that shows last year's 整改措施
LAST_RECTIFICATION = "prior_rectification"

#: the check that warns of a target easier than last year's actual, and its issue-time sentence
LOWERED_TARGET, ISSUE_CODE = "TGT-HIST", "TGT-HIST.issue"


def lowered_warnings(h: CampaignHandle, unit_code: str) -> list[Text]:
    """The unit's approved targets easier than its actuals in last year's campaign, as
    sentences (code ``TGT-HIST.issue`` + params) — a warning for the bureau at issue time."""
    prev = previous_campaign(h.store, h.campaign)
    if prev is None:
        return []
    rows = targets_of(h.store, h.campaign.id, unit_code)
    actuals = last_actuals(h.store, prev.id, unit_code)
    out = []
    for low in lowered_targets(((r.unit_code, r.level3, r.target, r.direction) for r in rows), actuals):
        below = low.direction not in ("≤", "<=", "反向")
        out.append(Text(ISSUE_CODE, {"ucode": low.unit_code, "level3": low.level3, "target": low.target,
                                     "last": low.last_actual, "cmp": Text("word.below" if below else "word.above")}))
    return out


def record_warnings(h: CampaignHandle, unit_code: str, lang: str = "zh") -> list[Text]:
    """Compute the unit's issue-time warnings and keep them in the store (replacing those of an
    earlier issue), so ``campaign status`` shows them until the unit returns."""
    found = lowered_warnings(h, unit_code)
    record_issue_warnings(h.store, h.campaign.id, unit_code, [
        IssueNote(LOWERED_TARGET, "warning", w.code, params_json(w.params), render_text(w, lang)) for w in found])
    return found


def template_values(h: CampaignHandle, unit_code: str) -> dict[str, Any]:
    """``values`` for :func:`~evaltool.template.write_template` (the warnings for the bureau come
    from :func:`record_warnings`)."""
    values: dict[str, Any] = {}
    prev = previous_campaign(h.store, h.campaign)
    if prev is not None:
        measures = last_rectification(h.store, prev.id, unit_code)
        if measures:  # written as a locked cell: the unit reports against them, it does not edit them
            values[LAST_RECTIFICATION] = measures
            values[f"{LAST_RECTIFICATION}__issued"] = True
    return values
