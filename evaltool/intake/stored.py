"""``collect`` with a campaign's results store: each file claimed, processed once, recorded.

Why: the store remembers across runs, staff and years what came in and what was decided
(:mod:`evaltool.store`), and two staff may run ``collect`` on one campaign at the same time.
Before a run evaluates a payload it *claims* the content in the store
(:func:`~evaltool.store.records.claim_file`, one short transaction): only the run that wins
evaluates it; the other reports it as taken (a ``duplicate`` outcome, reason code
``claimed`` — processed by the other run now — or ``held`` — the campaign had it already) and
moves on. Each evaluated file is recorded as soon as it is done (its return, findings as
code + params, indicator lines), so a claim is held only while the file is being evaluated;
a claim left by a run that died expires after the lease (``lease``). At the end the run
re-decides, from the store and under the campaign's lock, which return of each unit counts
(:func:`redecide`: the same rules as collect's versions, over every run's returns), so two
runs that each processed one version of a unit agree on the latest. The link also gives the
run last year's actuals for the TGT-HIST warning (a target easier than what the unit
achieved last year).

Example::

    link = StoreLink(store, campaign_id, lang="zh", lease=DEFAULT_LEASE)   # the lease: collect --claim-lease
    taken = link.take(outcome)          # None: this run evaluates it; else the outcome to report
    link.record(done)                   # as soon as it was evaluated
    link.record_final(o); link.redecide()   # after collect's versions
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from evaltool import contract as C
from evaltool.intake.manifest import (
    ACCEPTED,
    DUPLICATE,
    PENDING,
    REJECTED,
    SUPERSEDED,
    Outcome,
    flag_findings,
)
from evaltool.intake.versions import Candidate, decide, unit_key
from evaltool.messages import render, render_text, text
from evaltool.model import Text
from evaltool.store.campaigns import previous_campaign
from evaltool.store.db import Store
from evaltool.store.history import last_actuals, lowered_targets
from evaltool.store.records import (
    DEFAULT_LEASE,
    PROCESSING,
    Received,
    ReturnFacts,
    claim_file,
    complete,
    lock_campaign,
    release,
    sight,
)
from evaltool.store.schema import Campaign, File, Return
from evaltool.store.status import UnitStatus, campaign_status
from evaltool.summary.digest import Digest, FindingLine
from evaltool.summary.stored import to_rows

__all__ = ["StoreLink", "roster_status", "redecide", "CLAIMED", "HELD", "TAKEN", "MSG"]

#: the finding code of a target easier than last year's actual (a warning)
LOWERED_TARGET = "TGT-HIST"
S_SUPERSEDED = "已被替代"
INDICATORS_SHEET = C.INDICATORS
#: reason codes of a payload this run did not evaluate: another run is processing it now, or
#: the campaign already holds its content (an earlier run, maybe another member of staff)
CLAIMED, HELD = "claimed", "held"
TAKEN = frozenset({CLAIMED, HELD})
MSG = {
    CLAIMED: ("同一评价活动的另一次收取（运行 {run}）正在处理相同内容（{of}），本次跳过",
              "another collect run of this campaign ({run}) is processing the same content ({of}); skipped here"),
    HELD: ("评价活动已收到相同内容（{of}，运行 {run}），不再处理",
           "the campaign already holds this content ({of}, run {run}); not processed again"),
}


def _received(o: Outcome, refusal: str = "") -> Received:
    return Received(sha256=o.sha256, refusal=refusal, label=o.label, filename=o.filename, source_sha256=o.source_sha256, kind=o.kind,
                    sender=o.sender, sender_name=o.sender_name, subject=o.subject, message_id=o.message_id,
                    mail_date=o.mail_date)


class StoreLink:
    """One collect run's link to the store (see the module docstring)."""

    def __init__(self, store: Store, campaign_id: int, *, lang: str = "zh", run: str | None = None,
                 lease: timedelta = DEFAULT_LEASE, reread: bool = False) -> None:
        self.store, self.campaign_id, self.lang, self.lease = store, campaign_id, lang, lease
        self.reread = reread  # evaluate held content again for this run's outputs (collect --fresh), unrecorded
        self.run = run or uuid.uuid4().hex[:16]
        self.file_of: dict[int, int] = {}  # seq -> files.id claimed by this run
        self.done: set[int] = set()  # seqs recorded (or lost to a run that took the claim over)
        self.lost: set[int] = set()  # seqs whose claim another run took over before we recorded
        self._last: dict[tuple[str, str], tuple[Any, str]] | None = None

    def take(self, o: Outcome, refusal: str = "") -> Outcome | None:
        """Claim ``o``'s content for this run: None when this run must process it, else ``o``
        decided as taken (``duplicate``, reason :data:`CLAIMED` or :data:`HELD`). A refusal
        decided from the container (``refusal``: a mail without attachment …) is never taken:
        evaluating it costs nothing and each such mail gets its own reply; the store keeps one
        row for its content (the claim's winner) and a sighting for each."""
        c = claim_file(self.store, self.campaign_id, _received(o, refusal), run=self.run, lease=self.lease)
        if c.file_id is not None:
            self.file_of[o.seq] = c.file_id
            return None
        if refusal or (c.done and self.reread):
            return None
        code = HELD if c.done else CLAIMED
        return replace(o, status=DUPLICATE, summary_status=S_SUPERSEDED, reason_code=code, duplicate_of=c.label,
                       reason=text(MSG, code, self.lang, run=c.holder, of=c.label))

    def record_final(self, o: Outcome) -> None:
        """After collect's versions: this run's decision and outputs for a file it claimed
        (recorded first if it was not yet), a sighting for an identical attachment."""
        if o.seq not in self.file_of:
            if o.status == DUPLICATE and o.reason_code not in TAKEN:
                sight(self.store, self.campaign_id, _received(o), run=self.run)
            return
        if o.seq not in self.done:
            self.record(o)
        if o.seq in self.lost:
            return
        decision = "rejected" if o.status == REJECTED else o.status
        values: dict[Any, Any] = {File.decision: decision, File.summary_status: o.summary_status,
                                  File.reason_code: o.reason_code, File.reason: o.reason,
                                  File.superseded_by: o.superseded_by, File.outputs: dict(o.outputs)}
        with self.store.session() as s:
            s.execute(update(File).where(File.id == self.file_of[o.seq], File.run == self.run).values(values))
            s.commit()

    def holds(self, o: Outcome) -> bool:
        """Whether the campaign holds ``o``'s content already, recorded (an earlier run's)."""
        with self.store.session() as s:
            return s.scalar(select(File.id).where(File.campaign_id == self.campaign_id, File.sha256 == o.sha256,
                                                  File.decision != PROCESSING).limit(1)) is not None

    def redecide(self) -> dict[int, str]:
        """Which return of each unit counts, over every run's returns (:func:`redecide`)."""
        return redecide(self.store, self.campaign_id, self.lang)

    def _actuals(self) -> dict[tuple[str, str], tuple[Any, str]]:
        if self._last is None:
            self._last = {}
            with self.store.session() as s:
                c = s.get(Campaign, self.campaign_id)
            prev = previous_campaign(self.store, c) if c is not None else None
            if prev is not None:
                self._last = last_actuals(self.store, prev.id)
        return self._last

    def history_findings(self, unit_code: str, label: str, d: Digest) -> tuple[FindingLine, ...]:
        """Warnings for targets easier than the unit's actuals in last year's campaign."""
        if d.unit is None or not unit_code:
            return ()
        actuals = self._actuals()
        if not actuals:
            return ()
        lows = lowered_targets([(unit_code, x.level3, x.target, x.direction) for x in d.indicators], actuals)
        out = []
        for low in lows:
            below = low.direction not in ("≤", "<=", "反向")
            params = {"level3": low.level3, "target": low.target, "last": low.last_actual,
                      "cmp": Text("word.below" if below else "word.above")}
            msg = render_text(Text("TGT-HIST.lowered", params), self.lang)
            out.append(FindingLine(label, d.unit.unit, INDICATORS_SHEET, "", LOWERED_TARGET, "warning", msg, False,
                                   "TGT-HIST.lowered", params))
        return tuple(out)

    def sight(self, o: Outcome) -> None:
        """Record one more sighting of content this run already claimed (an identical attachment)."""
        sight(self.store, self.campaign_id, _received(o), run=self.run)

    def record(self, o: Outcome) -> None:
        """Write ``o`` (as evaluated; its digest, if any) to the store — only while this run
        still holds the claim (a run that took an expired claim over records it instead)."""
        fid = self.file_of.get(o.seq)
        if fid is None or o.seq in self.done:
            return
        d: Digest | None = o.digest
        if o.status in (ACCEPTED, SUPERSEDED, PENDING) and d is not None and d.unit is not None:
            unit_row, findings, indicators = to_rows(d)
            facts = ReturnFacts(unit_code=o.unit_code, unit_name=o.unit_name, year=o.year, framework=o.framework,
                                modified=o.modified, total=o.total, grade=o.grade, errors=o.errors,
                                warnings=o.warnings, scored=o.scored, unit_row=unit_row, fill_date=o.fill_date,
                                rectification=d.rectification, rectification_done=d.rectification_done)
            ok = complete(self.store, fid, decision="accepted", summary_status=o.summary_status, facts=facts,
                          findings=findings, indicators=indicators, run=self.run)
        else:
            lines = d.findings if d is not None else tuple(
                FindingLine(o.label, o.unit_name, f.sheet, f.cell, f.rule, f.severity, render(f, self.lang),
                            f.explained, f.code, f.params)
                for f in flag_findings(o.flags))
            unit_json, rows, _ = to_rows(Digest(None, None, (), tuple(lines), d.grades if d else (),
                                                d.stamp if d else None))
            facts = None
            if d is not None and d.other is not None and d.other.unit:
                # a return read but refused (identity, integrity, plausibility): 未通过 names its unit,
                # as the summary of the run did. The returns row carries no unit code or name of its
                # own (a refused workbook's identity is not trusted: 报送情况 matches it by sender).
                facts = ReturnFacts(unit_row={**unit_json, "refused_unit": d.other.unit})
            ok = complete(self.store, fid, decision="rejected" if o.status == REJECTED else o.status,
                          summary_status=o.summary_status, reason_code=o.reason_code, reason=o.reason, findings=rows,
                          facts=facts, run=self.run)
        if not ok:
            self.lost.add(o.seq)
        self.done.add(o.seq)

    def outputs(self, o: Outcome) -> None:
        """Record where ``o``'s files went; a failure writing them is the file's decision."""
        fid = self.file_of.get(o.seq)
        if fid is None:
            return
        values: dict[Any, Any] = {File.outputs: dict(o.outputs)}
        if o.status == REJECTED and o.reason_code == "output-failed":
            values.update({File.decision: "rejected", File.summary_status: o.summary_status,
                           File.reason_code: o.reason_code, File.reason: o.reason})
        with self.store.session() as s:
            s.query(File).filter(File.id == fid).update(values)
            s.commit()

    def release_unfinished(self) -> None:
        """Claims this run made but did not record (an error mid-run): free them for next time."""
        release(self.store, [fid for seq, fid in self.file_of.items() if seq not in self.done], run=self.run)


def redecide(store: Store, campaign_id: int, lang: str = "zh") -> dict[int, str]:
    """Decide again, under the campaign's lock, which return of each unit, year and framework
    counts — over every counted-or-superseded return the store holds, whichever run read it
    (:func:`evaltool.intake.versions.decide`, the rules collect applies to one run). Decisions
    that change are written; the changed file ids -> new decision are returned. The last run
    to finish sees every other run's returns, so the store ends up as one run over the whole
    inbox would have decided."""
    from evaltool.intake.collect import MSG as COLLECT_MSG  # one home for the sentences (lazy: a cycle)
    from evaltool.intake.collect import STATUS_ERRORS, STATUS_PASSED, STATUS_PENDING

    changed: dict[int, str] = {}
    with store.session() as s:
        lock_campaign(s, campaign_id)
        rows = s.execute(
            select(File.id, File.label, File.decision, File.summary_status, File.reason_code, File.reason,
                   File.superseded_by, File.mail_date, File.sha256, Return.unit_code, Return.unit_name,
                   Return.year, Return.framework, Return.fill_date, Return.modified, Return.errors)
            .join(Return, Return.file_id == File.id)
            .where(File.campaign_id == campaign_id, File.decision.in_((ACCEPTED, SUPERSEDED, PENDING)))
            .order_by(File.id)).all()
        d = decide(Candidate(r.id, unit_key(r.unit_code, r.unit_name, r.year, r.framework), r.mail_date,
                             r.fill_date, r.modified, r.sha256) for r in rows)
        label = {r.id: r.label for r in rows}
        for r in rows:
            if r.id in d.superseded:
                by, rule = d.superseded[r.id]
                new = (SUPERSEDED, S_SUPERSEDED, "superseded",
                       text(COLLECT_MSG, "superseded", lang, by=label[by], rule=text(COLLECT_MSG, f"rule-{rule}", lang)),
                       label[by])
            elif r.id in d.pending:
                others = tuple(label[x] for x in d.pending[r.id])
                new = (PENDING, STATUS_PENDING, "pending", text(COLLECT_MSG, "pending", lang, others=(
                    ", " if lang == "en" else "、").join(others)), "")
            else:
                new = (ACCEPTED, STATUS_ERRORS if r.errors else STATUS_PASSED, "", "", "")
            if (r.decision, r.summary_status, r.reason_code, r.superseded_by) != (new[0], new[1], new[2], new[4]):
                s.execute(update(File).where(File.id == r.id).values(
                    decision=new[0], summary_status=new[1], reason_code=new[2], reason=new[3], superseded_by=new[4]))
                changed[r.id] = new[0]
        s.commit()
    return changed


def roster_status(store: Store, campaign_id: int, lang: str = "zh") -> list[UnitStatus] | None:
    """The campaign's 报送情况 rows for the summary (None when the campaign has no roster)."""
    rows, outside = campaign_status(store, campaign_id)
    return rows + outside if rows else None
