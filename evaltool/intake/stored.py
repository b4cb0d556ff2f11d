"""``collect`` with a campaign's results store: every outcome recorded as collect decided it.

Why: the store remembers across runs, staff and years what came in and what was decided
(:mod:`evaltool.store`). collect decides (versions, ties, replies: :mod:`evaltool.intake.collect`);
this link records each decided outcome — one ``files`` row per content (the unique key makes
two runs at once on one campaign record a return once; a later run updates the decision), the
return, its findings and indicator lines — and gives the run last year's actuals for the
TGT-HIST warning (a target easier than what the unit achieved last year).

Example::

    link = StoreLink(store, campaign_id, lang="zh")
    link.record_final(outcome)          # after collect's versions; its digest read back
"""

from __future__ import annotations

import uuid
from typing import Any

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
from evaltool.messages import render, text
from evaltool.store.campaigns import previous_campaign
from evaltool.store.db import Store
from evaltool.store.history import last_actuals, lowered_targets
from evaltool.store.records import (
    Received,
    ReturnFacts,
    claim,
    complete,
    lock_campaign,
    release,
    sight,
)
from evaltool.store.schema import Campaign, File
from evaltool.store.status import UnitStatus, campaign_status
from evaltool.summary.digest import Digest, FindingLine
from evaltool.summary.stored import to_rows

__all__ = ["StoreLink", "roster_status"]

MSG = {
    "superseded": ("同一单位同一年度有更新的报送：{by}", "A later return of the same unit and year: {by}"),
    "lowered": ("“{level3}”的年度目标值 {target} {cmp}上年实际完成值 {last}：目标值设定偏低（财预〔2020〕10号："
                "年初指标值设定明显偏低的，按偏离度调减分值；评价标准含历史标准）",
                "the target of '{level3}' ({target}) is {cmp_en} last year's actual ({last}): set too low "
                "(财预〔2020〕10号: a target set clearly too low costs points; history is an evaluation standard)"),
}
#: the finding code of a target easier than last year's actual (a warning)
LOWERED_TARGET = "TGT-HIST"
S_SUPERSEDED = "已被替代"
INDICATORS_SHEET = C.INDICATORS


def _received(o: Outcome, refusal: str = "") -> Received:
    return Received(sha256=o.sha256, refusal=refusal, label=o.label, filename=o.filename, source_sha256=o.source_sha256, kind=o.kind,
                    sender=o.sender, sender_name=o.sender_name, subject=o.subject, message_id=o.message_id,
                    mail_date=o.mail_date)


class StoreLink:
    """One collect run's link to the store (see the module docstring)."""

    def __init__(self, store: Store, campaign_id: int, *, lang: str = "zh", run: str | None = None) -> None:
        self.store, self.campaign_id, self.lang = store, campaign_id, lang
        self.run = run or uuid.uuid4().hex[:16]
        self.file_of: dict[int, int] = {}  # seq -> files.id claimed by this run
        self.mine: dict[tuple[str, str], str] = {}  # (sha256, refusal) -> label, claimed by this run
        self.done: set[int] = set()
        self._last: dict[tuple[str, str], tuple[Any, str]] | None = None

    def claim(self, o: Outcome, refusal: str = "") -> bool:
        """True when this run must process ``o`` (it claimed the content); False when the
        campaign holds it already (a sighting is recorded instead)."""
        fid = claim(self.store, self.campaign_id, _received(o, refusal), run=self.run)
        if fid is None:
            return False
        self.file_of[o.seq] = fid
        self.mine.setdefault((o.sha256, refusal), o.label)
        return True

    def record_final(self, o: Outcome) -> None:
        """Record ``o`` as collect decided it (after versions): the file's row is created on first
        sight (unique per content, so two runs at once never duplicate it) or its decision updated."""
        if o.status == DUPLICATE:
            sight(self.store, self.campaign_id, _received(o), run=self.run)
            return
        refusal = o.reason_code if o.status == REJECTED else ""
        if not self.claim(o, refusal):
            decision = "rejected" if o.status == REJECTED else o.status
            with self.store.session() as s:
                lock_campaign(s, self.campaign_id)
                s.query(File).filter(File.campaign_id == self.campaign_id, File.sha256 == o.sha256,
                                     File.refusal == refusal).update({
                    File.decision: decision, File.summary_status: o.summary_status,
                    File.reason_code: o.reason_code, File.reason: o.reason,
                    File.superseded_by: o.superseded_by}, synchronize_session=False)
                s.commit()
            return
        self.record(o)
        decision = "rejected" if o.status == REJECTED else o.status
        with self.store.session() as s:
            s.query(File).filter(File.id == self.file_of[o.seq]).update({
                File.decision: decision, File.superseded_by: o.superseded_by,
                File.outputs: dict(o.outputs)}, synchronize_session=False)
            s.commit()

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
            msg = text(MSG, "lowered", self.lang, level3=low.level3, target=low.target, last=low.last_actual,
                       cmp="低于" if below else "高于", cmp_en="below" if below else "above")
            out.append(FindingLine(label, d.unit.unit, INDICATORS_SHEET, "", LOWERED_TARGET, "warning", msg, False))
        return tuple(out)

    def sight(self, o: Outcome) -> None:
        """Record one more sighting of content this run already claimed (an identical attachment)."""
        sight(self.store, self.campaign_id, _received(o), run=self.run)

    def record(self, o: Outcome) -> None:
        """Write ``o`` (decided by the parent or a worker; its digest, if any) to the store."""
        fid = self.file_of.get(o.seq)
        if fid is None:
            return
        d: Digest | None = o.digest
        if o.status in (ACCEPTED, SUPERSEDED, PENDING) and d is not None and d.unit is not None:
            unit_row, findings, indicators = to_rows(d)
            facts = ReturnFacts(unit_code=o.unit_code, unit_name=o.unit_name, year=o.year, framework=o.framework,
                                modified=o.modified, total=o.total, grade=o.grade, errors=o.errors,
                                warnings=o.warnings, scored=o.scored, unit_row=unit_row)
            complete(self.store, fid, decision="accepted", summary_status=o.summary_status, facts=facts,
                     findings=findings, indicators=indicators)
        else:
            lines = d.findings if d is not None else tuple(
                FindingLine(o.label, o.unit_name, f.sheet, f.cell, f.rule, f.severity, render(f, self.lang),
                            f.explained)
                for f in flag_findings(o.flags))
            rows = to_rows(Digest(None, None, (), tuple(lines), (), None))[1]
            complete(self.store, fid, decision="rejected" if o.status == REJECTED else o.status,
                     summary_status=o.summary_status, reason_code=o.reason_code, reason=o.reason, findings=rows)
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
        release(self.store, [fid for seq, fid in self.file_of.items() if seq not in self.done])


def roster_status(store: Store, campaign_id: int, lang: str = "zh") -> list[UnitStatus] | None:
    """The campaign's 报送情况 rows for the summary (None when the campaign has no roster)."""
    rows, outside = campaign_status(store, campaign_id)
    return rows + outside if rows else None
