"""Findings in the store are data (catalogue code + params), rendered late in the reader's
language; a store written by revision 0001 (rendered text only) upgrades to 0002 and still
shows its old findings — on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from python_calamine import CalamineWorkbook
from support.pg import pg_database
from test_campaign import _inbox, cli, write_roster

from evaltool.campaign import open_campaign
from evaltool.messages.stored import params_from_json, params_json, stored_message
from evaltool.model import Text
from evaltool.store import head_revision, open_store
from evaltool.store.db import _config, store_url
from evaltool.store.schema import FindingRow
from evaltool.store.status import campaign_status, findings_of
from evaltool.summary import write_summary
from evaltool.summary.stored import stored_collected, stored_digests

OLD_MESSAGE = "预算执行表 B6：各项支出之和 1.00 不等于合计 17,088,957.48（0001 时记录的中文）"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "campaign.db")
    else:
        yield from pg_database()


def _populate_0001(url: str) -> None:
    """A store as evaltool wrote it at revision 0001: a campaign, a unit, a return with its
    finding as rendered text (written with SQL: today's models have 0002's columns). The first
    row of each table gets id 1."""
    engine = sa.create_engine(store_url(url))
    with engine.begin() as conn:
        command.upgrade(_config(conn), "0001")
    now = datetime(2026, 3, 2, 8, 0)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO campaigns (name, year, framework, tz, folder, targets_file, adhoc, "
                             "created_at) VALUES ('2023', 2023, 'dept-overall', 'Asia/Shanghai', '', '', false, :t)"),
                     {"t": now})
        conn.execute(sa.text("INSERT INTO units (campaign_id, position, code, name, department, contact, email) "
                             "VALUES (1, 0, 'C3', '丙单位', '', '', 'c@x.gov.cn')"))
        conn.execute(sa.text(
            "INSERT INTO files (campaign_id, sha256, refusal, source_sha256, label, label_raw, filename, "
            "filename_raw, kind, sender, sender_name, subject, message_id, mail_date, received_at, run, decision, "
            "summary_status, reason_code, reason, superseded_by, outputs) VALUES (1, :h, '', '', 'c.eml/丙单位.xlsx', "
            ":raw, '丙单位.xlsx', :fraw, 'xlsx', 'c@x.gov.cn', '', '', '', :t, :t, 'old', 'accepted', '有错误', '', '', "
            "'', '{}')"), {"h": "d" * 64, "raw": "c.eml/丙单位.xlsx".encode(), "fraw": "丙单位.xlsx".encode(), "t": now})
        conn.execute(sa.text(
            "INSERT INTO returns (file_id, campaign_id, unit_code, unit_name, year, framework, total, grade, "
            "errors, warnings, scored, rectification, rectification_done, unit_row) VALUES (1, 1, 'C3', '丙单位', "
            "2023, 'dept-overall', 80.5, '良', 1, 0, true, '', '', '{}')"))
        conn.execute(sa.text(
            "INSERT INTO findings (file_id, rule, severity, sheet, cell, row, col, message, explained) "
            "VALUES (1, 'SUM-1', 'error', '预算执行', 'B6', 6, 2, :m, false)"), {"m": OLD_MESSAGE})
    engine.dispose()


def test_a_populated_0001_store_upgrades_and_still_shows_its_findings(db_url: str) -> None:
    _populate_0001(db_url)
    store = open_store(db_url)  # opening migrates to head
    assert store.revision() == head_revision() == "0003"
    (row,), _ = campaign_status(store, 1)
    assert (row.code, row.state, row.file_id) == ("C3", "errors", 1)
    (old,) = findings_of(store, [row.file_id])[1]
    assert (old.code, old.params, old.message) == ("", None, OLD_MESSAGE)
    for lang in ("zh", "en"):  # an old row has only its recorded sentence: shown as it was
        assert stored_message(old.code, old.params, old.message, lang) == OLD_MESSAGE
        (d,) = list(stored_digests(store, 1, lang=lang))
        assert [f.message for f in d.findings] == [OLD_MESSAGE]
    # a finding recorded after the upgrade keeps its code and renders in either language
    with store.session() as s:
        s.add(FindingRow(file_id=1, rule="TYPE-1", severity="error", sheet="预算执行", cell="B5", row=5, col=2,
                         message="（按中文记录）", code="TYPE-1.name",
                         params=params_json({"label": "年初预算", "value": "abc"})))
        s.commit()
    zh, en = ([f.message for f in next(iter(stored_digests(store, 1, lang=lang))).findings] for lang in ("zh", "en"))
    assert zh == [OLD_MESSAGE, "年初预算应为数字，现为文本“abc”"]
    assert en == [OLD_MESSAGE, "年初预算 must be a number, found text 'abc'"]
    store.close()


def test_params_keep_their_types_through_json() -> None:
    params = {"value": Decimal("1.50"), "when": datetime(2026, 3, 2, 8, 30), "names": ["甲", "乙"],
              "cmp": Text("word.below"), "n": 3, "x": 0.25, "odd": "a\x00b"}
    back = params_from_json(json.loads(json.dumps(params_json(params))))
    assert back["value"] == Decimal("1.50") and isinstance(back["value"], Decimal)
    assert back["when"] == params["when"] and back["names"] == ("甲", "乙") and back["cmp"] == Text("word.below")
    assert (back["n"], back["x"], back["odd"]) == (3, 0.25, "a\\x00b")  # NUL made storable, as the store does
    assert stored_message("TYPE-1.name", params_json({"label": "L", "value": Decimal("1.50")}), "", "en") == \
        "L must be a number, found text Decimal('1.50')"  # exactly as the finding rendered before it was stored


def test_status_and_the_summary_render_stored_findings_in_the_chosen_language(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    assert cli("campaign", "init", "c", "--year", "2023", "--roster", write_roster(tmp_path / "u.xlsx"),
               "--dir", folder)[0] == 0
    assert cli("collect", _inbox(tmp_path), "--campaign", folder, "--workers", "1", "--quiet")[0] == 1  # in Chinese
    said = {}
    for lang in ("zh", "en"):
        code, out = cli("campaign", "status", "--campaign", folder, "--format", "json", "--lang", lang)
        assert code == 1
        (c3,) = [r for r in json.loads(out) if r["code"] == "C3"]  # 丙's budget lines do not add up
        said[lang] = [f["message"] for f in c3["error_findings"] if f["rule"] == "SUM-1"]
        assert said[lang], c3
    assert all("合计" in m or "之和" in m for m in said["zh"]) and not any("合计" in m for m in said["en"])
    assert all(any(w in m for w in ("sum", "total", "add up")) for m in said["en"]), said["en"]
    code, out = cli("campaign", "status", "--campaign", folder, "--lang", "en")
    assert "errors to correct:" in out and said["en"][0][:30] in out.replace("\n", "")
    # the 汇总 built from the store in English speaks English about returns read in Chinese
    h = open_campaign(folder)
    path = write_summary(stored_collected(h.store, h.campaign.id, lang="en"), tmp_path / "summary.xlsx", lang="en",
                         created=datetime(2026, 3, 10))
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Findings").to_python()
    sum1 = [r for r in rows if "SUM-1" in r]
    assert sum1 and all(any(said["en"][0] == c for c in r) for r in sum1[:1])
    assert not any("合计" in str(c) for r in sum1 for c in r)
