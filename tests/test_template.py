"""The template contract (docs/template.md) read back with openpyxl, for every framework."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest

from evaltool import contract as C
from evaltool.frameworks import list_frameworks, load_framework
from evaltool.io.filebook import FileBook
from evaltool.template import write_template
from evaltool.template.context import Ctx
from evaltool.template.layout import table_layout
from evaltool.template.writer import build_context

FRAMEWORKS = list_frameworks()


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    d = tmp_path_factory.mktemp("tpl")
    out = {}
    for fid in FRAMEWORKS:
        p = write_template(fid, d / f"{fid}.xlsx", unit_name="测试单位", year=2024, created_at="2024-01-02T03:04:05")
        out[fid] = (p, openpyxl.load_workbook(p))
    return out


def _cells(ws, rng):
    return [c for row in ws[rng] for c in row]


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_sheets_and_meta(books, fid):
    _, wb = books[fid]
    assert tuple(wb.sheetnames) == C.SHEETS
    meta = wb[C.META]
    assert meta.sheet_state == "hidden"
    kv = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert kv["template_id"] == f"evaltool/{fid}" and kv["template_version"] == "2.1"
    assert kv["framework_id"] == fid and kv["framework_version"] == load_framework(fid).version
    assert kv["created_at"] == "2024-01-02T03:04:05+00:00"
    assert kv["unit_name"] == "测试单位"
    assert re.fullmatch(r"[0-9a-f]{64}", kv["fingerprint"])
    assert not kv["signature"] and not kv["key_id"]  # empty without a signer
    for name in ("template_id", "template_version"):
        assert wb[C.COVER][f"B{C.COVER_NAMES[name][0]}"].value == kv[name]


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_defined_names(books, fid):
    _, wb = books[fid]
    names = wb.defined_names
    expect = {n: (C.COVER, f"$B${r}") for n, (r, _) in C.COVER_NAMES.items()}
    expect |= {n: (C.BUDGET, f"${c}$5") for n, c in C.BUDGET_ROW5_NAMES.items()}
    expect |= {n: (C.BUDGET, f"$B${r}") for n, (r, _, _) in C.KV_NAMES.items()}
    expect |= {n: (C.BUDGET, f"$B${24 + i}") for i, n in enumerate(C.RATE_NAMES)}
    for name, (sheet, ref) in expect.items():
        assert names[name].attr_text == f"'{sheet}'!{ref}", name
    fw = load_framework(fid)
    ws = wb[C.METHODS]
    for p in fw.params:
        dest = names[f"param_{p.name}"].attr_text
        assert dest.startswith(f"'{C.METHODS}'!$B$")
        row = int(dest.rsplit("$", 1)[1])
        assert ws[f"A{row}"].value == p.name and ws[f"B{row}"].value == p.value


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_tables(books, fid):
    path, wb = books[fid]
    found = {}
    for ws in wb.worksheets:
        for t in ws.tables.values():
            found[t.name] = (ws.title, t)
    assert set(found) == set(C.TABLE_HEADERS) | {"Narrative"}  # 报告内容 (evaltool.contract.narrative)
    fw = load_framework(fid)
    for name, headers in C.TABLE_HEADERS.items():
        sheet, t = found[name]
        assert sheet == C.TABLE_SHEETS[name]
        assert tuple(c.name for c in t.tableColumns) == headers
        if name in C.TABLE_HEADER_ROWS:
            assert t.ref.startswith(f"A{C.TABLE_HEADER_ROWS[name]}:"), (name, t.ref)
    assert found["Indicators"][1].ref == f"A4:P{4 + len(fw.indicators) + C.SPARE_INDICATOR_ROWS}"
    assert found["Methods"][1].ref == f"A3:G{3 + len(fw.methods)}"
    assert found["Params"][1].ref.startswith(f"A{3 + len(fw.methods) + 3}:")
    assert found["Budget"][1].ref == "A4:F8"
    # the precomputed layout (used for live checks) is what was written
    ctx: Ctx = build_context(fid, None, None, None, "zh")
    got = FileBook(path).tables()
    for name, info in table_layout(ctx).items():
        assert got[name] == info, name


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_protection_and_locking(books, fid):
    _, wb = books[fid]
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    cover = wb[C.COVER]
    for name in C.COVER_INPUTS:
        assert not cover[f"B{C.COVER_NAMES[name][0]}"].protection.locked, name
    for name in ("framework_name", "total_score", "grade", "calc_status", "template_id"):
        assert cover[f"B{C.COVER_NAMES[name][0]}"].protection.locked, name
    bud = wb[C.BUDGET]
    assert all(not c.protection.locked for c in _cells(bud, "B5:D8"))
    assert all(not c.protection.locked for c in _cells(bud, "B11:B21"))
    assert all(c.protection.locked and str(c.value).startswith("=") for c in _cells(bud, "B24:B30"))
    assert all(c.protection.locked for c in _cells(bud, "E5:E8"))
    fw = load_framework(fid)
    n = len(fw.indicators)
    computed = {m.code for m in fw.methods if m.params.get("source")}  # actual ignored: J locked
    ind = wb[C.INDICATORS]
    for r in (5, 4 + n):
        assert all(c.protection.locked for c in _cells(ind, f"A{r}:H{r}"))
        inputs = _cells(ind, f"I{r}:I{r}") + _cells(ind, f"M{r}:N{r}")
        if fw.indicators[r - 5].method not in computed:
            inputs += _cells(ind, f"J{r}:J{r}")
        assert all(not c.protection.locked for c in inputs)
        assert all(c.protection.locked and str(c.value).startswith("=IF(") for c in _cells(ind, f"K{r}:L{r}"))
    spare = 5 + n
    assert all(not c.protection.locked for c in _cells(ind, f"A{spare}:J{spare}"))
    assert ind[f"K{spare}"].protection.locked
    proj = wb[C.PROJECTS]
    assert all(not c.protection.locked for c in _cells(proj, "A5:F5") + _cells(proj, "H5:K5"))
    assert proj["G5"].protection.locked and str(proj["G5"].value).startswith("=IF(")
    checks = wb[C.CHECKS]
    assert not checks["H5"].protection.locked and checks["A5"].protection.locked


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_formulas(books, fid):
    path, wb = books[fid]
    cover = wb[C.COVER]
    assert cover["B11"].value == '=IF(COUNT(Indicators[得分])=0,"",ROUND(SUM(Indicators[得分]),param_round_digits))'
    assert "Grades[等级]" in cover["B12"].value
    assert all("Indicators[[#This Row],[" in wb[C.INDICATORS][f"{c}5"].value for c in "KL")
    fw = load_framework(fid)
    bud = wb[C.BUDGET]
    for r in fw.rates:
        assert bud[f"B{r.row}"].value == "=" + r.formula
        assert bud[f"C{r.row}"].value == r.formula  # shown, and fingerprinted
    assert all(str(c.value).startswith("=SUMIFS(") or str(c.value).startswith("=SUM(")
               for c in _cells(wb[C.SUMMARY], f"C4:D{wb[C.SUMMARY].max_row}"))
    # every formula carries an empty cached value, never a stale 0
    with zipfile.ZipFile(path) as z:
        for part in z.namelist():
            if part.startswith("xl/worksheets/sheet"):
                xml = z.read(part).decode()
                assert "</f><v>0</v>" not in xml, part


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_validation_lists(books, fid):
    _, wb = books[fid]
    fw = load_framework(fid)

    def lists(ws):
        return {str(r): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"
                for r in dv.sqref.ranges}

    ind = lists(wb[C.INDICATORS])
    last = 4 + len(fw.indicators) + C.SPARE_INDICATOR_ROWS
    assert ind[f"D5:D{last}"] == '"定量,定性"'
    assert ind[f"H5:H{last}"] == '"≥,≤,=,区间"'
    assert ind[f"E5:E{last}"] == '"' + ",".join(m.code for m in fw.methods) + '"'
    for i, spec in enumerate(fw.indicators):
        choices = fw.method(spec.method).choices()
        if spec.kind == "定性" and choices:
            assert ind[f"J{5 + i}"] == '"' + ",".join(choices) + '"'
    assert lists(wb[C.COVER])["B10"].strip('"').split(",")[:4] == ["优", "良", "中", "差"]
    proj = lists(wb[C.PROJECTS])
    assert proj["H5:H34"] == '"是,否"' and "优秀" in proj["J5:J34"]


@pytest.mark.parametrize("fid", FRAMEWORKS)
def test_formats_print_and_panes(books, fid):
    _, wb = books[fid]
    bud = wb[C.BUDGET]
    assert bud["B5"].number_format == "#,##0.00" and bud["D8"].number_format == "#,##0.00"
    assert bud["B11"].number_format == "#,##0.00" and bud["B21"].number_format == "#,##0.00"
    assert bud["B20"].number_format == "0.00%" and bud["E5"].number_format == "0.00%"
    assert all(c.number_format == "0.00%" for c in _cells(bud, "B24:B30"))
    ind = wb[C.INDICATORS]
    assert ind["K5"].number_format == "0.00%" and ind["L5"].number_format == "0.00"
    assert wb[C.COVER]["B11"].number_format == "0.00"
    assert wb[C.PROJECTS]["D5"].number_format == "#,##0.00" and wb[C.PROJECTS]["G5"].number_format == "0.00%"
    assert wb[C.SUMMARY]["E4"].number_format == "0.00%"
    header = {C.BUDGET: 4, C.INDICATORS: 4, C.PROJECTS: 4, C.RULES: 3, C.METHODS: 3, C.GRADES: 3,
              C.CHECKS: 4, C.SUMMARY: 3, C.COVER: 2}
    for sheet, h in header.items():
        ws = wb[sheet]
        assert ws.page_setup.paperSize == 9, sheet
        assert ws.print_title_rows == f"$1:${h}", sheet
        assert "&P" in ws.oddFooter.center.text, sheet
        assert re.fullmatch(rf"[A-Z]+{h + 1}", ws.freeze_panes), (sheet, ws.freeze_panes)
    assert ind.freeze_panes == "D5"
    assert ind.column_dimensions["C"].width >= 16  # fits 三级指标 names


def test_values_password_signer_and_text_safety(tmp_path):
    evil = '=HYPERLINK("http://x","click")'
    p = write_template("project-self", tmp_path / "x.xlsx", unit_name=evil, year=2024, password="s3cret",
                       values={"preparer": "http://example.com", "indicators": {"主要产出数量": {
                           "年度目标值": 100, "实际完成值": "=1+1", "偏差原因": "@SUM(A1)"}}},
                       signer=lambda fp: ("sig:" + fp[:8], "bureau-2024"))
    wb = openpyxl.load_workbook(p)
    cover = wb[C.COVER]
    assert cover["B3"].value == evil and cover["B3"].data_type == "s"
    assert cover["B7"].value == "http://example.com" and not cover._hyperlinks
    row = next(r for r in range(5, 20) if wb[C.INDICATORS][f"C{r}"].value == "主要产出数量")
    assert wb[C.INDICATORS][f"J{row}"].data_type == "s" and wb[C.INDICATORS][f"I{row}"].value == 100
    assert all(ws.protection.password for ws in wb.worksheets)
    kv = {r[0]: r[1] for r in wb[C.META].iter_rows(values_only=True)}
    assert kv["signature"] == "sig:" + kv["fingerprint"][:8] and kv["key_id"] == "bureau-2024"
    assert wb[C.META].protection.sheet


def test_checklist_rows_take_whole_numbers(books):
    _, wb = books["dept-2013"]
    fw = load_framework("dept-2013")
    row = 5 + next(i for i, s in enumerate(fw.indicators) if s.name == "管理制度健全性")
    dvs = {str(r): dv for dv in wb[C.INDICATORS].data_validations.dataValidation for r in dv.sqref.ranges}
    dv = dvs[f"J{row}"]
    assert dv.type == "whole" and (dv.formula1, dv.formula2) == ("0", "3")


def test_lang_en_switches_hints_not_contract(tmp_path):
    p = write_template("dept-overall", tmp_path / "en.xlsx", lang="en")
    wb = openpyxl.load_workbook(p)
    assert "Fill in" in wb[C.COVER]["A2"].value and "yuan" in wb[C.BUDGET]["A2"].value
    assert tuple(wb.sheetnames) == C.SHEETS and wb[C.COVER]["A3"].value == "单位名称"
    assert tuple(c.name for c in wb[C.INDICATORS].tables["Indicators"].tableColumns) == C.TABLE_HEADERS["Indicators"]


def test_an_actual_the_engine_ignores_is_locked(tmp_path):
    """project-self's 预算执行率 row is scored on the computed rate (source=execution_rate): its
    实际完成值 cell is locked, every other indicator's is an unlocked input."""
    import openpyxl

    from evaltool import contract as C
    from evaltool.frameworks import load_framework
    from evaltool.template import write_template

    path = write_template("project-self", tmp_path / "p.xlsx")
    ws = openpyxl.load_workbook(path)[C.INDICATORS]
    fw = load_framework("project-self")
    computed = {m.code for m in fw.methods if m.params.get("source")}
    header = C.TABLE_HEADER_ROWS["Indicators"]
    seen = {}
    for i, ind in enumerate(fw.indicators):
        cell = ws.cell(row=header + 1 + i, column=10)
        assert ws.cell(row=header + 1 + i, column=3).value == ind.name
        seen[ind.name] = cell.protection.locked
        assert cell.protection.locked == (ind.method in computed), ind.name
    assert seen["预算执行率"] is True and list(seen.values()).count(False) >= 5
