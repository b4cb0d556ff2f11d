"""Shared test helpers.

LibreOffice tests skip only when ``soffice`` is absent *and* ``CI`` is unset; under CI they
always run (and fail loudly if LibreOffice is missing).
"""

from __future__ import annotations

import os
import shutil

import pytest

requires_lo = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("CI"),
    reason="LibreOffice not installed",
)


@pytest.fixture(autouse=True, scope="session")
def _isolated_config(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never see the developer's bureau key (``evaltool keygen``) or config."""
    os.environ["EVALTOOL_CONFIG_DIR"] = str(tmp_path_factory.mktemp("evaltool-config"))
