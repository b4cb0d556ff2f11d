"""Tokenizer for the Excel formula subset (A1 refs, names, structured refs, literals).

Why: references are recognised whole here — ``'绩效指标'!$B$4:D9``, ``Projects[全年执行数]``,
``[@[Col with space]]`` — so the parser only sees operands and operators, and every token
keeps its character offset for precise syntax errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evaltool.contract.a1 import MAX_COL, MAX_ROW, parse_part

from .errors import FormulaSyntaxError
from .values import ERRORS

__all__ = ["Token", "tokenize", "FULL_WIDTH"]

# Full-width / typographic characters people paste from Word or type with a Chinese IME.
FULL_WIDTH: dict[str, str] = {
    "≥": ">=", "≤": "<=", "≠": "<>", "＞": ">", "＜": "<", "＝": "=", "（": "(", "）": ")",
    "，": ",", "＋": "+", "－": "-", "×": "*", "÷": "/", "＊": "*", "／": "/", "％": "%",
    "“": '"', "”": '"', "‘": "'", "’": "'", "：": ":", "；": ",", "＆": "&", "＾": "^",
    "　": " ", "【": "[", "】": "]", "＄": "$", "！": "!",
}
_OPS2 = ("<=", ">=", "<>")
_OPS1 = "+-*/^&=<>%"
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_CELL = re.compile(
    r"(\$?[A-Za-z]{1,3}\$?\d+)(?::(\$?[A-Za-z]{1,3}\$?\d+))?(?![\w.(\[!$:])"
    r"|(\$?[A-Za-z]{1,3}):(\$?[A-Za-z]{1,3})(?![\w.(\[!$:])"
)
_IDENT = re.compile(r"(?:[^\W\d]|\\)[\w.\\]*")
_ITEMS = {"#ALL": "#All", "#DATA": "#Data", "#HEADERS": "#Headers", "#TOTALS": "#Totals",
          "#THIS ROW": "#This Row"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # NUM STR BOOL ERR CELL NAME FUNC STRUCT OP LP RP COMMA END
    value: object
    pos: int


def _valid_cell(part: str) -> bool:
    """A cell (``B4``) or a whole column (``B``) inside the sheet."""
    rc = parse_part(part)
    return rc is not None and 1 <= rc[1] <= MAX_COL and rc[0] <= MAX_ROW


def _match_cell(text: str, i: int) -> tuple[str, int] | None:
    m = _CELL.match(text, i)
    if m is None:
        return None
    parts = [p for p in m.groups() if p]
    if not all(_valid_cell(p) for p in parts):
        return None
    return ":".join(p.upper() for p in parts), m.end()


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[Token] = []

    def error(self, message: str, pos: int) -> FormulaSyntaxError:
        return FormulaSyntaxError(message, pos, self.text)

    def run(self, start: int) -> list[Token]:
        text, n, i = self.text, len(self.text), start
        while i < n:
            c = text[i]
            if c in " \t\r\n":
                i += 1
            elif c in FULL_WIDTH:
                good = FULL_WIDTH[c]
                raise self.error(f"请使用半角 {good} 而非 {c} (full-width character not allowed)", i)
            elif c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
                m = _NUMBER.match(text, i)
                assert m is not None
                end = m.end()
                if end < n and (text[end].isalpha() or text[end] in "_.:"):
                    raise self.error(f"无法识别的数字 (bad number) {text[i:end + 1]!r}", i)
                self.add("NUM", float(m.group()), i)
                i = end
            elif c == '"':
                i = self.string(i)
            elif c == "'":
                i = self.quoted_sheet(i)
            elif c == "#":
                i = self.error_literal(i)
            elif c == "[":
                col, item, this_row, end = self.struct(i)
                self.add("STRUCT", (None, col, item, this_row), i)
                i = end
            elif c == "$" or c.isalpha() or c in "_\\":
                i = self.word(i)
            elif text.startswith(_OPS2, i):
                self.add("OP", text[i:i + 2], i)
                i += 2
            elif c in _OPS1:
                self.add("OP", c, i)
                i += 1
            elif c == "(":
                self.add("LP", c, i)
                i += 1
            elif c == ")":
                self.add("RP", c, i)
                i += 1
            elif c == ",":
                self.add("COMMA", c, i)
                i += 1
            elif c == ";":
                raise self.error("参数请用逗号 , 分隔 (use ',' between arguments)", i)
            elif c == ":":
                raise self.error("区域运算符 : 只能用在两个单元格地址之间 (range ':' only between cells)", i)
            elif c == "{":
                raise self.error("不支持数组常量 {...} (array constants not supported)", i)
            else:
                raise self.error(f"无法识别的运算符或字符 {c!r} (unknown operator)", i)
        self.add("END", None, n)
        return self.tokens

    def add(self, kind: str, value: object, pos: int) -> None:
        self.tokens.append(Token(kind, value, pos))

    def string(self, i: int) -> int:
        text, j, out = self.text, i + 1, []
        while True:
            k = text.find('"', j)
            if k < 0:
                raise self.error("字符串缺少结束引号 (unterminated string)", i)
            out.append(text[j:k])
            if text.startswith('""', k):
                out.append('"')
                j = k + 2
                continue
            self.add("STR", "".join(out), i)
            return k + 1

    def quoted_sheet(self, i: int) -> int:
        text, j, out = self.text, i + 1, []
        while True:
            k = text.find("'", j)
            if k < 0:
                raise self.error("工作表名缺少结束单引号 (unterminated sheet name)", i)
            out.append(text[j:k])
            if text.startswith("''", k):
                out.append("'")
                j = k + 2
                continue
            break
        if not text.startswith("!", k + 1):
            raise self.error("带引号的工作表名后需要 ! (expected '!' after quoted sheet name)", k + 1)
        return self.sheet_ref("".join(out), k + 2, i)

    def sheet_ref(self, sheet: str, j: int, start: int) -> int:
        found = _match_cell(self.text, j)
        if found is None:
            raise self.error("工作表名后需要单元格地址 (expected a cell reference after '!')", j)
        self.add("CELL", (sheet, found[0]), start)
        return found[1]

    def error_literal(self, i: int) -> int:
        upper = self.text[i:i + 8].upper()
        for code in ERRORS:
            if upper.startswith(code):
                self.add("ERR", code, i)
                return i + len(code)
        raise self.error("无法识别的错误值 (unknown error literal)", i)

    def word(self, i: int) -> int:
        text = self.text
        found = _match_cell(text, i)
        if found is not None:
            self.add("CELL", (None, found[0]), i)
            return found[1]
        m = _IDENT.match(text, i)
        if m is None:
            raise self.error(f"无法识别的引用 (bad reference) {text[i:i + 10]!r}", i)
        word, end = m.group(), m.end()
        nxt = text[end] if end < len(text) else ""
        if nxt == "!":
            return self.sheet_ref(word, end + 1, i)
        if nxt == "(":
            self.add("FUNC", word, i)
        elif nxt == "[":
            col, item, this_row, end = self.struct(end)
            self.add("STRUCT", (word, col, item, this_row), i)
        elif word.upper() in ("TRUE", "FALSE"):
            self.add("BOOL", word.upper() == "TRUE", i)
        else:
            self.add("NAME", word, i)
        return end

    # -- structured references -------------------------------------------------------------
    def bracket_text(self, i: int) -> tuple[str, int]:
        """Text of a ``[...]`` specifier at ``i`` (no nesting), unescaping ``'``; returns end."""
        text, j, out = self.text, i + 1, []
        while j < len(text):
            c = text[j]
            if c == "'" and j + 1 < len(text):
                out.append(text[j + 1])
                j += 2
            elif c == "]":
                return "".join(out), j + 1
            elif c == "[":
                raise self.error("结构化引用中的 [ 需写成 '[ (escape '[' as \"'[\")", j)
            else:
                out.append(c)
                j += 1
        raise self.error("结构化引用缺少 ] (unterminated structured reference)", i)

    def item(self, spec: str, pos: int) -> str:
        item = _ITEMS.get(spec.strip().upper())
        if item is None:
            raise self.error(f"无法识别的特殊项 {spec!r} (unknown table item)", pos)
        return item

    def struct(self, i: int) -> tuple[str | None, str | None, bool, int]:
        text = self.text
        j = i + 1
        if text.startswith("]", j):
            return None, None, False, j + 1
        if text.startswith("@", j):
            if text.startswith("[", j + 1):
                this_col, k = self.bracket_text(j + 1)
                if not text.startswith("]", k):
                    raise self.error("结构化引用缺少 ] (expected ']')", k)
                return this_col, None, True, k + 1
            if text.startswith("]", j + 1):
                raise self.error("不支持整行引用 [@] (whole-row [@] not supported)", i)
            this_col, k = self.bracket_text(j)  # the '@' stands where '[' would be
            return this_col, None, True, k
        if not text.startswith("[", j):
            spec, k = self.bracket_text(i)
            if spec.startswith("#"):
                return None, self.item(spec, j), False, k
            return spec, None, False, k
        col: str | None = None
        item: str | None = None
        while True:
            while text.startswith(" ", j):
                j += 1
            if not text.startswith("[", j):
                raise self.error("结构化引用格式错误 (expected '[')", j)
            spec, k = self.bracket_text(j)
            if spec.strip().startswith("#") and col is None:
                if item is not None:
                    raise self.error("不支持多个特殊项组合 (combined table items not supported)", j)
                item = self.item(spec, j)
            elif col is None:
                col = spec
            else:
                raise self.error("不支持多列引用 (column ranges not supported)", j)
            j = k
            while text.startswith(" ", j):
                j += 1
            if text.startswith(",", j):
                j += 1
                continue
            if text.startswith(":", j):
                raise self.error("不支持列区域 [[A]:[B]] (column ranges not supported)", j)
            if text.startswith("]", j):
                break
            raise self.error("结构化引用缺少 ] (expected ']')", j)
        if item == "#This Row":
            if col is None:
                raise self.error("不支持整行引用 (whole-row reference not supported)", i)
            return col, None, True, j + 1
        return col, item, False, j + 1


def tokenize(text: str) -> list[Token]:
    """Tokens of ``text``; a leading ``=`` (after optional blanks) is skipped."""
    start = 0
    stripped = text.lstrip()
    if stripped.startswith("="):
        start = len(text) - len(stripped) + 1
    return _Lexer(text).run(start)
