"""``collect``: a folder of returned mails and files in, scored workbooks, receipts and a summary out.

Why: the bureau saves what departments send back (``.eml``/``.msg`` mails, zips, ``.xlsx``,
``.xlsm``, old ``.xls``/WPS ``.et``) into one folder and runs one command. Everything in it
is untrusted. Per payload (:func:`evaltool.intake.unpack`: limits → sniff → decrypt with the
known passwords → structural scan) the bytes are copied into a private work folder under
OUTDIR (never touching INBOX), then read once and evaluated by the one per-file pipeline
(:func:`evaltool.engine.evaluate_file`: integrity, rules, scoring — the findings ``check``
and ``score`` report, in their order), written back from the same bytes, and reduced
to a small :class:`~evaltool.intake.manifest.Outcome` — in worker processes or on a Dask
cluster (:mod:`evaltool.intake.executor`), so memory stays flat. Then per unit/year/framework
the latest return wins (:mod:`evaltool.intake.versions`), and OUTDIR gets::

    汇总.xlsx (summary.xlsx)   accepted/  scored/  superseded/  rejected/  receipts/  collect.json

Decisions: a macro-enabled return (``.xlsm`` with a VBA project) is accepted with a warning
and scored from its values; its macros are never run. ActiveX, XLM macro sheets, DDE and
auto-run names are error findings (the return is scored, status 有错误). Legacy BIFF
(``.xls``/``.et``) is refused: the template relies on Excel tables and a hidden ``_meta``
sheet that BIFF cannot carry, so a BIFF file cannot be a return of the current template
("请使用下发的 .xlsx 模板填报"). A return whose locked content was changed (integrity error)
is scored and listed with the findings, but no scored copy is written: its rule formulas are
no longer the bureau's, and formulas from a return never reach an output file.

Example::

    report = collect("INBOX", "out", workers=4, passwords=["2023jx"], created=datetime(2026, 3, 10))
    report.counts        # {'accepted': 12, 'duplicate': 1, 'rejected': 5, 'superseded': 2}
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from evaltool.intake.executor import default_workers, stream_map
from evaltool.intake.limits import DEFAULT_LIMITS, Limits
from evaltool.intake.manifest import (
    ACCEPTED,
    DUPLICATE,
    REJECTED,
    SUPERSEDED,
    Outcome,
    Task,
    flag_findings,
    write_manifest,
)
from evaltool.intake.names import shown
from evaltool.intake.reasons import text as reason_text
from evaltool.intake.receipts import place_outputs, summary_digest
from evaltool.intake.sniff import Kind
from evaltool.intake.unpack import Submission, unpack
from evaltool.intake.versions import Candidate, supersede, unit_key
from evaltool.messages import error_text, text

__all__ = ["collect", "process_one", "CollectReport", "MSG"]

log = logging.getLogger(__name__)
MSG = {
    "internal": ("内部错误（{kind}）：处理此文件时程序出错，详见 collect.json", "Internal error ({kind}) "
                 "while processing this file; see collect.json"),
    "not-template": ("{detail}；请使用下发的 .xlsx 模板填报", "{detail}; please fill in the issued .xlsx template"),
    "biff": ("这是旧版 .xls 或 WPS .et 文件，请使用下发的 .xlsx 模板填报",
             "This is a legacy .xls or WPS .et file; please fill in the issued .xlsx template"),
    "duplicate": ("与 {of} 内容完全相同（重复附件），只处理一次", "Identical to {of} (sent twice); processed once"),
    "superseded": ("同一单位同一年度有更新的报送：{by}", "A later return of the same unit and year: {by}"),
}
STATUS_PASSED, STATUS_ERRORS, STATUS_REJECTED, STATUS_SUPERSEDED = "通过", "有错误", "未通过", "已被替代"


@dataclass(frozen=True)
class CollectReport:
    outdir: Path
    summary: Path
    manifest: Path
    counts: dict[str, int]
    elapsed: float


def _naive_utc(d: datetime | None) -> datetime | None:
    if d is None:
        return None
    return d.astimezone(timezone.utc).replace(tzinfo=None) if d.tzinfo else d


def _failure(seq: int, exc: BaseException, lang: str) -> dict[str, Any]:
    log.error("collect: an unexpected error on file %s", seq, exc_info=exc)  # the traceback, in the log too
    return {"seq": seq, "status": REJECTED, "summary_status": STATUS_REJECTED, "reason_code": "internal",
            "reason": text(MSG, "internal", lang, kind=type(exc).__name__),
            "traceback": "".join(traceback.format_exception(exc))}


def process_one(task: Task) -> dict[str, Any]:
    """Read, evaluate and (when untampered) score one workbook; never raises.

    Returns the :class:`Outcome` fields the worker decides (a plain picklable dict).
    """
    t0 = time.perf_counter()
    try:
        out = _process(task)
    except Exception as exc:  # one broken file must never stop the batch
        out = _failure(task.seq, exc, task.lang)
    out["seconds"] = time.perf_counter() - t0
    return out


def _process(task: Task) -> dict[str, Any]:
    from evaltool.engine import evaluate_file
    from evaltool.summary.digest import digest
    from evaltool.summary.entries import ERRORS, PASSED, Status, SummaryEntry

    lang = task.lang
    outcome = evaluate_file(task.work_path)  # the one per-file pipeline; one read
    result = outcome.result
    if result is None:
        return {"seq": task.seq, "status": REJECTED, "summary_status": STATUS_REJECTED,
                "reason_code": "not-template",
                "reason": text(MSG, "not-template", lang, detail=error_text(outcome.error, lang) if outcome.error else "")}
    ev = result.evaluation
    intake = flag_findings(task.flags)
    errors = result.errors + sum(1 for f in intake if f.severity == "error")
    warnings = result.warnings + sum(1 for f in intake if f.severity == "warning")
    status: Status = ERRORS if errors else PASSED
    modified = outcome.modified
    # findings name the work copy (ev.path); the summary must name the inbox input instead
    findings = tuple(replace(f, file=task.label) for f in intake + result.findings)
    entry = SummaryEntry(source=task.label, status=status, result=result, findings=findings,
                         sender=task.sender, mail_date=_naive_utc(task.mail_date), modified=_naive_utc(modified),
                         unit_name=ev.unit.name)
    tampered = outcome.tampered
    if not tampered:
        outcome.write(task.scored_path, now=task.now, lang=lang)  # from the bytes already read
    year = ev.unit.year if ev.unit.year is not None else ev.scalar("eval_year")
    return {
        "seq": task.seq, "status": ACCEPTED, "summary_status": status, "unit_name": ev.unit.name,
        "unit_code": ev.unit.code, "year": year if isinstance(year, int) else None,
        "framework": ev.framework_id, "modified": modified,
        "total": float(result.total) if result.total is not None else None, "grade": result.grade or "",
        "errors": errors, "warnings": warnings, "findings": len(entry.findings),
        "scored": not tampered, "digest": digest(entry, lang),
    }


def _base(seq: int, sub: Submission, inbox: Path) -> Outcome:
    try:
        source = shown(sub.source_path.relative_to(inbox).as_posix())
    except ValueError:
        source = shown(sub.source_path.name)
    member = shown(sub.member) if sub.member else sub.member
    label = f"{source}/{member}" if member else source
    return Outcome(seq=seq, label=label, source=source, member=member, filename=sub.filename,
                   source_sha256=sub.source_sha256, sha256=sub.sha256, kind=sub.kind.value,
                   sender=shown(sub.sender or ""), sender_name=shown(sub.sender_name or ""),
                   subject=shown(sub.mail_subject or ""), message_id=shown(sub.message_id or ""),
                   mail_date=sub.mail_date, decrypted=sub.decrypted, flags=sub.flags)


class _Run:
    """One collect run: turns the unpack stream into tasks and pre-decided outcomes."""

    def __init__(self, inbox: Path, out: Path, work: Path, lang: str, now: datetime | None,
                 progress: Callable[[Outcome], None] | None) -> None:
        self.inbox, self.out, self.work, self.lang, self.now = inbox, out, work, lang, now
        self.progress = progress
        self.outcomes: list[Outcome] = []
        self.in_flight: dict[int, Outcome] = {}
        self.labels: dict[str, str] = {}  # first label -> label as given by unpack (for duplicates)

    def decided(self, o: Outcome) -> None:
        self.outcomes.append(o)
        if self.progress:
            self.progress(o)

    def tasks(self, subs: Iterator[Submission]) -> Iterator[Task]:
        for seq, sub in enumerate(subs):
            base = _base(seq, sub, self.inbox)
            self.labels.setdefault(sub.label, base.label)
            if sub.duplicate_of:
                of = self.labels.get(sub.duplicate_of, sub.duplicate_of)
                self.decided(replace(base, status=DUPLICATE, summary_status=STATUS_SUPERSEDED,
                                     reason_code="duplicate", duplicate_of=of,
                                     reason=text(MSG, "duplicate", self.lang, of=of)))
                continue
            suffix = ".xlsm" if sub.kind is Kind.XLSM else ".xlsx"
            work_path = self.work / f"{seq:06d}{suffix}"
            if sub.data:
                work_path.write_bytes(sub.data)
            if sub.rejection is not None:
                self.decided(replace(base, reason_code=sub.rejection.reason_code, summary_status=STATUS_REJECTED,
                                     reason=sub.rejection.message("en" if self.lang == "en" else "zh")))
                continue
            if sub.kind is Kind.XLS:
                self.decided(replace(base, reason_code="biff", summary_status=STATUS_REJECTED,
                                     reason=text(MSG, "biff", self.lang)))
                continue
            self.in_flight[seq] = base
            yield Task(seq=seq, label=base.label, work_path=str(work_path),
                       scored_path=str(self.work / f"{seq:06d}.scored{suffix}"), flags=sub.flags,
                       sender=base.sender, mail_date=sub.mail_date, lang=self.lang, now=self.now)

    def finished(self, fields: dict[str, Any]) -> None:
        seq = fields.pop("seq")
        found = fields.pop("digest", None)
        if found is not None:  # spilled to the work folder: memory stays flat however many returns
            with open(self.work / f"{seq:06d}.digest", "wb") as fh:
                pickle.dump(found, fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.decided(replace(self.in_flight.pop(seq), **fields))

    def with_digest(self, o: Outcome) -> Outcome:
        """``o`` with its digest read back from the work folder (our own pickle, never input)."""
        path = self.work / f"{o.seq:06d}.digest"
        if not path.exists():
            return o
        with open(path, "rb") as fh:
            return replace(o, digest=pickle.load(fh))


def _versions(outcomes: list[Outcome], lang: str) -> list[Outcome]:
    accepted = [o for o in outcomes if o.status == ACCEPTED]
    winners = supersede(Candidate(o.seq, unit_key(o.unit_code, o.unit_name, o.year, o.framework), o.mail_date,
                                  o.modified, o.filename, o.label) for o in accepted)
    label = {o.seq: o.label for o in outcomes}
    return [replace(o, status=SUPERSEDED, summary_status=STATUS_SUPERSEDED, reason_code="superseded",
                    superseded_by=label[winners[o.seq]], reason=text(MSG, "superseded", lang, by=label[winners[o.seq]]))
            if o.seq in winners else o for o in sorted(outcomes, key=lambda o: o.seq)]


def _place(o: Outcome, out: Path, work: Path, lang: str, created: datetime | None) -> Outcome:
    """Write one outcome's files; a failure there is this file's outcome, never the batch's."""
    try:
        return replace(place_outputs(o, out, work, lang=lang, created=created), digest=None)
    except Exception as exc:  # disk full, a name the file system refuses, a writer bug ...
        detail = f"{type(exc).__name__}: {shown(str(exc))[:200]}"
        return replace(o, status=REJECTED, summary_status=STATUS_REJECTED, reason_code="output-failed",
                       reason=reason_text("output-failed", "en" if lang == "en" else "zh", detail), digest=None)


def _earlier_outputs(inbox: Path) -> list[Path]:
    """Output folders of earlier runs inside the inbox (``collect.json`` + ``receipts/``): never input."""
    return [Path(root) for root, dirs, files in os.walk(inbox)
            if "collect.json" in files and "receipts" in dirs]


def collect(
    inbox: str | os.PathLike[str],
    outdir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    passwords: Sequence[str] = (),
    scheduler: str | None = None,
    lang: str = "zh",
    created: datetime | None = None,
    limits: Limits = DEFAULT_LIMITS,
    progress: Callable[[Outcome], None] | None = None,
) -> CollectReport:
    """Process every payload under ``inbox`` into ``outdir`` (see the module docstring).

    ``workers``: processes (default: CPU cores); ``scheduler``: a Dask scheduler address
    (``tcp://host:port``; OUTDIR must be on storage the Dask workers share). ``created`` fixes
    every timestamp evaltool writes (summary, receipts, 计算状态) for reproducible output.
    ``progress`` is called once per input as its outcome is known.
    """
    t0 = time.perf_counter()
    src, out = Path(inbox).resolve(), Path(outdir).resolve()
    if not src.is_dir():
        raise NotADirectoryError(str(src))
    if out == src:
        raise ValueError(f"OUTDIR must not be the INBOX itself: {out}")  # INBOX is never written
    out.mkdir(parents=True, exist_ok=True)
    work = out / f".work-{os.getpid()}"
    work.mkdir(mode=0o700)
    try:
        run = _Run(src, out, work, lang, created, progress)
        subs = unpack(src, limits=limits, passwords=passwords, exclude=[out, *_earlier_outputs(src)])
        for fields in stream_map(process_one, run.tasks(subs), workers=workers or default_workers(),
                                 scheduler=scheduler, on_error=lambda t, e: _failure(t.seq, e, lang)):
            run.finished(fields)
        outcomes = _versions(run.outcomes, lang)
        outcomes = [_place(run.with_digest(o), out, work, lang, created) for o in outcomes]
        from evaltool.summary import write_summary

        summary = write_summary((summary_digest(run.with_digest(o), lang) for o in outcomes),
                                out / ("summary.xlsx" if lang == "en" else "汇总.xlsx"), lang=lang, created=created)
        elapsed = time.perf_counter() - t0
        manifest = write_manifest(out / "collect.json", outcomes, inbox=shown(str(src)), lang=lang, created=created,
                                  summary=summary.name, elapsed=elapsed)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    counts = dict(sorted(Counter(o.status for o in outcomes).items()))
    return CollectReport(out, summary, manifest, counts, elapsed)
