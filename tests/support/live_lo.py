"""A real headless LibreOffice for tests: fresh profile, optional evaltool extension, UNO driver.

``LiveOffice(tmp)`` installs the extension with the real command (``python -m evaltool addin
install --libreoffice``; ``--shared`` into the test's own profile folder when running as root,
where unopkg refuses a per-user install), starts ``soffice --headless`` on that profile with a
private pipe, and starts ``uno_driver.py`` under a Python that has ``uno``. Every method sends
one command to the driver. ``close()`` ends the driver and soffice (their own process group).

Example::

    office = LiveOffice(tmp_path, install=True)
    office.call("open", path=str(copy))
    office.call("press", title="计算评分")
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def uno_python() -> str | None:
    """A Python that can ``import uno`` (Debian's python3 with python3-uno)."""
    for candidate in ("/usr/bin/python3", "/usr/lib/libreoffice/program/python", shutil.which("python3")):
        if candidate and Path(candidate).exists():
            probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True)
            if probe.returncode == 0:
                return candidate
    return None


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


class LiveOffice:
    def __init__(self, tmp: Path, *, install: bool = False, config_dir: Path | None = None) -> None:
        from evaltool.addin.lo_install import profile_args

        python = uno_python()
        if python is None:
            raise RuntimeError("no Python with uno: apt-get install python3-uno libreoffice-script-provider-python")
        self.tmp = tmp
        self.profile = tmp / "lo-profile"
        self.shared = is_root()
        env = dict(os.environ)
        env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        if config_dir is not None:
            env["EVALTOOL_CONFIG_DIR"] = str(config_dir)
        self.env = env
        self.install_output = ""
        if install:
            cmd = [sys.executable, "-m", "evaltool", "addin", "install", "--libreoffice", "--profile", str(self.profile)]
            if self.shared:
                cmd.append("--shared")
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
            self.install_output = proc.stdout + proc.stderr
            if proc.returncode != 0:
                raise RuntimeError(f"evaltool addin install --libreoffice failed: {self.install_output}")
        pipe = f"evaltool-test-{uuid.uuid4().hex[:12]}"
        self.soffice = subprocess.Popen(
            ["soffice", "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             *profile_args(self.profile, self.shared), f"--accept=pipe,name={pipe};urp;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, start_new_session=True,
        )  # fmt: skip
        driver_env = dict(env)
        driver_env["EVALTOOL_UNOBOOK_DIR"] = str(ROOT / "evaltool" / "io")
        driver_env.pop("PYTHONPATH", None)
        self.driver = subprocess.Popen(
            [python, str(Path(__file__).with_name("uno_driver.py")), pipe],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8", env=driver_env,
            start_new_session=True,
        )  # fmt: skip

    def call(self, cmd: str, **kw: Any) -> Any:
        assert self.driver.stdin is not None and self.driver.stdout is not None
        self.driver.stdin.write(json.dumps({"cmd": cmd, **kw}, ensure_ascii=False) + "\n")
        self.driver.stdin.flush()
        line = self.driver.stdout.readline()
        if not line:
            raise RuntimeError(f"UNO driver ended (soffice alive: {self.soffice.poll() is None})")
        reply = json.loads(line)
        if not reply["ok"]:
            raise RuntimeError(f"{cmd}: {reply['error']}\n{reply.get('trace', '')}")
        return reply["result"]

    def close(self) -> None:
        if self.driver.poll() is None:
            try:
                self.call("close")  # no lock file left behind
                self.call("quit")
            except Exception:
                pass
        for proc in (self.driver, self.soffice):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait(timeout=30)
