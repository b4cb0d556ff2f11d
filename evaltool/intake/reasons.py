"""Reason codes, bilingual messages and the rejection / flag record types of the intake.

Why: everything a department returns is untrusted, and every refusal must reach the bureau
(and, through a reply draft, the department) as a short Chinese sentence saying what is wrong
and what to do — with an English variant. Codes are stable ASCII identifiers so that later
stages (collect, summary, receipts) can count, filter and translate them; the wording lives
only here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "REASONS",
    "FLAGS",
    "Lang",
    "IntakeRejected",
    "Rejection",
    "Flag",
    "text",
]

Lang = Literal["zh", "en"]

# code -> (zh template, en template); templates may use {detail}.
REASONS: dict[str, tuple[str, str]] = {
    "empty": ("文件为空（0 字节）", "The file is empty (0 bytes)"),
    "corrupt": ("文件已损坏或不完整，请在 Excel/WPS 中重新保存后发送（{detail}）",
                "The file is damaged or truncated; re-save it in Excel/WPS and resend ({detail})"),
    "not-a-workbook": ("不是 Excel 工作簿（{detail}），请发送 .xlsx 文件",
                       "Not an Excel workbook ({detail}); please send an .xlsx file"),
    "unsupported-archive": ("不支持的压缩格式（{detail}），请改用 zip 或直接附上 .xlsx 文件",
                            "Unsupported archive format ({detail}); use zip or attach the .xlsx directly"),
    "not-regular-file": ("不是普通文件，已跳过（{detail}）", "Not a regular file, skipped ({detail})"),
    "file-too-large": ("文件过大（{detail}），超出限制", "File too large ({detail}), over the limit"),
    "zip-too-many-members": ("压缩包内文件过多（{detail}）", "Too many files in the archive ({detail})"),
    "zip-too-large": ("解压后总大小超出限制（{detail}），疑似压缩炸弹",
                      "Total uncompressed size over the limit ({detail}); possible zip bomb"),
    "zip-member-too-large": ("压缩包内单个文件过大（{detail}）",
                             "A file inside the archive is too large ({detail})"),
    "zip-ratio": ("压缩比异常（{detail}），疑似压缩炸弹",
                  "Abnormal compression ratio ({detail}); possible zip bomb"),
    "zip-bad-name": ("压缩包内文件名不安全（{detail}）", "Unsafe file name inside the archive ({detail})"),
    "zip-duplicate-name": ("压缩包内有重名文件（{detail}）", "Duplicate names inside the archive ({detail})"),
    "zip-encrypted-member": ("压缩包已加密（{detail}），请发送未加密的压缩包或直接附上文件",
                             "The archive is password-protected ({detail}); send it unencrypted"),
    "nesting-too-deep": ("压缩包/邮件嵌套层数过多（{detail}）",
                         "Archives or mails nested too deeply ({detail})"),
    "xml-dtd": ("文件含有 DTD/实体声明（{detail}），可能是 XML 炸弹，已拒收",
                "The file declares a DTD/entities ({detail}); possible XML bomb, rejected"),
    "sheet-too-large": ("工作表过大（{detail}），请删除多余的行列后重新发送",
                        "Worksheet too large ({detail}); delete the surplus rows/columns and resend"),
    "encrypted-no-password": ("文件已加密（设置了打开密码），未提供密码，请发送未加密的文件",
                              "The file is encrypted (open password) and no password was supplied; "
                              "please send it unencrypted"),
    "encrypted-wrong-password": ("文件已加密，已尝试的 {detail} 个密码均不正确",
                                 "The file is encrypted and none of the {detail} passwords tried works"),
    "encrypted-unsupported": ("文件已加密，且加密方式无法解密（{detail}）",
                              "The file is encrypted with an unsupported method ({detail})"),
    "mail-no-attachment": ("邮件没有附件", "The mail has no attachment"),
    "mail-no-boundary": ("邮件声明有多个部分（multipart），但缺少分隔符（boundary），附件无法读取；请重新发送邮件",
                         "The mail says it has several parts (multipart) but gives no boundary, so its "
                         "attachments cannot be read; please send the mail again"),
    "inbox-file-budget": ("一个邮件或压缩包中的内容过多（{detail}），已整体拒收；请分批发送，每封邮件只附本单位的工作簿",
                          "Too much inside one mail or archive ({detail}); refused as a whole. Please send "
                          "in smaller batches, each mail with your unit's workbook only"),
    "foreign-ods": ("这是 OpenDocument 电子表格（.ods），请在 WPS/Excel/LibreOffice 中“另存为” .xlsx 后发送",
                    "This is an OpenDocument spreadsheet (.ods); open it in WPS/Excel/LibreOffice, "
                    "'Save as' .xlsx and send that"),
    "foreign-numbers": ("这是 Apple Numbers 文件，请在 Numbers 中“导出为 Excel (.xlsx)”后发送",
                        "This is an Apple Numbers file; in Numbers use 'Export to Excel (.xlsx)' and send that"),
    "foreign-xlsb": ("这是 Excel 二进制工作簿（.xlsb），请在 Excel 中“另存为” .xlsx 后发送",
                     "This is an Excel binary workbook (.xlsb); in Excel 'Save as' .xlsx and send that"),
    "foreign-office": ("这是 {detail} 文件，不是工作簿；请发送下发的 .xlsx 模板",
                       "This is a {detail} file, not a workbook; please send the issued .xlsx template"),
    "broken-xlsx": ("Excel 文件已损坏（{detail}），请在 Excel/WPS 中打开并重新保存为 .xlsx 后发送",
                    "The Excel file is damaged ({detail}); open it in Excel/WPS, save it again as .xlsx "
                    "and send that"),
    "output-failed": ("此文件的结果无法写出（{detail}），其他文件不受影响",
                      "This file's outputs could not be written ({detail}); other files are not affected"),
    "mail-corrupt": ("邮件无法解析（{detail}）", "The mail could not be parsed ({detail})"),
    "msg-needs-extra": ("需要安装可选组件 evaltool[msg]（extract-msg，GPL 许可）才能读取 Outlook .msg 邮件",
                        "Reading Outlook .msg mails needs the optional extra evaltool[msg] "
                        "(extract-msg, GPL licence)"),
}

# Structural flags raised by scan.py / limits.py: code -> (severity, zh, en).
FLAGS: dict[str, tuple[str, str, str]] = {
    "vba-project": ("warning", "含有 VBA 宏（{detail}），宏不会被执行",
                    "Contains a VBA project ({detail}); macros are never run"),
    "activex": ("error", "含有 ActiveX 控件（{detail}）", "Contains ActiveX controls ({detail})"),
    "ole-embedding": ("warning", "含有嵌入的 OLE 对象（{detail}）", "Contains embedded OLE objects ({detail})"),
    "external-link": ("warning", "含有指向其他工作簿的外部链接（{detail}）",
                      "Contains external links to other workbooks ({detail})"),
    "external-target": ("error", "含有指向外部地址的对象（{detail}）",
                        "Contains objects pointing to external locations ({detail})"),
    "xlm-macrosheet": ("error", "含有 Excel 4.0（XLM）宏表（{detail}）",
                       "Contains Excel 4.0 (XLM) macro sheets ({detail})"),
    "auto-open-name": ("error", "含有自动运行名称（{detail}）", "Contains an auto-run defined name ({detail})"),
    "dde-formula": ("error", "公式中含有 DDE 调用（{detail}），可能执行外部程序",
                    "A formula contains a DDE call ({detail}) that can start programs"),
    "dde-link": ("error", "含有 DDE 链接（{detail}）", "Contains a DDE link ({detail})"),
    "risky-function": ("warning", "公式中含有访问外部的函数（{detail}）",
                       "A formula uses a function that reaches outside ({detail})"),
    "hyperlink-formula": ("info", "公式中含有 HYPERLINK（{detail}）", "A formula uses HYPERLINK ({detail})"),
    "data-connection": ("warning", "含有外部数据连接（{detail}）", "Contains external data connections ({detail})"),
    "unreadable-part": ("warning", "部分内容无法解析（{detail}）", "A part could not be parsed ({detail})"),
    "zip-backslash-name": ("info", "压缩包内文件名使用了反斜杠（{detail}），已按目录分隔符处理",
                           "Archive names use backslashes ({detail}); treated as folder separators"),
}


def _fmt(template: str, detail: str) -> str:
    return template.replace("{detail}", detail) if "{detail}" in template else template


def text(code: str, lang: Lang = "zh", detail: str = "") -> str:
    """The user-facing sentence for a reason or flag ``code`` in ``lang``."""
    if code in REASONS:
        zh, en = REASONS[code]
    elif code in FLAGS:
        _, zh, en = FLAGS[code]
    else:
        zh, en = f"未知原因：{code}（{{detail}}）", f"Unknown reason: {code} ({{detail}})"
    return _fmt(zh if lang == "zh" else en, detail)


class IntakeRejected(Exception):
    """A returned file (or mail, or archive) is refused, with a stable code and both messages."""

    def __init__(self, reason_code: str, message_zh: str, message_en: str) -> None:
        super().__init__(f"{reason_code}: {message_en}")
        self.reason_code = reason_code
        self.message_zh = message_zh
        self.message_en = message_en

    @classmethod
    def of(cls, code: str, detail: str = "") -> IntakeRejected:
        """Build from the catalogue: ``IntakeRejected.of("zip-ratio", "1000:1")``."""
        return cls(code, text(code, "zh", detail), text(code, "en", detail))

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en

    def record(self) -> Rejection:
        return Rejection(self.reason_code, self.message_zh, self.message_en)


@dataclass(frozen=True)
class Rejection:
    """The data form of a refusal, carried by a candidate instead of raising."""

    reason_code: str
    message_zh: str
    message_en: str

    @classmethod
    def of(cls, code: str, detail: str = "") -> Rejection:
        return IntakeRejected.of(code, detail).record()

    def message(self, lang: Lang = "zh") -> str:
        return self.message_zh if lang == "zh" else self.message_en


@dataclass(frozen=True)
class Flag:
    """Something notable found in a package: ``code`` (see FLAGS), the zip ``part``, a ``detail``."""

    code: str
    part: str
    detail: str = ""

    @property
    def severity(self) -> str:
        return FLAGS.get(self.code, ("warning", "", ""))[0]

    def message(self, lang: Lang = "zh") -> str:
        return text(self.code, lang, self.detail or self.part)
