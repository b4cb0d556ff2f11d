"""Write the finding-code table of docs/bureau-guide.md from the message catalogue.

Why: the bureau guide explains every code a receipt, the 问题清单 or 待处理问题 can show; the
table is generated from ``evaltool.messages.catalogue.CATALOGUE`` so it never drifts from the
program (``tests/test_bureau_guide.py`` fails when the committed table is stale).

Example::

    python scripts/finding_codes.py            # rewrite the table between the markers
    python scripts/finding_codes.py --check    # exit 1 when the guide is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "bureau-guide.md"
BEGIN, END = "<!-- codes:begin -->", "<!-- codes:end -->"
#: Prefixes of catalogue entries that are pieces of other sentences, not findings.
PIECES = ("word.",)


def table() -> str:
    from evaltool.messages.catalogue import CATALOGUE

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| 代码 code | 中文 | English |", "|---|---|---|"]
    for code in sorted(CATALOGUE):
        if code.startswith(PIECES):
            continue
        zh, en = CATALOGUE[code]
        lines.append(f"| `{code}` | {cell(zh)} | {cell(en)} |")
    return "\n".join(lines)


def render(guide: str) -> str:
    head, _, rest = guide.partition(BEGIN)
    _, _, tail = rest.partition(END)
    note = ("花括号里的 `{名称}` 在实际提示中换成具体的值（单元格、指标名称、金额……）。"
            "`规则编号.情形` 形式的代码是同一条检查的不同情形。")
    return f"{head}{BEGIN}\n{note}\n\n{table()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 when the guide's table is stale")
    args = ap.parse_args(argv)
    old = GUIDE.read_text(encoding="utf-8")
    new = render(old)
    if args.check:
        return 0 if new == old else 1
    GUIDE.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
