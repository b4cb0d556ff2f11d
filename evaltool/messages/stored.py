"""A finding's ``params`` as JSON and back, so a stored finding renders late in any language.

Why: the results store keeps findings as data (catalogue ``code`` + ``params``), not as the
sentence one run rendered, so ``campaign status --lang en`` or an English 汇总 built from the
store speaks English about returns a Chinese run read. Parameters are typed: a ``Decimal``
stays a ``Decimal`` (``{value!r}`` and ``{value}`` render exactly as they did), a nested
:class:`~evaltool.model.Text` stays a sentence, a list stays a list. Text is made storable
(NUL and lone surrogates as ``\\xNN``: PostgreSQL refuses them).

Example::

    j = params_json({"value": Decimal("1.50"), "why": Text("word.blank")})
    params_from_json(j)["value"]                                   # Decimal('1.50')
    stored_message("TYPE-1.name", j, "（记录时的中文）", "en")       # rendered in English
    stored_message("", None, "（0002 之前的记录）", "en")            # an old row: as recorded
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from evaltool.messages.catalogue import CATALOGUE
from evaltool.model import Text

__all__ = ["params_json", "params_from_json", "stored_message"]

_BAD = re.compile("[\x00\ud800-\udfff]")


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group(0))
    if 0xDC80 <= code <= 0xDCFF:  # a surrogate-escaped byte: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}"


def _safe(s: str) -> str:
    """NUL and lone surrogates as visible escapes — the store's rule
    (:func:`evaltool.store.names.safe_text`; this room may not import the store)."""
    return _BAD.sub(_escape, s) if _BAD.search(s) else s


def _enc(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return {"$": "f", "v": repr(v)}  # JSON has no NaN or infinity
    if v is None or isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, str):
        return _safe(v)
    if isinstance(v, Decimal):
        return {"$": "d", "v": str(v)}
    if isinstance(v, datetime):
        return {"$": "dt", "v": v.isoformat()}
    if isinstance(v, date):
        return {"$": "date", "v": v.isoformat()}
    if isinstance(v, Text):
        return {"$": "text", "code": v.code, "params": params_json(v.params)}
    if isinstance(v, (list, tuple)):
        return {"$": "list", "v": [_enc(x) for x in v]}
    return _safe(str(v))  # anything else is shown as its text


def _dec(v: Any) -> Any:
    if not isinstance(v, dict):
        return v
    tag = v.get("$")
    if tag == "f":
        return float(v["v"])
    if tag == "d":
        return Decimal(v["v"])
    if tag == "dt":
        return datetime.fromisoformat(v["v"])
    if tag == "date":
        return date.fromisoformat(v["v"])
    if tag == "text":
        return Text(v["code"], params_from_json(v.get("params")))
    if tag == "list":
        return tuple(_dec(x) for x in v["v"])
    return v


def params_json(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` as JSON-ready typed data (see the module docstring)."""
    return {str(k): _enc(v) for k, v in params.items()}


def params_from_json(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The inverse of :func:`params_json`."""
    return {k: _dec(v) for k, v in (data or {}).items()}


def stored_message(code: str, params: Mapping[str, Any] | None, message: str, lang: str) -> str:
    """A stored finding's sentence in ``lang``: rendered from ``code`` + ``params`` when the
    catalogue knows the code, else ``message`` as recorded (rows written before the store
    kept codes, or a code an older or newer evaltool wrote)."""
    if not code or code not in CATALOGUE:
        return message
    from evaltool.messages import render_text

    try:
        return render_text(Text(code, params_from_json(params)), lang)
    except (KeyError, IndexError, ValueError, TypeError):  # params that no longer fit the sentence
        return message
