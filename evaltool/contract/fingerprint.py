"""The fingerprint of a template's locked (bureau-owned) content: SHA-256 of a canonical form.

Why: a department must not change weights, methods, rules, grades, parameters, rate formulas
or the framework's indicator names. The template stores the fingerprint in ``_meta``; the
intake recomputes it from the parsed workbook and compares. Pure: it takes model objects
only, so the template writer and the reader compute it the same way.

Canonical form: JSON (sorted keys, no ASCII escaping) of lists in sheet order; numbers as
normalised decimal text (``2``, ``0.3``), blanks as ``null``; sheet rows are not included.
A method's 依据/效力 (template 2.0) join its row only when present, so a 1.x workbook's
fingerprint is computed exactly as it was issued.

Example::

    fp = fingerprint_of(ev.indicator_rows, ev.methods, ev.rules, ev.grades, ev.params, formulas)
    fingerprint_of_evaluation(ev) == ev.meta["fingerprint"]
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from evaltool import contract as C
from evaltool.contract.a1 import row_of
from evaltool.model import Evaluation, Grade, Indicator, Method, Param, Rule


def canonical_value(x: Any) -> Any:
    if x is None or x == "":
        return None
    if isinstance(x, bool):
        return x
    if isinstance(x, int | float | Decimal):
        d = Decimal(format(float(x), ".15g")) if not isinstance(x, Decimal) else x
        text = format(d.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    return str(x)


def canonical_locked_content(
    indicators: Iterable[Indicator],
    methods: Iterable[Method],
    rules: Iterable[Rule],
    grades: Iterable[Grade],
    params: Iterable[Param],
    formulas: Mapping[str, str],
) -> str:
    """The canonical text the fingerprint hashes (only locked indicator rows count)."""
    def row(obj: Any, *fields: str) -> list[Any]:
        return [canonical_value(getattr(obj, f)) for f in fields]

    doc = {
        "indicators": [row(i, "level1", "level2", "level3", "kind", "method", "weight", "unit", "direction")
                       + (row(i, "target") if i.target_locked else [])
                       for i in indicators if i.locked],
        "methods": [row(m, "code", "name", "kind", "params_text", "description")
                    + (row(m, "basis", "standing") if (m.basis or m.standing) else []) for m in methods],
        "rules": [[*row(r, "id", "scope", "table", "expression", "severity", "message", "tolerance"),
                   bool(r.explain_required)] for r in rules],
        "grades": [[*row(g, "name", "lower", "upper"), bool(g.upper_inclusive),
                    [canonical_value(a) for a in g.aliases]] for g in grades],
        "params": [row(p, "name", "value", "label") for p in params],
        "formulas": {k: canonical_value(str(v).lstrip("=")) for k, v in formulas.items()},
    }
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint_of(
    indicators: Iterable[Indicator],
    methods: Iterable[Method],
    rules: Iterable[Rule],
    grades: Iterable[Grade],
    params: Iterable[Param],
    formulas: Mapping[str, str],
) -> str:
    """Hex SHA-256 of :func:`canonical_locked_content`."""
    text = canonical_locked_content(indicators, methods, rules, grades, params, formulas)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def rate_formulas_of_evaluation(ev: Evaluation) -> dict[str, str]:
    """Rate formula texts as shown in 预算执行 column C next to each rate cell."""
    grid = ev.grids.get(C.BUDGET, ())
    out: dict[str, str] = {}
    for name in C.ALL_RATE_NAMES:
        loc = ev.names.get(name)
        if loc is None:
            continue
        row = row_of(loc.ref)
        cells = grid[row - 1] if row - 1 < len(grid) else ()
        text = cells[C.RATE_FORMULA_COL - 1] if len(cells) >= C.RATE_FORMULA_COL else None
        out[name] = "" if text is None else str(text)
    return out


def fingerprint_of_evaluation(ev: Evaluation) -> str:
    """The fingerprint recomputed from a parsed workbook (compare with ``ev.meta['fingerprint']``)."""
    return fingerprint_of(ev.indicator_rows, ev.methods, ev.rules, ev.grades, ev.params,
                          rate_formulas_of_evaluation(ev))
