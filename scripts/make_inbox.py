"""Write a demo/test INBOX of returned mails and files for ``evaltool collect``.

Why: the bureau (and CI) can try the whole intake without real department mail: good
returns from several units (RFC 2231 and GBK attachment names, a zip, a loose file), a
resubmission, a tampered weight, a macro-enabled and an encrypted return (password in
``OUT/../passwords.txt``), a LibreOffice re-save and legacy .xls/.et files (when soffice is
installed), and every hostile case (zip/XML bombs, truncated, disguised, DDE, ...).

Example::

    python scripts/make_inbox.py /tmp/INBOX
    evaltool collect /tmp/INBOX -o /tmp/out --passwords /tmp/passwords.txt
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.inbox import PASSWORD, make_inbox  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成演示用收件箱 / write a demo INBOX")
    parser.add_argument("out", type=Path, help="收件文件夹（将被创建）/ the INBOX folder to create")
    parser.add_argument("--no-lo", action="store_true", help="不调用 LibreOffice / skip the LibreOffice cases")
    parser.add_argument("--no-hostile", action="store_true", help="不生成恶意/损坏文件 / skip hostile cases")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        parser.error(f"{args.out} 已存在且非空 / exists and is not empty")
    lo = not args.no_lo and shutil.which("soffice") is not None
    cases = make_inbox(args.out, lo=lo, hostile_cases=not args.no_hostile)
    pw = args.out.parent / "passwords.txt"
    pw.write_text(f"# evaltool collect --passwords\n{PASSWORD}\n", encoding="utf-8")
    for case, path in sorted(cases.items()):
        print(f"{case:28} {path.relative_to(args.out)}")
    print(f"passwords: {pw}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
