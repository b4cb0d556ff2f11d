"""Under CI a skipped test fails the run (tests/conftest.py), so nothing is silently skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path


def _run(tmp_path: Path, ci: bool) -> subprocess.CompletedProcess[str]:
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "test_one.py").write_text("import pytest\n\ndef test_skips():\n    pytest.skip('no tool')\n")
    env = {k: v for k, v in os.environ.items() if k != "CI"} | ({"CI": "true"} if ci else {})
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                          capture_output=True, text=True, env=env, cwd=tmp_path)


def test_a_skip_fails_under_ci(tmp_path: Path) -> None:
    out = _run(tmp_path, ci=True)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "a skip under CI fails the run" in out.stdout and "test_one.py::test_skips" in out.stdout


def test_a_skip_is_a_skip_outside_ci(tmp_path: Path) -> None:
    out = _run(tmp_path, ci=False)
    assert out.returncode == 0, out.stdout + out.stderr
