"""``evaltool report``: the seed sample's report (docx → PDF → PNG), the bureau's template, broken tags."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import requires_lo
from docx import Document
from PIL import Image
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.demo.samples import write_sample
from evaltool.demo.seed_text import NARRATIVE
from evaltool.report import ReportTemplateError, write_report
from evaltool.report.builder import REPORT_TEMPLATE, build_report_template

BUDGET = "年初预算18,902,744.60元，年度决算17,088,957.48元，预决算差异率为9.60%"
HEADINGS = [
    "一、部门概况", "（一）机构设置及职责工作任务情况", "（二）部门整体绩效目标设立情况",
    "二、整体绩效目标实现情况", "（一）产出完成情况分析", "（二）效果实现情况分析",
    "三、预算管理情况分析", "（一）财务管理", "（二）资产管理", "（三）绩效管理", "（四）部门预决算差异率",
    "四、总体评价结论", "（一）评价结果", "（二）存在的问题", "五、措施建议",
]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_sample(tmp_path_factory.mktemp("s") / "sample.xlsx")


@pytest.fixture(scope="module")
def rendered(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("r") / "报告.docx"
    docx, pdf = write_report(sample, out, pdf=True, today=dt.date(2024, 6, 30))
    assert pdf is not None
    return docx, pdf


def test_shipped_template_is_what_the_script_builds(tmp_path: Path) -> None:
    built = build_report_template(tmp_path / "report.docx")
    with zipfile.ZipFile(built) as a, zipfile.ZipFile(REPORT_TEMPLATE) as b:
        assert a.read("word/document.xml") == b.read("word/document.xml")
        assert a.read("word/styles.xml") == b.read("word/styles.xml")
    styles = zipfile.ZipFile(REPORT_TEMPLATE).read("word/styles.xml").decode()
    for font in ("仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"):
        assert f'w:eastAsia="{font}"' in styles


@requires_lo
def test_docx_has_the_seed_structure_tables_chart_and_text(rendered: tuple[Path, Path]) -> None:
    docx, _ = rendered
    doc = Document(str(docx))
    heads = [p.text for p in doc.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert heads == HEADINGS
    body = "\n".join(p.text for p in doc.paragraphs)
    assert BUDGET in body
    assert "经评价，北京市西城区妇女联合会2023年度部门整体绩效评价得分88.8分" in body  # no survey: 10 points not scored
    # the department's own text, in its sections
    assert NARRATIVE["goals"] in body and NARRATIVE[("产出", "数量")].splitlines()[6] in body
    sub = [p.text for p in doc.paragraphs if p.style.name == "Heading 3"]
    assert sub[:6] == ["1.机构设置", "2.主要职能", "1.产出数量", "2.产出质量", "3.产出进度", "4.产出成本"]
    # the open findings as a draft, the unit slip flagged in the sentence written from the cells
    assert "（草稿，请核实后修改或删除）" in body and "绩效指标!J16" in body
    assert "涉及金额604.91元〔金额待核实" in body
    # tables: indicators (fuzzy actual as written, with its note), budget, scores
    tables = doc.tables
    assert len(tables) == 3
    ind = {r.cells[2].text: [c.text for c in r.cells] for r in tables[0].rows}
    assert ind["青年交友联谊活动参与人数"][4] == "近800（注1）"
    assert ind["执委领办项目数"][3:] == ["700", "753", "107.6%", "2", "2"]
    assert "注1：“青年交友联谊活动参与人数”实际完成值按原文写作“近800名”，按区间 [720, 800) 理解" in body
    scores = [[c.text for c in r.cells] for r in tables[2].rows]
    assert ["产出", "小计", "50", "49.8", "99.6%"] in scores and scores[-1][:4] == ["合计", "", "100", "88.8"]
    with zipfile.ZipFile(docx) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and z.read(media[0])[:4] == b"\x89PNG"


@requires_lo
def test_pdf_text_pages_fonts_and_png(rendered: tuple[Path, Path], tmp_path: Path) -> None:
    _, pdf = rendered
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
                          ).stdout.decode()
    flat = _squash(text)
    assert _squash(BUDGET) in flat
    pos = [flat.find(h) for h in ("一、部门概况", "二、整体绩效目标实现情况", "三、预算管理情况分析",
                                  "四、总体评价结论", "五、措施建议")]
    assert -1 not in pos and pos == sorted(pos)
    assert "图1各一级指标得分情况" in flat and "表1绩效指标完成情况" in flat
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 8 <= pages <= 40
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
    assert re.search(r"WenQuanYi|Noto ?Sans ?CJK|Droid ?Sans ?Fallback", fonts), fonts  # CJK fallback embedded
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "2", "-l", "2", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p-*.png"))
    img = Image.open(png).convert("L")
    dark = sum(img.histogram()[:128])
    assert img.size[0] < img.size[1] and dark > 2000  # portrait, and text on it


@requires_lo
def test_the_report_lints_clean_but_for_the_seed_text_it_carries(rendered: tuple[Path, Path], sample: Path) -> None:
    """Figures written from the cells agree with the cells, in the .docx and in its PDF; what remains
    is the department's own text (市妇联, 北京市财政局, kept verbatim) and the 604.91 the cell holds."""
    from evaltool.report.lint import lint_report

    for path in rendered:
        found = lint_report(path, sample)
        assert sorted((f.code, f.text_value.replace(" ", "")) for f in found) == [
            ("LINT-MAG", "604.91元"), ("LINT-NAME", "北京市财政局"), ("LINT-NAME", "市妇联")], (path, found)


def test_a_workbook_without_report_text(tmp_path: Path) -> None:
    from evaltool.demo.samples import write_demo_units

    unit = write_demo_units(tmp_path / "r")[0]
    out, _ = write_report(unit, tmp_path / "u.docx")
    doc = Document(str(out))
    paras = [p.text for p in doc.paragraphs]
    assert paras[paras.index("1.机构设置") + 1] == "（未填写）"
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == [h for h in HEADINGS if "、" in h[:2]]
    assert any(p.startswith("东城区妇女联合会2023年年初预算15,200,000.00元") for p in paras)
    from evaltool.report.lint import lint_report  # its own report: only the 604.91 the demo unit's cell holds

    assert [(f.code, f.text_value) for f in lint_report(out, unit)] == [("LINT-MAG", "604.91元")]


def _custom_template(path: Path, body: list[str]) -> Path:
    doc = Document()
    for line in body:
        doc.add_paragraph(line)
    doc.save(str(path))
    return path


def test_bureau_template_is_used(sample: Path, tmp_path: Path) -> None:
    tpl = _custom_template(tmp_path / "我局模板.docx", [
        "西城区财政局 绩效评价报告（定制版）", "单位：{{ unit }}", "{{ budget.sentence }}",
        "{%p for lv in levels %}", "第{{ loop.index }}部分 {{ lv.title }}：{{ lv.score }}分", "{%p endfor %}",
    ])
    out, _ = write_report(sample, tmp_path / "out.docx", template=tpl)
    paras = [p.text for p in Document(str(out)).paragraphs]
    assert paras[:3] == ["西城区财政局 绩效评价报告（定制版）", "单位：北京市西城区妇女联合会",
                         "北京市西城区妇女联合会2023年" + BUDGET + "。预算执行率为90.40%。"]
    assert paras[3:] == ["第1部分 产出完成情况分析：49.8分", "第2部分 效果实现情况分析：20分"]
    assert not any("部门概况" in p for p in paras)


@pytest.mark.parametrize(("lines", "tag"), [
    (["{%p for lv in levels %}", "{{ lv.title }}"], "{%p for lv in levels %}"),
    (["{{ unit }}", "{%p endif %}"], "{%p endif %}"),
    (["{{ unit }", "x"], "{{ unit }"),
    (["{{ no_such_field }}"], "{{ no_such_field }}"),
    (["{{ budget.no_such }}"], "{{ no_such }}"),
])
def test_broken_template_names_the_tag(sample: Path, tmp_path: Path, lines: list[str], tag: str) -> None:
    tpl = _custom_template(tmp_path / "bad.docx", lines)
    out = tmp_path / "out.docx"
    with pytest.raises(ReportTemplateError) as exc:
        write_report(sample, out, template=tpl)
    assert exc.value.tag == tag and tag in str(exc.value) and "bad.docx" in str(exc.value)
    assert not out.exists()
    res = CliRunner().invoke(app, ["report", str(sample), "-o", str(out), "--template", str(tpl)])
    assert res.exit_code == 1 and _squash(tag) in _squash(res.output)
    assert not out.exists()


@requires_lo
def test_cli_report_writes_docx_and_pdf(sample: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(sample), "-o", str(tmp_path / "r.docx"), "--pdf"])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "r.docx").stat().st_size > 10_000 and (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"
    assert CliRunner().invoke(app, ["report", "-o", str(tmp_path / "x.docx")]).exit_code == 2
    (tmp_path / "bad.xlsx").write_bytes(b"not a workbook")
    res = CliRunner().invoke(app, ["report", str(tmp_path / "bad.xlsx"), "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 1 and "不是 Excel .xlsx 文件" in res.output and not (tmp_path / "x.docx").exists()


def test_chart_draws_chinese_with_a_cjk_font(tmp_path: Path) -> None:
    import warnings

    from evaltool.report.chart import cjk_font, score_chart

    assert cjk_font() is not None  # CI installs fonts-wqy-microhei
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font")  # matplotlib's warning for tofu
        png = score_chart([("产出", 50, 49.8), ("效果", 30, 30), ("预算管理", 20, 19)], tmp_path / "c.png")
    img = Image.open(png)
    assert img.format == "PNG" and img.size == (1200, 600)
