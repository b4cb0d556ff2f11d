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

    汇总.xlsx (summary.xlsx)   accepted/  scored/  superseded/  rejected/  receipts/  collect.json  collect.db

Memory stays flat in the parent too: each outcome and digest waits in the work folder (one
small file each, :mod:`evaltool.intake.spool`), every decided outcome goes into the results
store — the campaign's (``store``) or OUT's own ad-hoc one (``collect.db``) — and 汇总 is
written from the store by streaming (:func:`evaltool.summary.stored.stored_collected`), so
with a campaign it shows the campaign's decisions over every run; ``collect.json`` is written
one outcome at a time.

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

import itertools
import logging
import os
import shutil
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from evaltool.intake.executor import default_workers, stream_map
from evaltool.intake.limits import DEFAULT_LIMITS, Limits
from evaltool.intake.manifest import (
    ACCEPTED,
    DUPLICATE,
    PENDING,
    REJECTED,
    SUPERSEDED,
    Outcome,
    Task,
    flag_findings,
    read_manifest,
    write_manifest,
)
from evaltool.intake.names import shown, unique_path
from evaltool.intake.reasons import text as reason_text
from evaltool.intake.receipts import place_outputs, write_replies
from evaltool.intake.sniff import Kind
from evaltool.intake.spool import Spool
from evaltool.intake.stored import CLAIMED, TAKEN, StoreLink, roster_status
from evaltool.intake.unpack import Submission, scanned, unpack
from evaltool.intake.versions import Candidate, Decisions, decide, unit_key
from evaltool.messages import error_text, text
from evaltool.messages.times import zone
from evaltool.model import Finding, disqualifying
from evaltool.store import Store, adhoc_campaign, open_store
from evaltool.store.records import DEFAULT_LEASE

__all__ = ["collect", "process_one", "CollectReport", "MSG"]

log = logging.getLogger(__name__)
MSG = {
    "internal": ("内部错误（{kind}）：处理此文件时程序出错，详见 collect.json", "Internal error ({kind}) "
                 "while processing this file; see collect.json"),
    "not-template": ("{detail}；请使用下发的 .xlsx 模板填报", "{detail}; please fill in the issued .xlsx template"),
    "biff": ("这是旧版 .xls 或 WPS .et 文件，请使用下发的 .xlsx 模板填报",
             "This is a legacy .xls or WPS .et file; please fill in the issued .xlsx template"),
    "duplicate": ("与 {of} 内容完全相同（重复附件），只处理一次", "Identical to {of} (sent twice); processed once"),
    "superseded": ("同一单位同一年度有更新的报送：{by}（依据{rule}）", "A later return of the same unit and year: {by} "
                   "(decided by {rule})"),
    "rule-mail_date": ("邮件日期", "the mail's date"),
    "rule-fill_date": ("填报日期", "the 填报日期 on the cover"),
    "rule-modified": ("工作簿保存时间", "the workbook's save time"),
    "rule-same": ("内容相同，以后收到的为准", "identical content; the later input stands"),
    "pending": ("与 {others} 无法区分先后（邮件日期、填报日期、保存时间均相同而内容不同），待与单位确认，暂不计入排名",
                "Cannot be ordered against {others} (same mail date, 填报日期 and save time, different content); "
                "to be confirmed with the unit, not ranked meanwhile"),
}
STATUS_PASSED, STATUS_ERRORS, STATUS_REJECTED, STATUS_SUPERSEDED = "通过", "有错误", "未通过", "已被替代"
STATUS_PENDING = "待确认"


@dataclass(frozen=True)
class CollectReport:
    outdir: Path
    summary: Path
    manifest: Path
    counts: dict[str, int]
    elapsed: float
    new: int = 0  # inputs processed by this run (0: nothing new, nothing written)
    errors: int = 0  # accepted returns with open errors (有错误)


#: Earlier outcomes whose kept original is re-read on a re-run (they have summary rows).
_REREAD = frozenset({"accepted", "superseded", "pending"})
#: Reason codes of returns the engine read but that may not count (they keep summary rows too).
_DISQUALIFIED = frozenset({"identity", "integrity", "implausible"})


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
    from evaltool.summary.entries import ERRORS, PASSED, Status, SummaryEntry, disqualified_reason
    from evaltool.summary.entries import REJECTED as REJECTED_STATUS

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
    bad = disqualifying(result.findings)  # identity, integrity, plausibility: never counted
    # findings name the work copy (ev.path); the summary must name the inbox input instead.
    # A return that may not count lists only why: its other findings (a total "in no grade
    # band" computed from changed weights, say) would quote figures that mean nothing.
    findings = tuple(replace(f, file=task.label) for f in intake + (bad or result.findings))
    reason = disqualified_reason(bad, lang)
    entry = SummaryEntry(source=task.label, status=REJECTED_STATUS if bad else status, result=result,
                         findings=findings, reason=reason, sender=task.sender, mail_date=_naive_utc(task.mail_date),
                         modified=_naive_utc(modified), unit_name=ev.unit.name)
    tampered = outcome.tampered
    if not tampered:
        outcome.write(task.scored_path, now=task.now, lang=lang)  # from the bytes already read
    year = ev.unit.year if ev.unit.year is not None else ev.scalar("eval_year")
    fill_date = ev.unit.fill_date
    fields: dict[str, Any] = {
        "seq": task.seq, "status": ACCEPTED, "summary_status": status, "unit_name": ev.unit.name,
        "unit_code": ev.unit.code, "year": year if isinstance(year, int) else None,
        "framework": ev.framework_id, "modified": modified,
        "fill_date": fill_date.replace(tzinfo=None) if isinstance(fill_date, datetime) else None,
        "total": float(result.total) if result.total is not None else None, "grade": result.grade or "",
        "errors": errors, "warnings": warnings, "findings": len(entry.findings),
        "scored": not tampered, "digest": digest(entry, lang),
    }
    if bad:  # never ranked, averaged or charted; no total computed from changed values is quoted
        fields.update(status=REJECTED, summary_status=STATUS_REJECTED, total=None, grade="",
                      reason_code=_bad_code(bad), reason=reason)
    return fields


def _bad_code(bad: Sequence[Finding]) -> str:
    rules = {f.rule for f in bad}
    if any(r.startswith("ID-") or r in ("INT-3", "INT-4") for r in rules):
        return "identity"
    return "integrity" if any(f.source == "integrity" for f in bad) else "implausible"


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
                 progress: Callable[[Outcome], None] | None, start: int = 0) -> None:
        self.inbox, self.out, self.work, self.lang, self.now = inbox, out, work, lang, now
        self.progress = progress
        self.link: StoreLink | None = None  # set by collect(): the run's store (a campaign's or OUT's own)
        self.start = self.next = start  # this run's new inputs are seqs start .. next-1
        self.spool = Spool(work)  # their outcomes and digests: on disk, read back one at a time
        self.candidates: list[Candidate] = []  # the versions keys of the accepted ones (a few fields each)
        self.redone: dict[int, Outcome] = {}  # earlier returns, reconsidered for this run's decisions
        self.in_flight: dict[int, Outcome] = {}
        self.labels: dict[str, str] = {}  # first label -> label as given by unpack (for duplicates)
        self.claimed_before: set[str] = set()  # labels an earlier run into OUT left to another run (CLAIMED)
        self.seen_again: set[str] = set()  # ... of them, those this run saw again

    def decided(self, o: Outcome) -> None:
        self.spool.put(o)
        self.next = max(self.next, o.seq + 1)
        if o.status == ACCEPTED:
            self.candidates.append(_candidate(o))
        if o.label in self.claimed_before:
            self.seen_again.add(o.label)
        if self.progress:
            self.progress(o)

    def tasks(self, subs: Iterator[Submission]) -> Iterator[Task]:
        for seq, sub in enumerate(subs, self.start):
            if self.link is not None and sub.duplicate_of:  # (unpacked unscanned: see below)
                sub = scanned(sub)
            base = _base(seq, sub, self.inbox)
            self.labels.setdefault(sub.label, base.label)
            if sub.duplicate_of:
                of = self.labels.get(sub.duplicate_of, sub.duplicate_of)
                self.decided(replace(base, status=DUPLICATE, summary_status=STATUS_SUPERSEDED,
                                     reason_code="duplicate", duplicate_of=of,
                                     reason=text(MSG, "duplicate", self.lang, of=of)))
                continue
            if self.link is not None:  # claimed first: of two runs at once, only one processes it
                taken = self.link.take(base, sub.rejection.reason_code if sub.rejection is not None else "")
                if taken is not None:
                    self.decided(taken)
                    continue
                sub = scanned(sub)  # the structural scan once claimed: a payload another run takes is not scanned here
                base = replace(base, flags=sub.flags)
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

    def again(self, previous: Sequence[Outcome]) -> Iterator[Task]:
        """Earlier runs' returns, reconsidered: versions are decided again over everything seen.
        One the store holds (its summary rows, findings and indicator lines) is taken as
        recorded; one it does not (an OUT written before it had a store) is re-read from its
        kept original and recorded. Nothing of theirs is written again."""
        for o in previous:
            original = o.outputs.get("original")
            reread = o.status in _REREAD or (o.status == REJECTED and o.reason_code in _DISQUALIFIED)
            if not reread or not original or not (self.out / original).is_file():
                continue
            if self.link is not None and (self.link.holds(o) or self.link.take(o) is not None):
                self.redone[o.seq] = _reconsidered(o)
                continue
            self.redone[o.seq] = o
            self.in_flight[o.seq] = replace(o, status=ACCEPTED, reason_code="", reason="", superseded_by="",
                                            decided_by="", pending_with=())
            yield Task(seq=o.seq, label=o.label, work_path=str(self.out / original),
                       scored_path=str(self.work / f"again-{o.seq:06d}.scored.xlsx"), flags=o.flags,
                       sender=o.sender, mail_date=o.mail_date, lang=self.lang, now=self.now)

    def kept(self, previous: Sequence[Outcome]) -> list[Outcome]:
        """Earlier outcomes: re-read where they could be, as recorded otherwise."""
        return [self.redone.get(o.seq, o) for o in previous]

    def finished(self, fields: dict[str, Any]) -> None:
        seq = fields.pop("seq")
        found = fields.pop("digest", None)
        if found is not None and self.link is not None and found.unit is not None:
            extra = self.link.history_findings(fields.get("unit_code", ""), self.in_flight[seq].label, found)
            if extra:  # targets easier than last year's actuals: warnings like the engine's own
                found = replace(found, findings=found.findings + extra,
                                unit=replace(found.unit, warnings=found.unit.warnings + len(extra)))
                fields["warnings"] = fields.get("warnings", 0) + len(extra)
                fields["findings"] = fields.get("findings", 0) + len(extra)
        if found is not None:  # spilled to the work folder: memory stays flat however many returns
            self.spool.put_digest(seq, found)
        done = replace(self.in_flight.pop(seq), **fields)
        if self.link is not None:  # recorded at once: the claim is held only while evaluating
            self.link.record(replace(done, digest=found))
        if seq in self.redone:
            self.redone[seq] = done
        else:
            self.decided(done)

    def with_digest(self, o: Outcome) -> Outcome:
        """``o`` with its digest read back from the work folder (our own pickle, never input)."""
        return self.spool.with_digest(o)


def _candidate(o: Outcome) -> Candidate:
    return Candidate(o.seq, unit_key(o.unit_code, o.unit_name, o.year, o.framework), o.mail_date, o.fill_date,
                     o.modified, o.sha256)


def _reconsidered(o: Outcome) -> Outcome:
    """An earlier run's return as it stands before this run's decisions (as a re-read gives it)."""
    if o.status not in _REREAD:
        return o  # refused after reading (identity, integrity, plausibility): as recorded
    return replace(o, status=ACCEPTED, summary_status=STATUS_ERRORS if o.errors else STATUS_PASSED, reason_code="",
                   reason="", superseded_by="", decided_by="", pending_with=())


def _decided(o: Outcome, decisions: Decisions, label: Callable[[int], str], lang: str) -> Outcome:
    """``o`` with the versions decision on it (superseded, pending, or as it was)."""
    if o.seq in decisions.superseded:
        by, rule = decisions.superseded[o.seq]
        return replace(o, status=SUPERSEDED, summary_status=STATUS_SUPERSEDED, reason_code="superseded",
                       superseded_by=label(by), decided_by=rule,
                       reason=text(MSG, "superseded", lang, by=label(by), rule=text(MSG, f"rule-{rule}", lang)))
    if o.seq in decisions.pending:
        others = tuple(label(s) for s in decisions.pending[o.seq])
        return replace(o, status=PENDING, summary_status=STATUS_PENDING, reason_code="pending", pending_with=others,
                       reason=text(MSG, "pending", lang, others="、".join(others) if lang != "en" else ", ".join(others)))
    return o


def _place(o: Outcome, out: Path, work: Path, lang: str, created: datetime | None, tz: str | None) -> Outcome:
    """Write one outcome's files; a failure there is this file's outcome, never the batch's."""
    try:
        return replace(place_outputs(o, out, work, lang=lang, created=created, tz=tz), digest=None)
    except Exception as exc:  # disk full, a name the file system refuses, a writer bug ...
        detail = f"{type(exc).__name__}: {shown(str(exc))[:200]}"
        return replace(o, status=REJECTED, summary_status=STATUS_REJECTED, reason_code="output-failed",
                       reason=reason_text("output-failed", "en" if lang == "en" else "zh", detail), digest=None)


def _earlier_outputs(inbox: Path) -> list[Path]:
    """Output folders of earlier runs inside the inbox (``collect.json`` + ``receipts/``): never input."""
    return [Path(root) for root, dirs, files in os.walk(inbox)
            if "collect.json" in files and "receipts" in dirs]


#: What a run writes into OUTDIR (and ``--fresh`` removes): nothing else there is touched.
OUTPUT_FOLDERS = ("accepted", "scored", "superseded", "rejected", "receipts")
OUTPUT_FILES = ("collect.json", "汇总.xlsx", "summary.xlsx", "collect.db", "collect.db.lock")
#: the results store of a plain ``collect INBOX -o OUT`` (an ad-hoc campaign), beside collect.json
ADHOC_STORE = "collect.db"
ADHOC_CAMPAIGN = "collect"


def _adhoc_store(out: Path, *, first: bool) -> tuple[Store, int]:
    """OUT's own results store (``collect.db``) and its ad-hoc campaign. It lives and dies with
    ``collect.json``: a first run (or ``--fresh``) starts it afresh."""
    db = out / ADHOC_STORE
    if first:
        for name in (ADHOC_STORE, f"{ADHOC_STORE}.lock", f"{ADHOC_STORE}-journal"):
            (out / name).unlink(missing_ok=True)
    store = open_store(db)
    try:
        return store, adhoc_campaign(store, ADHOC_CAMPAIGN, str(out)).id
    except BaseException:
        store.close()
        raise


def _fresh(out: Path) -> None:
    """Remove an earlier run's outputs (only what collect writes)."""
    for name in OUTPUT_FOLDERS:
        shutil.rmtree(out / name, ignore_errors=True)
    for name in OUTPUT_FILES:
        (out / name).unlink(missing_ok=True)


def _previous(out: Path, fresh: bool) -> list[Outcome]:
    manifest = out / "collect.json"
    if fresh or not manifest.is_file():
        return []
    return read_manifest(manifest)[1]


def _seen_filter(previous: Sequence[Outcome], src: Path) -> Callable[[Path, str], bool]:
    """An inbox file was seen when an earlier run read the same content (or, for a file that
    could not be read, the same path)."""
    # a payload another run of the campaign had claimed is looked at again (it may be free now)
    hashes = {o.source_sha256 for o in previous if o.source_sha256 and o.reason_code != CLAIMED}
    unread = {o.source for o in previous if not o.source_sha256}

    def seen(path: Path, sha256: str) -> bool:
        if sha256:
            return sha256 in hashes
        try:
            return path.relative_to(src).as_posix() in unread
        except ValueError:
            return False

    return seen


_FOLDER = {ACCEPTED: "accepted", PENDING: "accepted", SUPERSEDED: "superseded", REJECTED: "rejected"}


def _relocate(before: Outcome, after: Outcome, out: Path) -> Outcome:
    """An earlier return whose decision changed (a newer return superseded it): its original
    moves to the right folder and its scored copy leaves scored/."""
    outputs = dict(after.outputs)
    old, new = _FOLDER.get(before.status), _FOLDER.get(after.status)
    original = outputs.get("original")
    if original and old != new and new is not None and (out / original).exists():
        (out / new).mkdir(exist_ok=True)
        dst = unique_path(out / new, Path(original).name)
        shutil.move(str(out / original), dst)
        outputs["original"] = dst.relative_to(out).as_posix()
    if after.status not in (ACCEPTED, PENDING) and "scored" in outputs:
        (out / outputs.pop("scored")).unlink(missing_ok=True)
    return replace(after, outputs=outputs)


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
    tz: str | None = None,
    fresh: bool = False,
    rank_with_errors: bool = False,
    store: Store | None = None,
    campaign_id: int | None = None,
    claim_lease: timedelta = DEFAULT_LEASE,
) -> CollectReport:
    """Process every payload under ``inbox`` into ``outdir`` (see the module docstring).

    ``workers``: processes (default: CPU cores); ``scheduler``: a Dask scheduler address
    (``tcp://host:port``; OUTDIR must be on storage the Dask workers share). ``created`` fixes
    every timestamp evaltool writes (summary, receipts, 计算状态) for reproducible output.
    ``progress`` is called once per input as its outcome is known. ``tz``: the zone times are
    shown in (default Asia/Shanghai; collect.json stores UTC). ``rank_with_errors``: returns
    with validation errors are ranked too (never those failing identity, integrity or
    plausibility checks).

    Re-runs: when OUTDIR holds an earlier run's ``collect.json``, only inbox files not seen
    before (by content hash) are processed, reply drafts are written only for them, and the
    summary and manifest are rebuilt from everything seen (earlier returns are re-read from
    their kept originals); with nothing new, nothing is written at all. ``fresh`` removes the
    earlier outputs first.

    ``store``/``campaign_id``: a campaign's results store (:mod:`evaltool.intake.stored`): every
    outcome is recorded there as decided, and 汇总 gets the campaign's 报送情况 sheet. Each
    payload is claimed in the store before it is evaluated, so two runs at once on one campaign
    evaluate each file once (the other reports it as taken); ``claim_lease`` is how old a claim
    must be before a run may take it over from a run that died (default 1 hour).
    """
    t0 = time.perf_counter()
    src, out = Path(inbox).resolve(), Path(outdir).resolve()
    if not src.is_dir():
        raise NotADirectoryError(str(src))
    if out == src:
        raise ValueError(f"OUTDIR must not be the INBOX itself: {out}")  # INBOX is never written
    zone(tz)  # an unknown zone fails before anything is written
    if fresh and (out / "collect.json").is_file():
        _fresh(out)
    previous = _previous(out, fresh)
    known = {o.sha256: o.label for o in previous if o.sha256 and o.status != DUPLICATE}
    subs = unpack(src, limits=limits, passwords=passwords, exclude=[out, *_earlier_outputs(src)],
                  seen=_seen_filter(previous, src) if previous else None, known=known,
                  scan=False)  # scanned once claimed in the store (a campaign's or OUT's own)
    first = next(subs, None)
    if first is None and previous:  # nothing new: every file stays as it is
        summary = out / ("summary.xlsx" if lang == "en" else "汇总.xlsx")
        return CollectReport(out, summary, out / "collect.json", dict(sorted(Counter(o.status for o in previous).items())),
                             time.perf_counter() - t0, new=0)
    out.mkdir(parents=True, exist_ok=True)
    adhoc = store is None or campaign_id is None
    if adhoc:  # a plain collect: OUT keeps its own store, started afresh with its collect.json
        store, campaign_id = _adhoc_store(out, first=not previous)
    assert store is not None and campaign_id is not None
    work = out / f".work-{os.getpid()}"
    work.mkdir(mode=0o700)
    link: StoreLink | None = None
    try:
        start = max((o.seq for o in previous), default=-1) + 1
        run = _Run(src, out, work, lang, created, progress, start=start)
        run.claimed_before = {o.label for o in previous if o.reason_code == CLAIMED}
        link = StoreLink(store, campaign_id, lang=lang, lease=claim_lease, reread=fresh)
        run.link = link  # last year's actuals (TGT-HIST warnings) come from the campaign's store
        new_tasks = run.tasks(itertools.chain([first] if first is not None else [], subs))
        for fields in stream_map(process_one, itertools.chain(new_tasks, run.again(previous)),
                                 workers=workers or default_workers(),
                                 scheduler=scheduler, on_error=lambda t, e: _failure(t.seq, e, lang)):
            run.finished(fields)
        # a payload claimed elsewhere last time and seen again now is this run's, not the earlier one
        kept = [o for o in run.kept(previous) if not (o.reason_code == CLAIMED and o.label in run.seen_again)]
        decisions = decide(itertools.chain(run.candidates, (_candidate(o) for o in kept if o.status == ACCEPTED)))
        run.candidates.clear()
        before = {o.seq: o for o in previous}
        seqs = [o.seq for o in kept]  # then this run's: start .. run.next - 1

        def label(seq: int) -> str:
            return before[seq].label if seq in before else run.spool.get(seq).label

        counts: Counter[str] = Counter()
        errors = 0

        def final(o: Outcome, *, new: bool) -> None:  # decided and placed: into the store, the spool, the counts
            nonlocal errors
            if new or o.seq in link.file_of:  # an earlier run's return is recorded already (unless re-read now)
                link.record_final(run.with_digest(o))
            run.spool.put(o)
            counts[o.status] += 1
            errors += o.status == ACCEPTED and o.summary_status == STATUS_ERRORS

        for o in kept:
            final(_relocate(before[o.seq], _decided(o, decisions, label, lang), out), new=False)
        previous = kept = []  # read back from the spool from here on
        mail: list[Outcome] = []  # the placed outcomes of one inbox file: one reply draft per mail
        for seq in range(start, run.next):
            o = _decided(run.spool.get(seq), decisions, label, lang)
            if o.reason_code not in TAKEN:  # the run that evaluates it writes its receipt and reply
                o = _place(run.with_digest(o), out, work, lang, created, tz)
            if mail and mail[0].source != o.source:
                for done in write_replies(mail, out, lang=lang, tz=tz):
                    final(done, new=True)
                mail.clear()
            mail.append(o)
        for done in write_replies(mail, out, lang=lang, tz=tz):
            final(done, new=True)
        link.redecide()  # the latest return of each unit, over every run's returns
        from evaltool.summary import write_summary
        from evaltool.summary.stored import stored_collected

        summary = write_summary(stored_collected(store, campaign_id, lang=lang, rank_with_errors=rank_with_errors),
                                out / ("summary.xlsx" if lang == "en" else "汇总.xlsx"), lang=lang, created=created,
                                rank_with_errors=rank_with_errors, tz=tz,
                                roster=None if adhoc else roster_status(store, campaign_id, lang))
        elapsed = time.perf_counter() - t0
        order = itertools.chain(seqs, range(start, run.next))
        manifest = write_manifest(out / "collect.json", (run.spool.get(seq) for seq in order), inbox=shown(str(src)),
                                  lang=lang, created=created, summary=summary.name, elapsed=elapsed, counts=counts)
    except BaseException:
        if link is not None:  # claims of files this run did not finish are free again at once
            link.release_unfinished()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if adhoc:
            store.close()
    return CollectReport(out, summary, manifest, dict(sorted(counts.items())), elapsed, new=run.next - start,
                         errors=errors)
