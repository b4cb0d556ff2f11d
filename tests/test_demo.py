"""``evaltool demo`` as a user runs it: a real process, real files, figures from the seed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from evaltool.io import lo
from evaltool.io.reader import load


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = subprocess.run([sys.executable, "-m", "evaltool", "demo", "--dir", str(out)],
                          capture_output=True, text=True, timeout=600, env={"COLUMNS": "200", "PATH": ""})
    assert proc.returncode == 0, proc.stderr
    # The report's own figures, as the report states them.
    assert "18,902,744.60" in proc.stdout and "17,088,957.48" in proc.stdout
    assert "9.60%" in proc.stdout
    # the report's own 9.60% is compared with the computed rate, as a finding of its own (RATE-5);
    # the seed gives no 部门整体 grade, so there is no 自评等级 to disagree with (no SCORE-3)
    assert "RATE-5：报告所列预决算差异率 9.60% 与按预算执行表计算的 9.60% 一致" in proc.stdout
    assert "SCORE-3" not in proc.stdout and "错误 0 项" in proc.stdout
    for name in ("template-dept-overall.xlsx", "sample-xicheng-2023.scored.xlsx", "汇总.xlsx",
                 "returns/sample-xicheng-2023.xlsx", "绩效评价报告.docx"):
        assert (out / name).is_file(), name
    assert len(list((out / "returns").glob("*.xlsx"))) == 6

    # The sample in the demo is the committed one, byte for byte.
    committed = Path(__file__).resolve().parents[1] / "workbooks" / "sample-xicheng-2023.xlsx"
    assert (out / "returns" / "sample-xicheng-2023.xlsx").read_bytes() == committed.read_bytes()

    # The scored copy carries the variance rate as a live formula with the right cached value.
    ev = load(out / "sample-xicheng-2023.scored.xlsx")
    assert ev.scalar("budget_initial") == Decimal("18902744.60")
    loc = ev.names["variance_rate"]
    wb_f = load_workbook(out / "sample-xicheng-2023.scored.xlsx")
    wb_v = load_workbook(out / "sample-xicheng-2023.scored.xlsx", data_only=True)
    cell = loc.ref.replace("$", "")
    assert str(wb_f[loc.sheet][cell].value).startswith("=")
    expected = (Decimal("18902744.60") - Decimal("17088957.48")) / Decimal("18902744.60")
    assert abs(wb_v[loc.sheet][cell].value - float(expected)) < 1e-12


def _soffice_pids() -> set[str]:
    out = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"soffice" in cmd and b"evaltool-lo-" in cmd:
            out.add(pid)
    return out


def test_libreoffice_timeout_leaves_no_process_behind(tmp_path: Path) -> None:
    """A conversion that times out kills soffice.bin too, not only its launcher."""
    if shutil.which("soffice") is None and not os.environ.get("CI"):
        pytest.skip("LibreOffice not installed")
    before = _soffice_pids()
    committed = Path(__file__).resolve().parents[1] / "workbooks" / "sample-xicheng-2023.xlsx"
    with pytest.raises(lo.LibreOfficeError):
        lo.convert([committed], tmp_path, "pdf", timeout=1.0)
    time.sleep(1.0)
    assert not (_soffice_pids() - before)
