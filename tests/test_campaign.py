"""A campaign end to end: roster → issue → collect into the store → status, 报送情况, reminders."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator
from datetime import datetime
from email.policy import default as default_policy
from pathlib import Path

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook
from support.inbox import Returns, mail
from support.pg import pg_database
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.io import patch_cells

ROSTER = [  # 单位名称, 单位代码, 主管部门, 联系人, 电子邮箱
    ("甲单位", "A1", "某委", "张一", "a@x.gov.cn"),
    ("乙单位", "B2", "某委", "张二", "b@x.gov.cn"),
    ("丙单位", "C3", "某局", "张三", "c@x.gov.cn"),
    ("丁单位", "D4", "某局", "张四", "d@x.gov.cn"),
    ("戊单位", "E5", "某局", "张五", "e@x.gov.cn"),
]
runner = CliRunner()


def write_roster(path: Path, rows: list[tuple[str, ...]] = ROSTER) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("名单")
    ws.write_row(0, 0, ["2024年度部门整体绩效自评单位名单"])  # a title row above the header is allowed
    ws.write_row(1, 0, ["单位名称", "单位代码", "主管部门", "联系人", "电子邮箱"])
    for i, r in enumerate(rows):
        ws.write_row(i + 2, 0, r)
    wb.close()
    return path


def cli(*args: str) -> tuple[int, str]:
    r = runner.invoke(app, [str(a) for a in args])
    if r.exception and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.output


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Iterator[str | None]:
    if request.param == "sqlite":
        yield None  # the default: campaign.db in the campaign folder
    else:
        yield from pg_database()


def _inbox(tmp: Path) -> Path:
    """甲 and 乙 return clean workbooks, 丙 one with a budget that does not add up; 丁, 戊 nothing."""
    inbox = tmp / "INBOX"
    inbox.mkdir()
    ret = Returns(tmp)
    (inbox / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", "甲单位自评表", datetime(2026, 3, 2),
                                       [("甲单位.xlsx", ret.make("甲单位", "A1", 0))]))
    (inbox / "b.eml").write_bytes(mail("张二 <b@x.gov.cn>", "乙单位自评表", datetime(2026, 3, 3),
                                       [("乙单位.xlsx", ret.make("乙单位", "B2", 1))]))
    good = tmp / "c-good.xlsx"
    good.write_bytes(ret.make("丙单位", "C3", 2))
    patch_cells(good, tmp / "c-bad.xlsx", {("预算执行", "B6"): 1.0})  # SUM-1: the lines no longer add up
    (inbox / "c.eml").write_bytes(mail("张三 <c@x.gov.cn>", "丙单位自评表", datetime(2026, 3, 4),
                                       [("丙单位.xlsx", (tmp / "c-bad.xlsx").read_bytes())]))
    return inbox


def test_status_and_reminders_name_the_right_units(tmp_path: Path, db: str | None) -> None:
    roster = write_roster(tmp_path / "units.xlsx")
    folder = tmp_path / "2024部门整体"
    args = ["campaign", "init", "2024部门整体", "--year", "2023", "--framework", "dept-overall", "--roster", roster,
            "--dir", folder] + (["--db", db] if db else [])
    code, out = cli(*args)
    assert code == 0, out
    assert "5 个单位" in out
    code, out = cli("collect", _inbox(tmp_path), "--campaign", folder, "--workers", "1", "--quiet",
                    *(["--db", db] if db else []))
    assert code == 1, out  # it ran and found errors (C3's return): the command line's exit-code contract
    # for PostgreSQL with a password the URL would come from EVALTOOL_DB; here campaign.json has it
    code, out = cli("campaign", "status", "--campaign", folder, "--format", "json")
    assert code == 1  # units still have to act
    states = {r["code"]: r["state"] for r in json.loads(out)}
    assert states == {"A1": "passed", "B2": "passed", "C3": "errors", "D4": "not_returned", "E5": "not_returned"}
    code, out = cli("campaign", "status", "--campaign", folder)
    assert "通过 2，有错误 1，未通过 0，待确认 0，未报送 2" in out

    # the same list as a sheet of 汇总
    wb = CalamineWorkbook.from_path(str(folder / "collect" / "汇总.xlsx"))
    assert "报送情况" in wb.sheet_names
    rows = wb.get_sheet_by_name("报送情况").to_python()
    header = next(i for i, r in enumerate(rows) if r and r[0] == "单位代码")
    sheet_states = {r[0]: r[3] for r in rows[header + 1:] if r[0]}
    assert sheet_states == {"A1": "通过", "B2": "通过", "C3": "有错误", "D4": "未报送", "E5": "未报送"}

    code, out = cli("campaign", "remind", "--campaign", folder, "--date", "2026-03-10", "--deadline", "2026-03-20")
    assert code == 0, out
    drafts = sorted((folder / "outbox" / "remind-20260310").glob("*.eml"))
    msgs = {p.name: email.message_from_bytes(p.read_bytes(), policy=default_policy) for p in drafts}
    assert {m["To"] for m in msgs.values()} == {"c@x.gov.cn", "d@x.gov.cn", "e@x.gov.cn"}
    body_c = next(m for m in msgs.values() if m["To"] == "c@x.gov.cn").get_body().get_content()  # type: ignore[union-attr]
    assert "丙单位.xlsx" in body_c and "错误" in body_c and "2026-03-20" in body_c
    body_d = next(m for m in msgs.values() if m["To"] == "d@x.gov.cn").get_body().get_content()  # type: ignore[union-attr]
    assert "尚未收到" in body_d


def test_a_second_collect_records_nothing_twice(tmp_path: Path) -> None:
    from sqlalchemy import func, select

    from evaltool.campaign import open_campaign
    from evaltool.store.schema import File, Return

    roster = write_roster(tmp_path / "units.xlsx")
    folder = tmp_path / "c"
    assert cli("campaign", "init", "c", "--year", "2023", "--roster", roster, "--dir", folder)[0] == 0
    inbox = _inbox(tmp_path)
    assert cli("collect", inbox, "--campaign", folder, "--workers", "1", "--quiet")[0] == 1  # C3 has errors
    receipts = sorted(p.name for p in (folder / "collect" / "receipts").iterdir())
    assert cli("collect", inbox, "--campaign", folder, "--workers", "1", "--quiet", "--fresh")[0] == 1
    assert sorted(p.name for p in (folder / "collect" / "receipts").iterdir()) == receipts
    h = open_campaign(folder)
    with h.store.session() as s:  # the same three contents, decided once each, after two runs
        assert s.scalar(select(func.count()).select_from(File)) == 3
        assert s.scalar(select(func.count()).select_from(Return)) == 3
        assert set(s.scalars(select(File.decision))) == {"accepted"}


def test_issue_writes_one_signed_template_and_draft_per_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import evaltool
    from evaltool.integrity import keys

    monkeypatch.setenv("EVALTOOL_CONFIG_DIR", str(tmp_path / "config"))  # this test's own bureau key
    keys.generate_key(force=True)
    roster = write_roster(tmp_path / "units.xlsx")
    folder = tmp_path / "c"
    assert cli("campaign", "init", "c", "--year", "2024", "--roster", roster, "--dir", folder)[0] == 0
    code, out = cli("campaign", "issue", "--campaign", folder, "--deadline", "2025-03-31")
    assert code == 0, out
    templates = sorted((folder / "issued").glob("*.xlsx"))
    drafts = sorted((folder / "outbox" / "issue").glob("*.eml"))
    assert [p.stem for p in templates] == [p.stem for p in drafts] == [f"{c}_{n}" for n, c, *_ in ROSTER]
    for (name, ucode, _dept, contact, addr), t, d in zip(ROSTER, templates, drafts, strict=True):
        ev = evaltool.load(t)
        assert (ev.unit.name, ev.unit.code, ev.unit.year) == (name, ucode, 2024)
        wb = evaltool.load(t)
        assert not any(f.rule.startswith("INT") for f in wb.findings.itertuples())  # signed with the bureau key
        msg = email.message_from_bytes(d.read_bytes(), policy=default_policy)
        assert msg["To"] == addr and msg["X-Unsent"] == "1" and name in msg["Subject"]
        body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert contact in body and ucode in body and "2025-03-31" in body
        (att,) = list(msg.iter_attachments())
        assert att.get_filename() == t.name and att.get_content() == t.read_bytes()
    from evaltool.campaign import open_campaign
    from evaltool.store.schema import Reply

    h = open_campaign(folder)
    with h.store.session() as s:
        assert s.query(Reply).filter(Reply.kind == "issue").count() == 5
    assert cli("campaign", "issue", "--campaign", folder)[0] == 0  # again: files rewritten, not recorded twice
    with h.store.session() as s:
        assert s.query(Reply).filter(Reply.kind == "issue").count() == 5


def test_a_bad_roster_is_refused_with_row_and_column(tmp_path: Path) -> None:
    rows = [*ROSTER[:2], ("丙单位", "A1", "某局", "张三", "c@x.gov.cn")]
    code, out = cli("campaign", "init", "x", "--year", "2024", "--roster", write_roster(tmp_path / "u.xlsx", rows),
                    "--dir", tmp_path / "x")
    assert code == 2 and "第 5 行" in out and "A1" in out and "第 3 行" in out
    assert not (tmp_path / "x" / "campaign.json").exists()
    bad_mail = [("甲单位", "A1", "", "", "not-an-address")]
    code, out = cli("campaign", "init", "y", "--year", "2024", "--roster", write_roster(tmp_path / "v.xlsx", bad_mail),
                    "--dir", tmp_path / "y")
    assert code == 2 and "第 3 行" in out and "not-an-address" in out
