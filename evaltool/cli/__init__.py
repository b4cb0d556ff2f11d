"""The ``evaltool`` command line.

Each sub-command lives in its own module in this package and registers itself on ``app``
(``@app.command()``); modules are discovered here, so adding a command is adding a file.
The console script is ``app`` (``evaltool.cli:app``): an error evaltool did not expect is one line on stderr
(exit code 2), or its full traceback with ``evaltool --debug …`` (or ``EVALTOOL_DEBUG=1``).

Every command exits the same way: 0 ran and found no error; 1 ran and found errors (a file
that cannot be read or is rejected is an error of that file); 2 could not run (a bad option,
a path that does not exist, an output that cannot be written) — with one line on stderr in
the chosen language: ``--lang`` on the command or before it (``evaltool --lang en check …``),
else ``EVALTOOL_LANG``, else Chinese.

Example::

    evaltool --debug score 某单位.xlsx
    EVALTOOL_LANG=en evaltool check returns/
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import traceback
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from evaltool.messages import text

MSG = {
    "internal": ("evaltool 内部错误 {kind}：{detail}（加 --debug 可显示详细信息）",
                 "evaltool internal error {kind}: {detail} (add --debug for the traceback)"),
    "bad_lang": ("--lang 须为 zh 或 en：{value}", "--lang must be zh or en: {value}"),
    "missing": ("路径不存在：{path}", "path does not exist: {path}"),
    "is_dir": ("{path} 是文件夹，这里需要一个工作簿文件", "{path} is a folder; a workbook file is needed here"),
    "is_file": ("{path} 是文件，这里需要一个文件夹", "{path} is a file; a folder is needed here"),
}

#: Global options, set by the callback before a command runs.
STATE: dict[str, object] = {"debug": False, "lang": None}

#: The ``--lang`` option every command takes (its default: the global one).
LangOption = Annotated[str | None, typer.Option(
    "--lang", help="zh | en（默认：evaltool --lang 或 EVALTOOL_LANG）/ language")]


def lang_of(value: str | None = None) -> str:
    """The language in force: ``value`` (a command's --lang), the global --lang, EVALTOOL_LANG,
    else ``zh``. An unknown one is a usage error (exit 2)."""
    chosen = value or STATE.get("lang") or os.environ.get("EVALTOOL_LANG") or "zh"
    if chosen not in ("zh", "en"):
        fail("zh", text(MSG, "bad_lang", "zh", value=chosen) + " / " + text(MSG, "bad_lang", "en", value=chosen))
    return str(chosen)


def fail(lang: str, message: str, code: int = 2) -> NoReturn:
    """Print ``message`` as one line on stderr and exit with ``code`` (2: could not run)."""
    typer.echo(" ".join(message.split()), err=True)
    raise typer.Exit(code)


def need_path(path: Path, lang: str, kind: str = "any") -> None:
    """Exit 2 with a precise message unless ``path`` exists and is a file (``kind="file"``), a
    folder (``"dir"``) or either (``"any"``)."""
    if not path.exists():
        fail(lang, text(MSG, "missing", lang, path=path))
    if kind == "file" and path.is_dir():
        fail(lang, text(MSG, "is_dir", lang, path=path))
    if kind == "dir" and not path.is_dir():
        fail(lang, text(MSG, "is_file", lang, path=path))


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
                lang = "en" if (STATE.get("lang") or os.environ.get("EVALTOOL_LANG", "")) == "en" \
                    or "en" in _lang_args() else "zh"
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
    lang: Annotated[str | None, typer.Option(
        "--lang", envvar="EVALTOOL_LANG", help="zh | en：所有命令的语言 / language of every command")] = None,
) -> None:
    """预算绩效评价工具 evaltool。"""
    STATE["debug"] = debug or os.environ.get("EVALTOOL_DEBUG", "") not in ("", "0")
    STATE["lang"] = lang
    lang_of()  # an unknown --lang is a usage error before anything runs


def _lang_args() -> list[str]:
    args = sys.argv[1:]
    return [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--lang"] + [
        a.split("=", 1)[1] for a in args if a.startswith("--lang=")]


for _mod in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    if not _mod.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod}")
