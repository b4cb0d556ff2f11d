"""Generate a realistic returned-mail INBOX for ``evaltool collect`` tests and demos.

Why: collect must be proven on real bytes: template returns written by
:func:`evaltool.template.write_template` with varied figures, mailed as real .eml (RFC 2231
and GBK attachment names), zipped, resubmitted, tampered with by the lossless patcher, made
macro-enabled, encrypted, re-saved by LibreOffice and converted to legacy .xls — next to every
hostile case of :mod:`tests.support.hostile`. :data:`EXPECTED` says what collect must decide
for each case (written by hand from the case's construction, not from collect's output).

Example::

    cases = make_inbox(Path("INBOX"), lo=True)      # {case: path of the inbox file}
    EXPECTED["tampered"]                            # ('accepted', '有错误')
"""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from msoffcrypto.format.ooxml import OOXMLFile

from evaltool import contract as C
from evaltool.io import patch_cells
from evaltool.template import write_template

from . import hostile

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "2023jx"
CREATED_AT = "2026-02-01T00:00:00+00:00"
INJECTION = '=HYPERLINK("http://example.com","x")'
DDE_TEXT = "=cmd|' /C calc'!A0"
TAMPER_CELL, TAMPER_OLD, TAMPER_NEW = ("绩效指标", "F7"), "2", "5"  # 专场招聘会场次 分值 2 → 5

#: case -> (collect status, summary status) for every template-based case.
EXPECTED: dict[str, tuple[str, str]] = {
    "good_a": ("accepted", "通过"),
    "good_b_v1": ("superseded", "已被替代"),
    "good_b_v2": ("accepted", "通过"),
    "good_c_gbk": ("accepted", "通过"),
    "good_d_loose": ("accepted", "通过"),
    "good_e_zip": ("accepted", "通过"),
    "tampered": ("rejected", "未通过"),  # locked content changed: never counted
    "injection": ("accepted", "通过"),
    "other_version": ("rejected", "未通过"),
    "xlsm": ("accepted", "通过"),
    "encrypted_ok": ("accepted", "通过"),
    "lo_resaved": ("accepted", "通过"),
    "biff_xls": ("rejected", "未通过"),
    "biff_et": ("rejected", "未通过"),
}


def sample_values() -> dict[str, Any]:
    """The filled values of the shipped sample (:mod:`evaltool.demo.samples`)."""
    from evaltool.demo.samples import sample_values as values

    return dict(values())


def values_for(unit: str, code: str) -> dict[str, Any]:
    """The sample's filled values for ``unit``."""
    v = sample_values()
    v.pop("cover_notes", None)
    v["unit_name"], v["unit_code"] = unit, code
    # a satisfaction survey (95 %), so a clean return scores as the sample's self-grade 优秀 says
    v["survey_sample"], v["survey_satisfied"] = 200, 190
    return v


def meta_cell(key: str) -> tuple[str, str]:
    """Where ``_meta`` keeps ``key``'s value."""
    return "_meta", f"B{C.META_KEYS.index(key) + 1}"


class Returns:
    """Filled returns: one template written with values, then per unit/variant the issued
    identity (``_meta`` unit and code, re-signed when a signer is given — as the bureau issues
    one template per unit), the cover's unit cells and the budget figures patched in
    (``patch_cells``: 30 ms instead of a 0.7 s template write)."""

    def __init__(self, tmp: Path, signer: Callable[[str], tuple[str, str]] | None = None) -> None:
        self.tmp = tmp
        self.signer = signer
        self.base = tmp / "_base.xlsx"
        from evaltool.demo.samples import targets_for

        write_template("dept-overall", self.base, unit_name="样例单位", unit_code="X000", year=2023,
                       values=values_for("样例单位", "X000"), created_at=CREATED_AT, signer=signer,
                       targets=targets_for())
        from evaltool.io.reader import load

        self.meta = dict(load(self.base).meta)

    def issued(self, unit: str, code: str, year: int | None = None) -> dict[tuple[str, str], object]:
        """The ``_meta`` cells of a template issued to ``unit``/``code`` (and ``year``)."""
        meta = {**self.meta, "unit_name": unit, "unit_code": code}
        if year is not None:
            meta["eval_year"] = str(year)
        cells: dict[tuple[str, str], object] = {meta_cell("unit_name"): unit, meta_cell("unit_code"): code,
                                                meta_cell("eval_year"): meta["eval_year"]}
        if self.signer is not None:
            cells[meta_cell("signature")] = self.signer(C.signed_payload(meta))[0]
        return cells

    def make(self, unit: str, code: str, variant: int = 0, *, issued_to: tuple[str, str] | None = None,
             issued_year: int | None = None, cells: dict[tuple[str, str], object] | None = None) -> bytes:
        """A return of ``unit``/``code`` in a template issued to ``issued_to`` (default: the
        same unit) for ``issued_year`` (default 2023); ``cells`` are patched in too."""
        factor = Decimal(100 + 7 * variant) / 100
        initial = (Decimal("18902744.60") * factor).quantize(Decimal("0.01"))
        final = (Decimal("17088957.48") * factor * (1 - Decimal(variant) / 200)).quantize(Decimal("0.01"))
        dst = self.tmp / f"_{code}_{variant}.xlsx"
        patch_cells(self.base, dst, {**self.issued(*(issued_to or (unit, code)), issued_year),
                                     ("封面", "B3"): unit, ("封面", "B4"): code,
                                     ("预算执行", "B5"): float(initial), ("预算执行", "D5"): float(final),
                                     **(cells or {})})
        data = dst.read_bytes()
        dst.unlink()
        return data


def mail(sender: str, subject: str, date: datetime, attachments: list[tuple[str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "jxpj@czj.gov.cn"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = f"<{hashlib.sha256((sender + subject + date.isoformat()).encode()).hexdigest()[:16]}@dept.gov.cn>"
    msg.set_content("附件是我单位的绩效评价表，请查收。")
    for name, data in attachments:
        msg.add_attachment(data, maintype="application", subtype=XLSX_MIME.split("/", 1)[1], filename=name)
    return msg.as_bytes()


def gbk_mail(sender_addr: str, subject: str, date: datetime, filename: str, data: bytes) -> bytes:
    """Non-standard GBK encoded-word inside the quoted filename, as old Chinese clients send."""
    def word(s: str) -> str:
        return "=?GBK?B?" + base64.b64encode(s.encode("gbk")).decode() + "?="

    body = base64.encodebytes(data)
    return (f"From: {word('王五')} <{sender_addr}>\r\nTo: jxpj@czj.gov.cn\r\nSubject: {word(subject)}\r\n"
            f"Date: {format_datetime(date)}\r\nMessage-ID: <gbk-ret@dept-c.gov.cn>\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="==b=="\r\n\r\n--==b==\r\n'
            "Content-Type: text/plain; charset=GBK\r\n\r\n").encode() + "请查收".encode("gbk") + (
            "\r\n--==b==\r\nContent-Type: application/octet-stream\r\n"
            f'Content-Disposition: attachment; filename="{word(filename)}"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n").encode() + body + b"--==b==--\r\n"


def macro_enabled(data: bytes) -> bytes:
    """The return as an .xlsm: a VBA project part and the macro-enabled main content type."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                body = body.replace(b"</Types>", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/></Types>')
            dst.writestr(info, body)
        dst.writestr("xl/vbaProject.bin", hostile.cfb_bytes({"VBA": b"Attribute VB_Name = \"Module1\"\r\n"}))
    return out.getvalue()


def encrypted(data: bytes, password: str = PASSWORD) -> bytes:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    return out.getvalue()


def _at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)


def make_inbox(d: Path, *, lo: bool = False, hostile_cases: bool = True,
               signer: Callable[[str], tuple[str, str]] | None = None) -> dict[str, Path]:
    """Write the inbox into ``d`` (created); returns ``{case: inbox file}``.

    ``lo`` adds the LibreOffice cases (one re-saved .xlsx, one .xls and its .et copy: two
    soffice calls); ``hostile_cases`` adds :func:`tests.support.hostile.make_all` under
    ``d/hostile``; ``signer`` signs the templates (``evaltool.integrity.keys.signer(key)``).
    """
    d.mkdir(parents=True, exist_ok=True)
    tmp = d.parent / f".{d.name}-build"
    tmp.mkdir(exist_ok=True)
    out: dict[str, Path] = {}

    def put(case: str, name: str, data: bytes) -> None:
        p = d / name
        p.write_bytes(data)
        out[case] = p

    ret = Returns(tmp, signer).make

    put("good_a", "甲单位回复.eml", mail("甲单位 <a@dept-a.gov.cn>", "甲单位 2023 绩效评价表", _at(2),
                                        [("甲单位_绩效评价表.xlsx", ret("北京市甲单位", "A001"))]))
    put("good_b_v1", "乙单位第一次.eml", mail("乙单位 <b@dept-b.gov.cn>", "乙单位 绩效评价表", _at(2),
                                           [("乙单位_绩效评价表.xlsx", ret("北京市乙单位", "B002", 0))]))
    put("good_b_v2", "乙单位更正.eml", mail("乙单位 <b@dept-b.gov.cn>", "乙单位 绩效评价表（更正）", _at(5),
                                          [("乙单位_绩效评价表.xlsx", ret("北京市乙单位", "B002", 1))]))
    put("good_c_gbk", "丙单位.eml", gbk_mail("c@dept-c.gov.cn", "丙单位 绩效评价表", _at(3),
                                            "丙单位_指标表.xlsx", ret("北京市丙单位", "C003", 2)))
    put("good_d_loose", "丁单位_绩效评价表.xlsx", ret("北京市丁单位", "D004", 3))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("戊单位/戊单位_绩效评价表.xlsx", ret("北京市戊单位", "E005", 4))
    put("good_e_zip", "戊单位材料.zip", buf.getvalue())
    src, tampered = tmp / "f.xlsx", tmp / "f-tampered.xlsx"
    src.write_bytes(ret("北京市己单位", "F006"))
    patch_cells(src, tampered, {TAMPER_CELL: int(TAMPER_NEW)})
    put("tampered", "己单位.eml", mail("己单位 <f@dept-f.gov.cn>", "己单位 绩效评价表", _at(4),
                                      [("己单位_绩效评价表.xlsx", tampered.read_bytes())]))
    src.write_bytes(ret(INJECTION, "G007"))
    patch_cells(src, tampered, {("绩效指标", "M5"): INJECTION, ("绩效指标", "N6"): DDE_TEXT})
    put("injection", "庚单位_绩效评价表.xlsx", tampered.read_bytes())
    patch_cells(src, tampered, {("_meta", "B2"): "3.0"})  # a future major: not readable
    put("other_version", "辰单位_新版模板.xlsx", tampered.read_bytes())
    put("xlsm", "辛单位.eml", mail("辛单位 <h@dept-h.gov.cn>", "辛单位 绩效评价表（含宏）", _at(4),
                                  [("辛单位_绩效评价表.xlsm", macro_enabled(ret("北京市辛单位", "H008")))]))
    put("encrypted_ok", "壬单位.eml", mail("壬单位 <i@dept-i.gov.cn>", "壬单位 绩效评价表（已加密）", _at(4),
                                          [("壬单位_绩效评价表.xlsx", encrypted(ret("北京市壬单位", "I009")))]))
    if lo:
        _lo_cases(d, tmp, ret, out)
    if hostile_cases:
        for case, p in hostile.make_all(d / "hostile").items():
            out[f"hostile:{case}"] = p
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()
    return out


def _lo_cases(d: Path, tmp: Path, ret: Callable[..., bytes], out: dict[str, Path]) -> None:
    from evaltool.io import lo

    j, k, m = (tmp / "癸单位_绩效评价表.xlsx", tmp / "子单位_绩效评价表.xlsx", tmp / "丑单位_绩效评价表.xlsx")
    j.write_bytes(ret("北京市癸单位", "J010"))
    k.write_bytes(ret("北京市子单位", "K011"))
    m.write_bytes(ret("北京市丑单位", "M012"))
    (resaved,) = lo.convert([j], tmp / "lo-xlsx", "xlsx:Calc MS Excel 2007 XML")
    xls, et = lo.convert([k, m], tmp / "lo-xls", "xls:MS Excel 97")
    for case, name, made in (("lo_resaved", "癸单位_LibreOffice另存.xlsx", resaved),
                             ("biff_xls", "子单位_绩效评价表.xls", xls), ("biff_et", "丑单位_WPS.et", et)):
        out[case] = d / name
        out[case].write_bytes(made.read_bytes())
        made.unlink()
    for sub in (tmp / "lo-xlsx", tmp / "lo-xls"):
        sub.rmdir()


_CACHE: dict[str, tuple[Path, dict[str, Path]]] = {}


def shared_inbox(base: Path, *, lo: bool) -> tuple[Path, dict[str, Path]]:
    """Build the inbox once per test process (tests of several modules share it; read-only)."""
    key = f"lo={lo}"
    if key not in _CACHE:
        root = base / ("inbox-lo" if lo else "inbox")
        _CACHE[key] = (root, make_inbox(root, lo=lo))
    return _CACHE[key]
