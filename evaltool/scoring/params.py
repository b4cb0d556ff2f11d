"""Parse a scoring method's 参数 text (``key=value; key=value``) into typed values.

Why: the bureau writes method parameters as text in the 评分方法 sheet; a typo there must
become a finding that names the method and the parameter, never a crash halfway through a
batch. The first ``=`` of each pair splits key from value, so tier maps survive intact.

Example::

    p = parse_params("tiers=达成=1,部分达成=0.8; cap=1")
    p["tiers"]                       # '达成=1,部分达成=0.8'
    number(p, "cap", default=1.0)    # 1.0
    mapping(p, "tiers")              # {'达成': 1.0, '部分达成': 0.8}
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from evaltool.model import EvaltoolError

__all__ = ["ParamError", "parse_params", "number", "numbers", "mapping", "choice"]

_SEP = re.compile(r"[;；]")
_LIST = re.compile(r"[,，、]")


class ParamError(EvaltoolError, ValueError):
    """A parameter is missing or malformed; ``code`` is a catalogue code, ``key`` the name."""

    def __init__(self, code: str, key: str, value: str = "") -> None:
        super().__init__(f"{code}: {key}={value}")
        self.code = code
        self.key = key
        self.value = value


def parse_params(text: str | None) -> dict[str, str]:
    """``"a=1; b=x=2,y=3"`` → ``{"a": "1", "b": "x=2,y=3"}``; pairs without ``=`` are ignored.

    Full-width ``；`` and ``＝`` are accepted as they are typed by Chinese input methods.
    """
    out: dict[str, str] = {}
    for part in _SEP.split((text or "").replace("＝", "=")):
        part = part.strip()
        if "=" not in part:
            continue
        key, value = part.split("=", 1)
        if key.strip():
            out[key.strip()] = value.strip()
    return out


def _to_float(key: str, raw: str) -> float:
    s = raw.strip().replace("％", "%")
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    try:
        if "/" in s:  # a fraction such as 1/6 (a per-point share derived from a local rule)
            num, den = s.split("/", 1)
            value = float(num) / float(den) * scale
        else:
            value = float(s) * scale
    except (ValueError, ZeroDivisionError):
        raise ParamError("score.param_not_number", key, raw) from None
    if not math.isfinite(value):
        raise ParamError("score.param_not_number", key, raw)
    return value


def number(params: Mapping[str, str], key: str, default: float | None = None) -> float:
    """A numeric parameter (``90%`` is 0.9); missing → ``default`` or :class:`ParamError`."""
    raw = params.get(key)
    if raw is None or raw == "":
        if default is None:
            raise ParamError("score.param_missing", key)
        return default
    return _to_float(key, raw)


def numbers(params: Mapping[str, str], key: str) -> tuple[float, ...]:
    """A list parameter ``0.9,0.8,0.7`` → ``(0.9, 0.8, 0.7)``; missing/empty → ParamError."""
    raw = params.get(key)
    if not raw:
        raise ParamError("score.param_missing", key)
    return tuple(_to_float(key, item) for item in _LIST.split(raw) if item.strip())


def mapping(params: Mapping[str, str], key: str) -> dict[str, float]:
    """A tier map ``达成=1,部分达成=0.8`` → ``{"达成": 1.0, "部分达成": 0.8}`` (order kept)."""
    raw = params.get(key)
    if not raw:
        raise ParamError("score.param_missing", key)
    out: dict[str, float] = {}
    for item in _LIST.split(raw):
        if not item.strip():
            continue
        if "=" not in item:
            raise ParamError("score.param_bad_map", key, raw)
        name, value = item.split("=", 1)
        if not name.strip():
            raise ParamError("score.param_bad_map", key, raw)
        out[name.strip()] = _to_float(key, value)
    if not out:
        raise ParamError("score.param_missing", key)
    return out


def choice(params: Mapping[str, str], key: str, options: tuple[str, ...]) -> str:
    """One of ``options`` (the first is the default when the key is absent)."""
    raw = params.get(key, "").strip()
    if not raw:
        return options[0]
    if raw not in options:
        raise ParamError("score.param_bad_choice", key, raw)
    return raw
