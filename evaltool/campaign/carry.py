"""What this year's template carries from the store: approved targets, last year's 整改措施.

Why: the campaign's targets file sets each unit's 年度目标值 before issue; last year's
campaign (same framework, an earlier year, in the same store) says what the unit achieved
and what it promised to fix. A target easier than last year's actual is a warning for the
bureau at issue time (财预〔2020〕10号: targets set too low); last year's 整改措施 go into the
template so the unit reports 整改落实情况 against them.

Example::

    values, warnings = template_values(handle, "110001")
    values["indicators"]["春蕾女童资助人数"]["年度目标值"]      # Decimal('1000')
    warnings   # ['110001 春蕾女童资助人数：年度目标值 1000 低于上年实际完成值 1200（财预〔2020〕10号：年初指标值设定明显偏低；…）']
"""

from __future__ import annotations

from typing import Any

from evaltool.campaign.folder import CampaignHandle
from evaltool.messages import text
from evaltool.store.campaigns import previous_campaign, targets_of
from evaltool.store.history import as_number, last_actuals, last_rectification, lowered_targets

__all__ = ["template_values", "MSG", "LAST_RECTIFICATION"]

#: the template value (a defined name of the 自评表 fields) that shows last year's 整改措施
LAST_RECTIFICATION = "last_rectification"

MSG = {
    "lowered": ("{ucode} {level3}：年度目标值 {target} {cmp}上年实际完成值 {last}（财预〔2020〕10号：年初指标值设定明显"
                "偏低；评价标准含历史标准）",
                "{ucode} {level3}: target {target} is {cmp_en} last year's actual {last} (财预〔2020〕10号: "
                "a target set clearly too low; history is an evaluation standard)"),
}


def _typed(target: str) -> Any:
    n = as_number(target)
    return n if n is not None else target


def template_values(h: CampaignHandle, unit_code: str, *, lang: str = "zh") -> tuple[dict[str, Any], list[str]]:
    """(``values`` for :func:`~evaltool.template.write_template`, warnings for the bureau)."""
    c = h.campaign
    rows = targets_of(h.store, c.id, unit_code)
    values: dict[str, Any] = {}
    if rows:
        # a number stays a number (95% → 0.95 for a % indicator); text (定性 targets, 近800) as given
        values["indicators"] = {r.level3: {"年度目标值": _typed(r.target)} for r in rows if r.level3}
    warnings: list[str] = []
    prev = previous_campaign(h.store, c)
    if prev is not None:
        actuals = {k: v for k, v in last_actuals(h.store, prev.id).items() if k[0] == unit_code}
        for low in lowered_targets(((r.unit_code, r.level3, r.target, r.direction) for r in rows), actuals):
            below = low.direction not in ("≤", "<=", "反向")
            warnings.append(text(MSG, "lowered", lang, ucode=low.unit_code, level3=low.level3, target=low.target,
                                 last=low.last_actual, cmp="低于" if below else "高于",
                                 cmp_en="below" if below else "above"))
        measures = last_rectification(h.store, prev.id, unit_code)
        if measures:
            values[LAST_RECTIFICATION] = measures
    return values, warnings
