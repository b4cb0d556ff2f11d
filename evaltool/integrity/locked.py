"""Tamper evidence: did a filler change bureau-owned content, and exactly which cell?

Why: a department fills inputs; weights, scoring methods, rules, grade bands, parameters and
the rate formulas belong to the bureau. The template stores a fingerprint of that locked
content in ``_meta`` (optionally HMAC-signed with the bureau key, :mod:`evaltool.integrity.keys`) and
— written by :func:`meta_entries` at template time — the locked cells themselves as JSON
(``locked_content``, chunked over rows ``locked_content``, ``locked_content.2``, … below
32,000 characters each). :func:`verify` recomputes the fingerprint from the parsed workbook;
on a mismatch it diffs the stored cells against the workbook and names every changed cell
(``绩效指标!F7 分值 2 → 5``). Values are compared in the fingerprint's canonical form
(numbers normalised, blanks as blank), so an honest re-save by Excel, WPS or LibreOffice
that rewrites the XML but keeps the values raises nothing. Pure: model objects in, findings
out; no Excel library.

Rules: ``INT-1`` locked cell changed (error), ``INT-2`` locked content changed but the cell
cannot be named, or the stored check data was edited (error), ``INT-3`` bad or missing
signature (error), ``INT-4`` signed with another key (error: with a bureau key only its own
templates count), ``INT-5`` no fingerprint (warning), ``ID-1`` the cover names another unit,
unit code or year than the template was issued to (``_meta`` ``unit_name``, ``unit_code``,
``eval_year``; signed with the fingerprint, :func:`evaltool.contract.signed_payload`) (error).

Example::

    from evaltool.integrity import verify
    for f in verify(evaltool.load("returned.xlsx"), key=keys.load_key()):
        print(f.sheet, f.cell, render(f))      # 绩效指标 F7 锁定内容被修改：绩效指标!F7 分值 2 → 5
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from difflib import SequenceMatcher
from typing import Any

from evaltool import contract as C
from evaltool.contract.a1 import column_letters, row_of
from evaltool.contract.fingerprint import (
    canonical_value,
    fingerprint_of_evaluation,
    rate_formulas_of_evaluation,
)
from evaltool.messages import severity_label
from evaltool.model import Evaluation, Finding, Grade, Indicator, Method, Param, Rule, Severity, Text

__all__ = ["LOCKED_KEY", "LockedCell", "Change", "locked_cells", "locked_cells_of_evaluation",
           "meta_entries", "stored_locked_cells", "diff_locked", "verify", "identity_findings",
           "issued_rows", "match_issued", "MAX_CELL_FINDINGS"]

LOCKED_KEY = "locked_content"
CHUNK_CHARS = 32_000
MAX_CELL_FINDINGS = 30
SHOW_CHARS = 60  # long rule expressions are cut in the message (full text in Finding.value)
SOURCE = "integrity"



@dataclass(frozen=True)
class LockedCell:
    sheet: str
    cell: str
    label: str  # the column header (分值, 表达式, ...) or 计算公式
    value: str | None  # canonical text (fingerprint form); None = blank


@dataclass(frozen=True)
class Change:
    sheet: str
    cell: str
    label: str
    old: str | None
    new: str | None


Layout = Mapping[str, tuple[str, int, Sequence[str]]]  # table -> (sheet, first column, headers)


def contract_layout() -> dict[str, tuple[str, int, Sequence[str]]]:
    """Table positions as the template writer lays them out (column A onwards)."""
    return {t: (C.TABLE_SHEETS[t], 1, C.TABLE_HEADERS[t]) for t in C.TABLE_HEADERS}


def _canon(v: Any) -> str | None:
    out = canonical_value(v)
    return None if out is None else str(out)


def _row_cells(layout: Layout, table: str, row: int, values: Mapping[str, Any]) -> Iterable[LockedCell]:
    sheet, first, headers = layout[table]
    for header, value in values.items():
        if header in headers:
            yield LockedCell(sheet, f"{column_letters(first + list(headers).index(header))}{row}", header, _canon(value))


def locked_cells(
    indicators: Iterable[Indicator],
    methods: Iterable[Method],
    rules: Iterable[Rule],
    grades: Iterable[Grade],
    params: Iterable[Param],
    rate_formulas: Mapping[str, tuple[int, str]],
    layout: Layout | None = None,
) -> list[LockedCell]:
    """Every locked cell with its canonical value: exactly the fields the fingerprint covers.

    ``rate_formulas`` maps a rate name to ``(sheet row, formula text)`` on 预算执行.
    """
    lay = layout or contract_layout()
    out: list[LockedCell] = []
    for i in indicators:
        if i.locked:
            out += _row_cells(lay, "Indicators", i.row, {
                "一级指标": i.level1, "二级指标": i.level2, "三级指标": i.level3, "指标类型": i.kind,
                "评分方法": i.method, "分值": i.weight, "计量单位": i.unit, "指标方向": i.direction,
                **({"年度目标值": i.target} if i.target_locked else {})})
    for m in methods:
        cells: dict[str, Any] = {"方法编号": m.code, "方法名称": m.name, "类型": m.kind,
                                 "参数": m.params_text, "说明": m.description}
        if m.basis or m.standing:
            cells.update({"依据": m.basis, "效力": m.standing})
        out += _row_cells(lay, "Methods", m.row, cells)
    for r in rules:
        out += _row_cells(lay, "Rules", r.row, {
            "规则编号": r.id, "范围": r.scope, "对象表": r.table, "表达式": r.expression.lstrip("="),
            "级别": severity_label(r.severity), "提示信息": r.message, "容差": r.tolerance,
            "需说明": "是" if r.explain_required else "否"})
    for g in grades:
        out += _row_cells(lay, "Grades", g.row, {"等级": g.name, "下限": g.lower, "上限": g.upper,
                                                 "含上限": "是" if g.upper_inclusive else "否",
                                                 "别名": "、".join(g.aliases)})
    for p in params:
        out += _row_cells(lay, "Params", p.row, {"参数名": p.name, "参数值": p.value, "说明": p.label})
    for name, (row, formula) in rate_formulas.items():
        out.append(LockedCell(C.BUDGET, f"{column_letters(C.RATE_FORMULA_COL)}{row}", name,
                              _canon(str(formula).lstrip("="))))
    return out


def locked_cells_of_evaluation(ev: Evaluation) -> list[LockedCell]:
    """The locked cells as they are in a parsed workbook (positions from its own tables)."""
    layout: dict[str, tuple[str, int, Sequence[str]]] = contract_layout()
    for name, info in ev.tables.items():
        layout[name] = (info.sheet, info.first_col, info.headers)
    formulas = rate_formulas_of_evaluation(ev)
    rows = {n: row_of(ev.names[n].ref) for n in formulas if n in ev.names}
    return locked_cells(ev.indicator_rows, ev.methods, ev.rules, ev.grades, ev.params,
                        {n: (rows[n], f) for n, f in formulas.items() if n in rows}, layout)


def _template_rate_rows(formulas: Mapping[str, str]) -> dict[str, tuple[int, str]]:
    return {n: (C.RATE_ROWS[n], f) for n, f in formulas.items() if n in C.RATE_ROWS}


def meta_entries(ctx: Any, meta: Mapping[str, str]) -> list[tuple[str, str]]:
    """Extra ``_meta`` rows for a template being written: the locked cells as chunked JSON.

    ``ctx`` is the template writer's context (indicators, methods, rules, grades, params at
    their sheet rows, and the framework ``fw``); ``meta`` the identity rows (for the
    fingerprint the stored cells belong to).
    """
    from evaltool.frameworks.as_model import rate_formulas_of

    cells = locked_cells(ctx.indicators, ctx.methods, ctx.rules, ctx.grades, ctx.params,
                         _template_rate_rows(rate_formulas_of(ctx.fw)))
    doc = json.dumps({"v": 1, "fingerprint": str(meta.get("fingerprint", "")),
                      "cells": [[c.sheet, c.cell, c.label, c.value] for c in cells]},
                     ensure_ascii=False, separators=(",", ":"))
    chunks = [doc[i:i + CHUNK_CHARS] for i in range(0, len(doc), CHUNK_CHARS)] or [""]
    return [(LOCKED_KEY if i == 0 else f"{LOCKED_KEY}.{i + 1}", chunk) for i, chunk in enumerate(chunks)]


def stored_locked_cells(meta: Mapping[str, str]) -> tuple[list[LockedCell], str] | None:
    """``(cells, fingerprint they belong to)`` from ``_meta``; None when absent or unreadable."""
    if not meta.get(LOCKED_KEY):
        return None
    parts = [meta[LOCKED_KEY]]
    n = 2
    while f"{LOCKED_KEY}.{n}" in meta:
        parts.append(meta[f"{LOCKED_KEY}.{n}"])
        n += 1
    try:
        doc = json.loads("".join(parts))
        cells = [LockedCell(str(s), str(c), str(label), None if v is None else str(v))
                 for s, c, label, v in doc["cells"]]
        return cells, str(doc.get("fingerprint", ""))
    except (ValueError, KeyError, TypeError):
        return None


#: the fields that identify an issued indicator row when rows move (a filler inserts or deletes rows)
ROW_KEY = ("一级指标", "二级指标", "三级指标")


def issued_rows(meta: Mapping[str, str], sheet: str) -> list[tuple[str | None, ...]] | None:
    """The indicator rows the template was issued with, in order, as :data:`ROW_KEY` tuples
    (canonical values) from ``_meta``'s stored locked cells; None when the workbook carries none
    (a 1.x template, or the stored cells are missing or unreadable)."""
    stored = stored_locked_cells(meta)
    if stored is None:
        return None
    rows, _ = _by_row(stored[0], sheet)
    return [tuple(next((c.value for c in rows[r] if c.label == h), None) for h in ROW_KEY) for r in sorted(rows)]


def match_issued(issued: Sequence[tuple[Any, ...]], current: Sequence[tuple[Any, ...]]) -> list[bool]:
    """For each current row (same key shape as :func:`issued_rows`), whether it is an issued row.

    Rows are aligned in order by their key (:class:`difflib.SequenceMatcher`): a row the filler
    inserted anywhere in the table is not an issued row, an issued row whose key the filler
    edited in place still is (so the change is reported on it), and an issued row the filler
    deleted simply has no partner (reported by :func:`verify` as ``INT-1.deleted_row``).
    """
    out = [False] * len(current)
    matcher = SequenceMatcher(None, list(issued), list(current), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out[j1:j2] = [True] * (j2 - j1)
        elif op == "replace":  # edited in place: pair them one to one, the rest are added rows
            for j in range(j1, j1 + min(i2 - i1, j2 - j1)):
                out[j] = True
    return out


def diff_locked(stored: Iterable[LockedCell], current: Iterable[LockedCell]) -> list[Change]:
    """Cells whose canonical value differs, in the stored order, then cells only in ``current``."""
    now = {(c.sheet, c.cell): c for c in current}
    seen: set[tuple[str, str]] = set()
    out: list[Change] = []
    for c in stored:
        key = (c.sheet, c.cell)
        seen.add(key)
        new = now.get(key)
        new_value = new.value if new is not None else None
        if new_value != c.value:
            out.append(Change(c.sheet, c.cell, c.label, c.value, new_value))
    for key, c in now.items():
        if key not in seen and c.value is not None:
            out.append(Change(c.sheet, c.cell, c.label, None, c.value))
    return out


def _row_of(cell: str) -> int:
    return int(cell.lstrip("$ABCDEFGHIJKLMNOPQRSTUVWXYZ").lstrip("$") or 0)


def _by_row(cells: Iterable[LockedCell], sheet: str) -> tuple[dict[int, list[LockedCell]], list[LockedCell]]:
    rows: dict[int, list[LockedCell]] = {}
    rest: list[LockedCell] = []
    for c in cells:
        if c.sheet == sheet:
            rows.setdefault(_row_of(c.cell), []).append(c)
        else:
            rest.append(c)
    return rows, rest


def align_rows(stored: Iterable[LockedCell], current: Iterable[LockedCell], sheet: str
               ) -> tuple[list[tuple[int, str]], list[Change], list[LockedCell], list[LockedCell]]:
    """Rows of ``sheet`` matched by content, as a filler's row deletion shifts them.

    Returns the stored rows deleted (``(row, 三级指标)``), the changed cells of matched rows
    (at their current address), and the cells of other sheets (stored, current) left to
    compare cell by cell. Deleting one indicator row is one change, not one per cell below.
    """
    srows, srest = _by_row(stored, sheet)
    nrows, nrest = _by_row(current, sheet)
    sk, nk = sorted(srows), sorted(nrows)

    def key(cells: list[LockedCell]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((c.label, c.value or "") for c in cells))

    deleted: list[tuple[int, str]] = []
    changes: list[Change] = []
    matcher = SequenceMatcher(None, [key(srows[r]) for r in sk], [key(nrows[r]) for r in nk], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        pairs = list(zip(range(i1, i2), range(j1, j2), strict=False))
        for i, j in pairs:
            now = {c.label: c for c in nrows[nk[j]]}
            for c in srows[sk[i]]:
                new = now.get(c.label)
                if new is None or new.value != c.value:
                    changes.append(Change(sheet, new.cell if new else c.cell, c.label, c.value,
                                          new.value if new else None))
        for i in range(i1 + len(pairs), i2):
            name = next((c.value or "" for c in srows[sk[i]] if c.label == "三级指标"), "")
            deleted.append((sk[i], name))
        for j in range(j1 + len(pairs), j2):
            changes += [Change(sheet, c.cell, c.label, None, c.value) for c in nrows[nk[j]] if c.value is not None]
    return deleted, changes, srest, nrest


def _finding(rule: str, severity: Severity, code: str, params: Mapping[str, Any] | None = None,
             sheet: str = C.META, cell: str = "", value: Any = None) -> Finding:
    return Finding(rule=rule, severity=severity, sheet=sheet, cell=cell, code=code, params=params or {},
                   value=value, source=SOURCE)


def _meta_cell(key: str) -> str:
    return f"B{C.META_KEYS.index(key) + 1}"


def _show(value: str | None) -> str | Text:
    if value in (None, ""):
        return Text("word.blank")
    v = str(value)
    return v if len(v) <= SHOW_CHARS else v[:SHOW_CHARS - 1] + "…"


def _content_findings(ev: Evaluation, stored_fp: str) -> list[Finding]:
    if fingerprint_of_evaluation(ev) == stored_fp:
        return []
    stored = stored_locked_cells(ev.meta)
    if stored is None:
        return [_finding("INT-2", "error", "INT-2.unknown")]
    cells, fp = stored
    if fp != stored_fp:
        return [_finding("INT-2", "error", "INT-2.meta_edited")]
    sheet = ev.tables["Indicators"].sheet if "Indicators" in ev.tables else C.TABLE_SHEETS["Indicators"]
    deleted, changes, stored_rest, now_rest = align_rows(cells, locked_cells_of_evaluation(ev), sheet)
    changes += diff_locked(stored_rest, now_rest)
    if not changes and not deleted:
        return [_finding("INT-2", "error", "INT-2.unknown")]
    out = [_finding("INT-1", "error", "INT-1.deleted_row", {"row": row, "name": name}, sheet, f"A{row}")
           for row, name in deleted]
    for ch in changes[:MAX_CELL_FINDINGS]:
        label: str | Text = Text("word.formula", {"name": ch.label}) if ch.label in C.RATE_NAMES else ch.label
        params = {"where": f"{ch.sheet}!{ch.cell}", "label": label, "old": _show(ch.old), "new": _show(ch.new)}
        out.append(_finding("INT-1", "error", "INT-1.changed", params, ch.sheet, ch.cell,
                            {"old": ch.old, "new": ch.new}))
    if len(changes) > MAX_CELL_FINDINGS:
        rest = changes[MAX_CELL_FINDINGS:]
        out.append(_finding("INT-1", "error", "INT-1.more", {"n": len(rest)}, rest[0].sheet))
    return out


def _signature_findings(meta: Mapping[str, str], key: bytes) -> list[Finding]:
    from evaltool.integrity.keys import key_id, sign

    ours, theirs = key_id(key), meta.get("key_id", "")
    signature = meta.get("signature", "")
    if not signature:
        return [_finding("INT-3", "error", "INT-3.no_signature", cell=_meta_cell("signature"))]
    if theirs and theirs != ours:
        return [_finding("INT-4", "error", "INT-4.other_key", {"theirs": theirs, "ours": ours},
                         cell=_meta_cell("key_id"))]
    if not hmac.compare_digest(signature, sign(C.signed_payload(meta), key)):
        return [_finding("INT-3", "error", "INT-3.bad_signature", cell=_meta_cell("signature"))]
    return []


#: cover name -> the catalogue's label code of the issued identity compared with the cover.
_IDENTITY_LABELS = {"unit_name": "ID-1.label_unit_name", "unit_code": "ID-1.label_unit_code",
                    "eval_year": "ID-1.label_eval_year"}


def _cover_text(v: Any) -> str:
    if isinstance(v, Decimal) and v == v.to_integral():
        v = int(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return " ".join(str(v).split()) if v not in (None, "") else ""


def identity_findings(ev: Evaluation) -> list[Finding]:
    """``ID-1``: the cover names another unit, code or year than the template was issued to
    (``_meta`` ``unit_name``/``unit_code``/``eval_year``), or the template id does not match
    its framework. Blank issued values (a blank template for everyone) and a blank cover
    cell are not compared. Errors: such a return is not counted anywhere."""
    out: list[Finding] = []
    for key, label in _IDENTITY_LABELS.items():
        issued = _cover_text(ev.meta.get(key, ""))
        found = _cover_text(ev.scalars.get(key))
        if not issued or not found or issued == found:
            continue
        loc = ev.names.get(key)
        out.append(_finding("ID-1", "error", "ID-1.cover", {"label": Text(label), "found": found, "issued": issued},
                            loc.sheet if loc else C.COVER, loc.ref.replace("$", "") if loc else "",
                            {"issued": issued, "found": found}))
    template_id, framework = ev.meta.get("template_id", ""), ev.meta.get("framework_id", "")
    if framework and template_id and template_id != C.TEMPLATE_ID_PREFIX + framework:
        out.append(_finding("ID-1", "error", "ID-1.framework", {"template_id": template_id, "framework": framework},
                            cell=_meta_cell("framework_id")))
    return out


def verify(ev: Evaluation, *, key: bytes | None = None) -> list[Finding]:
    """Integrity findings for a parsed workbook (empty when it is the template as issued).

    ``key``: the bureau key; None means "the key in the config folder, if any"
    (:func:`evaltool.integrity.keys.load_key`); ``b""`` means "check without a key". Without a key the
    fingerprint still catches changed content; with one, a missing or wrong signature is an
    error and a signature made with another key a warning.
    """
    if key is None:
        from evaltool.integrity.keys import load_key

        key = load_key()
    stored_fp = ev.meta.get("fingerprint", "")
    if not stored_fp:
        return [_finding("INT-5", "warning", "INT-5.no_fingerprint", cell=_meta_cell("fingerprint")),
                *identity_findings(ev)]
    findings = identity_findings(ev) + _content_findings(ev, stored_fp)
    if key:
        findings += _signature_findings(ev.meta, key)
    return findings
