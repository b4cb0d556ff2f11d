"""Two years in one store: a target set below last year's actual is warned — at issue (the
bureau's targets file) and at intake (a target the unit typed) — and this year's template
carries the approved targets."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from python_calamine import CalamineWorkbook
from sqlalchemy import select
from support.inbox import Returns, mail
from test_campaign import cli, write_roster

import evaltool
from evaltool.campaign import open_campaign
from evaltool.io import patch_cells
from evaltool.store.schema import File, FindingRow

TARGETS = """单位代码,一级指标,二级指标,三级指标,年度目标值,计量单位,指标方向,来源
A1,产出,产出数量,执委领办项目数,700,项,≥,绩效目标申报表
A1,产出,产出数量,服务妇女儿童人次,35000,人次,≥,绩效目标申报表
"""


def test_a_target_below_last_years_actual_is_warned_at_issue_and_at_intake(tmp_path: Path) -> None:
    bureau = tmp_path / "bureau.db"  # one store for both years
    roster = write_roster(tmp_path / "units.xlsx")
    ret = Returns(tmp_path)
    # 2023: 甲单位 achieved 753 执委领办项目数 and 33,821 服务妇女儿童人次 (the sample's figures)
    y23 = tmp_path / "2023"
    assert cli("campaign", "init", "2023部门整体", "--year", "2023", "--roster", roster, "--dir", y23,
               "--db", bureau)[0] == 0
    inbox = tmp_path / "inbox2023"
    inbox.mkdir()
    (inbox / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", "甲", datetime(2024, 3, 2), [("甲单位.xlsx", ret.make("甲单位", "A1"))]))
    assert cli("collect", inbox, "--campaign", y23, "--workers", "1", "--quiet")[0] == 0

    # 2024: the approved targets lower 执委领办项目数 to 700 (< 753); 35,000 人次 is above 33,821
    targets = tmp_path / "targets.csv"
    targets.write_text(TARGETS, encoding="utf-8")
    y24 = tmp_path / "2024"
    assert cli("campaign", "init", "2024部门整体", "--year", "2024", "--roster", roster, "--targets", targets,
               "--dir", y24, "--db", bureau)[0] == 0
    code, out = cli("campaign", "issue", "--campaign", y24)
    assert code == 0, out
    warned = [line for line in out.splitlines() if line.startswith("警告")]
    assert len(warned) == 1
    assert "A1 执委领办项目数" in warned[0] and "700" in warned[0] and "753" in warned[0] and "10号" in warned[0]
    ev = evaltool.load(y24 / "issued" / "A1_甲单位.xlsx")  # the approved targets are in the template
    target = {i.level3: i.target for i in ev.indicator_rows}
    assert target["执委领办项目数"] == 700 and target["服务妇女儿童人次"] == 35000
    assert ev.unit.year == 2024

    # a 2024 return that types its own lower target (600) is warned at intake, naming last year's 753
    base = tmp_path / "a2024.xlsx"
    base.write_bytes(ret.make("甲单位", "A1", 1))
    # (typed into the unit's own template — its issued identity unchanged, so it passes intake)
    patch_cells(base, tmp_path / "a2024-low.xlsx", {("绩效指标", "I5"): 600})
    inbox24 = tmp_path / "inbox2024"
    inbox24.mkdir()
    (inbox24 / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", "甲2024", datetime(2025, 3, 2),
                                         [("甲单位.xlsx", (tmp_path / "a2024-low.xlsx").read_bytes())]))
    assert cli("collect", inbox24, "--campaign", y24, "--workers", "1", "--quiet")[0] == 0
    h = open_campaign(y24)
    with h.store.session() as s:
        msgs = list(s.scalars(select(FindingRow.message).join(File, File.id == FindingRow.file_id)
                              .where(File.campaign_id == h.campaign.id, FindingRow.rule == "TGT-HIST")))
    (mine,) = [m for m in msgs if "执委领办项目数" in m]
    assert "600" in mine and "753" in mine
    # the sample's own 2023 targets, typed again, are below its 2023 actuals too (753>700, 383>350 …);
    # a target equal to last year's actual (帮扶救助 200 = 200) or text (近800) is no warning
    assert any("走访慰问困难群体人数" in m and "350" in m and "383" in m for m in msgs)
    assert not any("帮扶救助困难妇女儿童人数" in m or "青年交友联谊活动参与人数" in m for m in msgs)
    rows = CalamineWorkbook.from_path(str(y24 / "collect" / "汇总.xlsx")).get_sheet_by_name("问题清单").to_python()
    assert any("TGT-HIST" in r and "警告" in r for r in rows)
    # last year's campaign in the same store is untouched by this year's intake
    h23 = open_campaign(y23)
    with h23.store.session() as s:
        assert s.scalar(select(FindingRow.id).where(FindingRow.rule == "TGT-HIST",
                                                    FindingRow.file_id.in_(select(File.id).where(
                                                        File.campaign_id == h23.campaign.id)))) is None
