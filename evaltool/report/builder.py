"""Build the shipped Word templates (``templates/report.docx``, ``templates/summary.docx``).

Why: the bureau edits the report's layout in Word, not in code — headings, fonts, logo,
wording are the .docx's; the figures and text arrive through Jinja tags (docxtpl). The
shipped templates are built by this script, so they are reproducible and reviewable as code:
``python scripts/build_report_templates.py`` rewrites them.

Styles name the fonts Chinese government documents use (GB/T 9704-2012): body 仿宋_GB2312
三号, first-level headings 黑体, second-level 楷体_GB2312, third-level 仿宋_GB2312 bold, the
title 方正小标宋简体 二号. Word and WPS use them where installed; elsewhere (and in the PDF
LibreOffice renders here) a CJK fallback font is used.

Example::

    build_report_template(Path("report.docx"))
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from evaltool import contract as C

BODY_FONT = "仿宋_GB2312"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
TITLE_FONT = "方正小标宋简体"
TABLE_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
HERE = Path(__file__).resolve().parent / "templates"
REPORT_TEMPLATE = HERE / "report.docx"
SUMMARY_TEMPLATE = HERE / "summary.docx"


def _fonts(style_or_run_element: object, east_asia: str, latin: str = LATIN_FONT) -> None:
    rpr = style_or_run_element.get_or_add_rPr()  # type: ignore[attr-defined]
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for k in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(k), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    for k in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(k)) is not None:
            del fonts.attrib[qn(k)]


def _style(doc: DocumentType, name: str, *, font: str, size: float, bold: bool = False, base: str = "Normal",
           align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, before: float = 0,
           after: float = 0, exact: float | None = None, single: bool = False) -> None:
    styles = doc.styles
    st = styles[name] if name in [s.name for s in styles] else styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if name != "Normal":
        st.base_style = styles[base]
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.color.rgb = None
    st.font.italic = False
    _fonts(st.element, font)
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = Pt(exact)
    elif single:  # pictures: an exact line height would clip them
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    ppr = st.element.get_or_add_pPr()
    for old in ppr.findall(qn("w:ind")) + ppr.findall(qn("w:pBdr")):
        ppr.remove(old)
    ind = OxmlElement("w:ind")  # first line indented by two characters, or explicitly not (Normal is)
    ind.set(qn("w:firstLineChars"), "200" if indent else "0")
    ind.set(qn("w:firstLine"), str(int(size * 2 * 20)) if indent else "0")
    ppr.append(ind)


def _setup(doc: DocumentType) -> None:
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.bottom_margin = Mm(37), Mm(35)
    sec.left_margin, sec.right_margin = Mm(28), Mm(26)
    _style(doc, "Normal", font=BODY_FONT, size=16, indent=True, exact=28)
    _style(doc, "Title", font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER, exact=36, after=12)
    _style(doc, "Subtitle", font=BODY_FONT, size=16, align=WD_ALIGN_PARAGRAPH.CENTER, exact=28)
    _style(doc, "Heading 1", font=HEADING1_FONT, size=16, indent=True, exact=28, before=6)
    _style(doc, "Heading 2", font=HEADING2_FONT, size=16, indent=True, exact=28)
    _style(doc, "Heading 3", font=BODY_FONT, size=16, bold=True, indent=True, exact=28)
    _style(doc, "表格", font=TABLE_FONT, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, exact=16)
    _style(doc, "表格左", font=TABLE_FONT, size=10.5, base="表格", align=WD_ALIGN_PARAGRAPH.LEFT, exact=16)
    _style(doc, "表题", font=HEADING1_FONT, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, exact=22, before=6)
    _style(doc, "注", font=BODY_FONT, size=10.5, exact=16)
    _style(doc, "图", font=BODY_FONT, size=10.5, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, single=True)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        doc.styles[name].element.get_or_add_pPr()
        doc.styles[name].paragraph_format.keep_with_next = True
    _page_numbers(doc)


def _page_numbers(doc: DocumentType) -> None:
    """Footer: — PAGE — centred (a live field)."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.style = doc.styles["表格"]
    p.add_run("— ")
    run = p.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    p.add_run(" —")


def _p(doc: DocumentType, text: str, style: str = "Normal") -> None:
    doc.add_paragraph(text, style=style)


def _loop(doc: DocumentType, var: str, seq: str, body: str = "{{ %s }}", style: str = "Normal") -> None:
    _p(doc, f"{{%p for {var} in {seq} %}}")
    _p(doc, body % var if "%s" in body else body, style)
    _p(doc, "{%p endfor %}")


def _table(doc: DocumentType, headers: list[str], cells: list[str], seq: str, *, widths: list[float],
           left: tuple[int, ...] = ()) -> None:
    """A table: header row, then one row per item of ``seq`` (docxtpl ``{%tr %}`` rows)."""
    t = doc.add_table(rows=4, cols=len(headers))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, h in enumerate(headers):
        cell = t.cell(0, c)
        cell.paragraphs[0].text = h
        cell.paragraphs[0].style = doc.styles["表格"]
        cell.paragraphs[0].runs[0].bold = True
    t.cell(1, 0).paragraphs[0].text = "{%tr for r in " + seq + " %}"
    t.cell(3, 0).paragraphs[0].text = "{%tr endfor %}"
    for c, expr in enumerate(cells):
        para = t.cell(2, c).paragraphs[0]
        para.text = expr
        para.style = doc.styles["表格左" if c in left else "表格"]
    for r in (1, 3):
        for c in range(len(headers)):
            t.cell(r, c).paragraphs[0].style = doc.styles["表格"]
    t.autofit = False
    for c, w in enumerate(widths):
        t.columns[c].width = Mm(w)
    for row in t.rows:
        for c, w in enumerate(widths):
            row.cells[c].width = Mm(w)
    hdr = t.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    hdr.append(el)


def _cover(doc: DocumentType) -> None:
    for _ in range(5):
        _p(doc, "", "Subtitle")
    _p(doc, "{{ unit }}", "Title")
    _p(doc, "{{ title }}", "Title")
    for _ in range(8):
        _p(doc, "", "Subtitle")
    _p(doc, "评价方式：{{ eval_mode }}", "Subtitle")
    _p(doc, "评价单位：{{ unit }}", "Subtitle")
    _p(doc, "报告日期：{{ date }}", "Subtitle")
    doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)


def build_report_template(path: Path = REPORT_TEMPLATE) -> Path:
    """The department report (seed structure, consecutive numbering) with Jinja tags."""
    doc = Document()
    _setup(doc)
    doc.sections[0].different_first_page_header_footer = True  # no page number on the cover
    _cover(doc)
    _p(doc, "{{ unit }}", "Title")
    _p(doc, "{{ title }}", "Title")
    _p(doc, "为进一步加强预算绩效管理，强化支出责任，提高财政资金使用效益，根据《中共中央 国务院关于全面实施预算绩效管理的意见》"
            "和财政部门关于开展绩效评价工作的安排，{{ unit }}组织实施{{ year }}年度部门整体绩效评价工作，形成本绩效评价报告。")
    _p(doc, "一、部门概况", "Heading 1")
    _p(doc, "（一）机构设置及职责工作任务情况", "Heading 2")
    _p(doc, "1.机构设置", "Heading 3")
    _loop(doc, "p", "org")
    _p(doc, "2.主要职能", "Heading 3")
    _loop(doc, "p", "duties")
    _p(doc, "（二）部门整体绩效目标设立情况", "Heading 2")
    _loop(doc, "p", "goals")

    _p(doc, "二、整体绩效目标实现情况", "Heading 1")
    _p(doc, "{%p for lv in levels %}")
    _p(doc, "{{ lv.number_cn }}{{ lv.title }}", "Heading 2")
    _loop(doc, "p", "lv.overview")
    _p(doc, "{%p for g in lv.groups %}")
    _p(doc, "{{ g.number }}.{{ g.title }}", "Heading 3")
    _loop(doc, "p", "g.paras")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "表1 绩效指标完成情况", "表题")
    _table(doc, ["一级指标", "二级指标", "三级指标", "年度目标值", "实际完成值", "完成率", "分值", "得分"],
           ["{{ r.level1 }}", "{{ r.level2 }}", "{{ r.name }}", "{{ r.target }}",
            "{{ r.actual }}{% if r.mark %}（{{ r.mark }}）{% endif %}", "{{ r.rate }}", "{{ r.weight }}", "{{ r.score }}"],
           "indicators", widths=[12, 14, 42, 17, 21, 20, 10, 10], left=(2,))
    _p(doc, "{%p if notes %}")
    _p(doc, "{%p for n in notes %}")
    _p(doc, "注{{ loop.index }}：{{ n }}", "注")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endif %}")

    _p(doc, "三、预算管理情况分析", "Heading 1")
    _p(doc, "{%p for g in management %}")
    _p(doc, "{{ g.number_cn }}{{ g.title }}", "Heading 2")
    _p(doc, "{%p if g.budget %}")
    _p(doc, "{{ budget.sentence }}")
    _p(doc, "{%p endif %}")
    _loop(doc, "p", "g.paras")
    _p(doc, "{%p if g.budget and budget.lines %}")
    _p(doc, "表2 预算执行情况（金额单位：元）", "表题")
    _table(doc, ["项目", "年初预算数", "全年预算数", "全年执行数（决算数）"],
           ["{{ r.label }}", "{{ r.initial }}", "{{ r.adjusted }}", "{{ r.executed }}"],
           "budget.lines", widths=[40, 38, 38, 40])
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")

    _p(doc, "四、总体评价结论", "Heading 1")
    _p(doc, "（一）评价结果", "Heading 2")
    _p(doc, "{{ verdict }}")
    _p(doc, "{%p if projects_sentence %}")
    _p(doc, "{{ projects_sentence }}")
    _p(doc, "{%p endif %}")
    _p(doc, "表3 得分情况", "表题")
    _table(doc, list(C.TABLE_HEADERS["ScoreSummary"]),  # the 得分汇总 columns
           ["{{ r.level1 }}", "{{ r.level2 }}", "{{ r.weight }}", "{{ r.score }}", "{{ r.rate }}"],
           "score_rows", widths=[30, 44, 24, 24, 24])
    _p(doc, "{%p if chart %}")
    doc.add_paragraph("{{ chart }}", style="图")
    _p(doc, "图1 各一级指标得分情况", "表题")
    _p(doc, "{%p endif %}")
    _p(doc, "（二）存在的问题", "Heading 2")
    _loop(doc, "p", "problems")
    _p(doc, "{%p if draft %}")
    _p(doc, "{{ draft_intro }}")
    _loop(doc, "p", "draft")
    _p(doc, "{%p endif %}")
    _p(doc, "五、措施建议", "Heading 1")
    _loop(doc, "p", "measures")
    return _save(doc, path)


def build_summary_template(path: Path = SUMMARY_TEMPLATE) -> Path:
    """The bureau's overview across units (returned, grades, lowest scores, problems, charts)."""
    doc = Document()
    _setup(doc)
    _p(doc, "{{ title }}", "Title")
    _p(doc, "{{ subtitle }}", "Subtitle")
    _p(doc, "一、总体情况", "Heading 1")
    _loop(doc, "p", "overview")
    _p(doc, "表1 各单位评价结果", "表题")
    _table(doc, ["序号", "单位", "总分", "等级", "预决算差异率", "错误", "警告", "状态"],
           ["{{ r.rank }}", "{{ r.unit }}", "{{ r.total }}", "{{ r.grade }}", "{{ r.variance }}", "{{ r.errors }}",
            "{{ r.warnings }}", "{{ r.status }}"], "units", widths=[10, 50, 16, 14, 22, 12, 12, 20], left=(1,))
    _p(doc, "二、等级分布", "Heading 1")
    _loop(doc, "p", "grade_text")
    _p(doc, "表2 等级分布", "表题")
    _table(doc, ["等级", "单位数", "占比"], ["{{ r.grade }}", "{{ r.count }}", "{{ r.share }}"], "grades",
           widths=[40, 30, 30])
    _p(doc, "{%p for c in charts %}")
    doc.add_paragraph("{{ c.image }}", style="图")
    _p(doc, "图{{ loop.index }} {{ c.title }}", "表题")
    _p(doc, "{%p endfor %}")
    _p(doc, "三、得分较低的单位", "Heading 1")
    _loop(doc, "p", "lowest_text")
    _p(doc, "四、常见问题", "Heading 1")
    _loop(doc, "p", "problems_text")
    _p(doc, "表3 出现次数最多的问题", "表题")
    _table(doc, ["问题", "级别", "单位数", "次数"], ["{{ r.label }}", "{{ r.severity }}", "{{ r.units }}", "{{ r.count }}"],
           "problems", widths=[90, 20, 20, 20], left=(0,))
    _p(doc, "{%p if failed %}")
    _p(doc, "五、未能评价的报送", "Heading 1")
    _loop(doc, "p", "failed")
    _p(doc, "{%p endif %}")
    return _save(doc, path)


def _save(doc: DocumentType, path: Path) -> Path:
    doc.core_properties.author = "evaltool"
    doc.core_properties.title = "绩效评价报告模板"
    import datetime as dt

    fixed = dt.datetime(2024, 1, 1)
    doc.core_properties.created = doc.core_properties.modified = fixed
    doc.core_properties.last_modified_by = "evaltool"
    doc.core_properties.revision = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


__all__ = ["build_report_template", "build_summary_template", "REPORT_TEMPLATE", "SUMMARY_TEMPLATE"]
