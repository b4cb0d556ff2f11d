"""Quantities: fuzzy Chinese numerals and intervals (近800, 三十余场次, 约90%) and units.

Why: fillers write figures the way reports say them. Validation and scoring both read them,
so the parser is a leaf room that imports nothing of evaltool but the model.

Example:

>>> iv = parse_quantity("近800")
>>> iv.low, iv.high, iv.high_closed
(720.0, 800.0, False)
"""

from __future__ import annotations

from evaltool.quantities.fuzzy import Interval, compare, parse_quantity

__all__ = ["Interval", "compare", "parse_quantity", "PERCENT_UNITS", "percent_in_wrong_unit"]

#: 计量单位 texts that mean "a percentage".
PERCENT_UNITS = frozenset({"%", "％", "百分比"})


def percent_in_wrong_unit(value: object, unit: str) -> bool:
    """True when ``value`` is text written as a percentage (约90%) for an indicator counted in
    another unit (次, 个, 人 …): 90% of a count is no count, so it must not be scored as 0.9.
    An indicator without a unit is given the benefit of the doubt."""
    unit = (unit or "").strip()
    return isinstance(value, str) and ("%" in value or "％" in value) and bool(unit) and unit not in PERCENT_UNITS
