"""The built-in check registry: each check is a documented rule id with catalogue codes.

Why: some checks cannot be Excel formulas (fuzzy text, unit magnitudes, types, recomputed
rates against cached ones). They are registered here as data — id, severity, whether a
出错说明 lets a failure stand — plus one function per id. Their words live in the message
catalogue (:mod:`evaltool.messages.catalogue`): the title under the rule id (``UNIT-2``), each
sentence under ``UNIT-2.case``. The engine runs them once, whatever the reader's language,
and on every framework; none branches on the framework.

Example::

    @builtin("UNIT-2", "warning", explain=True)
    def percent_encoding(ctx: Ctx) -> Iterator[Finding]:
        yield ctx.finding("UNIT-2.share", "封面", "B9", 95, label="…", value="95")
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from evaltool.contract.cells import cell_value
from evaltool.model import CellValue, Computed, Evaluation, Finding, Severity
from evaltool.rules.resolver import EvalResolver

__all__ = ["Ctx", "BuiltinSpec", "BUILTINS", "builtin", "is_number", "num"]


@dataclass
class Ctx:
    """What a built-in check sees: the workbook, the resolver and the recomputed values."""

    ev: Evaluation
    r: EvalResolver
    comp: Computed
    spec: BuiltinSpec | None = None

    def param(self, name: str, default: float) -> float:
        v = self.ev.param(name, default)
        try:
            return float(v)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    def where(self, name: str) -> tuple[str, str]:
        loc = self.ev.names.get(name)
        return (loc.sheet, loc.ref.replace("$", "")) if loc is not None else ("", "")

    def scalar(self, name: str) -> CellValue:
        """A defined name's cell as typed: the parsed scalar (Decimal money), but the raw
        text when the cell holds text (the parser turns text in a money cell into None)."""
        raw = self._grid_value(name)
        if isinstance(raw, str) and raw.strip():
            return raw
        if name in self.ev.scalars and self.ev.scalars[name] is not None:
            return self.ev.scalars[name]
        return raw if raw != "" else None

    def _grid_value(self, name: str) -> CellValue:
        loc = self.ev.names.get(name)
        if loc is None or ":" in loc.ref:
            return None
        return cast(CellValue, cell_value(self.ev.grids, loc.sheet, loc.ref))

    def finding(self, code: str, sheet: str, cell: str, found: Any = None, /, *,
                severity: Severity | None = None, **kw: Any) -> Finding:
        """A finding of the current check: catalogue sentence ``code`` (``RULE-ID.case``) with
        parameters ``kw``; ``found`` is the offending cell's value."""
        assert self.spec is not None and code.startswith(self.spec.id + "."), code
        sev = severity or self.spec.severity
        explanation = self.ev.explanations.get((self.spec.id, sheet, cell), "")
        explained = bool(self.spec.explain and explanation.strip() and sev != "error")
        return Finding(self.spec.id, sev, sheet, cell, code, kw, found, self.ev.path, "builtin", explained)


@dataclass(frozen=True)
class BuiltinSpec:
    id: str
    severity: Severity
    run: Callable[[Ctx], Iterable[Finding]]
    explain: bool = False


BUILTINS: dict[str, BuiltinSpec] = {}


def builtin(
    rule_id: str, severity: Severity, *, explain: bool = False,
) -> Callable[[Callable[[Ctx], Iterable[Finding]]], Callable[[Ctx], Iterable[Finding]]]:
    """Register a built-in check under ``rule_id`` (ids are unique; its title is the
    catalogue entry ``rule_id``)."""

    def deco(fn: Callable[[Ctx], Iterable[Finding]]) -> Callable[[Ctx], Iterable[Finding]]:
        if rule_id in BUILTINS:
            raise ValueError(f"duplicate built-in check {rule_id}")
        BUILTINS[rule_id] = BuiltinSpec(rule_id, severity, fn, explain)
        return fn

    return deco


def is_number(v: object) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def num(v: object) -> float | None:
    return float(v) if is_number(v) else None  # type: ignore[arg-type]
