"""Spreadsheet functions supported by the evaluator (see :data:`FUNCTIONS`).

Why: importing this package registers every implementation; the parser checks names and
arity against the table, the evaluator calls ``spec.impl``.
"""

from __future__ import annotations

from . import criteria, logic, lookup, maths, text  # noqa: F401  (registration side effects)
from .registry import FUNCTIONS, FUTURE_FUNCTIONS, FunctionSpec, canonical_name

__all__ = ["FUNCTIONS", "FUTURE_FUNCTIONS", "FunctionSpec", "canonical_name"]
