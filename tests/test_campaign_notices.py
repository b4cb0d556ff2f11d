"""What ``campaign issue`` warns is kept with the unit: ``campaign status`` (screen, JSON and the
报送情况 sheet of 汇总) shows it, in the chosen language, until the unit returns."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from python_calamine import CalamineWorkbook
from support.inbox import Returns, mail
from test_campaign import cli, write_roster
from test_campaign_years import targets_2024

from evaltool.campaign import open_campaign
from evaltool.store.notices import issue_warnings


def test_issue_warnings_are_kept_and_shown_until_the_unit_returns(tmp_path: Path) -> None:
    bureau = tmp_path / "bureau.db"
    roster = write_roster(tmp_path / "units.xlsx")
    ret = Returns(tmp_path)
    y23 = tmp_path / "2023"  # 2023: 甲单位 (A1) achieved 753 执委领办项目数
    assert cli("campaign", "init", "2023部门整体", "--year", "2023", "--roster", roster, "--dir", y23,
               "--db", bureau)[0] == 0
    inbox = tmp_path / "inbox2023"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", "甲", datetime(2024, 3, 2), [("甲单位.xlsx", ret.make("甲单位", "A1"))]))
    assert cli("collect", inbox, "--campaign", y23, "--workers", "1", "--quiet")[0] == 0
    targets = targets_2024(tmp_path / "targets.csv")  # 2024: the approved target is 700 (< 753)
    y24 = tmp_path / "2024"
    assert cli("campaign", "init", "2024部门整体", "--year", "2024", "--roster", roster, "--targets", targets,
               "--dir", y24, "--db", bureau)[0] == 0
    assert cli("campaign", "issue", "--campaign", y24)[0] == 0
    assert cli("campaign", "issue", "--campaign", y24, "--unit", "A1")[0] == 0  # issued again: replaced, not added

    h = open_campaign(y24)
    kept = issue_warnings(h.store, h.campaign.id)
    assert list(kept) == ["A1"] and len(kept["A1"]) == 1
    (note,) = kept["A1"]
    assert (note.rule, note.code, note.severity) == ("TGT-HIST", "TGT-HIST.issue", "warning")
    for lang, words in (("zh", "低于上年实际完成值"), ("en", "below last year's actual")):
        code, out = cli("campaign", "status", "--campaign", y24, "--format", "json", "--lang", lang)
        by_code = {r["code"]: r for r in json.loads(out)}
        (line,) = by_code["A1"]["issue_warnings"]
        assert "执委领办项目数" in line and "700" in line and "753" in line and words in line
        assert all(not r["issue_warnings"] for c, r in by_code.items() if c != "A1")
        code, out = cli("campaign", "status", "--campaign", y24, "--lang", lang)
        assert words in out.replace("\n", "")

    # 乙 returns first: 汇总's 报送情况 still shows what was warned about 甲, who has not returned
    inbox24 = tmp_path / "inbox2024"
    inbox24.mkdir()
    (inbox24 / "b.eml").write_bytes(mail("张二 <b@x.gov.cn>", "乙", datetime(2025, 3, 2), [("乙单位.xlsx", ret.make("乙单位", "B2", 1))]))
    cli("collect", inbox24, "--campaign", y24, "--workers", "1", "--quiet")
    rows = CalamineWorkbook.from_path(str(y24 / "collect" / "汇总.xlsx")).get_sheet_by_name("报送情况").to_python()
    header = next(i for i, r in enumerate(rows) if r and r[0] == "单位代码")
    col = rows[header].index("下发警告（未报送）")
    shown = {r[0]: r[col] for r in rows[header + 1:] if r[0]}
    assert "753" in shown["A1"] and "700" in shown["A1"] and shown["B2"] == ""

    # once 甲 has returned, its issue-time warning is no longer listed (intake's own TGT-HIST takes over)
    (inbox24 / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", "甲", datetime(2025, 3, 3), [("甲单位.xlsx", ret.make("甲单位", "A1", 1))]))
    cli("collect", inbox24, "--campaign", y24, "--workers", "1", "--quiet")
    code, out = cli("campaign", "status", "--campaign", y24, "--format", "json")
    assert all(not r["issue_warnings"] for r in json.loads(out))
    code, out = cli("campaign", "status", "--campaign", y24)
    assert "下发时的警告" not in out
