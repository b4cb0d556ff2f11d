"""The campaign's targets: the one targets file (docs/targets.md) in, the store's rows out.

Why: ``campaign init --targets`` records each unit's approved targets and own indicators in
the store, so ``campaign issue`` puts them into each unit's template by the same mechanism as
``evaltool template --targets`` (:func:`evaltool.frameworks.targets.apply_targets`: locked,
fingerprinted, the unit's own indicators with the bureau's weights) and compares them with
last year's actuals. The file is read by the one reader, :func:`evaltool.io.targets.read_targets`;
this module only moves its rows in and out of the store.

Example::

    rows = read_targets("targets.xlsx")          # (TargetRow(line=2, unit_code='110001', …), …)
    rows_of(handle, "110001")                    # the same rows, back from the store
"""

from __future__ import annotations

from evaltool.campaign.folder import CampaignHandle
from evaltool.frameworks.targets import TargetRow, TargetsError, target_value
from evaltool.io.targets import read_targets
from evaltool.store.campaigns import targets_of

__all__ = ["read_targets", "rows_of", "TargetsError", "TargetRow"]


def rows_of(h: CampaignHandle, unit_code: str) -> tuple[TargetRow, ...]:
    """The unit's rows of the campaign's targets file, as stored at ``campaign init``."""
    return tuple(TargetRow(line=t.line, unit_code=t.unit_code, unit_name=t.unit_name, level1=t.level1,
                           level2=t.level2, name=t.level3, kind=t.kind, method=t.method,
                           weight=t.weight_value, unit=t.measure, direction=t.direction,
                           target=target_value(t.target), source=t.source, note=t.note)
                 for t in targets_of(h.store, h.campaign.id, unit_code))
