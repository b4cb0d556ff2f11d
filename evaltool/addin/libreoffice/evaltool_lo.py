"""计算评分 / 仅校验 in LibreOffice Calc: the macro behind the evaltool extension's toolbar and menu.

Runs in LibreOffice's own Python (python3-uno), where evaltool is not installed, so it only
moves ranges: it reads the open document (unsaved edits included) in blocks
(``evaltool_unobook.snapshot``), sends it as one JSON request to ``python -m
evaltool.addin.serve`` in the user's own evaltool installation, and applies the plan that comes
back (values, formulas, fills, notes; sheets unprotected and protected again) in blocks. The
document is not saved. The interpreter comes from the configuration ``evaltool addin install
--libreoffice`` writes: ``libreoffice.json`` in the evaltool config folder, else the copy
inside this extension (``pythonpath/evaltool_lo.json``).

Invoked from the menu/toolbar (``Addons.xcu``) or through the document's script provider;
in the latter case ``XSCRIPTCONTEXT.getDocument()`` is not the document, the invocation
context's ``ScriptContainer`` is.
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import tempfile
import traceback

import uno  # type: ignore[import-not-found]  # LibreOffice's Python
from evaltool_unobook import SheetProtected, apply_plan, snapshot  # type: ignore[import-not-found]  # pythonpath/

CONFIG_FILE = "libreoffice.json"
LOG_NAME = "evaltool-lo.log"
TITLE = "预算绩效评价"
TIMEOUT = 600

TEXT = {
    "no_config": (
        "找不到 evaltool：请在命令行运行 evaltool addin install --libreoffice 后重新打开 LibreOffice。\n"
        "evaltool was not found: run evaltool addin install --libreoffice, then restart LibreOffice.\n({detail})"
    ),
    "engine_failed": (
        "evaltool 没有返回结果（{detail}）。工作簿中的数据没有被修改。技术细节已记录在：{log}\n"
        "evaltool returned no result ({detail}). The workbook's data was not changed. Details: {log}"
    ),
    "protected": (
        "工作表“{sheet}”设置了保护密码，按钮无法写入结果。请设置环境变量 EVALTOOL_SHEET_PASSWORD 后重启 LibreOffice，"
        "或保存并关闭工作簿后在命令行运行 evaltool score 文件.xlsx。\n"
        "Sheet {sheet} is protected with a password; set EVALTOOL_SHEET_PASSWORD and restart LibreOffice, "
        "or run evaltool score FILE.xlsx."
    ),
    "partial": (
        "写入结果时出错：{detail}\n部分结果可能已写入。要放弃这些改动，请关闭工作簿并选择“不保存”。技术细节已记录在：{log}\n"
        "Writing the results failed: {detail}. Some results may have been written; close without saving to discard "
        "them. Details: {log}"
    ),
    "not_calc": "请在 LibreOffice Calc 的工作簿中使用此按钮。/ Use this button in a LibreOffice Calc workbook.",
}


def _log(message: str) -> str:
    path = os.path.join(tempfile.gettempdir(), LOG_NAME)
    try:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(f"--- {datetime.datetime.now().isoformat(timespec='seconds')}\n{message}\n")
    except OSError:
        pass
    return path


def _config_dirs() -> list[str]:
    """Where ``evaltool addin install --libreoffice`` writes ``libreoffice.json`` (as
    ``evaltool.integrity.keys.config_dir``), then this extension's own copy."""
    dirs = []
    if os.environ.get("EVALTOOL_CONFIG_DIR"):
        dirs.append(os.environ["EVALTOOL_CONFIG_DIR"])
    elif sys.platform == "win32" and os.environ.get("APPDATA"):
        dirs.append(os.path.join(os.environ["APPDATA"], "evaltool"))
    elif os.environ.get("XDG_CONFIG_HOME"):
        dirs.append(os.path.join(os.environ["XDG_CONFIG_HOME"], "evaltool"))
    else:
        dirs.append(os.path.join(os.path.expanduser("~"), ".config", "evaltool"))
    return dirs


def load_config() -> dict:
    here = os.path.dirname(os.path.abspath(sys.modules["evaltool_unobook"].__file__ or ""))
    candidates = [os.path.join(d, CONFIG_FILE) for d in _config_dirs()] + [os.path.join(here, "evaltool_lo.json")]
    for path in candidates:
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                config = json.load(fh)
            if config.get("python") and os.path.exists(config["python"]):
                return config
    raise FileNotFoundError(", ".join(candidates))


def ask_engine(config: dict, request: dict) -> dict:
    """One JSON request to ``python -m evaltool.addin.serve``; one JSON response back."""
    env = dict(os.environ)
    if config.get("pythonpath"):
        env["PYTHONPATH"] = os.pathsep.join([config["pythonpath"]] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["PYTHONIOENCODING"] = "utf-8"
    for key in ("PYTHONHOME", "URE_BOOTSTRAP", "UNO_PATH"):  # LibreOffice's own Python settings
        env.pop(key, None)
    flags = 0x08000000 if sys.platform == "win32" else 0  # CREATE_NO_WINDOW: no console flashes up
    proc = subprocess.run(
        [config["python"], "-m", "evaltool.addin.serve"], input=json.dumps(request, ensure_ascii=False).encode("utf-8"),
        capture_output=True, env=env, timeout=TIMEOUT, creationflags=flags,
    )  # fmt: skip
    try:
        return json.loads(proc.stdout.decode("utf-8"))
    except ValueError:
        detail = (proc.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        _log(proc.stderr.decode("utf-8", "replace"))
        raise RuntimeError(detail) from None


def _document(args: tuple = ()):
    """The workbook to score: a document passed as the first argument; else the invocation
    context's ``ScriptContainer``; else the current document; else the only Calc document open.

    Observed with LibreOffice 7.4 headless: for a script in ``share:``/``user:uno_packages``
    run through a document's script provider, the invocation context is None and
    ``getDocument()`` (the desktop's current component) is None for a hidden document; the
    last rule finds it there. From the menu or toolbar ``getDocument()`` is the document."""
    if args and _is_calc(args[0]):
        return args[0]
    ctx = globals()["XSCRIPTCONTEXT"]  # set on this module by LibreOffice's script provider
    try:
        invocation = ctx.getInvocationContext()
        container = invocation.ScriptContainer if invocation is not None else None
    except Exception:
        container = None
    if _is_calc(container):
        return container
    doc = ctx.getDocument()
    if _is_calc(doc):
        return doc
    calc = []
    components = ctx.getDesktop().getComponents().createEnumeration()
    while components.hasMoreElements():
        component = components.nextElement()
        if _is_calc(component):
            calc.append(component)
    return calc[0] if len(calc) == 1 else doc


def _show(doc, message: str, ok: bool) -> None:
    """A message box over the document window (returns at once where there is no display)."""
    try:
        ctx = uno.getComponentContext()
        toolkit = ctx.ServiceManager.createInstanceWithContext("com.sun.star.awt.Toolkit", ctx)
        parent = doc.getCurrentController().getFrame().getContainerWindow()
        kind = uno.Enum("com.sun.star.awt.MessageBoxType", "INFOBOX" if ok else "ERRORBOX")
        box = toolkit.createMessageBox(parent, kind, 1, TITLE, message)  # 1 = BUTTONS_OK
        box.execute()
    except Exception:
        _log("message box failed:\n" + traceback.format_exc() + message)


def _is_calc(doc) -> bool:
    try:
        return bool(doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"))
    except Exception:
        return False


def _status(doc, text: str):
    """The status bar text while the engine runs (as the Excel button shows), or None."""
    try:
        indicator = doc.getCurrentController().getStatusIndicator()
        indicator.start(text, 0)
        return indicator
    except Exception:
        return None


def press(doc, mode: str, lang: str = "zh", show: bool = True) -> str:
    """Check (and score) ``doc`` and write the results into it; returns the message shown."""
    if not _is_calc(doc):
        message, ok = TEXT["not_calc"], False
    else:
        indicator = _status(doc, "正在校验并计算评分……" if mode == "recalculate" else "正在校验……")
        try:
            message, ok = _press(doc, mode, lang)
        finally:
            if indicator is not None:
                try:
                    indicator.end()
                except Exception:
                    pass
    if show:  # headless soffice returns from the message box at once
        _show(doc, message, ok)
    return message


def _press(doc, mode: str, lang: str) -> tuple[str, bool]:
    try:
        config = load_config()
    except Exception as exc:
        return TEXT["no_config"].format(detail=exc), False
    try:
        snap = snapshot(doc)
        response = ask_engine(config, {"protocol": 1, "mode": mode, "lang": lang, "book": snap})
    except Exception as exc:
        log = _log(traceback.format_exc())
        return TEXT["engine_failed"].format(detail=f"{type(exc).__name__}: {exc}", log=log), False
    password = os.environ.get("EVALTOOL_SHEET_PASSWORD", "")
    plan = response.get("plan")
    if plan is None and response.get("status"):
        sheet, ref, status = response["status"]
        plan = {"cells": [[sheet, ref, "s", status]]}
    try:
        if plan is not None:
            apply_plan(doc, plan, password)
    except SheetProtected as exc:
        return TEXT["protected"].format(sheet=exc.sheet), False
    except Exception as exc:
        log = _log(traceback.format_exc())
        return TEXT["partial"].format(detail=f"{type(exc).__name__}: {exc}", log=log), False
    return str(response.get("message", "")), bool(response.get("ok"))


def recalculate(*args) -> str:
    """计算评分: check and score the open workbook and write every result into it (not saved)."""
    return press(_document(args), "recalculate")


def check(*args) -> str:
    """仅校验: refresh only the 校验结果 table and the status cell."""
    return press(_document(args), "check")


g_exportedScripts = (recalculate, check)
