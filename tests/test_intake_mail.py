"""mail/draft: real .eml bytes (stdlib-built and hand-written GBK), .msg without the extra."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timezone
from pathlib import Path

import pytest
from support import hostile

from evaltool.intake.mail import MsgSupportMissing, parse_eml, read_msg, reply_draft
from evaltool.intake.sniff import Kind, sniff


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile.make_all(tmp_path_factory.mktemp("hostile"))


def test_rfc2231_utf8_filename(files: dict[str, Path]) -> None:
    mail = parse_eml(files["eml_rfc2231"].read_bytes())
    assert mail.sender == "lisi@dept-b.gov.cn" and mail.sender_name == "李四"
    assert mail.to == ("jxpj@czj.gov.cn",)
    assert mail.subject == "单位B 绩效评价表"
    assert mail.date == datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    assert mail.message_id.endswith("@dept.gov.cn>")
    assert [a.filename for a in mail.attachments] == ["单位B_指标表.xlsx"]
    assert mail.attachments[0].data == hostile.workbook_bytes("单位B")
    assert mail.attachments[0].content_type.endswith("spreadsheetml.sheet")


def test_gbk_encoded_word_filename_and_subject(files: dict[str, Path]) -> None:
    raw = files["eml_gbk"].read_bytes()
    assert b"=?GBK?B?" in raw and "单位C".encode() not in raw  # really GBK-encoded on the wire
    mail = parse_eml(raw)
    assert mail.subject == "单位C 绩效评价表"
    assert mail.sender_name == "王五"
    assert [a.filename for a in mail.attachments] == ["单位C_指标表.xlsx"]
    assert sniff(mail.attachments[0].data) is Kind.XLSX


def test_raw_gbk_bytes_headers(files: dict[str, Path]) -> None:
    raw = files["eml_raw_gbk"].read_bytes()
    assert "单位D_指标表".encode("gbk") in raw
    mail = parse_eml(raw)
    assert mail.subject == "单位D 绩效评价表"
    assert [a.filename for a in mail.attachments] == ["单位D_指标表.xlsx"]


def test_no_attachment(files: dict[str, Path]) -> None:
    mail = parse_eml(files["eml_no_attachment"].read_bytes())
    assert mail.attachments == [] and mail.subject == "绩效评价表（忘了附件）"


def test_forwarded_message_attachments(files: dict[str, Path]) -> None:
    mail = parse_eml(files["eml_forwarded"].read_bytes())
    assert mail.sender == "office@dept-f.gov.cn"
    assert [a.filename for a in mail.attachments] == ["单位F.xlsx"]


def test_inline_signature_image_is_not_an_attachment() -> None:
    msg = email.message.EmailMessage()
    msg["From"] = "a@b.cn"
    msg["Subject"] = "x"
    msg.set_content("body")
    msg.add_alternative("<p>hi<img src='cid:logo'></p>", subtype="html")
    html = next(p for p in msg.iter_parts() if p.get_content_type() == "text/html")
    assert isinstance(html, email.message.EmailMessage)
    html.add_related(b"\x89PNG\r\n\x1a\n", "image", "png", cid="<logo>", filename="image001.png",
                     disposition="inline")  # as Outlook writes signature pictures
    msg.add_attachment(hostile.workbook_bytes(), maintype="application", subtype="octet-stream",
                       filename="报表.xlsx")
    mail = parse_eml(msg.as_bytes())
    assert [a.filename for a in mail.attachments] == ["报表.xlsx"]


def test_garbage_headers_do_not_crash() -> None:
    raw = (b"From: \xff\xfe broken <<>>\r\nTo: ,,,@@\r\nDate: not a date\r\nSubject: =?bogus?Q?x?=\r\n"
           b"Message-ID: x\r\n\r\nbody")
    mail = parse_eml(raw)
    assert mail.date is None and mail.attachments == []


def test_msg_needs_optional_extra(files: dict[str, Path]) -> None:
    try:
        import extract_msg  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        with pytest.raises(MsgSupportMissing) as info:
            read_msg(files["msg"].read_bytes())
        assert info.value.reason_code == "msg-needs-extra"
        assert "evaltool[msg]" in info.value.message("zh") and "GPL" in info.value.message("zh")
        assert "evaltool[msg]" in info.value.message("en")
    else:  # pragma: no cover - only where the GPL extra is installed
        pytest.skip("extract-msg installed; the fixture is not a full .msg")


def test_reply_draft_roundtrip() -> None:
    wb = hostile.workbook_bytes("单位A")
    raw = reply_draft(["张三 <zhangsan@dept-a.gov.cn>"], "回复：单位A 绩效评价表\r\nBcc: x@evil",
                      "您好：\n评分结果见附件。", [("单位A_评分结果.xlsx", wb, hostile.XLSX_MIME)],
                      sender="jxpj@czj.gov.cn", in_reply_to="<abc@dept-a.gov.cn>")
    assert b"\r\nX-Unsent: 1\r\n" in raw
    assert b"filename*0*=utf-8''%E5%8D%95" in raw  # RFC 2231 (with continuations)
    assert b"\nBcc:" not in raw  # header injection folded away
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert msg["In-Reply-To"] == "<abc@dept-a.gov.cn>"
    assert msg["Subject"] == "回复：单位A 绩效评价表 Bcc: x@evil"
    body = msg.get_body(("plain",))
    assert body is not None and body.get_content().startswith("您好")
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "单位A_评分结果.xlsx" and att.get_content() == wb
    again = parse_eml(raw)  # our own parser reads our own drafts
    assert again.to == ("zhangsan@dept-a.gov.cn",) and again.attachments[0].data == wb


def test_display_names_with_commas() -> None:
    raw = b'From: "Zhang, San" <ZhangSan@Dept.cn>\r\nTo: x@y.cn, "Li, Si" <l@s.cn>\r\nSubject: s\r\n\r\nb'
    mail = parse_eml(raw)
    assert (mail.sender, mail.sender_name, mail.to) == ("zhangsan@dept.cn", "Zhang, San", ("x@y.cn", "l@s.cn"))
