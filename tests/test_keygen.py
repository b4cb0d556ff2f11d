"""``evaltool keygen`` and the config folder; ``evaltool template`` signs with the key."""

from __future__ import annotations

import hashlib
import hmac
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaltool import contract as C
from evaltool.cli import app
from evaltool.integrity import keys
from evaltool.io.reader import load


@pytest.fixture
def cfg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cfg"
    monkeypatch.setenv("EVALTOOL_CONFIG_DIR", str(folder))
    return folder


def test_config_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EVALTOOL_CONFIG_DIR", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert keys.config_dir() == tmp_path / "xdg" / "evaltool"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert keys.config_dir() == tmp_path / "home" / ".config" / "evaltool"
    monkeypatch.setenv("EVALTOOL_CONFIG_DIR", str(tmp_path / "explicit"))
    assert keys.config_dir() == tmp_path / "explicit"


def test_keygen_writes_a_private_random_key_and_prints_its_id(cfg: Path) -> None:
    res = CliRunner().invoke(app, ["keygen"])
    assert res.exit_code == 0, res.output
    path = cfg / "bureau.key"
    text = path.read_text(encoding="ascii").strip()
    assert len(text) == 64 and int(text, 16) >= 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    kid = hashlib.sha256(bytes.fromhex(text)).hexdigest()[:8]
    assert kid in res.output and text not in res.output  # the id is shown, never the key
    again = CliRunner().invoke(app, ["keygen"])
    assert again.exit_code == 1 and path.read_text(encoding="ascii").strip() == text
    forced = CliRunner().invoke(app, ["keygen", "--force"])
    assert forced.exit_code == 0 and path.read_text(encoding="ascii").strip() != text
    assert [p.name for p in cfg.iterdir()] == ["bureau.key"]  # no temp file left


def test_a_damaged_key_file_means_no_key(cfg: Path) -> None:
    cfg.mkdir()
    (cfg / "bureau.key").write_text("not hex\n", encoding="ascii")
    assert keys.load_key() is None and keys.signer() is None


def test_template_is_signed_with_the_bureau_key(cfg: Path, tmp_path: Path) -> None:
    unsigned = tmp_path / "unsigned.xlsx"
    assert CliRunner().invoke(app, ["template", "-o", str(unsigned), "--unit", "甲单位"]).exit_code == 0
    assert load(unsigned).meta["signature"] == ""
    assert CliRunner().invoke(app, ["keygen"]).exit_code == 0
    key = bytes.fromhex((cfg / "bureau.key").read_text(encoding="ascii").strip())
    signed = tmp_path / "signed.xlsx"
    assert CliRunner().invoke(app, ["template", "-o", str(signed), "--unit", "甲单位"]).exit_code == 0
    meta = load(signed).meta
    assert meta["key_id"] == hashlib.sha256(key).hexdigest()[:8]
    # the signature covers the fingerprint and the issued identity (unit, code, year, framework)
    assert meta["unit_name"] == "甲单位" and meta["signed"] == "fingerprint+identity"
    signed_text = "\n".join([meta["fingerprint"], *(f"{k}={meta[k]}" for k in C.IDENTITY_KEYS)])
    assert meta["signature"] == hmac.new(key, signed_text.encode(), hashlib.sha256).hexdigest()
