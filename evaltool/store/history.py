"""Last year's campaign as this year's yardstick: actuals per indicator, 整改措施 per unit.

Why: 财预〔2020〕10号 treats a target set clearly too low (年初指标值设定明显偏低) as a reason to
cut the score, and names history (历史标准) among the evaluation standards — a target easier
than what the unit already achieved last year is set too low (see
/work/shared/reference/frameworks.md, 定量指标 scoring and Evaluation standards). And a 整改措施 promised last year must be reported on this year
(整改落实情况). Both need last year's *counted* returns (decision ``accepted``), which the
store holds once last year's campaign ran through it.

Example::

    prev = previous_campaign(store, this_year)
    actuals = last_actuals(store, prev.id)           # {('110001', '春蕾女童资助人数'): ('1200', '≥'), …}
    lowered_targets(rows, actuals)                    # [Lowered('110001', '春蕾女童资助人数', '1000', '1200', '≥')]
    last_rectification(store, prev.id, "110001")     # '加强预算执行监控…'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select

from evaltool.store.db import Store
from evaltool.store.schema import File, IndicatorRow, Return

__all__ = ["last_actuals", "last_rectification", "lowered_targets", "Lowered", "as_number"]


@dataclass(frozen=True)
class Lowered:
    unit_code: str
    level3: str
    target: str
    last_actual: str
    direction: str


def as_number(v: Any) -> Decimal | None:
    """A plain number from a stored value (``{"t": .., "v": ..}`` or text); ``95%`` → 0.95."""
    if isinstance(v, dict):
        v = v.get("v")
    if v is None or isinstance(v, bool):
        return None
    s = str(v).strip().replace(",", "").replace("，", "")
    scale = Decimal(1)
    if s.endswith("%"):
        s, scale = s[:-1], Decimal("0.01")
    try:
        return Decimal(s) * scale
    except (InvalidOperation, ValueError):
        return None


def _counted(campaign_id: int) -> Any:
    return (select(Return).join(File, File.id == Return.file_id)
            .where(File.campaign_id == campaign_id, File.decision == "accepted"))


def last_actuals(store: Store, campaign_id: int, unit_code: str | None = None
                 ) -> dict[tuple[str, str], tuple[Any, str]]:
    """(unit code, 三级指标) -> (实际完成值 as stored, 指标方向) over the campaign's counted returns
    (of one unit only, when ``unit_code`` is given)."""
    out: dict[tuple[str, str], tuple[Any, str]] = {}
    with store.session() as s:
        q = (select(Return.unit_code, IndicatorRow.level3, IndicatorRow.actual, IndicatorRow.direction)
             .join(File, File.id == Return.file_id).join(IndicatorRow, IndicatorRow.file_id == File.id)
             .where(File.campaign_id == campaign_id, File.decision == "accepted"))
        if unit_code is not None:
            q = q.where(Return.unit_code == unit_code)
        for code, level3, actual, direction in s.execute(q):
            out[(code, level3)] = (actual, direction)
    return out


def last_rectification(store: Store, campaign_id: int, unit_code: str) -> str:
    """The 整改措施 the unit's counted return gave in that campaign ('' when none)."""
    with store.session() as s:
        r = s.scalars(_counted(campaign_id).where(Return.unit_code == unit_code).order_by(Return.id.desc())).first()
        return r.rectification if r is not None else ""


def lowered_targets(rows: Iterable[tuple[str, str, Any, str]],
                    actuals: dict[tuple[str, str], tuple[Any, str]]) -> list[Lowered]:
    """Targets ``(unit code, 三级指标, 年度目标值, 指标方向)`` easier than last year's actual: below it
    for a higher-is-better indicator (≥, blank), above it for a lower-is-better one (≤)."""
    out: list[Lowered] = []
    for code, level3, target, direction in rows:
        last = actuals.get((code, level3))
        if last is None:
            continue
        t, a = as_number(target), as_number(last[0])
        if t is None or a is None:
            continue
        d = (direction or last[1] or "≥").strip()
        if (d in ("≥", ">=", "正向") and t < a) or (d in ("≤", "<=", "反向") and t > a):
            shown = last[0].get("v") if isinstance(last[0], dict) else last[0]
            out.append(Lowered(code, level3, str(target), str(shown), d))
    return out
