"""Intake a bureau can trust (issue 14), tried as a bureau runs a year's intake, on real files.

The inbox holds real mails (``support.inbox.mail``) with returns written by the template
writer and patched by the lossless patcher: a genuine return, another unit's template, a
wrong year, tampered weights, a whole budget in 万元, an old and a corrected 民政局 return
sent together ("save all attachments": same mail date, same save time), two different
卫健委 returns that no rule orders, and a mail with a workbook plus a .docx and a .pdf.
Every expectation is written from how the case was built, never read from collect.
"""

from __future__ import annotations

import email
import io
import json
import os
import zipfile
from datetime import datetime, timezone
from email import policy
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support.inbox import TAMPER_CELL, Returns, mail

from evaltool.intake.collect import collect

ISSUED = datetime(2024, 3, 2, 1, 30, tzinfo=timezone.utc)  # 09:30 in Beijing
WAN_BUDGET = {  # the whole 预算执行 sheet in 万元, and says so in F5
    ("预算执行", "B5"): 3456.78, ("预算执行", "C5"): 3456.78, ("预算执行", "D5"): 3201.55,
    ("预算执行", "B6"): 3000.0, ("预算执行", "C6"): 3000.0, ("预算执行", "D6"): 2800.0,
    ("预算执行", "B7"): 456.78, ("预算执行", "C7"): 456.78, ("预算执行", "D7"): 401.55,
    ("预算执行", "B8"): 0, ("预算执行", "C8"): 0, ("预算执行", "D8"): 0,
    ("预算执行", "F5"): "单位：万元", ("预算执行", "B13"): 186500, ("预算执行", "B15"): 118,
}


def _at(day: int, hour: int = 1) -> datetime:
    return datetime(2024, 3, day, hour, 30, tzinfo=timezone.utc)


def _serial(day: int) -> float:
    """Excel serial number of 2024-03-<day> (a 填报日期)."""
    return float((datetime(2024, 3, day) - datetime(1899, 12, 30)).days)


def _docx() -> bytes:
    """A minimal real Word package (sniffed by content as OOXML that is not a workbook)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns='
                    '"http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName='
                    '"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                    'wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def _write_inbox(inbox: Path, tmp: Path) -> None:
    r = Returns(tmp)
    inbox.mkdir()

    def put(name: str, sender: str, subject: str, day: int, attachments: list[tuple[str, bytes]]) -> None:
        (inbox / name).write_bytes(mail(sender, subject, _at(day), attachments))

    put("01-体育局.eml", "体育局 <ty@ty.gov.cn>", "体育局 绩效评价表", 2,
        [("体育局.xlsx", r.make("北京市体育局", "301009"))])
    put("02-教育局模板.eml", "某人 <x@ty.gov.cn>", "绩效评价表", 3,  # 教育局's template, 体育局 typed in
        [("体育局.xlsx", r.make("北京市体育局", "301009", 1, issued_to=("北京市教育局", "301001")))])
    put("03-文旅局.eml", "文旅局 <wl@wl.gov.cn>", "文旅局 绩效评价表", 3,  # issued for 2024, 2023 typed
        [("文旅局.xlsx", r.make("北京市文旅局", "301010", 2, issued_year=2024))])
    put("04-己单位.eml", "己单位 <f@f.gov.cn>", "己单位 绩效评价表", 3,  # weights changed: 102 points
        [("己单位.xlsx", r.make("北京市己单位", "301011", 3, cells={TAMPER_CELL: 5}))])
    put("05-万元.eml", "园林局 <yl@yl.gov.cn>", "园林局 绩效评价表", 3,
        [("园林局.xlsx", r.make("北京市园林局", "301012", cells=dict(WAN_BUDGET)))])
    put("06-民政局.eml", "民政局 <mz@mz.gov.cn>", "民政局 绩效评价表（含更正版）", 4, [
        ("民政局.xlsx", r.make("北京市民政局", "301013", 1, cells={("封面", "B9"): _serial(1)})),
        ("民政局(更正版).xlsx", r.make("北京市民政局", "301013", 2, cells={("封面", "B9"): _serial(5)})),
    ])
    put("07-卫健委.eml", "卫健委 <wj@wj.gov.cn>", "卫健委 绩效评价表", 4, [
        ("卫健委.xlsx", r.make("北京市卫健委", "301014", 1, cells={("封面", "B9"): _serial(4)})),
        ("卫健委-2.xlsx", r.make("北京市卫健委", "301014", 2, cells={("封面", "B9"): _serial(4)})),
    ])
    put("08-统计局.eml", "统计局 <tj@tj.gov.cn>", "统计局 绩效评价表及说明", 5, [
        ("统计局.xlsx", r.make("北京市统计局", "301015", 4)),
        ("情况说明.docx", _docx()),
        ("盖章页.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
    ])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("trust")
    inbox, out = base / "INBOX", base / "OUT"
    _write_inbox(inbox, base / "build")
    report = collect(inbox, out, workers=1, created=ISSUED)
    doc = json.loads((out / "collect.json").read_text(encoding="utf-8"))
    return {"inbox": inbox, "out": out, "report": report, "doc": doc, "base": base,
            "by": {f["label"]: f for f in doc["files"]}}


def _units(out: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(out / "汇总.xlsx", data_only=True)["单位得分"]
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def _others(out: Path) -> list[dict[str, Any]]:
    ws = openpyxl.load_workbook(out / "汇总.xlsx", data_only=True)["未通过"]
    (table,) = ws.tables.values()
    rows = [[c.value for c in row] for row in ws[table.ref]]
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_only_clean_returns_are_ranked_and_counted(run: dict[str, Any]) -> None:
    units = _units(run["out"])
    ranked = [u for u in units if u["排名"] is not None]
    assert sorted(u["单位名称"] for u in ranked) == ["北京市体育局", "北京市民政局", "北京市统计局"]
    assert all(u["状态"] == "通过" for u in ranked)
    wb = openpyxl.load_workbook(run["out"] / "汇总.xlsx", data_only=True)
    (stats,) = [t for t in wb["总览"].tables.values() if t.name == "ScoreStats"]
    values = {r[0].value: r[1].value for r in wb["总览"][stats.ref][1:]}
    assert values["最高分"] == max(u["总分"] for u in ranked) <= 100  # never the tampered 102
    assert values["平均分"] == pytest.approx(sum(u["总分"] for u in ranked) / 3)


@pytest.mark.parametrize(("label", "code", "says"), [
    ("02-教育局模板.eml/体育局.xlsx", "identity", ["北京市体育局", "北京市教育局"]),
    ("03-文旅局.eml/文旅局.xlsx", "identity", ["2023", "2024"]),
    ("04-己单位.eml/己单位.xlsx", "integrity", ["绩效指标!F7", "2 → 5"]),
    ("05-万元.eml/园林局.xlsx", "implausible", ["3,456.78", "34,567,800.00", "单位：万元", "186,500.00"]),
])
def test_returns_that_may_not_count_are_refused_with_their_reason(run: dict[str, Any], label: str, code: str,
                                                                 says: list[str]) -> None:
    f = run["by"][label]
    assert (f["status"], f["summary_status"], f["reason_code"]) == ("rejected", "未通过", code)
    assert all(s in f["reason"] for s in says), f["reason"]
    assert f["total"] is None and "scored" not in f["outputs"]
    listed = {o["来源文件"]: o for o in _others(run["out"])}
    assert listed[label]["状态"] == "未通过" and says[0] in listed[label]["原因"]
    assert label not in {u["来源文件"] for u in _units(run["out"])}


def test_another_units_template_does_not_supersede_the_genuine_return(run: dict[str, Any]) -> None:
    genuine = run["by"]["01-体育局.eml/体育局.xlsx"]
    assert genuine["status"] == "accepted" and genuine["superseded_by"] is None


def test_the_tampered_reply_names_the_change_and_quotes_no_total(run: dict[str, Any]) -> None:
    f = run["by"]["04-己单位.eml/己单位.xlsx"]
    body = _body(run["out"] / f["outputs"]["draft"])
    assert "绩效指标!F7" in body and "2 → 5" in body
    assert "计算总分" not in body and "102" not in body


def test_the_corrected_return_wins_on_its_fill_date_with_equal_save_times(run: dict[str, Any]) -> None:
    old, new = run["by"]["06-民政局.eml/民政局.xlsx"], run["by"]["06-民政局.eml/民政局(更正版).xlsx"]
    assert old["saved"] == new["saved"] and old["date"] == new["date"]  # same mail, same save time
    assert new["status"] == "accepted"
    assert old["status"] == "superseded" and old["superseded_by"] == new["label"]
    assert old["decided_by"] == "fill_date" and "填报日期" in old["reason"]
    listed = {o["来源文件"]: o for o in _others(run["out"])}
    assert "填报日期" in listed[old["label"]]["原因"]  # the summary names the deciding rule


def test_an_exact_tie_of_different_returns_is_pending(run: dict[str, Any]) -> None:
    a, b = run["by"]["07-卫健委.eml/卫健委.xlsx"], run["by"]["07-卫健委.eml/卫健委-2.xlsx"]
    assert a["sha256"] != b["sha256"]
    assert (a["status"], a["summary_status"]) == (b["status"], b["summary_status"]) == ("pending", "待确认")
    assert a["pending_with"] == [b["label"]] and b["pending_with"] == [a["label"]]
    units = {u["来源文件"]: u for u in _units(run["out"])}
    assert units[a["label"]]["状态"] == units[b["label"]]["状态"] == "待确认"
    assert units[a["label"]]["排名"] is None and units[b["label"]]["排名"] is None
    ws = openpyxl.load_workbook(run["out"] / "汇总.xlsx", data_only=True)["问题清单"]
    assert any("无法区分先后" in str(c.value) for row in ws.iter_rows() for c in row)


def _body(path: Path) -> str:
    msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def test_one_reply_per_mail_covering_every_attachment(run: dict[str, Any]) -> None:
    drafts = sorted((run["out"] / "receipts").glob("*.eml"))
    # 8 mails: the 民政局 and 卫健委 mails each get one reply for two returns
    assert len(drafts) == 8
    stats = [f for f in run["doc"]["files"] if f["path"] == "08-统计局.eml"]
    assert len(stats) == 3 and len({f["outputs"]["draft"] for f in stats}) == 1
    body = _body(run["out"] / stats[0]["outputs"]["draft"])
    assert "附件“情况说明.docx”不是工作簿，已忽略" in body and "附件“盖章页.pdf”不是工作簿，已忽略" in body
    assert "统计局.xlsx" in body and "计算总分" in body
    msg = email.message_from_bytes((run["out"] / stats[0]["outputs"]["draft"]).read_bytes(), policy=policy.default)
    attached = [p.get_filename() for p in msg.iter_attachments()]
    assert len(attached) == 1 and attached[0].endswith(".xlsx")  # the workbook's receipt only


def test_a_superseded_return_gets_no_reply_and_leaves_the_findings_list(run: dict[str, Any]) -> None:
    # the old 民政局 return shares its mail with the correction: the mail's one reply covers
    # the corrected return only
    old = run["by"]["06-民政局.eml/民政局.xlsx"]
    new = run["by"]["06-民政局.eml/民政局(更正版).xlsx"]
    assert "draft" not in old["outputs"] and "draft" in new["outputs"]
    assert "民政局.xlsx”" not in _body(run["out"] / new["outputs"]["draft"])
    ws = openpyxl.load_workbook(run["out"] / "汇总.xlsx", data_only=True)["问题清单"]
    files = {str(row[0].value) for row in ws.iter_rows(min_row=5)}
    assert old["label"] not in files


def test_times_are_shown_in_beijing_and_stored_in_utc(run: dict[str, Any]) -> None:
    f = run["by"]["01-体育局.eml/体育局.xlsx"]
    assert f["date"] == "2024-03-02T01:30:00+00:00"  # collect.json: UTC
    body = _body(run["out"] / f["outputs"]["draft"])
    assert "2024-03-02 09:30" in body
    receipt = openpyxl.load_workbook(run["out"] / f["outputs"]["receipt"]).active
    texts = [str(c) for row in receipt.iter_rows(values_only=True) for c in row if c is not None]
    assert "2024-03-02 09:30 CST" in texts
    ws = openpyxl.load_workbook(run["out"] / "汇总.xlsx")["总览"]
    assert "2024-03-02 09:30（Asia/Shanghai）" in str(ws["A2"].value)


def _snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_safe_reruns(run: dict[str, Any]) -> None:
    inbox, out = run["inbox"], run["out"]
    before = _snapshot(out)
    dirs = {p: p.stat().st_mtime_ns for p in [out, *out.rglob("*")] if p.is_dir()}
    again = collect(inbox, out, workers=1, created=ISSUED)
    assert again.new == 0
    assert _snapshot(out) == before  # same files, same bytes, same mtimes
    assert {p: p.stat().st_mtime_ns for p in dirs} == dirs

    r = Returns(run["base"] / "build2")
    (inbox / "09-水务局.eml").write_bytes(mail("水务局 <sw@sw.gov.cn>", "水务局 绩效评价表", _at(6),
                                               [("水务局.xlsx", r.make("北京市水务局", "301016", 5))]))
    third = collect(inbox, out, workers=1, created=ISSUED)
    assert third.new == 1  # exactly the new mail
    doc = json.loads((out / "collect.json").read_text(encoding="utf-8"))
    assert len(doc["files"]) == len(run["doc"]["files"]) + 1
    added = [f for f in doc["files"] if f["path"] == "09-水务局.eml"]
    assert [f["status"] for f in added] == ["accepted"] and added[0]["seq"] == max(f["seq"] for f in doc["files"])
    drafts = sorted((out / "receipts").glob("*.eml"))
    assert len(drafts) == 9  # one new reply, the earlier ones untouched
    after = _snapshot(out)
    for name, (mtime, data) in before.items():
        if name.startswith("receipts/"):
            assert after[name] == (mtime, data), name
    assert "北京市水务局" in {u["单位名称"] for u in _units(out)}  # summary rebuilt from everything
    assert len(_units(out)) + len(_others(out)) == len(doc["files"])

    fresh = collect(inbox, out, workers=1, created=ISSUED, fresh=True)
    assert fresh.new == len(doc["files"])
    assert sorted(p.name for p in (out / "receipts").glob("*.eml")) == [p.name for p in drafts]


def test_no_bureau_key_no_signature_check_so_the_demo_ranks(run: dict[str, Any]) -> None:
    assert not (Path(os.environ["EVALTOOL_CONFIG_DIR"]) / "bureau.key").exists()
    genuine = run["by"]["01-体育局.eml/体育局.xlsx"]
    assert genuine["summary_status"] == "通过"


def test_the_sample_and_the_demo_units_raise_no_identity_integrity_or_plausibility_finding(tmp_path: Path) -> None:
    from evaltool.demo.samples import write_demo_units, write_sample
    from evaltool.engine import evaluate_file
    from evaltool.model import disqualifying

    paths = [write_sample(tmp_path / "sample.xlsx"), *write_demo_units(tmp_path)]
    assert len(paths) >= 6
    for p in paths:
        outcome = evaluate_file(p)
        assert outcome.result is not None, outcome.error
        flagged = [f for f in outcome.findings if f.rule.startswith(("PLAUS", "ID-", "INT-"))]
        assert flagged == [] and disqualifying(outcome.findings) == (), (p.name, flagged)


def test_version_rules_in_order() -> None:
    from evaltool.intake.versions import Candidate, decide

    unit = ("A001", 2023, "dept-overall")
    d = lambda day: datetime(2024, 3, day, tzinfo=timezone.utc)  # noqa: E731
    # the mail date decides before anything else, even against a later 填报日期 and save time
    got = decide([Candidate(0, unit, d(9), d(1), d(1), "a"), Candidate(1, unit, d(2), d(8), d(8), "b")])
    assert got.superseded == {1: (0, "mail_date")} and got.pending == {}
    # a loose file (no mail) is older than any mailed return
    got = decide([Candidate(0, unit, None, d(9), d(9), "a"), Candidate(1, unit, d(2), None, None, "b")])
    assert got.superseded == {0: (1, "mail_date")}
    # same mail date: 填报日期, then the save time
    got = decide([Candidate(0, unit, d(2), d(3), d(1), "a"), Candidate(1, unit, d(2), d(3), d(2), "b")])
    assert got.superseded == {0: (1, "modified")}
    # three returns, two newest tie with different content: both pending, the oldest superseded
    got = decide([Candidate(0, unit, d(1), None, None, "a"), Candidate(1, unit, d(2), None, None, "b"),
                  Candidate(2, unit, d(2), None, None, "c")])
    assert got.pending == {1: (2,), 2: (1,)} and got.superseded == {0: (1, "mail_date")}
    # other units and years are never compared
    got = decide([Candidate(0, unit, d(1), None, None, "a"), Candidate(1, ("A001", 2024, "dept-overall"),
                                                                       d(2), None, None, "b")])
    assert got.superseded == {} and got.pending == {}
