"""The computed rates of 预算执行 (预决算差异率, 预算执行率, the 2013 rates) from data — the one rate pipeline.

Why: the rate formulas are data (the framework's ``rates``, Excel syntax over defined names);
evaltool evaluates the *same text* with its own formula engine over the cells those names
point at — the raw cells, exactly as the live formula sees them (text stays text, so a text
input is ``#VALUE!`` here as in Excel) — and writes it back as the live formula, so Python
and Excel cannot disagree about which denominator or sign convention was used. A blank or
zero denominator gives ``""`` in Excel and None here. The scores use these values and the
rule pass receives them (:class:`evaltool.model.RateResult`); nothing computes a rate twice.

Example::

    scores, results, findings = compute_rates(ctx)
    results[0].name, results[0].value   # ('variance_rate', 0.09595363839386588) for the seed (9.60%)
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from evaltool import contract as C
from evaltool.contract.a1 import column_letters
from evaltool.contract.cells import cell_value, where
from evaltool.formula import Formula, FormulaSyntaxError, Range, Value, XLError, compile_formula, parse_a1
from evaltool.frameworks.loader import load_rates
from evaltool.frameworks.schema import RateSpec
from evaltool.model import Evaluation, Finding, RateResult, Score
from evaltool.scoring.context import Context

__all__ = ["compute_rates", "row_rates", "NameResolver", "BUDGET_SHEET", "EXEC_RATE_A1"]

BUDGET_SHEET = C.BUDGET
_EPOCH = datetime(1899, 12, 30)


def _value(v: object) -> Value:
    """A grid value as the formula engine sees it: numbers as float, "" as blank."""
    if v is None or isinstance(v, (bool, float)):
        return v  # type: ignore[return-value]
    if isinstance(v, (int, Decimal)):
        return float(v)
    if isinstance(v, str):
        return v if v != "" else None
    if isinstance(v, (datetime, date)):
        d = v if isinstance(v, datetime) else datetime(v.year, v.month, v.day)
        delta = d - _EPOCH
        return delta.days + delta.seconds / 86400
    return str(v)


class NameResolver:
    """A formula resolver over the workbook's defined names (their raw cells) and earlier rates."""

    def __init__(self, ev: Evaluation) -> None:
        self._ev = ev
        self._names = {k.lower(): loc for k, loc in ev.names.items()}
        self._grids = {k.lower(): g for k, g in ev.grids.items()}
        self._set: dict[str, Value] = {}
        self.sheet: str | None = None  # the sheet unqualified A1 references are on

    def set(self, name: str, value: Value) -> None:
        """Make a computed value (an earlier rate) visible to later formulas."""
        self._set[name.lower()] = value

    def name(self, name: str) -> Value:
        n = name.lower()
        if n in self._set:
            v = self._set[n]
            return "" if v is None else v
        loc = self._names[n]  # KeyError → #NAME?
        grid = self._grids.get(loc.sheet.lower())
        if grid is None or ":" in loc.ref:
            raise KeyError(name)
        return _value(cell_value({loc.sheet: grid}, loc.sheet, loc.ref))

    def cell(self, sheet: str | None, ref: str) -> Value:
        """A single cell of ``sheet`` (the bound sheet when None), as the formula sees it."""
        name = (sheet or self.sheet or "").lower()
        grid = self._grids.get(name)
        if grid is None or ":" in ref:
            raise KeyError(ref)
        return _value(cell_value({name: grid}, name, ref))

    def table(self, table: str | None, column: str | None, item: str | None) -> Range:
        raise KeyError(table)

    def this_row(self, table: str | None, column: str) -> Value:
        raise KeyError(column)


def _has(ev: Evaluation, rd: RateSpec) -> bool:
    """False when ``ev`` is on a template version older than the one that introduced ``rd``."""
    got, since = C.version_key(ev.template_version), C.version_key(rd.since)
    if got is None or since is None:
        return True
    return got >= since or rd.name in ev.names


def _carried(ev: Evaluation, rd: RateSpec) -> str | None:
    """The rate formula text a previous-version workbook carries in 预算执行 column C, if any.

    A return on an older template version (major or minor) is scored by what it carries: its own
    (fingerprinted) rate formulas, not the current framework's. Current-version workbooks use the
    framework's.
    """
    if not C.is_previous(ev.template_version):
        return None
    loc = ev.names.get(rd.name)
    grid = ev.grids.get(loc.sheet) if loc is not None else None
    if loc is None or not grid:
        return None
    row, _, _, _ = parse_a1(loc.ref.replace("$", "").split(":")[0])
    cells = grid[row - 1] if row - 1 < len(grid) else ()
    text = cells[C.RATE_FORMULA_COL - 1] if len(cells) >= C.RATE_FORMULA_COL else None
    return text.strip().lstrip("=") if isinstance(text, str) and text.strip() else None


def compute_rates(ctx: Context, defs: tuple[RateSpec, ...] | None = None,
                  ) -> tuple[list[Score], tuple[RateResult, ...], list[Finding]]:
    """Evaluate every rate over the named cells; returns its Scores, results and findings."""
    ev = ctx.ev
    resolver = NameResolver(ev)
    scores: list[Score] = []
    results: list[RateResult] = []
    findings: list[Finding] = []
    for rd in load_rates() if defs is None else defs:
        if rd.since and not _has(ev, rd):
            continue  # a rate added in a later template version than the workbook's
        sheet, cell = where(ev.names, rd.name, (BUDGET_SHEET, f"B{rd.row}"))
        formula_text = _carried(ev, rd) or rd.formula
        try:
            f: Formula = compile_formula(formula_text)
            result = f.evaluate(resolver)
            text = f.render()
        except FormulaSyntaxError as exc:
            findings.append(ctx.finding("SCORE-RATE", "error", sheet, cell, "score.rate_error",
                                        name=rd.name, error=str(exc)))
            results.append(RateResult(rd.name, rd.label, rd.description, formula_text, None, "#NAME?"))
            continue
        value: float | None = None
        error: str | None = None
        if isinstance(result, XLError):
            error = result.code
            findings.append(ctx.finding("SCORE-RATE", "warning", sheet, cell, "score.rate_error",
                                        name=rd.name, error=result.code))
        elif isinstance(result, (int, float)) and not isinstance(result, bool):
            value = float(result)
        results.append(RateResult(rd.name, rd.label, rd.description, formula_text, value, error))
        resolver.set(rd.name, result if isinstance(result, XLError) else value)
        text = text if text.startswith("=") else "=" + text
        scores.append(Score(f"rate:{rd.name}", sheet, cell, value, text, rd.label))
    return scores, tuple(results), findings


#: 执行率 of a Budget or Projects row (the template's calculated column), in A1 form.
EXEC_RATE_A1 = ('IF({D}="","",IF(AND({C}<>"",{C}<>0),{D}/{C},'
                'IF(OR({B}="",{B}=0),"",{D}/{B})))')
_EXEC_COLUMNS = {"B": "年初预算数", "C": "全年预算数", "D": "全年执行数"}


def row_rates(ctx: Context) -> list[Score]:
    """执行率 of every ``Budget`` row (预算执行!E5:E8): the live formula with its cached value.

    The template writes these as formulas with a blank cached value; evaltool rewrites them with
    the value computed from the row, so readers that do not calculate (pandas, previews) see it.
    """
    ev = ctx.ev
    out: list[Score] = []
    resolver = NameResolver(ev)
    for name in ("Budget",):  # 项目清单 is left untouched (its 执行率 keeps the template's formula)
        t = ev.tables.get(name)
        if t is None or "执行率" not in t.headers or any(h not in t.headers for h in _EXEC_COLUMNS.values()):
            continue
        letters = {k: column_letters(t.first_col + t.headers.index(h)) for k, h in _EXEC_COLUMNS.items()}
        target = column_letters(t.first_col + t.headers.index("执行率"))
        resolver.sheet = t.sheet
        for r in range(t.first_data_row, t.last_data_row + 1):
            text = EXEC_RATE_A1.format(**{k: f"{v}{r}" for k, v in letters.items()})
            result = compile_formula(text).evaluate(resolver)
            value = float(result) if isinstance(result, (int, float)) and not isinstance(result, bool) else None
            out.append(Score(f"{name.lower()}:{r}:执行率", t.sheet, f"{target}{r}", value, "=" + text, "执行率"))
    return out
