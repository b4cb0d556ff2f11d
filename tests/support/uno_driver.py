"""Drive a running headless soffice over UNO, one JSON command per line on stdin (tests only).

Runs under a Python that has ``uno`` (Debian's python3 with python3-uno), not the test venv:
``tests/support/live_lo.py`` starts it. Each line in is ``{"cmd": ..., ...}``; each line out is
``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}``.

Commands: ``open`` (path), ``snapshot``, ``apply`` (plan, password), ``set`` (sheet, ref, value:
types a value the way a user does, unsaved), ``read`` (sheet, refs: formula, value, string,
background colour, note of each cell), ``grid`` (sheet: formulas and values of the used area), ``protected`` (sheet), ``protect`` (sheet, password), ``addons`` (every AddonUI entry
of the live configuration: title and URL), ``press`` (title: runs the command URL of the
AddonUI entry with that title through the document's script provider), ``save`` (path, as
xlsx), ``close``.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

sys.path.insert(0, os.environ["EVALTOOL_UNOBOOK_DIR"])
import unobook  # noqa: E402  (evaltool/io/unobook.py, the adapter under test)


def _pv(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 120
    while True:
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def addons(ctx: Any) -> list[dict[str, str]]:
    provider = ctx.ServiceManager.createInstanceWithContext("com.sun.star.configuration.ConfigurationProvider", ctx)
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationAccess", (_pv("nodepath", "/org.openoffice.Office.Addons/AddonUI"),)
    )
    found: list[dict[str, str]] = []

    def walk(node: Any, path: str) -> None:
        for name in node.getElementNames():
            child = node.getByName(name)
            if not hasattr(child, "getElementNames"):
                continue
            names = set(child.getElementNames())
            if "URL" in names and "Title" in names:
                found.append({"path": f"{path}/{name}", "title": child.getByName("Title") or "",
                              "url": child.getByName("URL") or ""})  # fmt: skip
            walk(child, f"{path}/{name}")

    walk(access, "AddonUI")
    return found


def _cell(doc: Any, sheet: str, ref: str) -> dict[str, Any]:
    sh = doc.getSheets().getByName(sheet)
    cell = sh.getCellRangeByName(ref)
    kind = cell.getType().value  # EMPTY | VALUE | TEXT | FORMULA
    return {
        "type": kind, "formula": cell.getFormula(), "value": cell.getValue(), "string": cell.getString(),
        "error": cell.getError(), "color": cell.CellBackColor, "note": cell.getAnnotation().getString(),
    }  # fmt: skip


def main() -> None:
    ctx = connect(sys.argv[1])
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc: Any = None
    for line in sys.stdin:
        req = json.loads(line)
        cmd = req["cmd"]
        try:
            result: Any = None
            if cmd == "open":
                url = uno.systemPathToFileUrl(req["path"])
                hidden = (_pv("Hidden", bool(req.get("hidden"))),)
                doc = desktop.loadComponentFromURL(url, "_blank", 0, hidden)
            elif cmd == "snapshot":
                result = unobook.snapshot(doc)
            elif cmd == "apply":
                try:
                    unobook.apply_plan(doc, req["plan"], req.get("password", ""))
                except unobook.SheetProtected as exc:
                    result = {"protected": exc.sheet}
            elif cmd == "set":
                cell = doc.getSheets().getByName(req["sheet"]).getCellRangeByName(req["ref"])
                value = req["value"]
                if isinstance(value, str):
                    cell.setString(value)
                else:
                    cell.setValue(value)
                result = doc.isModified()
            elif cmd == "read":
                result = [_cell(doc, req["sheet"], ref) for ref in req["refs"]]
            elif cmd == "grid":  # the used area in two calls: formulas (or constants) and values
                sh = doc.getSheets().getByName(req["sheet"])
                cursor = sh.createCursor()
                cursor.gotoEndOfUsedArea(False)
                end = cursor.getRangeAddress()
                rng = sh.getCellRangeByPosition(0, 0, end.EndColumn, end.EndRow)
                result = {"formulas": rng.getFormulaArray(), "data": rng.getDataArray()}
            elif cmd == "protect":  # protect a sheet again with a password, as a bureau might
                sh = doc.getSheets().getByName(req["sheet"])
                sh.unprotect("")
                sh.protect(req["password"])
            elif cmd == "protected":
                result = doc.getSheets().getByName(req["sheet"]).isProtected()
            elif cmd == "addons":
                result = addons(ctx)
            elif cmd == "press":
                entry = next(e for e in addons(ctx) if e["title"] == req["title"])
                script = doc.getScriptProvider().getScript(entry["url"])
                out = script.invoke((), (), ())
                result = {"url": entry["url"], "returned": out[0] if isinstance(out, tuple) else out}
            elif cmd == "save":
                doc.storeToURL(uno.systemPathToFileUrl(req["path"]), (_pv("FilterName", "Calc MS Excel 2007 XML"),))
            elif cmd == "close":
                if doc is not None:
                    doc.close(True)
                doc = None
            elif cmd == "quit":
                sys.stdout.write(json.dumps({"ok": True, "result": None}) + "\n")
                sys.stdout.flush()
                try:
                    desktop.terminate()
                finally:
                    os._exit(0)
            else:
                raise ValueError(f"unknown command {cmd}")
            sys.stdout.write(json.dumps({"ok": True, "result": result}, ensure_ascii=False) + "\n")
        except Exception as exc:
            sys.stdout.write(json.dumps({"ok": False, "error": f"{type(exc).__name__}: {exc}",
                                         "trace": traceback.format_exc()}, ensure_ascii=False) + "\n")  # fmt: skip
        sys.stdout.flush()
    os._exit(0)  # pyuno's remote bridge can crash in interpreter shutdown


if __name__ == "__main__":
    main()
