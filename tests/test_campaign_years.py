"""Two years in one store: a target set below last year's actual is warned — at issue (the
bureau's targets file) and at intake (a target the unit typed) — and this year's template
carries the approved targets."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

import openpyxl
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from support.inbox import Returns, mail
from test_campaign import cli, write_roster

import evaltool
from evaltool.campaign import open_campaign
from evaltool.io import patch_cells
from evaltool.store.schema import File, FindingRow


def targets_2024(path: Path) -> Path:
    """甲单位's 2024 targets file (docs/targets.md): the sample unit's own indicators, each target
    at least last year's actual — except 执委领办项目数, approved at 700 (< 753)."""
    from evaltool.demo.samples import ACTUALS, TARGETS

    with TARGETS.open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f)]
    head, out = rows[0], [rows[0]]
    at = {h: i for i, h in enumerate(head)}
    for r in rows[1:]:
        if r[at["单位代码"]] != "FL-XC":
            continue
        r = list(r)
        r[at["单位代码"]], r[at["单位名称"]], r[at["来源"]] = "A1", "甲单位", "2024年绩效目标申报表"
        actual = ACTUALS.get(r[at["三级指标"]], (None, None, ""))[1]
        if r[at["三级指标"]] == "执委领办项目数":
            r[at["年度目标值"]] = "700"
        elif isinstance(actual, int) and actual > float(r[at["年度目标值"]]):
            r[at["年度目标值"]] = str(actual)
        out.append(r)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(out)
    return path


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
    a2023 = ret.make("甲单位", "A1")
    (inbox / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", "甲", datetime(2024, 3, 2), [("甲单位.xlsx", a2023)]))
    assert cli("collect", inbox, "--campaign", y23, "--workers", "1", "--quiet")[0] == 0

    # 2024: the approved targets lower 执委领办项目数 to 700 (< 753); the others are at least 2023's
    targets = targets_2024(tmp_path / "targets.csv")
    y24 = tmp_path / "2024"
    assert cli("campaign", "init", "2024部门整体", "--year", "2024", "--roster", roster, "--targets", targets,
               "--dir", y24, "--db", bureau)[0] == 0
    code, out = cli("campaign", "issue", "--campaign", y24)
    assert code == 0, out
    warned = [line for line in out.splitlines() if line.startswith("警告") and "年度目标值" in line]
    assert len(warned) == 1
    # the roster's other units have no rows in the targets file: issued as the framework is, and said so
    assert sum("没有该单位的行" in line for line in out.splitlines()) == 4
    assert "A1 执委领办项目数" in warned[0] and "700" in warned[0] and "753" in warned[0] and "10号" in warned[0]
    ev = evaltool.load(y24 / "issued" / "A1_甲单位.xlsx")  # the approved targets are in the template, locked
    target = {i.level3: i.target for i in ev.indicator_rows}
    assert target["执委领办项目数"] == 700 and target["服务妇女儿童人次"] == 33821
    assert ev.meta["approved_targets"] == "1" and all(i.target_locked for i in ev.indicator_rows if i.locked)
    assert sum(i.weight for i in ev.indicator_rows if i.locked) == 100
    assert ev.unit.year == 2024

    # last year's 整改措施 (the 2023 return's 措施建议 on 报告内容) are carried into the 2024 template,
    # in a locked cell of 自评表; left without 上年整改落实情况 they are an error naming its cell
    (tmp_path / "a2023.xlsx").write_bytes(a2023)
    measures_2023 = evaltool.load(tmp_path / "a2023.xlsx").narrative.measures
    carried = ev.scalars.get("prior_rectification")
    assert carried and carried == measures_2023
    loc = ev.names["prior_rectification"]
    ws = openpyxl.load_workbook(y24 / "issued" / "A1_甲单位.xlsx")[loc.sheet]
    assert ws[loc.ref.replace("$", "")].protection.locked
    status = ev.names["prior_rectification_status"].ref.replace("$", "")
    assert not ws[status].protection.locked  # the unit types its 落实情况 there
    from evaltool.engine import evaluate

    zg = [f for f in evaluate(ev).findings if f.rule == "ZG-1"]
    assert [(f.severity, f.sheet, f.cell) for f in zg] == [("error", "自评表", status)]
    done = tmp_path / "a2024-done.xlsx"
    patch_cells(y24 / "issued" / "A1_甲单位.xlsx", done, {("自评表", status): "已全部落实：修订项目实施方案，开展预算评审"})
    assert not [f for f in evaluate(evaltool.load(done)).findings if f.rule == "ZG-1"]

    # a 2024 return whose targets are below its own 2023 actuals is warned at intake (TGT-HIST),
    # naming both values: here the approved 700 < 753 and 350 < 383 (Returns issues the sample's
    # targets, locked); a target equal to last year's actual (帮扶救助 200 = 200) or text (近800) is none
    def collect_2024(name: str, data: bytes) -> tuple[int, list[str], list[str]]:
        inbox = tmp_path / name
        inbox.mkdir()
        (inbox / "a.eml").write_bytes(mail("张一 <a@x.gov.cn>", name, datetime(2025, 3, 2), [("甲单位.xlsx", data)]))
        code = cli("collect", inbox, "--campaign", y24, "--workers", "1", "--quiet")[0]
        h = open_campaign(y24)
        with h.store.session() as s:
            def of(rule: str) -> list[str]:
                return list(s.scalars(select(FindingRow.message).join(File, File.id == FindingRow.file_id)
                                      .where(File.campaign_id == h.campaign.id, FindingRow.rule == rule)))
            return code, of("TGT-HIST"), of("INT-1")

    base = tmp_path / "a2024.xlsx"
    base.write_bytes(ret.make("甲单位", "A1", 1))
    assert evaltool.load(base).indicator_rows[0].level3 == "执委领办项目数"
    code, msgs, _ = collect_2024("inbox2024", base.read_bytes())
    assert code == 0
    (mine,) = [m for m in msgs if "执委领办项目数" in m]
    assert "700" in mine and "753" in mine
    assert any("走访慰问困难群体人数" in m and "350" in m and "383" in m for m in msgs)
    assert not any("帮扶救助困难妇女儿童人数" in m or "青年交友联谊活动参与人数" in m for m in msgs)
    # lowering the approved (locked) target to 600 in the return is an integrity error naming the
    # cell, the issued 700 and the typed 600 (typed into the unit's own template: its issued
    # identity unchanged, so it passes intake and is read)
    patch_cells(base, tmp_path / "a2024-low.xlsx", {("绩效指标", "I5"): 600})
    code, _, changed = collect_2024("inbox2024b", (tmp_path / "a2024-low.xlsx").read_bytes())
    assert code == 1  # errors found
    assert any("I5" in m and "700" in m and "600" in m for m in changed), changed
    rows = CalamineWorkbook.from_path(str(y24 / "collect" / "汇总.xlsx")).get_sheet_by_name("问题清单").to_python()
    assert any("TGT-HIST" in r and "警告" in r for r in rows)
    # last year's campaign in the same store is untouched by this year's intake
    h23 = open_campaign(y23)
    with h23.store.session() as s:
        assert s.scalar(select(FindingRow.id).where(FindingRow.rule == "TGT-HIST",
                                                    FindingRow.file_id.in_(select(File.id).where(
                                                        File.campaign_id == h23.campaign.id)))) is None
