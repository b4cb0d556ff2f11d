"""Messages in the user's language: Chinese by default, English with ``--lang en``.

A catalogue is a plain dict ``code -> (中文, English)``; placeholders use ``str.format``.

Example::

    MSG = {"not_template": ("{path} 不是评价模板工作簿", "{path} is not an evaltool template")}
    text(MSG, "not_template", "zh", path="a.xlsx")
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Lang = Literal["zh", "en"]
DEFAULT_LANG: Lang = "zh"


def text(catalog: Mapping[str, tuple[str, str]], code: str, lang: str = DEFAULT_LANG, **kw: Any) -> str:
    """Format message ``code`` from ``catalog`` in ``lang`` (falls back to Chinese)."""
    zh, en = catalog[code]
    template = en if lang == "en" else zh
    return template.format(**kw) if kw else template
