"""Message catalogue (中文, English) of the validation engine, and English rule-set texts.

Why: every user-facing sentence is data, Chinese first; ``evaltool.messages.text`` picks the
language. Bundled rule sets (``evaltool/frameworks/rules/*.yaml``) may give a ``message_en``
next to the Chinese ``message``; a workbook rule with the same id and Chinese text then gets
the English text with ``--lang en`` (a bureau's own rules stay as written).

Example::

    text(MSG, "rule_syntax", "en", id="SUM-1", pos=7, detail="...")
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from evaltool.messages import text

__all__ = ["MSG", "msg", "english_rule_message", "PASS"]

PASS = "通过"

MSG: dict[str, tuple[str, str]] = {
    "pass": ("通过", "passed"),
    # problems with a rule itself
    "rule_syntax": ("规则 {id} 的表达式无法解析：{detail}（第 {pos} 个字符）",
                    "rule {id}: the expression cannot be parsed: {detail} (character {pos})"),
    "rule_empty": ("规则 {id} 没有表达式", "rule {id} has no expression"),
    "rule_scope": ("规则 {id} 的范围“{detail}”无效，应为 表内/表间/逐行",
                   "rule {id}: scope {detail!r} is invalid (表内/表间/逐行)"),
    "rule_row_table": ("逐行规则 {id} 未指定对象表", "row rule {id} names no table (对象表)"),
    "rule_this_row": ("规则 {id} 使用了 [@列名]，但范围不是“逐行”",
                      "rule {id} uses [@column] but its scope is not 逐行"),
    "rule_unknown_name": ("规则 {id} 引用了不存在的名称 {detail}", "rule {id} refers to unknown name {detail}"),
    "rule_unknown_table": ("规则 {id} 引用了不存在的表 {detail}", "rule {id} refers to unknown table {detail}"),
    "rule_unknown_column": ("规则 {id} 引用了表中不存在的列 {detail}",
                            "rule {id} refers to unknown column {detail}"),
    "rule_unknown_sheet": ("规则 {id} 引用了不存在的工作表 {detail}", "rule {id} refers to unknown sheet {detail}"),
    "rule_unqualified": ("规则 {id} 的单元格引用 {detail} 未写明工作表（无对象表时须写成 工作表!单元格）",
                         "rule {id}: cell reference {detail} has no sheet (write Sheet!A1 when no table is set)"),
    "rule_error": ("{message}（规则 {id} 计算结果为 {err}）", "{message} (rule {id} evaluates to {err})"),
    # file level
    "unreadable": ("无法读取该文件：{detail}", "cannot read this file: {detail}"),
    "not_template": ("不是评价模板工作簿：{detail}", "not an evaltool template workbook: {detail}"),
    "no_files": ("没有找到工作簿：{path}", "no workbooks found: {path}"),
    "missing_path": ("路径不存在：{path}", "path does not exist: {path}"),
}


def msg(code: str, lang: str = "zh", **kw: object) -> str:
    """Format a catalogue message (falls back to Chinese for unknown languages)."""
    return text(MSG, code, lang, **kw)


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
