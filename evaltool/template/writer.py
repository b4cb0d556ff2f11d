"""Write a blank or pre-filled evaltool template workbook (xlsxwriter) per docs/template.md.

Why: the bureau issues one standard workbook per framework; departments fill it in Excel or
WPS. Everything evaltool later reads, checks, scores and writes back relies on this layout:
sheets in order, defined names, tables with fixed headers, locked bureau content with a
fingerprint, input cells unlocked, live formulas with cached ``""`` so any spreadsheet
recalculates them.

Example::

    from evaltool.template import write_template
    write_template("dept-overall", "template.xlsx", unit_name="北京市西城区妇女联合会", year=2023)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook

from evaltool import contract as C
from evaltool.contract.fingerprint import fingerprint_of
from evaltool.frameworks import load_framework
from evaltool.frameworks.as_model import (
    grades_of,
    indicators_of,
    methods_of,
    params_of,
    rate_formulas_of,
    rules_of,
)
from evaltool.frameworks.targets import TargetRow, apply_targets
from evaltool.io.atomic import atomic_write_bytes
from evaltool.template.budget import write_budget
from evaltool.template.checks import write_checks
from evaltool.template.context import Ctx
from evaltool.template.cover import write_cover
from evaltool.template.indicators import write_indicators
from evaltool.template.meta import write_meta
from evaltool.template.narrative import write_narrative
from evaltool.template.open_issues import write_open_issues
from evaltool.template.projects import write_projects
from evaltool.template.rulesheets import params_header_row, write_grades, write_methods, write_rules
from evaltool.template.selfeval import write_self_eval
from evaltool.template.styles import Styles
from evaltool.template.summary import write_summary

Signer = Callable[[str], tuple[str, str]]


def _created(created_at: dt.datetime | str | None) -> dt.datetime:
    if created_at is None:
        return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    if isinstance(created_at, str):
        created_at = dt.datetime.fromisoformat(created_at)
    return created_at if created_at.tzinfo else created_at.replace(tzinfo=dt.timezone.utc)


def build_context(framework_id: str, wb: Workbook | None, values: Mapping[str, Any] | None,
                  password: str | None, lang: str, targets: Sequence[TargetRow] | None = None,
                  targets_source: str = "目标表") -> Ctx:
    """The framework's model objects at their contract rows (usable without a workbook);
    with ``targets`` (one unit's rows of a targets file) its approved targets and own
    indicators, locked."""
    fw = load_framework(framework_id)
    if targets is not None:
        fw = apply_targets(fw, targets, targets_source)
    first = C.TABLE_HEADER_ROWS["Indicators"] + 1
    ctx = Ctx(wb=wb, st=Styles(wb) if wb is not None else None, fw=fw, values=dict(values or {}),  # type: ignore[arg-type]
              password=password, lang=lang)
    ctx.indicators = indicators_of(fw, first)
    ctx.methods = methods_of(fw, C.TABLE_HEADER_ROWS["Methods"] + 1)
    ctx.rules = rules_of(fw, C.TABLE_HEADER_ROWS["Rules"] + 1)
    ctx.grades = grades_of(fw, C.TABLE_HEADER_ROWS["Grades"] + 1)
    ctx.params = params_of(fw, params_header_row(len(ctx.methods)) + 1)
    return ctx


def template_fingerprint(framework_id: str) -> str:
    """The fingerprint a template of ``framework_id`` carries (independent of filled values)."""
    ctx = build_context(framework_id, None, None, None, "zh")
    return fingerprint_of(ctx.indicators, ctx.methods, ctx.rules, ctx.grades, ctx.params,
                          rate_formulas_of(ctx.fw))


def write_template(
    framework_id: str,
    path: str | Path,
    *,
    unit_name: str = "",
    unit_code: str = "",
    year: int | None = None,
    values: Mapping[str, Any] | None = None,
    lang: str = "zh",
    password: str | None = None,
    created_at: dt.datetime | str | None = None,
    signer: Signer | None = None,
    targets: Sequence[TargetRow] | None = None,
    targets_source: str = "目标表",
) -> Path:
    """Write the template of ``framework_id`` to ``path`` (atomically) and return the path.

    ``values`` pre-fills inputs: defined names (``budget_initial``, ``self_grade``, ...),
    ``indicators`` ({三级指标 or 二级/三级: {年度目标值, 实际完成值, 偏差原因, 备注}}),
    ``extra_indicators`` (rows for the spare lines), ``projects`` (rows keyed by header),
    ``budget_lines`` ({项目: {全年预算数, ...}}), ``cover_notes`` (lines under the cover).
    ``created_at`` fixes the timestamp (deterministic output); ``signer`` maps the
    fingerprint to ``(signature, key_id)``. ``targets``: this unit's rows of the bureau's
    targets file (:func:`evaltool.io.targets.read_targets`, then ``for_unit``): approved targets
    and the unit's own indicators are written locked and fingerprinted (docs/targets.md);
    ``targets_source`` names the file in errors.
    """
    path = Path(path)
    created = _created(created_at)
    buf = io.BytesIO()
    wb = Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                        "strings_to_numbers": False})
    ctx = build_context(framework_id, wb, values, password, lang, targets, targets_source)
    fw = ctx.fw
    fingerprint = fingerprint_of(ctx.indicators, ctx.methods, ctx.rules, ctx.grades, ctx.params,
                                 rate_formulas_of(fw))
    template_id = C.TEMPLATE_ID_PREFIX + fw.id
    issued_year = ctx.values.get("eval_year", year)
    meta = {
        "template_id": template_id, "template_version": C.TEMPLATE_VERSION, "framework_id": fw.id,
        "framework_version": fw.version, "created_at": created.isoformat(),
        "unit_name": str(ctx.values.get("unit_name", unit_name) or ""), "fingerprint": fingerprint,
        "locked_indicator_rows": str(len(ctx.indicators)),
        "unit_code": str(ctx.values.get("unit_code", unit_code) or ""),
        "eval_year": "" if issued_year in (None, "") else str(issued_year), "signed": C.SIGNED_IDENTITY,
        "approved_targets": "1" if targets is not None else "",
        "filler_weighted_rows": "1" if fw.filler_weighted_rows else "",
    }
    signature, key_id = signer(C.signed_payload(meta)) if signer else ("", "")
    wb.set_properties({"title": f"{fw.name}填报表", "author": "evaltool", "company": "",
                       "created": created.replace(tzinfo=None),
                       "comments": f"{template_id} {C.TEMPLATE_VERSION}"})
    notes = [str(n) for n in ctx.values.get("cover_notes", []) or []]
    if targets is not None:
        notes.append("年度目标值为预算批复时审定的绩效目标（来源见各指标备注），已锁定，不得修改。")
    else:
        notes.append("本表年度目标值未经预算批复时审定，由填报单位填写。")
    if fw.unit_points:
        kept = sum((p for _, _, p in fw.unit_points), Decimal(0))
        groups = "、".join(f"{a}/{b} {p}分" for a, b, p in fw.unit_points)
        notes.append(f"本框架为单位个性指标预留 {kept} 分（{groups}），由财政部门随目标表下达；"
                     f"本表未随目标表下达，这 {kept} 分空缺（填报单位自行增加的指标按 0 分计）。")
    if fw.notes:
        notes.append("框架说明：" + fw.notes)
    write_cover(ctx, unit_name=unit_name, unit_code=unit_code, year=year, template_id=template_id, notes=notes)
    write_budget(ctx)
    write_indicators(ctx)
    write_projects(ctx)
    write_self_eval(ctx)
    write_narrative(ctx)
    write_rules(ctx)
    write_methods(ctx)
    write_grades(ctx)
    write_checks(ctx)
    write_open_issues(ctx)
    write_summary(ctx)
    write_meta(ctx, {**meta, "signature": signature, "key_id": key_id})
    wb.worksheets()[0].activate()
    wb.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, buf.getvalue())
    return path
