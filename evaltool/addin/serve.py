"""``python -m evaltool.addin.serve``: the engine behind the LibreOffice button, over stdin/stdout.

Why: LibreOffice runs its macros in its own Python (Debian's python3 with python3-uno; on
Windows a bundled Python without pip), where evaltool and its dependencies are not installed.
So the button's macro only moves ranges: it reads the open document into a snapshot, starts
this module in the user's own evaltool installation (the interpreter recorded by
``evaltool addin install --libreoffice``), writes one JSON request to its stdin and reads one
JSON response from its stdout, then applies the plan in blocks. The computation is exactly the
Excel button's (:func:`evaltool.xl.prepare`); nothing here touches a file.

Request::

    {"protocol": 1, "mode": "recalculate" | "check", "lang": "zh" | "en", "book": SNAPSHOT}

Response (always one JSON object, exit code 0 unless the request itself was unreadable)::

    {"protocol": 1, "ok": true, "message": "计算评分完成。…", "errors": 0, "warnings": 2,
     "total": 98.8, "grade": "优", "plan": PLAN, "status": null}
    {"protocol": 1, "ok": false, "message": "计算评分未完成：…", "plan": null,
     "status": ["封面", "B13", "计算失败 …"]}      # the short reason for calc_status, if known

SNAPSHOT and PLAN are described in :mod:`evaltool.io.unobook`.

Example::

    echo '{"protocol":1,"mode":"check","lang":"zh","book":{...}}' | python -m evaltool.addin.serve
"""

from __future__ import annotations

import io
import json
import sys
from typing import Any

PROTOCOL = 1

__all__ = ["PROTOCOL", "handle", "main"]


def handle(request: dict[str, Any]) -> dict[str, Any]:
    """One request -> one response (never raises for a bad workbook)."""
    from evaltool import xl
    from evaltool.io.snapbook import SnapshotBook, plan_to_json
    from evaltool.messages import text

    mode: xl.Mode = "check" if request.get("mode") == "check" else "recalculate"
    lang = "en" if request.get("lang") == "en" else "zh"
    if request.get("protocol") != PROTOCOL:
        raise ValueError(f"protocol {request.get('protocol')!r} is not {PROTOCOL}")
    book = SnapshotBook(request["book"])
    try:
        plan, outcome = xl.prepare(book, lang, mode)
    except Exception as exc:  # the user sees a readable message, never a traceback
        status = None
        where = book.defined_names().get("calc_status")
        if where is not None:
            reason = xl.explain(exc, lang)
            status = [where.sheet, where.ref, text(xl.MSG, "status_failed", lang, when=xl._now(), reason=reason)[:250]]
        return {"protocol": PROTOCOL, "ok": False, "message": xl.failure_message(exc, lang, mode),
                "plan": None, "status": status}  # fmt: skip
    return {
        "protocol": PROTOCOL, "ok": True, "message": outcome.message, "errors": outcome.errors,
        "warnings": outcome.warnings, "total": outcome.total, "grade": outcome.grade,
        "plan": plan_to_json(plan), "status": None,
    }  # fmt: skip


def main() -> int:
    """Read one request from stdin (UTF-8 JSON), write one response to stdout."""
    raw = sys.stdin.buffer.read()
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n")
    try:
        request = json.loads(raw.decode("utf-8"))
        response = handle(request)
    except Exception as exc:  # unreadable request: say so on stdout as well as the exit code
        response = {"protocol": PROTOCOL, "ok": False, "plan": None, "status": None,
                    "message": f"evaltool 无法读取按钮发来的请求 / unreadable request: {type(exc).__name__}: {exc}"}  # fmt: skip
        json.dump(response, out, ensure_ascii=False)
        out.flush()
        return 2
    json.dump(response, out, ensure_ascii=False)
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
