"""Summary rows to and from the results store: a :class:`Digest` as table rows, and back.

Why: ``collect`` keeps every return's summary rows in the store (one ``returns`` row with the
unit row as JSON, one ``indicators`` row per indicator line, one ``findings`` row per finding)
instead of in memory, so the summary can be rebuilt from everything the campaign has seen —
this run's files and every earlier run's — reading one batch of files at a time.

Values keep their type through JSON: a cell value is ``{"t": "d"|"f"|"i"|"s"|"b"|"dt"|"n", "v": text}``
(Decimal stays exact, a date stays a date).

Example::

    unit_row, findings, indicators = to_rows(d)          # what records.complete() stores
    for d in stored_digests(store, campaign_id):          # every file of the campaign, in order
        ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from evaltool.messages.stored import params_from_json, params_json, stored_message
from evaltool.store.db import Store
from evaltool.store.names import name_from_bytes
from evaltool.store.schema import File, FindingRow, IndicatorRow, Return, Sighting
from evaltool.summary.collect import Collected, _cell_key, finding_sort_key
from evaltool.summary.digest import Digest, FindingLine, IndicatorLine, OtherRow, UnitRow
from evaltool.summary.entries import REJECTED, SUPERSEDED
from evaltool.summary.table import RowSource

__all__ = ["to_rows", "stored_digests", "stored_collected", "pack", "unpack_value"]

BATCH = 200


def pack(v: object) -> dict[str, Any]:
    """A cell value as typed JSON."""
    if v is None:
        return {"t": "n", "v": None}
    if isinstance(v, bool):
        return {"t": "b", "v": v}
    if isinstance(v, Decimal):
        return {"t": "d", "v": str(v)}
    if isinstance(v, int):
        return {"t": "i", "v": v}
    if isinstance(v, float):
        return {"t": "f", "v": v}
    if isinstance(v, datetime):
        return {"t": "dt", "v": v.isoformat()}
    return {"t": "s", "v": str(v)}


def unpack_value(d: Any) -> Any:
    if not isinstance(d, dict):
        return d
    t, v = d.get("t"), d.get("v")
    if v is None:
        return None
    if t == "d":
        return Decimal(v)
    if t == "dt":
        return datetime.fromisoformat(v)
    return v


def _unit_json(u: UnitRow, grades: Sequence[str], stamp: datetime | None) -> dict[str, Any]:
    return {"source": u.source, "unit": u.unit, "code": u.code, "year": u.year, "framework": u.framework,
            "level1": [[n, v] for n, v in u.level1], "total": u.total, "grade": u.grade,
            "grade_order": u.grade_order, "variance_rate": u.variance_rate,
            "variance_threshold": u.variance_threshold, "execution_rate": u.execution_rate,
            "budget_initial": pack(u.budget_initial), "final_expenditure": pack(u.final_expenditure),
            "errors": u.errors, "warnings": u.warnings, "status": u.status, "grades": list(grades),
            "stamp": stamp.isoformat() if stamp else None}


def to_rows(d: Digest) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(unit row JSON, finding rows, indicator rows) of a digest, as the store keeps them."""
    unit = _unit_json(d.unit, d.grades, d.stamp) if d.unit is not None else \
        {"grades": list(d.grades), "stamp": d.stamp.isoformat() if d.stamp else None}
    findings = []
    for f in d.findings:
        row, col, _ = _cell_key(f.cell)
        findings.append({"rule": f.rule, "severity": f.severity, "sheet": f.sheet, "cell": f.cell, "row": row,
                         "col": col, "message": f.message, "explained": f.explained, "code": f.code,
                         "params": params_json(f.params) if f.code else None})
    indicators = [{"level1": x.level1, "level2": x.level2, "level3": x.level3, "kind": x.kind,
                   "weight": "" if x.weight is None else str(x.weight), "direction": x.direction,
                   "measure": x.measure, "target": pack(x.target), "actual": pack(x.actual), "rate": pack(x.rate),
                   "score": pack(x.score), "note": x.note} for x in d.indicators]
    return unit, findings, indicators


def _unit_row(j: dict[str, Any], label: str, status: str) -> UnitRow:
    return UnitRow(source=label, unit=j["unit"], code=j["code"], year=j["year"], framework=j["framework"],
                   level1=tuple((n, v) for n, v in j["level1"]), total=j["total"], grade=j["grade"],
                   grade_order=j["grade_order"], variance_rate=j["variance_rate"],
                   variance_threshold=j["variance_threshold"], execution_rate=j["execution_rate"],
                   budget_initial=unpack_value(j["budget_initial"]),
                   final_expenditure=unpack_value(j["final_expenditure"]), errors=j["errors"],
                   warnings=j["warnings"], status=status or j["status"])


def _finding(x: FindingRow, source: str, unit: str, lang: str) -> FindingLine:
    """A stored finding, its sentence rendered in ``lang`` (a row from before 0002: as recorded)."""
    params = params_from_json(x.params) if x.code else {}
    return FindingLine(source=source, unit=unit, sheet=x.sheet, cell=x.cell, rule=x.rule, severity=x.severity,
                       message=stored_message(x.code, x.params, x.message, lang), explained=x.explained,
                       code=x.code, params=params)


def _digest(f: File, r: Return | None, findings: list[FindingRow], lines: list[IndicatorRow],
            lang: str = "zh") -> Digest:
    label = name_from_bytes(f.label_raw) if f.label_raw else f.label
    j = r.unit_row if r is not None else {}
    stamp = datetime.fromisoformat(j["stamp"]) if j.get("stamp") else None
    grades = tuple(j.get("grades", ()))
    unit_name = (r.unit_name or j.get("refused_unit", "")) if r is not None else ""
    finding_lines = tuple(_finding(x, label, j.get("unit", unit_name), lang) for x in findings)
    if f.decision in ("accepted", "pending") and r is not None and "unit" in j:
        unit = _unit_row(j, label, f.summary_status)
        lines_out = tuple(_line(x, label, unit.unit) for x in lines)
        if f.decision == "pending":  # 待确认: its unit row stays (unranked), 问题清单 says why first
            finding_lines = (_pending_line(f, label, unit.unit), *finding_lines)
        return Digest(unit, None, lines_out, finding_lines, grades, stamp)
    status = SUPERSEDED if f.decision in ("superseded", "duplicate", "pending") else REJECTED
    other = OtherRow(label, unit_name, status, f.reason, f.sender, f.mail_date, f.superseded_by)
    # superseded returns keep no findings in 问题清单 (they are obsolete)
    kept = () if f.decision in ("superseded", "duplicate") else finding_lines
    return Digest(None, other, (), kept, grades, stamp or f.mail_date)


def _pending_line(f: File, label: str, unit: str) -> FindingLine:
    """The 待确认 note of a pending return (VER-1: the returns it ties with), as collect lists it."""
    return FindingLine(label, unit, "", "", "VER-1", "warning", f.reason, False)


_DUP = ("与 {of} 内容完全相同（重复附件），只处理一次", "Identical to {of} (sent twice); processed once")


def _batches(s: Any, campaign_id: int, *, sightings: bool = True
             ) -> Iterator[tuple[list[File], dict[int, Return], dict[int, list[Sighting]]]]:
    """The campaign's files in the order received, ``BATCH`` at a time (keyset pagination), with
    their returns and (with ``sightings``) every later sighting of the same content."""
    last = 0
    while True:
        files = list(s.scalars(select(File).where(File.campaign_id == campaign_id, File.id > last,
                                                  File.decision != "processing")
                               .order_by(File.id).limit(BATCH)))
        if not files:
            return
        ids = [f.id for f in files]
        last = ids[-1]
        rets = {r.file_id: r for r in s.scalars(select(Return).where(Return.file_id.in_(ids)))}
        seen: dict[int, list[Sighting]] = {i: [] for i in ids}
        if sightings:
            for z in s.scalars(select(Sighting).where(Sighting.file_id.in_(ids)).order_by(Sighting.id)):
                seen[z.file_id].append(z)
        yield files, rets, seen
        s.expunge_all()


def _repeats(label: str, sightings: list[Sighting], lang: str) -> Iterator[Digest]:
    """One 已被替代 digest per sighting of the same content under another name than ``label``."""
    names = {label}
    for z in sightings:
        name = name_from_bytes(z.label_raw) if z.label_raw else z.label
        if name not in names:
            names.add(name)
            yield Digest(None, OtherRow(name, "", SUPERSEDED, _DUP[lang == "en"].format(of=label),
                                        z.sender, z.mail_date, label), (), (), (), z.mail_date)


def stored_digests(store: Store, campaign_id: int, *, duplicates: bool = True, lang: str = "zh"
                   ) -> Iterator[Digest]:
    """One digest per file of the campaign (in the order received), read ``BATCH`` files at a
    time; with ``duplicates``, one more per repeated sighting under another name (已被替代)."""
    with store.session() as s:
        for files, rets, seen in _batches(s, campaign_id, sightings=duplicates):
            ids = [f.id for f in files]
            finds: dict[int, list[FindingRow]] = {i: [] for i in ids}
            for x in s.scalars(select(FindingRow).where(FindingRow.file_id.in_(ids)).order_by(FindingRow.id)):
                finds[x.file_id].append(x)
            lines: dict[int, list[IndicatorRow]] = {i: [] for i in ids}
            for y in s.scalars(select(IndicatorRow).where(IndicatorRow.file_id.in_(ids))
                               .order_by(IndicatorRow.file_id, IndicatorRow.position)):
                lines[y.file_id].append(y)
            for f in files:
                yield _digest(f, rets.get(f.id), finds[f.id], lines[f.id], lang)
                yield from _repeats(_file_label(f), seen[f.id], lang)


def _file_label(f: File) -> str:
    return name_from_bytes(f.label_raw) if f.label_raw else f.label


def stored_collected(store: Store, campaign_id: int, *, lang: str = "zh", rank_with_errors: bool = False
                     ) -> Collected:
    """The summary's rows from the store with the two long lists (指标明细, 问题清单) left in the
    store: :attr:`Collected.streams` reads them back in order, a batch of files at a time, so
    the summary of any number of returns takes flat memory. Units and other files (one small
    row each) are gathered as usual. ``rank_with_errors``: as in
    :func:`~evaltool.summary.collect.collect`."""
    c = Collected(rank_with_errors)
    fid_of: dict[tuple[str, str], int] = {}  # (label, unit) of a unit row -> its file id
    label_by_fid: dict[int, str] = {}  # labels repeat across runs' inboxes (a.eml/x.xlsx): keyed by file id
    unit_of: dict[int, str] = {}
    with_findings: list[tuple[str, int]] = []
    pending: dict[int, FindingLine] = {}  # file id -> its 待确认 note (VER-1), listed with its findings
    with store.session() as s:
        for files, rets, seen in _batches(s, campaign_id):
            for f in files:
                d = _digest(f, rets.get(f.id), [], [])
                c.add(d)
                label = _file_label(f)
                label_by_fid[f.id] = label
                if d.unit is not None:
                    fid_of[(label, d.unit.unit)] = f.id
                unit_of[f.id] = d.unit.unit if d.unit is not None else (d.other.unit if d.other else "")
                if f.decision not in ("superseded", "duplicate"):
                    with_findings.append((label, f.id))
                if f.decision == "pending" and d.unit is not None:
                    pending[f.id] = d.findings[0]
                for repeat in _repeats(label, seen[f.id], lang):
                    c.add(repeat)
    c.finish()
    ranked = [(fid_of[(u.source, u.unit)], u.unit) for u in c.units]
    with_findings.sort()

    def streams(root: str) -> tuple[RowSource, RowSource]:
        def rel(p: str) -> str:
            return os.path.relpath(p, root) if root and p else p

        label_of = {fid: rel(label) for fid, label in label_by_fid.items()}

        def details() -> Iterator[IndicatorLine]:
            with store.session() as s:
                for i in range(0, len(ranked), BATCH):
                    batch = ranked[i:i + BATCH]
                    got: dict[int, list[IndicatorRow]] = {fid: [] for fid, _ in batch}
                    for y in s.scalars(select(IndicatorRow).where(IndicatorRow.file_id.in_(list(got)))
                                       .order_by(IndicatorRow.file_id, IndicatorRow.position)):
                        got[y.file_id].append(y)
                    for fid, unit in batch:
                        for x in got[fid]:
                            yield _line(x, label_of[fid], unit)
                    s.expunge_all()

        def findings() -> Iterator[FindingLine]:
            with store.session() as s:
                for i in range(0, len(with_findings), BATCH):
                    batch = with_findings[i:i + BATCH]
                    got: dict[int, list[FindingLine]] = {
                        fid: [replace(pending[fid], source=label_of[fid])] if fid in pending else [] for _, fid in batch}
                    for x in s.scalars(select(FindingRow).where(FindingRow.file_id.in_(list(got)))):
                        got[x.file_id].append(_finding(x, label_of[x.file_id], unit_of[x.file_id], lang))
                    for _, fid in batch:
                        yield from sorted(got[fid], key=finding_sort_key)
                    s.expunge_all()

        return RowSource(details), RowSource(findings)

    c.streams = streams
    return c


def _line(x: IndicatorRow, source: str, unit: str) -> IndicatorLine:
    return IndicatorLine(source=source, unit=unit, level1=x.level1, level2=x.level2, level3=x.level3, kind=x.kind,
                         weight=Decimal(x.weight) if x.weight else None, direction=x.direction, measure=x.measure,
                         target=unpack_value(x.target), actual=unpack_value(x.actual), rate=unpack_value(x.rate),
                         score=unpack_value(x.score), note=x.note)
