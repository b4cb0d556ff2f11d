"""Build an :class:`evaltool.model.Evaluation` from any :class:`BookSource` (pure).

Why: the engine runs on the same model whether the workbook is a file (``FileBook``) or a
live Excel book. This module knows the template contract (via ``evaltool.contract``)
and nothing about Excel libraries. Cached values of formula cells (得分, 完成率/偏差率, rates,
total, grade) are never read as truth; money becomes ``Decimal``; a workbook that is not an
evaltool template of major version 1 raises :class:`TemplateError` (a catalogue code naming what is wrong).

Example::

    ev = parse_book(FileBook("returned.xlsx"))
    ev.scalar("budget_initial")      # Decimal('18902744.60')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from evaltool import contract as C
from evaltool.contract import narrative as N
from evaltool.contract.a1 import column_letters
from evaltool.contract.cells import cell_value
from evaltool.contract.fingerprint import canonical_value
from evaltool.frameworks.schema import FrameworkError, parse_params
from evaltool.integrity.locked import ROW_KEY, issued_rows, match_issued
from evaltool.io.book import BookSource
from evaltool.messages import SEVERITY_OF_LABEL
from evaltool.model import (
    BudgetLine,
    CellValue,
    Evaluation,
    Grade,
    Indicator,
    Method,
    Narrative,
    Param,
    Project,
    Rule,
    TableInfo,
    TemplateError,
    UnitInfo,
)

Grid = tuple[tuple[CellValue, ...], ...]
_ALIAS_SPLIT = re.compile(r"[,，、]")


def number(v: Any) -> CellValue:
    """Cell value with numbers as Decimal (via 15 significant digits, like Excel shows them)."""
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, float | int):
        return Decimal(format(float(v), ".15g"))
    if isinstance(v, str):
        v = v.strip()
        return v or None
    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
        return dt.datetime(v.year, v.month, v.day)
    return v


def money(v: Any) -> Decimal | None:
    """Money in 元 as Decimal with at least two decimals; text that is a number is accepted."""
    d = number(v)
    if isinstance(d, str):
        try:
            d = Decimal(d.replace(",", ""))
        except InvalidOperation:
            return None
    if not isinstance(d, Decimal):
        return None
    exp = d.as_tuple().exponent
    return d.quantize(Decimal("0.01")) if isinstance(exp, int) and exp > -2 else d


def text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return str(v).strip()


def plain(v: Any) -> CellValue:
    """Numbers as int (integral) or float; used for params and grade edges."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return number(v)
    return int(v) if float(v).is_integer() else float(v)


def records(grid: Grid, info: TableInfo) -> Iterator[tuple[int, dict[str, CellValue]]]:
    """(sheet row, {header: raw value}) for every data row of a table, by its ref in the file."""
    c0, n = info.first_col - 1, len(info.headers)
    pad = (None,) * n
    for r in range(info.first_data_row, info.last_data_row + 1):
        vals = grid[r - 1][c0:c0 + n] if r - 1 < len(grid) else ()
        if len(vals) < n:
            vals = tuple(vals) + pad[len(vals):]
        yield r, dict(zip(info.headers, vals, strict=True))


def _blank(rec: dict[str, CellValue], cols: Sequence[str]) -> bool:
    return all(rec.get(c) in (None, "") for c in cols)


def _fail(source: BookSource, code: str, **params: Any) -> TemplateError:
    """A TemplateError naming the file, with catalogue ``code`` (``template.…``) and params."""
    return TemplateError(source.label, code, **params)


def _meta(source: BookSource, sheets: list[str]) -> dict[str, str]:
    if C.META not in sheets:
        raise _fail(source, "template.no_meta")
    meta = {text(r[0]): text(r[1]) if len(r) > 1 else "" for r in source.sheet_values(C.META) if r and r[0]}
    tid = meta.get("template_id", "")
    if not tid.startswith(C.TEMPLATE_ID_PREFIX):
        raise _fail(source, "template.no_meta")
    version = meta.get("template_version", "")
    if version.split(".")[0] not in C.READABLE_MAJORS:
        raise _fail(source, "template.version", version=version or "''",
                    supported="、".join(f"{m}.x" for m in C.READABLE_MAJORS))
    return meta


def _check_layout(source: BookSource, names: dict[str, Any], tables: dict[str, TableInfo]) -> None:
    for t, headers in C.REQUIRED_HEADERS.items():
        if t not in tables:
            raise _fail(source, "template.no_table", table=t, sheet=C.TABLE_SHEETS[t])
        got = tables[t].headers
        if tuple(got[: len(headers)]) != headers:
            missing = [h for h in headers if h not in got]
            if missing:
                raise _fail(source, "template.headers", table=t, missing=missing)
            raise _fail(source, "template.headers_order", table=t)
    missing = [n for n in C.REQUIRED_NAMES if n not in names]
    if missing:
        raise _fail(source, "template.no_names", names=missing)


def _scalars(names: dict[str, Any], grids: dict[str, Grid]) -> dict[str, CellValue]:
    out: dict[str, CellValue] = {}
    for name, loc in names.items():
        if ":" in loc.ref or name.startswith("param_") or name in C.COMPUTED_NAMES or loc.sheet not in grids:
            continue
        raw = cell_value(grids, loc.sheet, loc.ref)
        if name in C.MONEY_NAMES:
            out[name] = money(raw)
        elif name == "eval_year" and isinstance(raw, int | float) and not isinstance(raw, bool):
            out[name] = int(raw)
        elif name in C.SELF_EVAL_TEXT_NAMES:
            out[name] = text(raw)
        elif name in C.COVER_NAMES and name not in ("fill_date",):
            out[name] = text(raw) if name != "eval_year" else number(raw)
        else:
            out[name] = number(raw)
    return out


def _weight(v: Any) -> Decimal | None:
    d = number(v)
    if isinstance(d, str):
        try:
            return Decimal(d)
        except InvalidOperation:
            return None
    return d if isinstance(d, Decimal) else None


def _indicators(grid: Grid, info: TableInfo, meta: Mapping[str, str]) -> tuple[Indicator, ...]:
    """The indicator rows, each marked ``locked`` when it is a row the template was issued with
    (its 年度目标值 locked too when the template was issued with approved targets).

    Issued rows are found by content, not by position (:func:`evaltool.integrity.locked.match_issued`
    against the rows stored in ``_meta``): a row the filler inserts in the middle of the table —
    in Excel, WPS or LibreOffice — is an added row and every issued row keeps its lock. A
    workbook without stored rows (1.x) falls back to "the first ``locked_indicator_rows`` rows".
    """
    try:
        n_locked = int(meta.get("locked_indicator_rows", "0") or 0)
    except ValueError:
        n_locked = 0
    approved = meta.get("approved_targets", "") == "1"
    inputs = [h for h in info.headers if h not in ("完成率/偏差率", "得分", "计分值")]
    rows = [(i, row, r) for i, (row, r) in enumerate(records(grid, info)) if not _blank(r, inputs)]
    issued = issued_rows(meta, info.sheet)
    if issued is not None:
        flags = match_issued(issued, [tuple(canonical_value(text(r[h])) for h in ROW_KEY) for _, _, r in rows])
    else:
        flags = [i < n_locked for i, _, _ in rows]
    return tuple(Indicator(
        row=row, level1=text(r["一级指标"]), level2=text(r["二级指标"]), level3=text(r["三级指标"]),
        kind=text(r["指标类型"]), method=text(r["评分方法"]), weight=_weight(r["分值"]),
        unit=text(r["计量单位"]), direction=text(r["指标方向"]), target=number(r["年度目标值"]),
        actual=number(r["实际完成值"]), reason=text(r["偏差原因"]), note=text(r["备注"]),
        locked=locked, share=number(r.get("评定比例")), target_locked=approved and locked)
        for (_, row, r), locked in zip(rows, flags, strict=True))


def _projects(grid: Grid, info: TableInfo) -> tuple[Project, ...]:
    inputs = [h for h in info.headers if h != "执行率"]
    return tuple(
        Project(row=row, seq=number(r["序号"]), name=text(r["项目名称"]), kind=text(r["项目类型"]),
                budget_initial=money(r["年初预算数"]), budget_adjusted=money(r["全年预算数"]),
                expenditure=money(r["全年执行数"]), evaluated=text(r["是否评价"]), self_score=number(r["自评得分"]),
                self_grade=text(r["自评等级"]), note=text(r["备注"]))
        for row, r in records(grid, info) if not _blank(r, inputs))


def _params_of(text_: str) -> dict[str, str]:
    try:
        return parse_params(text_)
    except FrameworkError:
        return {}


def _tolerance(v: Any) -> float | None:
    try:
        return None if v in (None, "") else float(v)
    except (TypeError, ValueError):
        return None


def _bound(source: BookSource, info: TableInfo, row: int, column: str, v: Any) -> float:
    """A grade band edge: a number (blank = 0), else TemplateError naming the cell."""
    v = plain(v)
    if v in (None, ""):
        return 0.0
    if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool):
        return float(v)
    cell = f"{info.sheet}!{column_letters(info.first_col + info.headers.index(column))}{row}"
    raise _fail(source, "template.grade_bound", column=column, cell=cell, value=str(v))


def _paragraphs(v: Any) -> str:
    """Cell text with line breaks normalised and blank lines dropped (paragraphs joined by \\n)."""
    lines = (ln.strip() for ln in text(v).replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(ln for ln in lines if ln)


def narrative_of(grids: dict[str, Grid], tables: dict[str, TableInfo]) -> Narrative:
    """The 报告内容 sheet's ``Narrative`` table (empty when the workbook has none, e.g. v1)."""
    info = tables.get(N.TABLE)
    if info is None or tuple(info.headers[:4]) != N.HEADERS[:4]:
        return Narrative()
    fields: dict[str, str] = {}
    progress: list[tuple[str, str, str]] = []
    for _, r in records(grids.get(info.sheet, ()), info):
        key = N.key_of(text(r["栏目"]))
        body = _paragraphs(r["内容"])
        if key == "progress":
            progress.append((text(r["一级指标"]), text(r["二级指标"]), body))
        elif key is not None and body:
            fields[key] = fields[key] + "\n" + body if key in fields else body
    return Narrative(progress=tuple(progress), **fields)


def parse_book(source: BookSource) -> Evaluation:
    """The Evaluation of a template workbook; raises TemplateError when it is not one."""
    sheets = source.sheet_names()
    meta = _meta(source, sheets)
    names = source.defined_names()
    tables = source.tables()
    _check_layout(source, names, tables)
    grids: dict[str, Grid] = {s: tuple(tuple(r) for r in source.sheet_values(s)) for s in sheets}
    g = {t: grids.get(info.sheet, ()) for t, info in tables.items()}
    scalars = _scalars(names, grids)
    year = scalars.get("eval_year")
    unit = UnitInfo(name=text(scalars.get("unit_name")), code=text(scalars.get("unit_code")),
                    year=year if isinstance(year, int) and not isinstance(year, bool) else None,
                    preparer=text(scalars.get("preparer")), contact=text(scalars.get("contact")),
                    fill_date=scalars.get("fill_date"), self_grade=text(scalars.get("self_grade")))
    budget = tuple(BudgetLine(row=row, label=text(r["项目"]), initial=money(r["年初预算数"]),
                              adjusted=money(r["全年预算数"]), executed=money(r["全年执行数"]), note=text(r["说明"]))
                   for row, r in records(g["Budget"], tables["Budget"]))
    rules = tuple(
        Rule(row=row, id=text(r["规则编号"]), scope=text(r["范围"]), table=text(r["对象表"]),
             expression=text(r["表达式"]).lstrip("="), severity=SEVERITY_OF_LABEL.get(text(r["级别"]), "error"),
             message=text(r["提示信息"]), tolerance=_tolerance(r["容差"]), explain_required=text(r["需说明"]) == "是")
        for row, r in records(g["Rules"], tables["Rules"]) if text(r["规则编号"]))
    methods = tuple(
        Method(row=row, code=text(r["方法编号"]), name=text(r["方法名称"]), kind=text(r["类型"]),
               params=_params_of(text(r["参数"])), params_text=text(r["参数"]), description=text(r["说明"]),
               basis=text(r.get("依据")), standing=text(r.get("效力")))
        for row, r in records(g["Methods"], tables["Methods"]) if text(r["方法编号"]))
    grades = tuple(
        Grade(row=row, name=text(r["等级"]), lower=_bound(source, tables["Grades"], row, "下限", r["下限"]),
              upper=_bound(source, tables["Grades"], row, "上限", r["上限"]),
              upper_inclusive=text(r["含上限"]) == "是",
              aliases=tuple(a.strip() for a in _ALIAS_SPLIT.split(text(r["别名"])) if a.strip()))
        for row, r in records(g["Grades"], tables["Grades"]) if text(r["等级"]))
    params = tuple(Param(row=row, name=text(r["参数名"]), value=plain(r["参数值"]), label=text(r["说明"]))
                   for row, r in records(g["Params"], tables["Params"]) if text(r["参数名"]))
    explanations = {(text(r["规则编号"]), text(r["工作表"]), text(r["单元格"])): text(r["出错说明"])
                    for _, r in records(g["Checks"], tables["Checks"]) if text(r["出错说明"])}
    return Evaluation(
        path=source.label, template_id=meta["template_id"], template_version=meta["template_version"],
        framework_id=meta.get("framework_id", meta["template_id"][len(C.TEMPLATE_ID_PREFIX):]), meta=meta,
        unit=unit, scalars=scalars, names=names, tables=tables, budget=budget,
        indicator_rows=_indicators(g["Indicators"], tables["Indicators"], meta),
        projects=_projects(g["Projects"], tables["Projects"]), rules=rules, methods=methods, grades=grades,
        params=params, explanations=explanations, grids=grids, narrative=narrative_of(grids, tables),
        input_formulas=_input_formulas(source, names))


#: Inputs that must hold plain text: a formula there (=HYPERLINK(…)) reads as nothing.
TEXT_INPUTS = ("unit_name", "unit_code", "preparer", "contact", "self_grade")


def _input_formulas(source: BookSource, names: dict[str, Any]) -> dict[tuple[str, str], str]:
    """Formulas typed into text inputs, when the source can tell (a file can; a live book's
    values are what the user sees)."""
    formulas = getattr(source, "formulas", None)
    if formulas is None:
        return {}
    by_sheet: dict[str, list[str]] = {}
    for name in TEXT_INPUTS:
        loc = names.get(name)
        if loc is not None and ":" not in loc.ref:
            by_sheet.setdefault(loc.sheet, []).append(loc.ref.replace("$", ""))
    return {(sheet, cell): f for sheet, cells in by_sheet.items() for cell, f in formulas(sheet, cells).items()}
