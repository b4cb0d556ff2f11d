"""``load(path) -> Evaluation``: open a returned workbook file and parse it.

Why: the one call the CLI, the batch and tests use. It turns every way a file can be wrong
— missing, empty, not a zip (a PNG renamed .xlsx), an encrypted or legacy OLE file, a zip
that is not a workbook, another template version — into a :class:`TemplateError` naming the
file, in Chinese with English.

Example::

    from evaltool.io.reader import load
    ev = load("workbooks/sample-xicheng-2023.xlsx")
    ev.scalar("final_expenditure")     # Decimal('17088957.48')
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from python_calamine import CalamineError

from evaltool.io.filebook import FileBook
from evaltool.io.parse import parse_book
from evaltool.model import Evaluation, TemplateError

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def book_from_bytes(data: bytes, label: str) -> FileBook:
    """A FileBook over ``data`` (a file's bytes, read once) after sniffing them; TemplateError
    naming ``label`` when they are no workbook."""
    head = data[:8]
    if not head:
        raise TemplateError(label, "file.empty")
    if head == OLE_MAGIC:
        raise TemplateError(label, "file.encrypted")
    if not head.startswith(ZIP_MAGIC):
        raise TemplateError(label, "file.not_xlsx")
    try:
        book = FileBook(label, data)
        book.sheet_names()
        book.defined_names()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, CalamineError) as exc:
        raise TemplateError(label, "file.corrupt", detail=str(exc)) from exc
    return book


def open_book(path: str | Path) -> FileBook:
    """A FileBook for ``path`` (read once) after sniffing the bytes; TemplateError when it is no workbook."""
    p = Path(path)
    if not p.is_file():
        raise TemplateError(str(path), "file.missing")
    return book_from_bytes(p.read_bytes(), str(path))


def load(path: str | Path) -> Evaluation:
    """Parse the evaltool template workbook at ``path``."""
    book = open_book(path)
    try:
        return parse_book(book)
    finally:
        book.close()
