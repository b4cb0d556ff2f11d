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

__all__ = ["Interval", "compare", "parse_quantity"]
