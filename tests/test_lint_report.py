"""``evaltool lint-report``: the seed's own report against the sample; a second unit's report in
other words (万元, other order and titles) with three planted errors; .pdf and .doc inputs."""

from __future__ import annotations

import json
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import requires_lo
from docx import Document
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.demo.samples import write_sample
from evaltool.report.lint import lint_report
from evaltool.template import write_template

SEED = Path(__file__).parent / "data" / "seed-report-xicheng-2023.txt"  # copy of shared/seed/000_b3192371d542cdeb.txt
BOOKMARK = re.compile(r"\[bookmark: [^\]]*\]")


def seed_paragraphs() -> list[str]:
    lines = (BOOKMARK.sub("", ln).strip() for ln in SEED.read_text(encoding="utf-8").splitlines())
    return [ln for ln in lines if ln]


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    doc = Document()
    for p in paragraphs:
        doc.add_paragraph(p)
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("s") / "sample.xlsx")


def test_seed_report_against_the_sample(sample: Path, tmp_path: Path) -> None:
    found = lint_report(make_docx(tmp_path / "seed.docx", seed_paragraphs()), sample)
    got = sorted((f.code, f.text_value) for f in found)
    assert got == [("LINT-MAG", "604.91元"), ("LINT-NAME", "北京市财政局"), ("LINT-NAME", "市妇联"),
                   ("LINT-SEC", "")]
    sec = next(f for f in found if f.code == "LINT-SEC")
    assert sec.sentence == "四、预算管理情况分析" and "缺少“三、”" in sec.message
    mag = next(f for f in found if f.code == "LINT-MAG")
    assert "评价项目18个" in mag.sentence and "6,049,100.00 元" in mag.message and mag.severity == "error"
    assert all(f.sentence.startswith("市妇联各项支出") for f in found if f.code == "LINT-NAME")


def test_the_agreeing_sentences_are_matched_not_ignored(sample: Path, tmp_path: Path) -> None:
    """Every figure of the seed that names a quantity is compared: change each and it is reported."""
    paras = seed_paragraphs()
    cases = [("近800名青年", "近900名青年", "青年交友联谊活动参与人数"), ("共计领办753项", "共计领办735项", "执委领办项目数"),
             ("年度决算17,088,957.48元", "年度决算17,088,975.48元", "全年执行数"),
             ("三十余场次", "四十余场次", "普法宣传讲座场次"), ("评价项目18个", "评价项目19个", "评价项目数")]
    for old, new, label in cases:
        changed = [p.replace(old, new) for p in paras]
        assert changed != paras
        figs = [f for f in lint_report(make_docx(tmp_path / "c.docx", changed), sample) if f.code == "LINT-FIG"]
        assert len(figs) == 1 and label in figs[0].message and new in figs[0].sentence, (old, figs)


def test_changed_rate_reports_exactly_that_sentence(sample: Path, tmp_path: Path) -> None:
    paras = [p.replace("预决算差异率为9.60%", "预决算差异率为9.80%") for p in seed_paragraphs()]
    found = [f for f in lint_report(make_docx(tmp_path / "r.docx", paras), sample) if f.code == "LINT-FIG"]
    assert len(found) == 1
    f = found[0]
    assert f.sentence == "区妇联2023年初预算18,902,744.60元，年度决算17,088,957.48元，预决算差异率为9.80%。"
    assert f.cell == "预算执行!B24" and f.text_value == "9.80%" and f.workbook_value == "9.60%"
    assert f.section == "四、预算管理情况分析 > （四）部门预决算差异率" and f.severity == "error"


# A second, fictional unit: its own indicators, figures in 万元, other titles and order.
UNIT = "北京市海淀区文学艺术界联合会"
OWN = [
    {"一级指标": "产出", "二级指标": "数量", "三级指标": "文艺惠民演出场次", "指标类型": "定量", "评分方法": "M01",
     "分值": 0, "计量单位": "场", "指标方向": "≥", "年度目标值": 60, "实际完成值": 64},
    {"一级指标": "产出", "二级指标": "数量", "三级指标": "基层文艺骨干培训人次", "指标类型": "定量", "评分方法": "M01",
     "分值": 0, "计量单位": "人次", "指标方向": "≥", "年度目标值": 1200, "实际完成值": 1250},
    {"一级指标": "效果", "二级指标": "社会效益", "三级指标": "文艺志愿服务参与人数", "指标类型": "定量",
     "评分方法": "M01", "分值": 0, "计量单位": "名", "指标方向": "≥", "年度目标值": 500, "实际完成值": "近500"},
    {"一级指标": "产出", "二级指标": "数量", "三级指标": "新发展会员人数", "指标类型": "定量", "评分方法": "M01",
     "分值": 0, "计量单位": "名", "指标方向": "≥", "年度目标值": 80, "实际完成值": 86},
]
REPORT = [
    "北京市海淀区文学艺术界联合会2023年度部门整体支出绩效自评报告",
    "一、基本情况",
    "（一）单位职能",
    "区文联是区委领导下的全区文学艺术界人民团体，下设办公室、组联部、文艺部3个内设机构。",
    "（二）年度主要任务",
    "围绕繁荣文艺创作、服务基层群众，全年安排文艺惠民、人才培养、志愿服务三类重点工作。",
    "二、预算执行情况",
    "2023年度，区文联部门决算支出1,652.38万元，年初预算为1,804.50万元，预决算差异率8.43%，预算执行率91.57%。"
    "决算支出较年初预算减少152.12万元，主要是部分项目政府采购结余。"
    "全部预算由海淀区财政局批复，支出严格按批复执行。",
    "三、绩效目标完成情况",
    "（一）产出情况",
    "1.数量指标",
    "全年共举办文艺惠民演出68场，覆盖全区29个街镇；累计培训基层文艺骨干1,250人次；新发展会员86名。",
    "2.质量指标",
    "演出节目均经艺术委员会审定，质量达标。",
    "（三）效益情况",
    "近500名文艺志愿者参与“文艺进社区”活动，服务群众约3.2万人次。",
    "四、评价结论",
    "本年度区文联对12个项目开展绩效自评，涉及金额1,520.36元，自评结果为良好。",
    "五、下一步工作打算",
    "1.加强绩效目标管理，细化量化指标。",
    "2.提高预算编制的准确性，控制预决算差异。",
]


@pytest.fixture(scope="module")
def second(tmp_path_factory: pytest.TempPathFactory) -> Path:
    values = {"budget_initial": Decimal("18045012.34"), "final_expenditure": Decimal("16523800.00"),
              "projects_evaluated_count": 12, "projects_evaluated_amount": Decimal("15203600.00"),
              "extra_indicators": OWN}
    return write_template("dept-overall", tmp_path_factory.mktemp("u") / "haidian.xlsx", unit_name=UNIT, year=2023,
                          values=values)


def test_second_unit_three_planted_errors_and_no_false_alarm(second: Path, tmp_path: Path) -> None:
    found = lint_report(make_docx(tmp_path / "hd.docx", REPORT), second)
    got = sorted((f.code, f.text_value, f.paragraph) for f in found)
    assert got == [
        ("LINT-FIG", "68场", 12),  # the workbook says 64
        ("LINT-MAG", "1,520.36元", 18),  # 万元 written as 元
        ("LINT-SEC", "", 15),  # （二） skipped
    ], found
    fig = next(f for f in found if f.code == "LINT-FIG")
    assert fig.cell == "绩效指标!J" + fig.cell.split("!J")[1] and "文艺惠民演出场次" in fig.message
    assert fig.workbook_value == "64场"


def test_second_unit_corrected_is_clean(second: Path, tmp_path: Path) -> None:
    fixed = [p.replace("68场", "64场").replace("1,520.36元", "1,520.36万元").replace("（三）效益情况", "（二）效益情况")
             for p in REPORT]
    assert lint_report(make_docx(tmp_path / "ok.docx", fixed), second) == []
    # and figures in 万元 are compared, not just accepted: a wrong 年初预算 is caught
    wrong = [p.replace("1,804.50万元", "1,840.50万元") for p in fixed]
    found = lint_report(make_docx(tmp_path / "w.docx", wrong), second)
    assert [(f.code, f.text_value, f.workbook_value) for f in found] == [
        ("LINT-FIG", "1,840.50万元", "18,045,012.34元")]


def test_naming_of_a_district_unit(second: Path, tmp_path: Path) -> None:
    paras = ["区文联严格执行北京市财政局批复的预算。", "市文联组织了全区文艺骨干培训。", "海淀区文联与区财政局对接。"]
    found = lint_report(make_docx(tmp_path / "n.docx", paras), second)
    assert sorted(f.text_value for f in found) == ["北京市财政局", "市文联"]
    # a unit named without its city: only a city-level name is wrong, never the unit's own short name
    bare = write_template("dept-overall", tmp_path / "bare.xlsx", unit_name="海淀区文学艺术界联合会", year=2023)
    paras += ["街道文联、社区文联和区文联共同举办。"]
    found = lint_report(make_docx(tmp_path / "b.docx", paras), bare)
    assert sorted(f.text_value for f in found) == ["市文联", "市财政局"]


def test_cli_text_json_and_exit_codes(sample: Path, second: Path, tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "seed.docx", seed_paragraphs())
    res = CliRunner().invoke(app, ["lint-report", str(doc), "--workbook", str(sample), "--format", "json"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert data["errors"] == 1 and data["warnings"] == 3
    assert {f["code"] for f in data["findings"]} == {"LINT-MAG", "LINT-NAME", "LINT-SEC"}
    res = CliRunner().invoke(app, ["lint-report", str(doc), "--workbook", str(sample)])
    assert res.exit_code == 1 and "市妇联" in res.output and "LINT-SEC" in res.output
    ok = make_docx(tmp_path / "ok.docx", ["一、概况", "区文联全年举办文艺惠民演出64场。"])
    assert CliRunner().invoke(app, ["lint-report", str(ok), "--workbook", str(second)]).exit_code == 0
    assert CliRunner().invoke(app, ["lint-report", str(tmp_path / "nope.docx"), "--workbook", str(second)]
                              ).exit_code == 2


@requires_lo
def test_pdf_and_doc_inputs(sample: Path, tmp_path: Path) -> None:
    from evaltool.io import lo

    doc = make_docx(tmp_path / "seed.docx", seed_paragraphs())
    pdf, legacy = lo.convert([doc], tmp_path / "pdf", "pdf")[0], lo.convert([doc], tmp_path / "doc", "doc")[0]
    assert legacy.suffix == ".doc" and subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True).returncode == 0
    want = [("LINT-MAG", "LINT-NAME", "LINT-NAME", "LINT-SEC")]
    for path in (pdf, legacy):
        found = lint_report(path, sample)
        assert [tuple(sorted(f.code for f in found))] == want, (path, found)
