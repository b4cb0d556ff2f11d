"""Adapter to ``evaltool.scoring``: recomputed total, grade and indicator columns for rules.

Why: ``total_score``, ``grade`` and ``Indicators[得分]``/``[完成率/偏差率]`` are formulas evaltool
writes; a returned workbook's cached values are not trusted. When the scoring engine is
importable its values replace them for rule evaluation and SCORE-3; when it fails on a
workbook (bad method parameters), the values stay unknown rather than trusted.

Example::

    comp = scores_for(ev, recompute_rates_only(ev))
    comp.total, comp.grade        # 92.35, '优'
"""

from __future__ import annotations

from dataclasses import replace

from evaltool.formula import Value
from evaltool.model import Evaluation
from evaltool.rules.computed import Computed
from evaltool.scoring import Scoring, score

__all__ = ["scores_for"]


def scores_for(ev: Evaluation, comp: Computed, scoring: Scoring | None = None) -> Computed:
    """``comp`` plus total/grade and the computed Indicators columns from ``scoring.score``.

    ``scoring``: the engine's own result for ``ev`` when it already has one (no second pass).
    """
    if scoring is not None:
        out = scoring
    else:
        try:
            out = score(ev)
        except Exception:  # noqa: BLE001 - a scoring failure must not stop validation
            return comp
    names: dict[str, Value] = dict(comp.names)
    names["total_score"] = out.total
    names["grade"] = out.grade
    columns = dict(comp.columns)
    t = ev.tables.get("Indicators")
    if t is not None:
        by_key = {s.key: s.value for s in out.scores}
        for col in ("得分", "完成率/偏差率"):
            values: list[Value] = []
            for i in range(t.n_rows):
                v = by_key.get(f"indicator:{t.first_data_row + i}:{col}")
                values.append(None if v in ("", None) else v if isinstance(v, (str, float, bool)) else float(v))
            columns[("Indicators", col)] = values
    return replace(comp, names=names, columns=columns, total=out.total, grade=out.grade)
