"""Live 校验结果 formulas: a rule instance as ``=IF(<rule>,"通过",<message>)`` in A1 terms.

Why: the checks must keep working in Excel/WPS after the file leaves evaltool — a filler
who fixes a figure sees the row turn to 通过 without running anything. Structured references
are translated to A1 references of the table (``Projects[全年执行数]`` → ``'项目清单'!F5:F22``,
``[@实际完成值]`` → ``'绩效指标'!J12``), ``tol`` to the rule's own 容差 cell on 校验规则, and the
提示信息 becomes a string expression (untrusted text only ever as a quoted literal).

Example::

    rows = template_checks(framework.rules, tables)      # for the template writer
    formula_for(compiled_rule, tables, row=3)            # '=IF(...,"通过",...)'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from evaltool import contract as C
from evaltool.formula.memory import column_letters
from evaltool.formula.nodes import CellRef, NameRef, RefNode, StructRef
from evaltool.formula.render import quote_sheet
from evaltool.model import CheckRow, TableInfo
from evaltool.rules.catalog import PASS
from evaltool.rules.fields import value_kind
from evaltool.rules.messages import message_formula
from evaltool.rules.ruleset import CompiledRule, Placeholder, compile_ruleset

__all__ = ["formula_for", "condition_for", "message_for", "message_formula_for", "template_checks", "RULES_SHEET", "tol_ref",
           "rule_sheet", "instance_cell", "CHECK_COLUMNS"]

_PLACEHOLDER = re.compile(r"\{@?[^{}]+\}")
RULES_SHEET = C.RULES
CHECK_COLUMNS = C.TABLE_HEADERS["Checks"]


def _a1(col: int, row: int, absolute: bool = False) -> str:
    d = "$" if absolute else ""
    return f"{d}{column_letters(col)}{d}{row}"


def tol_ref(rule_row: int, tables: Mapping[str, TableInfo]) -> str:
    """The A1 reference of a rule's 容差 cell (column G of the Rules table by contract)."""
    t = tables.get("Rules")
    col = 7
    sheet = RULES_SHEET
    if t is not None and "容差" in t.headers:
        col = t.first_col + t.headers.index("容差")
        sheet = t.sheet
    return f"{quote_sheet(sheet)}!{_a1(col, rule_row, True)}"


def rule_sheet(cr: CompiledRule, tables: Mapping[str, TableInfo]) -> str | None:
    """The sheet unqualified A1 references of a rule mean: its 对象表's sheet."""
    t = tables.get(cr.rule.table) if cr.rule.table else None
    return t.sheet if t is not None else None


def _col(t: TableInfo, column: str) -> int:
    low = column.lower()
    for i, h in enumerate(t.headers):
        if h.lower() == low:
            return t.first_col + i
    raise KeyError(column)


def _struct_a1(node: StructRef, t: TableInfo, row: int | None) -> str:
    qs = quote_sheet(t.sheet)
    if node.this_row:
        assert node.column is not None and row is not None
        return f"{qs}!{_a1(_col(t, node.column), t.first_data_row + row)}"
    last = max(t.last_data_row, t.first_data_row)
    top = t.header_row if node.item in ("#Headers", "#All") else t.first_data_row
    bottom = t.header_row if node.item == "#Headers" else last
    if node.column is None:
        c1, c2 = t.first_col, t.first_col + len(t.headers) - 1
    else:
        c1 = c2 = _col(t, node.column)
    return f"{qs}!{_a1(c1, top, True)}:{_a1(c2, bottom, True)}"


def condition_for(cr: CompiledRule, tables: Mapping[str, TableInfo], row: int | None = None) -> str:
    """The rule's boolean expression (no leading ``=``) with A1 references only."""
    assert cr.formula is not None
    default_sheet = rule_sheet(cr, tables)

    def rewrite(node: RefNode) -> str | None:
        if isinstance(node, StructRef):
            t = tables[node.table or cr.rule.table]
            return _struct_a1(node, t, row)
        if isinstance(node, NameRef) and node.name.lower() == "tol":
            return tol_ref(cr.rule.row, tables)
        if isinstance(node, CellRef) and node.sheet is None and default_sheet:
            return f"{quote_sheet(default_sheet)}!{node.ref}"
        return None

    return cr.formula.render(rewrite)[1:]


def placeholder_ref(
    cr: CompiledRule, ph: Placeholder, tables: Mapping[str, TableInfo], names: set[str], row: int | None
) -> tuple[str, str] | None:
    """(formula reference, value kind) of a placeholder, or None when it is unknown."""
    if ph.row:
        t = tables.get(cr.rule.table) if cr.rule.table else None
        if t is None or row is None:
            return None
        try:
            col = _col(t, ph.key)
        except KeyError:
            return None
        return f"{quote_sheet(t.sheet)}!{_a1(col, t.first_data_row + row)}", value_kind(
            t.headers[col - t.first_col], table=t.name
        )
    if ph.key.lower() in names:
        return ph.key, value_kind(ph.key)
    return None


def message_for(
    cr: CompiledRule, tables: Mapping[str, TableInfo], names: set[str], row: int | None = None
) -> str:
    """The 提示信息 as a formula string expression for this instance."""
    return message_formula(
        cr.rule.message or cr.rule.id,
        lambda ph: placeholder_ref(cr, ph, tables, names, row),
        cr.placeholders,
    )


def message_formula_for(
    cr: CompiledRule, tables: Mapping[str, TableInfo], names: set[str] | frozenset[str], row: int | None = None
) -> str:
    """``=<message>``: the 提示信息 of one instance as a live formula, so the 校验结果 sheet never
    shows a raw ``{placeholder}`` (cached like :func:`formula_for`)."""
    return _message_cached(cr, tuple(sorted(tables.items())), frozenset(names), row)


@lru_cache(maxsize=16384)
def _message_cached(
    cr: CompiledRule, tables: Mapping[str, TableInfo] | tuple[tuple[str, TableInfo], ...], names: frozenset[str],
    row: int | None,
) -> str:
    return "=" + message_for(cr, dict(tables), set(names), row)


def formula_for(
    cr: CompiledRule, tables: Mapping[str, TableInfo], names: set[str] | frozenset[str], row: int | None = None
) -> str:
    """``=IF(<rule>,"通过",<message>)`` for one instance (``row``: 0-based data row of 逐行).

    Cached by (rule, table layout, known names, row): a batch of workbooks made from one
    template renders each instance once.
    """
    return _formula_cached(cr, tuple(sorted(tables.items())), frozenset(names), row)


@lru_cache(maxsize=16384)
def _formula_cached(
    cr: CompiledRule, tables: tuple[tuple[str, TableInfo], ...], names: frozenset[str], row: int | None
) -> str:
    layout = dict(tables)
    return f'=IF({condition_for(cr, layout, row)},"{PASS}",{message_for(cr, layout, set(names), row)})'


def instance_cell(
    cr: CompiledRule, tables: Mapping[str, TableInfo], names: Mapping[str, tuple[str, str]],
    row: int | None = None,
) -> tuple[str, str]:
    """(sheet, A1) a finding of this instance points at: the first single cell referenced.

    ``names`` maps lower-case defined names to (sheet, ref). Preference: a [@列] cell of the
    row, a name or A1 reference of one cell, then the first range; else the 表达式 cell.
    """
    default_sheet = rule_sheet(cr, tables)
    first_range: tuple[str, str] | None = None
    for node in cr.refs:
        if isinstance(node, StructRef):
            t = tables.get(node.table or cr.rule.table)
            if t is None:
                continue
            if node.this_row and row is not None and node.column:
                return t.sheet, _a1(_col(t, node.column), t.first_data_row + row)
            if first_range is None and not node.this_row:
                first_range = (t.sheet, _struct_a1(node, t, row).split("!", 1)[1].replace("$", ""))
        elif isinstance(node, NameRef):
            loc = names.get(node.name.lower())
            if loc is None:
                continue
            if ":" not in loc[1]:
                return loc[0], loc[1].replace("$", "")
            first_range = first_range or (loc[0], loc[1].replace("$", ""))
        elif isinstance(node, CellRef):
            sheet = node.sheet or default_sheet
            if sheet is None:
                continue
            if ":" not in node.ref:
                return sheet, node.ref.replace("$", "")
            first_range = first_range or (sheet, node.ref.replace("$", ""))
    if cr.rule.scope == "逐行" and row is not None:
        t = tables.get(cr.rule.table)
        if t is not None:
            return t.sheet, _a1(t.first_col, t.first_data_row + row)
    if first_range is not None:
        return first_range
    expr_col = 4
    rt = tables.get("Rules")
    if rt is not None and "表达式" in rt.headers:
        expr_col = rt.first_col + rt.headers.index("表达式")
    return RULES_SHEET, _a1(expr_col, cr.rule.row)


def template_checks(
    rules: Sequence[object],
    tables: Mapping[str, TableInfo],
    names: Mapping[str, tuple[str, str]] | None = None,
) -> list[CheckRow]:
    """Checks rows for a blank template: one live row per rule (per data row for 逐行).

    ``rules``: framework ``RuleSpec``s (placed from row 4 of 校验规则) or model ``Rule``s;
    ``tables``: the template's table layout; ``names``: defined name → (sheet, ref), used to
    decide which ``{name}`` placeholders are real and where a rule points. Rules that cannot
    be compiled get a static row saying why. The cached ``result`` is ``""`` (nothing has
    been computed for a blank template); for a filled workbook use ``check(ev).checks``.
    """
    from evaltool.messages import render_text
    from evaltool.model import Text

    names = {k.lower(): v for k, v in (names or {}).items()}
    known = set(names)
    out: list[CheckRow] = []
    for cr in compile_ruleset(rules):
        rule = cr.rule
        if cr.formula is None or cr.problem:
            text = render_text(Text(cr.problem or "rule.syntax", {"id": rule.id, "detail": cr.detail,
                                                                   "pos": cr.position or 0}))
            out.append(CheckRow(rule.id, "规则表", "error", RULES_SHEET, f"D{rule.row}", None, text, text))
            continue
        instances: list[int | None] = [None]
        if rule.scope == "逐行":
            t = tables.get(rule.table)
            instances = list(range(t.n_rows)) if t is not None else []
        shown = _PLACEHOLDER.sub("…", rule.message or rule.id)  # cached text until calculated
        for row in instances:
            sheet, cell = instance_cell(cr, tables, names, row)
            out.append(CheckRow(rule.id, "规则表", rule.severity, sheet, cell,
                                formula_for(cr, tables, known, row), "", shown,
                                message_formula=message_formula_for(cr, tables, known, row)))
    return out
