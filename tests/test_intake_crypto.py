"""crypto: real msoffcrypto-encrypted workbooks, password lists."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from support import hostile

from evaltool.intake.crypto import DecryptError, decrypt, is_encrypted, read_passwords
from evaltool.intake.sniff import Kind, sniff


@pytest.fixture(scope="module")
def encrypted(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return hostile.encrypted_xlsx(tmp_path_factory.mktemp("enc")).read_bytes()


def test_is_encrypted(encrypted: bytes) -> None:
    assert is_encrypted(encrypted)
    assert not is_encrypted(hostile.workbook_bytes())
    assert not is_encrypted(b"")
    assert not is_encrypted(b"%PDF-1.4")
    assert not is_encrypted(hostile.cfb_bytes({"WordDocument": b"x"}))


def test_decrypt_with_list(encrypted: bytes) -> None:
    plain = decrypt(encrypted, ["wrong", "", "secret"])
    assert sniff(plain) is Kind.XLSX
    ws = openpyxl.load_workbook(io.BytesIO(plain))["绩效指标"]
    assert ws["A2"].value == "单位K"


@pytest.mark.parametrize(("passwords", "code"), [([], "encrypted-no-password"),
                                                  (["a", "b"], "encrypted-wrong-password")])
def test_decrypt_failures(encrypted: bytes, passwords: list[str], code: str) -> None:
    with pytest.raises(DecryptError) as info:
        decrypt(encrypted, passwords)
    assert info.value.reason_code == code
    assert "加密" in info.value.message("zh") and "encrypt" in info.value.message("en")


def test_decrypt_not_office() -> None:
    with pytest.raises(DecryptError) as info:
        decrypt(b"hello", ["x"])
    assert info.value.reason_code == "encrypted-unsupported"


def test_read_passwords(tmp_path: Path) -> None:
    p = tmp_path / "passwords.txt"
    p.write_bytes("\ufeff# 密码表\nsecret\n\n  财政2026  \r\n#注释\nsecret\n".encode())
    assert read_passwords(p) == ["secret", "财政2026"]
