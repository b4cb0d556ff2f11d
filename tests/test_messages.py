"""Findings are codes rendered from one catalogue; errors share one base and can be debugged.

The catalogue (``evaltool/messages/catalogue.py``) must hold every code the code uses, in
Chinese and English, and nothing else; every finding the engine produces on real workbooks
renders in both languages; every exception class evaltool defines derives from
``EvaltoolError``; the command line prints one line for an unexpected error, the traceback
with ``--debug``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

import evaltool
from evaltool.intake.reasons import FLAGS, REASONS
from evaltool.io.reader import load
from evaltool.messages import CATALOGUE, SEVERITY_LABELS, render, severity_label
from evaltool.model import EvaltoolError, Finding
from evaltool.rules.builtin import BUILTINS

SAMPLE = Path(__file__).resolve().parents[1] / "workbooks" / "sample-xicheng-2023.xlsx"

ROOT = Path(evaltool.__file__).resolve().parent
CODE = re.compile(r"^(?:(?:rule|score|file|template|word|intake)\.[a-z_-]+|[A-Z]+(?:-[A-Z0-9]+)+(?:\.[a-z_]+)?)$")


def _fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _literals() -> set[str]:
    """Every string constant in evaltool's code outside the catalogue itself."""
    out: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if path.name == "catalogue.py" and path.parent.name == "messages":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return out


def test_every_code_renders_in_both_languages() -> None:
    for code, (zh, en) in CATALOGUE.items():
        assert zh.strip() and en.strip(), code
        names = _fields(zh) | _fields(en)
        params = {n.split("!")[0]: f"<{n}>" for n in names}
        assert render(Finding("X", "error", "", "", code, params), "zh")
        assert render(Finding("X", "error", "", "", code, params), "en")
        if "message_en" not in _fields(en):  # a text carried by the finding has its own English
            assert _fields(zh) == _fields(en), code
        bare = re.sub(r"\{[^}]*\}", "", zh)
        assert re.search(r"[\u4e00-\u9fff（]", bare) or not bare.strip(), code  # Chinese, or only placeholders


def test_catalogue_has_no_missing_and_no_unused_code() -> None:
    literals = _literals()
    used = {s for s in literals if s in CATALOGUE}
    used |= {f"intake.{c}" for c in (*REASONS, *FLAGS)} | {"intake.unknown"}  # intake.<reason code>
    used |= set(BUILTINS)  # a built-in check's title is rendered under its rule id
    assert set(CATALOGUE) - used == set(), "catalogue entries no code uses"
    looks_like_code = {s for s in literals if CODE.match(s) and ("." in s)}
    assert looks_like_code - set(CATALOGUE) == set(), "codes used but missing from the catalogue"
    assert set(BUILTINS) <= set(CATALOGUE), "a built-in check without a title"


def _findings_of(path: Path) -> list[Finding]:
    from evaltool.engine import evaluate

    return list(evaluate(load(path)).findings)


def test_findings_on_real_workbooks_render_in_both_languages(tmp_path: Path) -> None:
    from evaltool.io import patch_cells

    broken = tmp_path / "broken.xlsx"  # a bureau cell edited, a bad rule, text in a money cell
    patch_cells(SAMPLE, broken, {("评分方法", "D4"): "cap=abc", ("校验规则", "D5"): "SUM(Nope[x])>0",
                                 ("预算执行", "B6"): "22,987,654.32", ("绩效指标", "J12"): "约九十"})
    seen: set[str] = set()
    for path in (SAMPLE, broken):
        for f in _findings_of(path):
            zh, en = render(f, "zh"), render(f, "en")
            assert zh and en and zh != en, (f.code, zh)
            seen.add(f.code)
    assert len(seen) >= 8  # rule-sheet, built-in, scoring and integrity codes all rendered


def test_language_does_not_change_what_runs() -> None:
    from evaltool.engine import evaluate

    a, b = evaluate(load(SAMPLE)), evaluate(load(SAMPLE))
    assert a.findings == b.findings and [render(f, "en") for f in a.findings] != [render(f) for f in a.findings]


def test_severity_labels_have_one_home() -> None:
    assert [severity_label(s) for s in SEVERITY_LABELS] == ["错误", "警告", "提示"]
    assert [severity_label(s, "en") for s in SEVERITY_LABELS] == ["Error", "Warning", "Info"]
    copies = []
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if re.search(r'"error":\s*\(?"错误"', text) and path.parent.name != "messages":
            copies.append(str(path.relative_to(ROOT)))
    assert copies == []


def _modules() -> list[str]:
    names = []
    for info in pkgutil.walk_packages([str(ROOT)], "evaltool."):
        if info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


#: Modules that run without evaltool (copied into the LibreOffice extension, stdlib + uno only).
STANDALONE = {"evaltool.io.unobook"}


def test_every_exception_derives_from_one_base() -> None:
    classes = {}
    for name in _modules():
        if name in STANDALONE or ".migrations." in name:  # alembic scripts run only under alembic
            continue
        try:
            mod = importlib.import_module(name)
        except ImportError as exc:  # an optional extra (dask, extract-msg) not installed
            assert getattr(exc, "name", "") in ("dask", "distributed", "extract_msg"), (name, exc)
            continue
        for obj in vars(mod).values():
            if inspect.isclass(obj) and issubclass(obj, BaseException) and obj.__module__.startswith("evaltool"):
                classes[f"{obj.__module__}.{obj.__qualname__}"] = obj
    assert len(classes) >= 16
    assert [n for n, c in classes.items() if not issubclass(c, EvaltoolError)] == []
    assert all(isinstance(c.code, str) and c.code for c in classes.values())


def _run_cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The real command line in a process, with evaluate() made to fail the way a bug would."""
    boot = ("import sys, evaltool.engine as e\n"
            "def boom(ev):\n    return {}['no such key']\n"
            "e.evaluate = boom\n"
            "from evaltool.cli import app\nsys.argv[0] = 'evaltool'\napp()\n")
    return subprocess.run([sys.executable, "-c", boot, *args], capture_output=True, text=True, cwd=tmp_path,
                          env={**os.environ, "PYTHONPATH": str(ROOT.parent), **(env or {})}, timeout=120)


def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(tmp_path: Path) -> None:
    book = tmp_path / "a.xlsx"
    book.write_bytes(SAMPLE.read_bytes())
    plain = _run_cli(tmp_path, "score", str(book))
    assert plain.returncode == 2
    assert plain.stderr.strip().count("\n") == 0 and "KeyError" in plain.stderr and "--debug" in plain.stderr
    assert "Traceback" not in plain.stderr
    debug = _run_cli(tmp_path, "--debug", "score", str(book))
    assert debug.returncode == 2
    assert debug.stderr.startswith("Traceback (most recent call last)") and "in boom" in debug.stderr
    assert "KeyError: 'no such key'" in debug.stderr
    env = _run_cli(tmp_path, "score", str(book), env={"EVALTOOL_DEBUG": "1"})
    assert "Traceback" in env.stderr
    assert not (tmp_path / "a.scored.xlsx").exists()


@pytest.mark.parametrize("lang,words", [("zh", "内部错误"), ("en", "internal error")])
def test_unexpected_error_line_speaks_the_language(tmp_path: Path, lang: str, words: str) -> None:
    book = tmp_path / "a.xlsx"
    book.write_bytes(SAMPLE.read_bytes())
    out = _run_cli(tmp_path, "score", str(book), "--lang", lang)
    assert words in out.stderr and out.returncode == 2
