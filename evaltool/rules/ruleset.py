"""Compile a rule sheet once: parse every 表达式, find its references, note what is wrong.

Why: a batch of hundreds of returned workbooks shares one bureau rule set; parsing it per
workbook would dominate. ``compile_ruleset`` is cached by the *content* of the rules, so the
same rules compile once per process. A rule that does not parse — or whose scope/table is
invalid — is not a crash but a :class:`CompiledRule` carrying a problem that the engine turns
into a finding (sheet 校验规则, the rule's 表达式 cell, the position of the error).

Example::

    rs = compile_ruleset(ev.rules)
    [r.rule.id for r in rs.rules if r.problem]      # rules that cannot run
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from evaltool.formula import Formula, FormulaSyntaxError, compile_formula
from evaltool.formula.nodes import CellRef, NameRef, Node, StructRef, walk
from evaltool.messages import SEVERITY_OF_LABEL
from evaltool.model import Rule

__all__ = ["CompiledRule", "RuleSet", "Placeholder", "compile_ruleset", "as_rule", "placeholders_of", "SCOPES",
           "PARSE_COUNTER"]

SCOPES = ("表内", "表间", "逐行")
_PLACEHOLDER = re.compile(r"\{(@?)([^{}]+)\}")
#: Number of rule expressions parsed in this process (to prove the cache works).
PARSE_COUNTER = [0]


@dataclass(frozen=True)
class Placeholder:
    """A ``{name}`` or ``{@列名}`` in a 提示信息; ``start``/``end`` index the message text."""

    key: str
    row: bool
    start: int
    end: int


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    formula: Formula | None
    problem: str | None  # catalogue code of what is wrong (rule.syntax, rule.scope …), else None
    detail: str  # e.g. the syntax error text
    refs: tuple[Node, ...]  # NameRef/CellRef/StructRef in formula order (without tol)
    placeholders: tuple[Placeholder, ...]
    position: int | None = None  # 1-based character of a syntax error in the 表达式 cell

    @property
    def uses_tol(self) -> bool:
        return self.formula is not None and "tol" in self.formula.names

    @property
    def row_columns(self) -> tuple[str, ...]:
        return tuple(r.column for r in self.refs if isinstance(r, StructRef) and r.this_row and r.column)

    @property
    def tables(self) -> tuple[str, ...]:
        out: list[str] = []
        for r in self.refs:
            if isinstance(r, StructRef) and r.table and r.table not in out:
                out.append(r.table)
        return tuple(out)


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[CompiledRule, ...]

    def __iter__(self) -> Iterator[CompiledRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def as_rule(spec: object, row: int) -> Rule:
    """A :class:`Rule` from a model Rule or a framework ``RuleSpec`` (row = sheet row)."""
    if isinstance(spec, Rule):
        return spec
    sev = str(getattr(spec, "severity", "错误"))
    return Rule(
        row=row,
        id=str(getattr(spec, "id")),  # noqa: B009
        scope=str(getattr(spec, "scope")),  # noqa: B009
        table=str(getattr(spec, "table", "") or ""),
        expression=str(getattr(spec, "expression")),  # noqa: B009
        severity=SEVERITY_OF_LABEL.get(sev, sev),  # type: ignore[arg-type]
        message=str(getattr(spec, "message", "")),
        tolerance=getattr(spec, "tolerance", None),
        explain_required=bool(getattr(spec, "explain", getattr(spec, "explain_required", False))),
    )


def _ordered_refs(node: Node) -> tuple[Node, ...]:
    out: list[Node] = []
    for n in walk(node):
        if isinstance(n, NameRef) and n.name.lower() == "tol":
            continue
        if isinstance(n, (NameRef, CellRef, StructRef)) and n not in out:
            out.append(n)
    return tuple(out)


def placeholders_of(message: str) -> tuple[Placeholder, ...]:
    """The ``{name}`` / ``{@列名}`` placeholders of a 提示信息, in order."""
    return tuple(
        Placeholder(m.group(2).strip(), m.group(1) == "@", m.start(), m.end())
        for m in _PLACEHOLDER.finditer(message or "")
    )


def _compile_one(rule: Rule) -> CompiledRule:
    phs = placeholders_of(rule.message)
    expr = (rule.expression or "").strip()
    if not expr or expr == "=":
        return CompiledRule(rule, None, "rule.empty", "", (), phs)
    try:
        PARSE_COUNTER[0] += 1
        f = compile_formula(expr)
    except FormulaSyntaxError as e:
        lead = len(rule.expression) - len(rule.expression.lstrip())
        pos = e.position + lead + 1  # 1-based, as counted in the 表达式 cell
        return CompiledRule(rule, None, "rule.syntax", e.message, (), phs, pos)
    except (KeyError, ValueError) as e:  # unknown function and similar
        return CompiledRule(rule, None, "rule.syntax", str(e), (), phs)
    refs = _ordered_refs(f.ast)
    problem, detail = None, ""
    has_row = any(isinstance(r, StructRef) and r.this_row for r in refs)
    if rule.scope not in SCOPES:
        problem, detail = "rule.scope", rule.scope
    elif rule.scope == "逐行" and not rule.table:
        problem = "rule.row_table"
    elif has_row and rule.scope != "逐行":
        problem = "rule.this_row"
    return CompiledRule(rule, f, problem, detail, refs, phs)


@lru_cache(maxsize=64)
def _compile(rules: tuple[Rule, ...]) -> RuleSet:
    return RuleSet(tuple(_compile_one(r) for r in rules))


def compile_ruleset(rules: Iterable[object]) -> RuleSet:
    """Compile rules (model ``Rule`` or framework ``RuleSpec``); cached by their content.

    RuleSpecs get the sheet rows they occupy in the template (first rule on row 4).
    """
    seq: Sequence[object] = tuple(rules)
    return _compile(tuple(as_rule(r, 4 + i) for i, r in enumerate(seq)))
