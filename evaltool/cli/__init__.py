"""The ``evaltool`` command line.

Each sub-command lives in its own module in this package and registers itself on ``app``
(``@app.command()``); modules are discovered here, so adding a command is adding a file.
The console script is ``app`` (``evaltool.cli:app``): an error evaltool did not expect is one line on stderr
(exit code 2), or its full traceback with ``evaltool --debug …`` (or ``EVALTOOL_DEBUG=1``).

Example::

    evaltool --debug score 某单位.xlsx
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback
from typing import Annotated

import typer

from evaltool.messages import text

MSG = {
    "internal": ("evaltool 内部错误 {kind}：{detail}（加 --debug 可显示详细信息）",
                 "evaltool internal error {kind}: {detail} (add --debug for the traceback)"),
}

#: Global options, set by the callback before a command runs.
STATE: dict[str, object] = {"debug": False}


class _App(typer.Typer):
    """The Typer app whose call (the console script ``evaltool``) is the command line's one
    guard for unexpected errors: one line on stderr and exit code 2, or the traceback with
    ``--debug``."""

    def __call__(self, *args: object, **kwargs: object) -> object:
        try:
            return super().__call__(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the door's guard: one line, or the traceback with --debug
            if STATE["debug"]:
                traceback.print_exception(exc, file=sys.stderr)
            else:
                lang = "en" if os.environ.get("EVALTOOL_LANG", "") == "en" or "en" in _lang_args() else "zh"
                detail = " ".join(str(exc).split()) or type(exc).__name__
                print(text(MSG, "internal", lang, kind=type(exc).__name__, detail=detail), file=sys.stderr)
            sys.exit(2)


app = _App(
    name="evaltool",
    help="预算绩效评价工具：模板、校验、评分、回写与汇总。 Budget performance evaluation in Excel.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整的错误追踪 / show tracebacks")] = False,
) -> None:
    """预算绩效评价工具 evaltool。"""
    STATE["debug"] = debug or os.environ.get("EVALTOOL_DEBUG", "") not in ("", "0")


def _lang_args() -> list[str]:
    args = sys.argv[1:]
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--lang"] + [
        a.split("=", 1)[1] for a in args if a.startswith("--lang=")]


for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _mod.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod}")
