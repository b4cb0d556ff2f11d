"""The built-in check registry: each check is a documented rule id with zh/en messages.

Why: some checks cannot be Excel formulas (fuzzy text, unit magnitudes, types, recomputed
rates against cached ones). They are registered here as data — id, severity, whether a
出错说明 lets a failure stand, a title in both languages, message texts — plus one function
per id. The engine runs them all on every framework; none branches on the framework.

Example::

    @builtin("UNIT-2", "warning", "百分比填写方式", "percentage encoding", explain=True,
             messages={"share_pct": ("{label} 为 {value}，疑似按百分数填写", "...")})
    def percent_encoding(ctx: Ctx) -> Iterator[Finding]: ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from evaltool.contract.cells import cell_value
from evaltool.messages import text
from evaltool.model import CellValue, Computed, Evaluation, Finding, Severity
from evaltool.rules.resolver import EvalResolver

__all__ = ["Ctx", "BuiltinSpec", "BUILTINS", "builtin", "is_number", "num"]


@dataclass
class Ctx:
    """What a built-in check sees: the workbook, the resolver, recomputed values, language."""

    ev: Evaluation
    r: EvalResolver
    comp: Computed
    lang: str
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
        """A finding of the current check: catalogue message ``code`` formatted with ``kw``;
        ``found`` is the offending cell's value."""
        assert self.spec is not None
        msg = text(self.spec.messages, code, self.lang, **kw)
        sev = severity or self.spec.severity
        explanation = self.ev.explanations.get((self.spec.id, sheet, cell), "")
        explained = bool(self.spec.explain and explanation.strip() and sev != "error")
        return Finding(self.spec.id, sev, sheet, cell, msg, found, self.ev.path, "builtin", explained)


@dataclass(frozen=True)
class BuiltinSpec:
    id: str
    severity: Severity
    title_zh: str
    title_en: str
    run: Callable[[Ctx], Iterable[Finding]]
    messages: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    explain: bool = False

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_zh


BUILTINS: dict[str, BuiltinSpec] = {}


def builtin(
    rule_id: str, severity: Severity, title_zh: str, title_en: str, *,
    messages: Mapping[str, tuple[str, str]], explain: bool = False,
) -> Callable[[Callable[[Ctx], Iterable[Finding]]], Callable[[Ctx], Iterable[Finding]]]:
    """Register a built-in check under ``rule_id`` (ids are unique)."""

    def deco(fn: Callable[[Ctx], Iterable[Finding]]) -> Callable[[Ctx], Iterable[Finding]]:
        if rule_id in BUILTINS:
            raise ValueError(f"duplicate built-in check {rule_id}")
        BUILTINS[rule_id] = BuiltinSpec(rule_id, severity, title_zh, title_en, fn, messages, explain)
        return fn

    return deco


def is_number(v: object) -> bool:
    return isinstance(v, (int, float, Decimal)) and not isinstance(v, bool)


def num(v: object) -> float | None:
    return float(v) if is_number(v) else None  # type: ignore[arg-type]
