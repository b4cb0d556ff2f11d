"""English texts of the bundled rule sets, and the 通过 text of a passing check.

Why: a rule's sentence comes from its 校验规则 row (Chinese). Bundled rule sets
(``evaltool/frameworks/rules/*.yaml``) may give a ``message_en`` next to the Chinese
``message``; a workbook rule with the same id and Chinese text then gets the English text
with ``--lang en`` (a bureau's own rules stay as written). Every other sentence lives in
the catalogue, :mod:`evaltool.messages.catalogue`.

Example::

    english_rule_message("VAR-1", "预决算差异率为{variance_rate}，超过预警阈值{param_variance_warn}")
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

__all__ = ["english_rule_message", "PASS"]

PASS = "通过"

_RULES_DIR = Path(__file__).resolve().parent.parent / "frameworks" / "rules"


@lru_cache(maxsize=1)
def _english() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for path in sorted(_RULES_DIR.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError):
            continue
        rows = data.get("rules", []) if isinstance(data, dict) else (data or [])
        for r in rows:
            if isinstance(r, dict) and r.get("message_en"):
                out[(str(r.get("id")), str(r.get("message", "")))] = str(r["message_en"])
    return out


def english_rule_message(rule_id: str, message_zh: str) -> str | None:
    """The bundled English text of a rule whose id and Chinese message match, else None."""
    return _english().get((rule_id, message_zh))
