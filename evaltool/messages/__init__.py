"""Messages in the user's language: Chinese by default, English with ``--lang en``.

Why: findings and errors are data — a code and its parameters — and the words are chosen
here, at the edge, from one catalogue (:mod:`evaltool.messages.catalogue`) that holds every
finding code in both languages, the severity labels and the 校验结果 (Checks) headers. The
engine runs once whatever the language. Commands keep their own small UI catalogues
(``code -> (中文, English)``) and format them with :func:`text`.

Example::

    render(finding, "en")                 # the finding's sentence in English
    severity_label("warning")             # '警告'
    text({"hi": ("你好 {n}", "hello {n}")}, "hi", "en", n=1)   # 'hello 1'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from evaltool.messages.catalogue import CATALOGUE
from evaltool.model import EvaltoolError, Finding, Severity, Text

__all__ = ["Lang", "DEFAULT_LANG", "CATALOGUE", "text", "render", "render_text", "finding_dict", "notes_text",
           "error_text", "severity_label", "SEVERITY_LABELS", "SEVERITY_OF_LABEL", "CHECK_HEADERS"]

Lang = Literal["zh", "en"]
DEFAULT_LANG: Lang = "zh"

#: The severity labels, the one home: 错误/警告/提示 are also what the 校验规则 sheet's 级别
#: column holds (parsed back with :data:`SEVERITY_OF_LABEL`).
SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    "error": ("错误", "Error"),
    "warning": ("警告", "Warning"),
    "info": ("提示", "Info"),
}
SEVERITY_OF_LABEL: dict[str, Severity] = {"错误": "error", "警告": "warning", "提示": "info"}

#: The 校验结果 (Checks) table's headers in both languages (the workbook keeps the Chinese ones).
CHECK_HEADERS: dict[str, tuple[str, str]] = {
    "规则编号": ("规则编号", "Rule"),
    "来源": ("来源", "Source"),
    "级别": ("级别", "Severity"),
    "工作表": ("工作表", "Sheet"),
    "单元格": ("单元格", "Cell"),
    "结果": ("结果", "Result"),
    "提示信息": ("提示信息", "Message"),
    "出错说明": ("出错说明", "Explanation"),
}


def text(catalog: Mapping[str, tuple[str, str]], code: str, lang: str = DEFAULT_LANG, **kw: Any) -> str:
    """Format message ``code`` from ``catalog`` in ``lang`` (falls back to Chinese)."""
    zh, en = catalog[code]
    template = en if lang == "en" else zh
    return template.format(**kw) if kw else template


def _param(v: Any, lang: str) -> Any:
    if isinstance(v, Text):
        return render_text(v, lang)
    if isinstance(v, (list, tuple)):
        return ("、" if lang != "en" else ", ").join(str(_param(x, lang)) for x in v)
    return v


def render_text(t: Text, lang: str = DEFAULT_LANG) -> str:
    """A :class:`~evaltool.model.Text` in ``lang``; nested Text parameters render too."""
    zh, en = CATALOGUE[t.code]
    template = en if lang == "en" else zh
    params = dict(t.params)
    if lang == "en" and t.code.startswith("rule.") and "message_en" not in params and "message" in params:
        params["message_en"] = params["message"]  # a bureau's own rule has no English text
    return template.format(**{k: _param(v, lang) for k, v in params.items()}) if params else template


def render(f: Finding, lang: str = DEFAULT_LANG) -> str:
    """The sentence of finding ``f`` in ``lang``."""
    return render_text(Text(f.code, f.params), lang)


def finding_dict(f: Finding, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    """``f.as_dict()`` plus its rendered ``message`` (the JSON form the CLI prints)."""
    return {**f.as_dict(), "message": render(f, lang)}


def notes_text(notes: Iterable[Text], lang: str = DEFAULT_LANG) -> str:
    """A score's notes (计分说明) as one line."""
    return ("；" if lang != "en" else "; ").join(render_text(n, lang) for n in notes)


def error_text(exc: BaseException, lang: str = DEFAULT_LANG) -> str:
    """An exception's message: rendered from the catalogue when its code is there, else ``str``."""
    if isinstance(exc, EvaltoolError) and exc.code in CATALOGUE:
        try:
            return render_text(Text(exc.code, exc.params), lang)
        except KeyError:  # raised with fewer parameters than its sentence names
            pass
    return str(exc)


def severity_label(severity: str, lang: str = DEFAULT_LANG) -> str:
    """错误 / 警告 / 提示 (or Error / Warning / Info)."""
    pair = SEVERITY_LABELS.get(severity)
    if pair is None:
        return severity
    return pair[1] if lang == "en" else pair[0]
