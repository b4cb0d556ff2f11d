"""``check(ev)``: run a workbook's rule sheet and the built-in checks; findings + Checks rows.

Why: one pure function from an :class:`~evaltool.model.Evaluation` to data — findings for
the CLI/summary, and the rows of the 校验结果 ``Checks`` table (live formulas for rule-sheet
rules with Python's result as cached text, static rows for built-in checks) for write-back.
Rules are compiled once per rule set (cached), evaluated per instance with one resolver
whose context is re-bound per rule and row.

Example::

    out = check(ev, evaltool.scoring.score(ev).computed)
    [f.as_dict() for f in out.findings if f.severity == "error"]
    out.checks[0].formula        # '=IF(ABS(SUM(\\'绩效指标\\'!$F$5:$F$40)-100)<=...,"通过",...)'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial

from evaltool.formula import Value, XLError, compile_formula
from evaltool.formula.coerce import to_bool
from evaltool.formula.nodes import CellRef, NameRef, StructRef
from evaltool.formula.values import ErrorSignal
from evaltool.messages import render_text
from evaltool.model import CheckRow, Computed, Evaluation, Finding, TableInfo, Text, count_open
from evaltool.rules.builtin import run_builtins
from evaltool.rules.catalog import PASS, english_rule_message
from evaltool.rules.live import RULES_SHEET, formula_for, instance_cell, message_formula_for, placeholder_ref
from evaltool.rules.messages import render_text as render_text_of
from evaltool.rules.resolver import EvalResolver
from evaltool.rules.ruleset import CompiledRule, Placeholder, RuleSet, compile_ruleset, placeholders_of

__all__ = ["check", "CheckOutcome", "Instance", "evaluate_rules", "one_per_cause"]


@dataclass(frozen=True)
class CheckOutcome:
    """Findings (for people) and Checks rows (for the 校验结果 sheet) of one workbook."""

    findings: tuple[Finding, ...]
    checks: tuple[CheckRow, ...]
    computed: Computed | None = None

    @property
    def errors(self) -> int:
        return count_open(self.findings, "error")

    @property
    def warnings(self) -> int:
        return count_open(self.findings, "warning")


@dataclass(frozen=True)
class Instance:
    """One evaluation of a rule: ``status`` is pass, fail or error (an error value)."""

    rule: CompiledRule
    row: int | None
    status: str
    value: Value
    sheet: str
    cell: str
    text: str  # Chinese message as the workbook shows it ("通过" when passing)
    formula: str
    message: str = ""  # the 提示信息 with this instance's placeholders rendered
    message_formula: str = ""  # the same as a live formula


def _problem(cr: CompiledRule, r: EvalResolver, ev: Evaluation) -> tuple[str, str] | None:
    if cr.formula is None or cr.problem:
        return cr.problem or "rule.syntax", cr.detail
    rule = cr.rule
    if rule.table and rule.table not in ev.tables:
        if rule.scope == "逐行" or any(isinstance(n, StructRef) and n.table is None for n in cr.refs):
            return "rule.unknown_table", rule.table
    for node in cr.refs:
        if isinstance(node, NameRef) and not r.has_name(node.name):
            return "rule.unknown_name", node.name
        if isinstance(node, StructRef):
            tname = node.table or rule.table
            t = ev.tables.get(tname) if tname else None
            if t is None:
                return "rule.unknown_table", tname or "?"
            if node.column is not None and node.column.lower() not in {h.lower() for h in t.headers}:
                return "rule.unknown_column", f"{t.name}[{node.column}]"
        if isinstance(node, CellRef):
            if node.sheet is None and not (rule.table and rule.table in ev.tables):
                return "rule.unqualified", node.ref
            if node.sheet is not None and node.sheet not in ev.grids:
                return "rule.unknown_sheet", node.sheet
    return None


def _outcome(value: Value) -> str:
    if isinstance(value, XLError):
        return "error"
    try:
        return "pass" if to_bool(value) else "fail"
    except ErrorSignal:
        return "error"


def evaluate_rules(
    ev: Evaluation, rs: RuleSet, r: EvalResolver
) -> tuple[list[Instance], list[tuple[CompiledRule, str, str]]]:
    """Evaluate every runnable rule instance; also return the rules that cannot run."""
    tables = ev.tables
    names = {k.lower(): (loc.sheet, loc.ref) for k, loc in ev.names.items()}
    known = set(names) | {k.lower() for k in r.override_names()}
    instances: list[Instance] = []
    problems: list[tuple[CompiledRule, str, str]] = []
    for cr in rs:
        bad = _problem(cr, r, ev)
        if bad is not None:
            problems.append((cr, *bad))
            continue
        assert cr.formula is not None
        rule = cr.rule
        sheet = tables[rule.table].sheet if rule.table in tables else None
        rows: list[int | None] = [None]
        if rule.scope == "逐行":
            t = tables[rule.table]
            rows = [i for i in range(t.n_rows) if not r.row_is_blank(t, i)]
        for row in rows:
            r.bind(table=rule.table if row is not None else None, row=row or 0, tol=rule.tolerance, sheet=sheet)
            value = cr.formula.evaluate(r)
            status = _outcome(value)
            isheet, icell = instance_cell(cr, tables, names, row)
            message, err = render_text_of(rule.message or rule.id, cr.placeholders,
                                          partial(_lookup, cr, r=r, tables=tables, known=known, row=row))
            if status == "pass":
                text = PASS
            elif status == "error":
                text = value.code if isinstance(value, XLError) else "#VALUE!"
            else:
                text = err.code if err is not None else message
            instances.append(Instance(cr, row, status, value, isheet, icell, text,
                                      formula_for(cr, tables, known, row), message,
                                      message_formula_for(cr, tables, known, row)))
    return instances, problems


def _lookup(
    cr: CompiledRule, ph: Placeholder, *, r: EvalResolver, tables: Mapping[str, TableInfo], known: set[str],
    row: int | None,
) -> tuple[Value, str] | None:
    got = placeholder_ref(cr, ph, tables, known, row)
    if got is None:
        return None
    try:
        value = r.this_row(cr.rule.table, ph.key) if ph.row else r.name(ph.key)
    except KeyError:
        return None
    if not isinstance(value, (str, float, bool, XLError)) and value is not None:
        from evaltool.formula.coerce import scalar

        value = scalar(value)  # type: ignore[arg-type]
    return value, got[1]


def _render(inst: Instance, r: EvalResolver, ev: Evaluation, message: str) -> str:
    """``message`` with this instance's ``{placeholders}`` filled in."""
    rule = inst.rule.rule
    names = {k.lower() for k in ev.names} | r.override_names()
    r.bind(table=rule.table if inst.row is not None else None, row=inst.row or 0, tol=rule.tolerance)
    out, _ = render_text_of(message, placeholders_of(message),
                            partial(_lookup, inst.rule, r=r, tables=ev.tables, known=names, row=inst.row))
    return out


def _params(inst: Instance, r: EvalResolver, ev: Evaluation) -> dict[str, object]:
    """The parameters of a failing rule's finding: its 提示信息 rendered from the row (and the
    bundled English text of the same rule, when there is one); ``err`` for an error value."""
    rule = inst.rule.rule
    params: dict[str, object] = {"id": rule.id}
    params["message"] = inst.message or rule.id
    if inst.status == "error":
        params["err"] = inst.text
    en = english_rule_message(rule.id, rule.message)
    if en is not None:
        params["message_en"] = _render(inst, r, ev, en)
    return params


def _value(inst: Instance, r: EvalResolver) -> object:
    """The offending cell's value: recomputed for evaltool's own cells, else as read
    (Decimal/str/...); None for ranges."""
    from evaltool.formula.memory import parse_a1

    grid = r.ev.grids.get(inst.sheet)
    if grid is None or ":" in inst.cell:
        return None
    row, col, _, _ = parse_a1(inst.cell)
    if r.is_override(inst.sheet, row, col):
        return r.raw(inst.sheet, row, col)
    if row - 1 < len(grid) and col - 1 < len(grid[row - 1]):
        return grid[row - 1][col - 1]
    return None


def overrides(comp: Computed) -> dict[str, Value]:
    """The recomputed values of evaltool's own defined names (rates, ``total_score``, ``grade``)."""
    names: dict[str, Value] = {}
    for rate in comp.rates:
        names[rate.name] = XLError(rate.error) if rate.error else rate.value
    names["total_score"] = comp.total
    names["grade"] = comp.grade
    return names


def check(ev: Evaluation, computed: Computed, *, ruleset: RuleSet | None = None) -> CheckOutcome:
    """Validate ``ev`` against its rule sheet (or ``ruleset``) and the built-in checks.

    ``computed``: what the scoring pass computed for ``ev`` (``evaltool.scoring.score(ev).computed``)
    — rates, total, grade and the computed Indicators columns. A returned workbook's cached
    values of those cells are never trusted; the rules see these instead. Runs once, whatever
    the reader's language: findings carry codes (``evaltool.messages`` renders them).
    """
    rs = ruleset if ruleset is not None else compile_ruleset(ev.rules)
    comp = computed
    r = EvalResolver(ev, overrides(comp), comp.columns)
    instances, problems = evaluate_rules(ev, rs, r)
    findings: list[Finding] = []
    checks: list[CheckRow] = []
    rules_t = ev.tables.get("Rules")
    expr_col = "D"
    if rules_t is not None and "表达式" in rules_t.headers:
        from evaltool.formula.memory import column_letters

        expr_col = column_letters(rules_t.first_col + rules_t.headers.index("表达式"))
    for cr, code, detail in problems:
        cell = f"{expr_col}{cr.rule.row}"
        params = {"id": cr.rule.id, "detail": detail, "pos": cr.position or 0}
        zh = render_text(Text(code, params))
        findings.append(Finding(cr.rule.id, "error", RULES_SHEET, cell, code, params, cr.rule.expression,
                                ev.path, "rule"))
        checks.append(CheckRow(cr.rule.id, "规则表", "error", RULES_SHEET, cell, None, zh, zh,
                               ev.explanations.get((cr.rule.id, RULES_SHEET, cell), "")))
    for inst in instances:
        rule = inst.rule.rule
        explanation = ev.explanations.get((rule.id, inst.sheet, inst.cell), "")
        checks.append(CheckRow(rule.id, "规则表", rule.severity, inst.sheet, inst.cell, inst.formula,
                               inst.text, inst.message, explanation, inst.message_formula or None))
        if inst.status == "pass":
            continue
        explained = bool(rule.explain_required and explanation.strip() and inst.status == "fail")
        code = "rule.error" if inst.status == "error" else "rule.message"
        findings.append(Finding(rule.id, rule.severity, inst.sheet, inst.cell, code, _params(inst, r, ev),
                                _value(inst, r), ev.path, "rule", explained))
    r.bind()
    b_findings, b_checks = run_builtins(ev, r, comp)
    findings.extend(b_findings)
    checks.extend(b_checks)
    findings = [replace(f, file=f.file or ev.path) for f in one_per_cause(findings, ev, comp)]
    return CheckOutcome(tuple(findings), tuple(checks), comp)


#: Built-in checks that name a cause — a total left blank, text where a number belongs.
CAUSES = frozenset({"TYPE-1", "REQ-1"})


def one_per_cause(findings: list[Finding], ev: Evaluation, comp: Computed,
                  causes_in: list[Finding] | None = None) -> list[Finding]:
    """One finding per cause: another finding on a cell a cause names (a rule, a fuzzy reading
    of it), and a rate that cannot be computed because one of its inputs is such a cell
    (RATE-1), are its consequences and are left out (the 校验结果 sheet still lists every rule)."""
    causes = {(f.sheet, f.cell) for f in (findings if causes_in is None else causes_in) if f.rule in CAUSES}
    if not causes:
        return findings
    at = {(loc.sheet, loc.ref.replace("$", "")): name.lower() for name, loc in ev.names.items()}
    caused = {at[c] for c in causes if c in at}
    inputs = {rate.name.lower(): compile_formula(rate.formula).names for rate in comp.rates}
    out = []
    for f in findings:
        if f.rule not in CAUSES and (f.sheet, f.cell) in causes:
            continue
        if f.code in ("RATE-1.error", "score.rate_error") and \
                inputs.get(at.get((f.sheet, f.cell), ""), frozenset()) & caused:
            continue
        if f.code == "score.blank_source_row" and inputs.get(str(f.params.get("name", "")).lower(), frozenset()) & caused:
            continue  # an indicator scored on that rate
        out.append(f)
    return out
