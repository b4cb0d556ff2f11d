"""汇总 built from the store streams its two long lists and says exactly what the in-memory
summary of the same returns says."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from support.inbox import Returns, mail
from support.sheets import sheets, tables

from evaltool.intake.collect import collect
from evaltool.io import patch_cells
from evaltool.store import create_campaign, open_store
from evaltool.summary import write_summary
from evaltool.summary.stored import stored_collected, stored_digests

CREATED = datetime(2026, 3, 10, 8, 0)


def test_streamed_lists_equal_the_in_memory_summary(tmp_path: Path) -> None:
    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    ret = Returns(tmp_path)
    for i, (unit, code) in enumerate((("甲单位", "A1"), ("乙单位", "B2"), ("丙单位", "C3"))):
        (inbox / f"{i}.eml").write_bytes(mail(f"u{i} <u{i}@x.gov.cn>", unit, datetime(2026, 3, 2 + i),
                                              [(f"{unit}.xlsx", ret.make(unit, code, i))]))
    good = tmp_path / "d.xlsx"
    good.write_bytes(ret.make("丁单位", "D4", 3))
    patch_cells(good, inbox / "丁单位.xlsx", {("预算执行", "B6"): 1.0})  # an error finding
    (inbox / "坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    store = open_store(tmp_path / "store.db")
    cid = create_campaign(store, "t", year=2023, framework="dept-overall").id
    collect(inbox, tmp_path / "out", workers=1, created=CREATED, store=store, campaign_id=cid)
    streamed = write_summary(stored_collected(store, cid), tmp_path / "streamed.xlsx", created=CREATED)
    in_memory = write_summary(stored_digests(store, cid), tmp_path / "mem.xlsx", created=CREATED)
    a, b = sheets(streamed), sheets(in_memory)
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    assert sum(1 for r in a["问题清单"] if "SUM-1" in r) >= 1
    assert len(a["指标明细"]) > 4 * 20  # every indicator line of the four counted units
    assert tables(streamed) == tables(in_memory)  # the same Excel tables over the same ranges
    assert {"IndicatorDetails", "Findings"} <= set(tables(streamed))
    c = stored_collected(store, cid)
    assert c.indicators == [] and c.findings == []  # the long lists stay in the store


def _serial(day: int) -> float:
    return float((datetime(2024, 3, day) - datetime(1899, 12, 30)).days)


def test_a_summary_from_the_store_says_what_collects_own_summary_says(tmp_path: Path) -> None:
    """A tie (待确认: unranked unit row, VER-1 note first), a return with errors ranked on request
    (--rank-with-errors), a superseded one and a refused file: 汇总 built from the store by
    streaming equals the 汇总 collect wrote from its outcomes, sheet by sheet."""
    inbox = tmp_path / "INBOX"
    inbox.mkdir()
    ret = Returns(tmp_path)
    at = datetime(2026, 3, 4, 9, 0)
    (inbox / "卫健委.eml").write_bytes(mail("卫健委 <wj@wj.gov.cn>", "卫健委", at, [
        ("卫健委.xlsx", ret.make("北京市卫健委", "301014", 1, cells={("封面", "B9"): _serial(4)})),
        ("卫健委-2.xlsx", ret.make("北京市卫健委", "301014", 2, cells={("封面", "B9"): _serial(4)}))]))
    (inbox / "甲1.eml").write_bytes(mail("甲 <a@x.gov.cn>", "甲", datetime(2026, 3, 2), [("甲.xlsx", ret.make("甲单位", "A1", 0))]))
    (inbox / "甲2.eml").write_bytes(mail("甲 <a@x.gov.cn>", "甲", datetime(2026, 3, 5), [("甲.xlsx", ret.make("甲单位", "A1", 3))]))
    good = tmp_path / "d.xlsx"
    good.write_bytes(ret.make("丁单位", "D4", 4))
    patch_cells(good, inbox / "丁单位.xlsx", {("预算执行", "B6"): 1.0})  # an error finding
    (inbox / "坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    store = open_store(tmp_path / "store.db")
    cid = create_campaign(store, "t", year=2023, framework="dept-overall").id
    report = collect(inbox, tmp_path / "out", workers=1, created=CREATED, store=store, campaign_id=cid,
                     rank_with_errors=True)
    assert report.counts == {"accepted": 2, "pending": 2, "rejected": 1, "superseded": 1}
    streamed = write_summary(stored_collected(store, cid, rank_with_errors=True), tmp_path / "streamed.xlsx",
                             created=CREATED, rank_with_errors=True)
    a, b = sheets(streamed), sheets(report.summary)
    assert list(a) == list(b)
    for name in a:
        assert a[name] == b[name], name
    assert tables(streamed) == tables(report.summary)
    assert sum(1 for r in a["问题清单"] if "VER-1" in r) == 2
    assert sum(1 for r in a["单位得分"] if "待确认" in r) == 2
