"""reasons: every code the intake can emit has both a Chinese and an English message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import evaltool.intake as intake
from evaltool.intake.reasons import FLAGS, REASONS, IntakeRejected, Rejection, text

SOURCES = sorted(Path(intake.__file__).parent.glob("*.py"))


def _emitted() -> set[str]:
    codes: set[str] = set()
    for path in SOURCES:
        src = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'\.of\(\s*"([a-z0-9-]+)"', src))
        codes |= set(re.findall(r'Flag\(\s*"([a-z0-9-]+)"', src))
        codes |= {c for _, c in re.findall(r'\(("xl/[^"]+"),\s*"([a-z0-9-]+)"\)', src)}
    return codes


def test_every_emitted_code_is_catalogued() -> None:
    emitted = _emitted()
    assert len(emitted) > 25
    assert emitted <= set(REASONS) | set(FLAGS), emitted - set(REASONS) - set(FLAGS)


@pytest.mark.parametrize("code", sorted(set(REASONS) | set(FLAGS)))
def test_both_languages(code: str) -> None:
    zh, en = text(code, "zh", "X1"), text(code, "en", "X1")
    assert re.search(r"[\u4e00-\u9fff]", zh) and not re.search(r"[\u4e00-\u9fff]", en)
    assert ("{detail}" not in zh) and ("{detail}" not in en)


def test_exception_and_record_agree() -> None:
    exc = IntakeRejected.of("zip-ratio", "1000:1")
    assert exc.reason_code == "zip-ratio" and "1000:1" in exc.message("zh") and "1000:1" in exc.message("en")
    assert exc.record() == Rejection.of("zip-ratio", "1000:1")
