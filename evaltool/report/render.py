"""Render a Word template (docxtpl / Jinja tags) with a context; optional PDF via LibreOffice.

Why: the bureau owns the layout (its own .docx via ``--template``); evaltool owns the
content. A template with a broken tag must not produce a half-rendered report or a Jinja
traceback: :class:`ReportTemplateError` names the file and the tag (an unclosed ``{% for %}``,
a stray ``{% endif %}``, an unknown field ``{{ foo }}``) before anything is written.

Example::

    render_docx(REPORT_TEMPLATE, context, Path("报告.docx"))
    to_pdf(Path("报告.docx"))     # 报告.pdf beside it
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from evaltool.io.atomic import atomic_write_bytes
from evaltool.model import EvaltoolError

_TAG = re.compile(r"\{%-?\s*(?:p|tr|tc|r)?\s*(\w+)(.*?)-?%\}|\{\{(.*?)\}\}")
_OPEN = {"for": "endfor", "if": "endif", "macro": "endmacro", "block": "endblock", "with": "endwith",
         "filter": "endfilter", "set_block": "endset"}
_MIDDLE = {"elif": "if", "else": ("if", "for")}


class ReportTemplateError(EvaltoolError, ValueError):
    """The Word template cannot be rendered; the message names the file and the tag."""

    code = "report_template"

    def __init__(self, path: str, tag: str, reason: str) -> None:
        super().__init__(f"{path}: 报告模板标签“{tag}”有误：{reason} / broken template tag {tag!r}: {reason}")
        self.path, self.tag, self.reason = path, tag, reason


def _xml_texts(path: Path) -> Iterator[str]:
    """The visible text of each paragraph of the body, headers and footers (runs joined)."""
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
        for name in parts:
            xml = z.read(name).decode("utf-8")
            for para in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
                yield "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", para))


def error_text(exc: BaseException, lang: str = "zh") -> str:
    """An exception's text for the user: rendered from the message catalogue (its own for ours)."""
    from evaltool.messages import error_text as catalogue_text

    return str(exc) if isinstance(exc, ReportTemplateError) else catalogue_text(exc, lang)


def check_tags(path: Path) -> None:
    """Raise ReportTemplateError for an unbalanced or malformed Jinja tag in ``path``."""
    stack: list[tuple[str, str]] = []
    for text in _xml_texts(path):
        opened = text.count("{%") + text.count("{{")
        closed = text.count("%}") + text.count("}}")
        if opened != closed:
            frag = re.search(r"\{[{%][^}%]*$|\{[{%][^}]*\}(?!\})|^[^{]*[%}]\}", text)
            raise ReportTemplateError(str(path), (frag.group(0) if frag else text)[:60],
                                      "标签未闭合或括号不配对 / unbalanced braces")
        for m in _TAG.finditer(text):
            word = m.group(1)
            if word is None:
                continue
            tag = m.group(0)
            if word in _OPEN and not (word == "set" and "=" in m.group(2)):
                stack.append((word, tag))
            elif word.startswith("end"):
                if not stack or _OPEN[stack[-1][0]] != word:
                    want = f"（此处应为 {{% {_OPEN[stack[-1][0]]} %}}，对应 {stack[-1][1]}）" if stack else ""
                    raise ReportTemplateError(str(path), tag, f"没有对应的开始标签{want} / unmatched end tag")
                stack.pop()
            elif word in _MIDDLE:
                allowed = _MIDDLE[word]
                if not stack or stack[-1][0] not in (allowed if isinstance(allowed, tuple) else (allowed,)):
                    raise ReportTemplateError(str(path), tag, "不在 if/for 块内 / outside an if/for block")
    if stack:
        word, tag = stack[-1]
        raise ReportTemplateError(str(path), tag, f"没有对应的 {{% {_OPEN[word]} %}} / missing {_OPEN[word]}")


def render_docx(template: Path, context: Mapping[str, Any], out: Path,
                images: Callable[[Any], Mapping[str, Any]] | None = None) -> Path:
    """Render ``template`` with ``context`` into ``out`` (atomically); ``images(tpl)`` adds InlineImages."""
    import jinja2
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]

    template = Path(template)
    if not template.is_file():
        raise ReportTemplateError(str(template), "", "文件不存在 / file not found")
    try:
        zipfile.ZipFile(template).close()
    except zipfile.BadZipFile:
        raise ReportTemplateError(str(template), "", "不是 .docx 文件 / not a .docx file") from None
    check_tags(template)
    tpl = DocxTemplate(str(template))
    ctx = dict(context)
    if images is not None:
        ctx.update(images(tpl))
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        tpl.render(ctx, jinja_env=env)
    except jinja2.UndefinedError as exc:
        name = re.search(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')", str(exc))
        tag = "{{ " + (name.group(2) or name.group(1)) + " }}" if name else str(exc)
        raise ReportTemplateError(str(template), tag, f"未知字段 / unknown field ({exc})") from None
    except jinja2.TemplateError as exc:
        lines = list(getattr(exc, "docx_context", []) or [])
        tags = [m.group(0) for ln in lines for m in _TAG.finditer(ln)]
        raise ReportTemplateError(str(template), tags[len(tags) // 2] if tags else "?", str(exc)) from None
    with tempfile.TemporaryDirectory() as tmp:
        tmp_out = Path(tmp) / "out.docx"
        tpl.save(str(tmp_out))
        atomic_write_bytes(out, tmp_out.read_bytes())
    return out


def to_pdf(docx: Path, pdf: Path | None = None, *, timeout: float = 300) -> Path:
    """Convert ``docx`` to PDF with LibreOffice (writer); returns the PDF path."""
    from evaltool.io import lo

    pdf = pdf or docx.with_suffix(".pdf")
    with tempfile.TemporaryDirectory() as tmp:
        made = lo.convert([docx], Path(tmp), "pdf", timeout=timeout)[0]
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(made), pdf)
    return pdf
