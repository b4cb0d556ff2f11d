"""Approved targets and each unit's own indicators, locked at issuance (docs/targets.md).

Real files all the way: a targets file (.csv and .xlsx) for two units, templates issued by the
``evaltool template --targets`` command in a subprocess, filled by patching cells as a filler's
Excel would save them, read back and evaluated.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from conftest import requires_lo

from evaltool.engine import evaluate
from evaltool.frameworks import load_framework
from evaltool.frameworks.targets import TargetsError, apply_targets, for_unit, parse_targets
from evaltool.integrity import verify
from evaltool.io import patch_cells
from evaltool.io.reader import load
from evaltool.io.targets import read_targets
from evaltool.messages import render

HEAD = ["单位代码", "单位名称", "一级指标", "二级指标", "三级指标", "指标类型", "评分方法", "分值", "计量单位",
        "指标方向", "年度目标值", "来源", "备注"]
SOURCE = "2023年绩效目标申报表"

#: Unit A: a 教育局-like unit; unit B: a 卫健委-like one; different own indicators and weights.
OWN = {
    "EDU": ("某区教育委员会", [
        ("产出", "数量", "新增学位数", "M01", 12, "个", 1200), ("产出", "数量", "教师培训人次", "M01", 10, "人次", 5000),
        ("产出", "数量", "校舍改造面积", "M01", 8, "平方米", 20000), ("产出", "质量", "课后服务覆盖率", "M01", 9, "%", 0.95),
        ("效果", "社会效益", "家长满意率", "M01", 12, "%", 0.9), ("效果", "可持续影响", "集团化办学覆盖率", "M01", 8, "%", 0.8),
    ]),
    "HEALTH": ("某区卫生健康委员会", [
        ("产出", "数量", "家庭医生签约人数", "M01", 15, "人", 300000), ("产出", "数量", "疫苗接种剂次", "M01", 15, "剂次", 80000),
        ("产出", "质量", "电子健康档案建档率", "M01", 5, "%", 0.9), ("产出", "质量", "慢病规范管理率", "M01", 4, "%", 0.7),
        ("效果", "社会效益", "孕产妇死亡率", "M02", 12, "1/10万", 10), ("效果", "可持续影响", "医联体覆盖街道数", "M01", 8, "个", 15),
    ]),
}


def _rows() -> list[list[object]]:
    rows: list[list[object]] = [list(HEAD)]
    for code, (name, own) in OWN.items():
        for l1, l2, ind, method, weight, unit, target in own:
            direction = "≤" if method == "M02" else "≥"
            rows.append([code, name, l1, l2, ind, "定量", method, weight, unit, direction, target, SOURCE, ""])
    return rows


@pytest.fixture(scope="module")
def targets_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("targets") / "目标表.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(_rows())
    return path


@pytest.fixture(scope="module")
def issued(targets_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Both units' templates, issued by the real command line."""
    out = tmp_path_factory.mktemp("issued")
    paths = {}
    for code in OWN:
        path = out / f"{code}.xlsx"
        subprocess.run([sys.executable, "-m", "evaltool", "template", "--framework", "dept-overall", "--targets",
                        str(targets_csv), "--unit-code", code, "--year", "2023", "-o", str(path)],
                       check=True, capture_output=True, text=True)
        paths[code] = path
    return paths


def _fill(src: Path, dst: Path, extra: dict[tuple[str, str], object] | None = None) -> Path:
    """Type every actual as a filler would: each target met exactly, 定性 rows 达成, a
    satisfaction survey of 100 with 95 satisfied (the rates' rows are computed, not typed)."""
    ev = load(src)
    cells: dict[tuple[str, str], object] = {}
    for ind in ev.indicator_rows:
        if ind.level3 in ("服务对象满意度", "部门预决算差异率"):
            continue
        cells[("绩效指标", f"J{ind.row}")] = "达成" if ind.kind == "定性" else (
            float(ind.target) if isinstance(ind.target, (int, float, Decimal)) else None)
    cells[("预算执行", "B5")] = 1_000_000
    cells[("预算执行", "D5")] = 990_000
    cells[("预算执行", "B33")] = 100  # survey_sample
    cells[("预算执行", "B34")] = 95  # survey_satisfied
    patch_cells(src, dst, {k: v for k, v in {**cells, **(extra or {})}.items() if v is not None})
    return dst


def test_each_unit_has_its_own_indicators_and_weights_locked(issued: dict[str, Path]) -> None:
    for code, (name, own) in OWN.items():
        ev = load(issued[code])
        rows = {i.level3: i for i in ev.indicator_rows}
        assert ev.unit.name == name and ev.unit.code == code
        for l1, l2, ind, method, weight, _unit, target in own:
            got = rows[ind]
            assert (got.level1, got.level2, got.method, got.weight) == (l1, l2, method, Decimal(weight))
            assert got.locked and got.target_locked and float(got.target) == pytest.approx(target)
        others = {x[2] for c, (_, o) in OWN.items() if c != code for x in o}
        assert not (others & set(rows)), "another unit's indicators leaked in"
        assert sum(i.weight for i in ev.indicator_rows if i.locked) == 100
        assert ev.meta["approved_targets"] == "1"
        ws = openpyxl.load_workbook(issued[code])["绩效指标"]
        for i in ev.indicator_rows:
            for col in "ABCDEFGHI":  # 一级 … 指标方向 and 年度目标值: locked cells on a protected sheet
                assert ws[f"{col}{i.row}"].protection.locked, f"{col}{i.row}"
            # 实际完成值 stays an input, unless the method scores a computed rate (满意度, 差异率)
            computed = i.level3 in ("服务对象满意度", "部门预决算差异率")
            assert ws[f"J{i.row}"].protection.locked == computed, f"J{i.row}"
        assert ws.protection.sheet


def test_filled_as_fillers_would_scores_out_of_100(issued: dict[str, Path], tmp_path: Path) -> None:
    for code in OWN:
        result = evaluate(load(_fill(issued[code], tmp_path / f"{code}.xlsx")))
        assert result.total == pytest.approx(100.0)
        assert not [f for f in result.findings if f.rule.startswith("INT")]


def test_lowered_target_is_an_integrity_error_naming_cell_old_and_new(issued: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    ev = load(issued["EDU"])
    row = next(i.row for i in ev.indicator_rows if i.level3 == "新增学位数")
    lowered = _fill(issued["EDU"], tmp_path / "lowered.xlsx", {("绩效指标", f"I{row}"): 600})
    found = [f for f in verify(load(lowered)) if f.rule == "INT-1"]
    assert len(found) == 1, found
    f = found[0]
    assert (f.sheet, f.cell, f.severity) == ("绩效指标", f"I{row}", "error")
    message = render(f)
    assert "年度目标值" in message and "1200" in message and "600" in message
    assert message.index("1200") < message.index("600")  # old → new


def test_row_inserted_by_the_filler_is_read_listed_and_weighs_zero(issued: dict[str, Path], tmp_path: Path) -> None:
    ev = load(issued["HEALTH"])
    spare = max(i.row for i in ev.indicator_rows) + 1
    extra = {("绩效指标", f"A{spare}"): "产出", ("绩效指标", f"B{spare}"): "数量",
             ("绩效指标", f"C{spare}"): "义诊活动场次", ("绩效指标", f"D{spare}"): "定量",
             ("绩效指标", f"E{spare}"): "M01", ("绩效指标", f"F{spare}"): 5, ("绩效指标", f"H{spare}"): "≥",
             ("绩效指标", f"I{spare}"): 10, ("绩效指标", f"J{spare}"): 12}
    filled = load(_fill(issued["HEALTH"], tmp_path / "added.xlsx", extra))
    added = [i for i in filled.indicator_rows if i.level3 == "义诊活动场次"]
    assert len(added) == 1 and not added[0].locked and added[0].weight == 5
    result = evaluate(filled)
    listed = [f for f in result.findings if f.rule == "IND-ADDED"]
    assert [(f.cell, f.severity) for f in listed] == [(f"C{spare}", "info")]
    assert "义诊活动场次" in render(listed[0]) and "0 分" in render(listed[0])
    score = next(s for s in result.scores if s.key == f"indicator:{spare}:得分")
    assert score.value == 0.0 and score.formula.count("0") >= 1
    assert result.total == pytest.approx(100.0)  # the locked 100 points, nothing more
    assert not [f for f in result.findings if f.rule.startswith("INT")]  # adding a row is no tampering


@requires_lo
def test_row_inserted_in_the_middle_through_libreoffice_is_an_added_row(issued: dict[str, Path],
                                                                       tmp_path: Path) -> None:
    """Insert > Rows Above in the middle of the indicator table (the filler unprotects the sheet,
    as Excel allows no table row insertion on a protected sheet), type a new indicator there:
    every issued row below moves down one row and stays locked, the new row is listed and weighs
    0, the score is what it was, and a target changed below the insertion is still reported at
    its new address with old and new value."""
    from support.lo_edit import insert_rows

    filled = _fill(issued["HEALTH"], tmp_path / "filled.xlsx")
    before = load(filled)
    at = next(i.row for i in before.indicator_rows if i.level3 == "疫苗接种剂次")  # an own indicator, mid-table
    new_row = ["产出", "数量", "义诊活动场次", "定量", "M01", 5, "场次", "≥", 10, 12]
    inserted = insert_rows(filled, tmp_path / "inserted.xlsx", "绩效指标", at, [new_row])
    ev = load(inserted)
    rows = {i.level3: i for i in ev.indicator_rows}
    assert rows["义诊活动场次"].row == at and not rows["义诊活动场次"].locked
    assert rows["疫苗接种剂次"].row == at + 1 and rows["疫苗接种剂次"].locked and rows["疫苗接种剂次"].target_locked
    assert [i.level3 for i in ev.indicator_rows if i.locked] == [i.level3 for i in before.indicator_rows]
    result = evaluate(ev)
    assert not [f for f in result.findings if f.rule.startswith("INT")]  # inserting a row is no tampering
    assert [(f.rule, f.cell) for f in result.findings if f.rule == "IND-ADDED"] == [("IND-ADDED", f"C{at}")]
    assert next(s for s in result.scores if s.key == f"indicator:{at}:得分").value == 0.0
    assert result.total == pytest.approx(evaluate(before).total)

    lowered = tmp_path / "lowered.xlsx"  # and below the inserted row, a lowered target is still caught
    patch_cells(inserted, lowered, {("绩效指标", f"I{at + 1}"): 40000})
    (f,) = [f for f in verify(load(lowered)) if f.rule == "INT-1"]
    assert (f.sheet, f.cell) == ("绩效指标", f"I{at + 1}")
    assert "80000" in render(f) and "40000" in render(f)


def test_filler_weighted_rows_when_the_framework_allows(tmp_path: Path, targets_csv: Path) -> None:
    import yaml

    from evaltool.frameworks.loader import BUNDLED
    from evaltool.template import write_template

    data = yaml.safe_load((BUNDLED / "dept-overall.yaml").read_text(encoding="utf-8"))
    data.update(id="dept-open", filler_weighted_rows=True)
    fw_path = tmp_path / "dept-open.yaml"
    fw_path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "common.yaml").write_bytes((BUNDLED / "rules" / "common.yaml").read_bytes())
    src = write_template(str(fw_path), tmp_path / "open.xlsx", targets=for_unit(read_targets(targets_csv), "EDU"),
                         year=2023)
    ev = load(src)
    spare = max(i.row for i in ev.indicator_rows) + 1
    filled = _fill(src, tmp_path / "open-filled.xlsx", {
        ("绩效指标", f"C{spare}"): "自加指标", ("绩效指标", f"E{spare}"): "M01", ("绩效指标", f"F{spare}"): 5,
        ("绩效指标", f"I{spare}"): 10, ("绩效指标", f"J{spare}"): 10})
    result = evaluate(load(filled))
    assert next(s for s in result.scores if s.key == f"indicator:{spare}:得分").value == 5.0
    assert [f.rule for f in result.findings if f.rule == "IND-ADDED"] == ["IND-ADDED"]


def test_template_without_targets_works_as_before(tmp_path: Path) -> None:
    from evaltool.template import write_template

    ev = load(write_template("dept-overall", tmp_path / "plain.xlsx", year=2023))
    assert "approved_targets" not in ev.meta
    assert all(i.locked and not i.target_locked for i in ev.indicator_rows)
    ws = openpyxl.load_workbook(tmp_path / "plain.xlsx")["绩效指标"]
    assert not ws[f"I{ev.indicator_rows[0].row}"].protection.locked  # the filler types targets
    cover = openpyxl.load_workbook(tmp_path / "plain.xlsx")["封面"]
    notes = " ".join(str(c.value) for row in cover.iter_rows(min_row=19) for c in row if c.value)
    assert "未经预算批复时审定" in notes and "预留 59 分" in notes


# --- a malformed targets file is refused with the row and column named -------------------------


@pytest.mark.parametrize(("change", "row", "column"), [
    (lambda r: r[0].__setitem__(4, "指标名"), 1, "指标名"),
    (lambda r: [x.pop(10) for x in r], 1, "年度目标值"),
    (lambda r: r[3].__setitem__(7, "五分"), 4, "分值"),
    (lambda r: r[2].__setitem__(0, ""), 3, "单位代码"),
    (lambda r: r[5].__setitem__(9, "大于"), 6, "指标方向"),
    (lambda r: r.insert(3, list(r[2])), 4, "三级指标"),
])
def test_malformed_csv_refused_naming_row_and_column(tmp_path: Path, change, row: int, column: str) -> None:  # type: ignore[no-untyped-def]
    rows = _rows()
    change(rows)
    path = tmp_path / "bad.csv"
    with path.open("w", encoding="gb18030", newline="") as f:  # as WPS saves a CSV in China
        csv.writer(f).writerows(rows)
    with pytest.raises(TargetsError) as err:
        read_targets(path)
    assert (err.value.row, err.value.column) == (row, column)
    assert f"第{row}行" in str(err.value) and f"「{column}」列" in str(err.value) and str(path) in str(err.value)


def test_xlsx_targets_file_is_read_and_checked(tmp_path: Path) -> None:
    rows = _rows()
    good, bad = tmp_path / "t.xlsx", tmp_path / "bad.xlsx"
    for path, weight in ((good, 12), (bad, 11)):
        wb = xlsxwriter.Workbook(path)
        ws = wb.add_worksheet("目标")
        for r, values in enumerate(rows):
            ws.write_row(r, 0, [weight if (r == 1 and c == 7) else v for c, v in enumerate(values)])
        wb.close()
    got = read_targets(good)
    assert [r.name for r in got[:2]] == ["新增学位数", "教师培训人次"] and got[0].weight == 12
    with pytest.raises(TargetsError) as err:  # 数量 then adds up to 29, the framework keeps 30
        apply_targets(load_framework("dept-overall"), for_unit(read_targets(bad), "EDU"), "bad.xlsx")
    assert err.value.column == "分值" and err.value.row == 2 and "30" in str(err.value)


def test_framework_fixed_fields_cannot_be_changed_and_missing_unit_named() -> None:
    rows = parse_targets(HEAD, [(2, ["A", "", "", "", "服务对象满意度", "", "M01", "", "", "", "", "", ""]),
                                (3, ["A", "", "产出", "数量", "x", "", "M01", 30, "", "", 1, "", ""])], "t.csv")
    with pytest.raises(TargetsError) as err:
        apply_targets(load_framework("dept-overall"), rows, "t.csv")
    assert (err.value.row, err.value.column) == (2, "评分方法")
    with pytest.raises(TargetsError) as err2:
        for_unit(rows, "B", "t.csv")
    assert err2.value.column == "单位代码" and "A" in str(err2.value)


def test_cli_refuses_a_file_with_several_units_without_unit_code(targets_csv: Path, tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, "-m", "evaltool", "template", "--targets", str(targets_csv),
                          "-o", str(tmp_path / "x.xlsx")], capture_output=True, text=True)
    assert out.returncode == 2 and "--unit-code" in out.stderr and not (tmp_path / "x.xlsx").exists()


def test_campaign_issues_each_units_own_indicators_by_the_same_mechanism(targets_csv: Path, tmp_path: Path) -> None:
    """``campaign init --targets`` keeps every column in the store; ``campaign issue`` locks each
    unit's own indicators into its template exactly as ``evaltool template --targets`` does."""
    from test_campaign import cli, write_roster

    roster = write_roster(tmp_path / "units.xlsx", [("某区教育委员会", "EDU", "区政府", "张一", "a@x.gov.cn"),
                                                    ("某区卫生健康委员会", "HEALTH", "区政府", "张二", "b@x.gov.cn"),
                                                    ("某区体育局", "SPORT", "区政府", "张三", "c@x.gov.cn")])
    folder = tmp_path / "c2023"
    code, out = cli("campaign", "init", "2023部门整体", "--year", "2023", "--roster", roster, "--targets",
                    targets_csv, "--dir", folder)
    assert code == 0, out
    assert "不在单位名单中" not in out  # every unit of the file is on the roster
    code, out = cli("campaign", "issue", "--campaign", folder)
    assert code == 0, out
    assert "SPORT" in out and "没有该单位的行" in out  # on the roster, not in the targets file: warned
    for unit, (name, own) in OWN.items():
        ev = load(folder / "issued" / f"{unit}_{name}.xlsx")
        rows = {i.level3: i for i in ev.indicator_rows}
        for l1, l2, ind, method, weight, _u, target in own:
            got = rows[ind]
            assert (got.level1, got.level2, got.method, got.weight) == (l1, l2, method, Decimal(weight))
            assert got.target_locked and float(got.target) == pytest.approx(target)
        assert sum(i.weight for i in ev.indicator_rows if i.locked) == 100
        # the same mechanism: the command line's template for the unit has the same locked content
        cmd = tmp_path / f"{unit}-cmd.xlsx"
        subprocess.run([sys.executable, "-m", "evaltool", "template", "--targets", str(targets_csv), "--unit-code",
                        unit, "--year", "2023", "-o", str(cmd)], check=True, capture_output=True, text=True)
        assert load(cmd).meta["fingerprint"] == ev.meta["fingerprint"]
    sport = load(folder / "issued" / "SPORT_某区体育局.xlsx")
    assert "approved_targets" not in sport.meta and sum(i.weight for i in sport.indicator_rows if i.locked) == 41


def test_campaign_init_refuses_a_bad_targets_file_naming_row_and_column(targets_csv: Path, tmp_path: Path) -> None:
    from test_campaign import cli, write_roster

    rows = _rows()
    rows[3][7] = 11  # EDU's 校舍改造面积 weighs 11: 产出/数量 then adds up to 33, the framework keeps 30
    bad = tmp_path / "目标表.csv"
    with bad.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    folder = tmp_path / "bad"
    roster = write_roster(tmp_path / "u.xlsx")
    code, out = cli("campaign", "init", "x", "--year", "2023", "--roster", roster, "--targets", targets_csv,
                    "--dir", tmp_path / "off")  # a good file whose units are not on this roster: said so
    assert code == 0 and "EDU、HEALTH" in out and "不在单位名单中" in out
    code, out = cli("campaign", "init", "x2", "--year", "2023", "--roster", roster, "--targets", bad, "--dir", folder)
    assert code == 2
    assert "目标表.csv" in out and "「分值」列" in out and "30" in out and "33" in out
    assert not (folder / "campaign.json").exists()  # nothing created
