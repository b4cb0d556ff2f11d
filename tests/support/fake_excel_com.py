"""Excel's own COM ``Worksheet`` protection API, as reached through xlwings' ``Sheet.api``.

Why: xlwings has no sheet-protection API, so ``evaltool.io.xlbook`` uses the native object
(xlwings main.py ``Sheet.api``: "Returns the native object (pywin32 or appscript obj)") to
unprotect the template's protected sheets for the write and protect them again. This module
is the stand-in for that object, used by ``tests/support/fake_xlwings.py``; it follows
Microsoft's Excel VBA reference (``Worksheet.Protect``, ``Worksheet.Unprotect``,
``Worksheet.ProtectContents``, ``Protection`` object) and Excel's run-time error 1004 on
writes into locked cells of a protected sheet.

``App.api`` is Excel's COM ``Application``; only ``AutoCorrect.AutoFillFormulasInLists`` (the
per-user "fill formulas in tables to create calculated columns" option) is used. Calculated
columns themselves are not emulated: the stand-in records the option's value at every write.

Example::

    api = FakeWorksheetApi(app)
    api.Protect("", Contents=True, AllowFormattingCells=True)
    api.Unprotect("")
"""

from __future__ import annotations

from typing import Any

__all__ = ["ALLOW_ATTR", "FakeApplicationApi", "FakeComError", "FakeProtection", "FakeWorksheetApi"]


class FakeComError(Exception):
    """What pywin32 raises for a refused Excel call (``pywintypes.com_error``)."""


#: ``Worksheet.Protection.Allow*`` -> the OOXML ``<sheetProtection>`` attribute that *forbids* it.
ALLOW_ATTR = {
    "AllowFormattingCells": "formatCells", "AllowFormattingColumns": "formatColumns",
    "AllowFormattingRows": "formatRows", "AllowInsertingColumns": "insertColumns",
    "AllowInsertingRows": "insertRows", "AllowInsertingHyperlinks": "insertHyperlinks",
    "AllowDeletingColumns": "deleteColumns", "AllowDeletingRows": "deleteRows", "AllowSorting": "sort",
    "AllowFiltering": "autoFilter", "AllowUsingPivotTables": "pivotTables",
}  # fmt: skip


class FakeProtection:
    """Excel's ``Protection`` object (read-only ``Allow*`` flags)."""

    def __init__(self, **flags: bool) -> None:
        for name in ALLOW_ATTR:
            setattr(self, name, flags.get(name, False))


class FakeWorksheetApi:
    """``Sheet.api`` on Windows is Excel's COM ``Worksheet`` (xlwings main.py ``Sheet.api``:
    "Returns the native object (pywin32 or appscript obj)"); xlwings itself has no protection
    API. The subset used, per Microsoft's Excel VBA reference: ``ProtectContents``,
    ``ProtectDrawingObjects``, ``ProtectScenarios``, ``Protection``, ``Unprotect(Password)``
    (error 1004 on a wrong password) and ``Protect(Password, DrawingObjects, Contents,
    Scenarios, UserInterfaceOnly, Allow…)``. While contents are protected Excel refuses writes
    into locked cells, formatting unless AllowFormattingCells, note edits and table resizes."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self.ProtectContents = False
        self.ProtectDrawingObjects = False
        self.ProtectScenarios = False
        self.Protection = FakeProtection()
        self.password = ""  # test-only: the password the sheet was protected with

    def Unprotect(self, Password: str = "") -> None:  # noqa: N802, N803 - COM names
        self._app.calls["sheet.unprotect"] += 1
        if self.ProtectContents and Password != self.password:
            raise FakeComError("The password you supplied is not correct.")
        self.ProtectContents = self.ProtectDrawingObjects = self.ProtectScenarios = False

    def Protect(  # noqa: N802 - COM name
        self, Password: str = "", DrawingObjects: bool = True, Contents: bool = True,  # noqa: N803
        Scenarios: bool = True, UserInterfaceOnly: bool = False, **allow: bool,  # noqa: N803
    ) -> None:  # fmt: skip
        self._app.calls["sheet.protect"] += 1
        unknown = set(allow) - set(ALLOW_ATTR)
        if unknown:
            raise TypeError(f"Protect() got unexpected arguments {sorted(unknown)}")
        self.password = Password
        self.ProtectContents, self.ProtectDrawingObjects, self.ProtectScenarios = Contents, DrawingObjects, Scenarios
        self.Protection = FakeProtection(**allow)


class FakeAutoCorrect:
    """``Application.AutoCorrect`` with the one option used; records it at every range write."""

    def __init__(self) -> None:
        self.AutoFillFormulasInLists = True  # Excel's default
        self.seen_during_writes: list[bool] = []


class FakeApplicationApi:
    """``App.api``: Excel's COM ``Application`` (the ``AutoCorrect`` part only)."""

    def __init__(self) -> None:
        self.AutoCorrect = FakeAutoCorrect()
