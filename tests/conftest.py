"""Shared test helpers.

LibreOffice tests skip only when ``soffice`` is absent *and* ``CI`` is unset; under CI they
always run (and fail loudly if LibreOffice is missing).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

requires_lo = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice not installed",
)


@pytest.fixture(autouse=True, scope="session")
def _isolated_config(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never see the developer's bureau key (``evaltool keygen``) or config."""
    os.environ["EVALTOOL_CONFIG_DIR"] = str(tmp_path_factory.mktemp("evaltool-config"))


@pytest.fixture(scope="session")
def live_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real headless soffice on a fresh profile with the evaltool extension installed by
    ``evaltool addin install --libreoffice`` (``--shared`` into that profile when root), driven
    over UNO (tests/support/live_lo.py). Started once, on first use."""
    from support.live_lo import LiveOffice, uno_python

    if (shutil.which("soffice") is None or uno_python() is None) and not os.environ.get("CI"):
        pytest.skip("LibreOffice with python3-uno not installed")
    tmp = tmp_path_factory.mktemp("live-office")
    office = LiveOffice(tmp, install=True, config_dir=tmp / "config")
    try:
        yield office
    finally:
        office.close()


# --- under CI, a skipped test fails the run (the protocol: no test may be skipped in CI) ---------
_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if os.environ.get("CI") and _SKIPPED and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"CI: {len(_SKIPPED)} test(s) skipped — a skip under CI fails the run:", red=True)
            for nodeid in _SKIPPED[:20]:
                reporter.write_line(f"  {nodeid}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
