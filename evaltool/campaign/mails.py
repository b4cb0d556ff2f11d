"""The campaign's outgoing mail drafts: the issued template per unit, and reminders.

Why: the bureau sends from its own mail client; evaltool writes standard ``.eml`` drafts
(``X-Unsent: 1``: Outlook opens them for editing) — one per unit, addressed to the roster's
e-mail, with the unit's template attached, or a reminder naming what is missing or wrong.
Texts are Chinese by default (``lang="en"`` for English), every one in :data:`MSG`.

Example::

    data = issue_draft(unit, campaign, "110001_某局.xlsx", template_bytes)
    data = reminder_draft(status_row, campaign, deadline="2025-03-31")
"""

from __future__ import annotations

from evaltool.intake.draft import reply_draft
from evaltool.messages import text
from evaltool.store.schema import Campaign, Unit
from evaltool.store.status import ERRORS, NOT_RETURNED, REFUSED, UnitStatus

__all__ = ["issue_draft", "reminder_draft", "MSG", "XLSX_MIME"]

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MSG = {
    "issue_subject": ("{year}年度绩效自评表（{unit}）", "{year} performance self-evaluation workbook ({unit})"),
    "issue_body": ("{contact}您好：\n\n请贵单位（{unit}，单位代码 {ucode}）填写附件中的{year}年度绩效自评表"
                   "“{file}”，在 Excel 或 WPS 中填报后原样（.xlsx）发回本邮箱。\n"
                   "请勿修改表中锁定的内容（指标、分值、评分方法、规则），否则无法通过校验。\n{deadline}\n此致\n",
                   "Dear {contact},\n\nPlease fill in the attached {year} performance self-evaluation workbook "
                   "\"{file}\" for {unit} (code {ucode}) in Excel or WPS and send it back to this address as "
                   ".xlsx.\nDo not change the locked content (indicators, weights, methods, rules): it would "
                   "fail the checks.\n{deadline}\nRegards\n"),
    "deadline": ("报送截止日期：{deadline}。", "Deadline: {deadline}."),
    "remind_subject": ("催报：{year}年度绩效自评表（{unit}）", "Reminder: {year} performance self-evaluation ({unit})"),
    "remind_" + NOT_RETURNED: ("我们尚未收到贵单位的{year}年度绩效自评表。", "We have not yet received your "
                               "{year} performance self-evaluation workbook."),
    "remind_" + ERRORS: ("贵单位报送的“{file}”有 {errors} 项错误，请按回执中的问题清单修改后重新发送。",
                         "Your return \"{file}\" has {errors} errors; please correct them as listed in the "
                         "receipt and send it again."),
    "remind_" + REFUSED: ("贵单位报送的“{file}”未通过接收（{reason}），请使用下发的模板重新填报并发送。",
                          "Your return \"{file}\" was not accepted ({reason}); please fill in the issued "
                          "template and send it again."),
    "remind_body": ("{contact}您好：\n\n{what}\n{deadline}\n如已发送，请忽略本邮件。\n此致\n",
                    "Dear {contact},\n\n{what}\n{deadline}\nIf you have already sent it, please ignore this "
                    "message.\nRegards\n"),
}


def _deadline(deadline: str | None, lang: str) -> str:
    return text(MSG, "deadline", lang, deadline=deadline) if deadline else ""


def issue_draft(unit: Unit, campaign: Campaign, filename: str, data: bytes, *, lang: str = "zh",
                deadline: str | None = None, sender: str | None = None) -> bytes:
    """The draft that sends ``unit`` its template (``filename``, ``data``)."""
    year = campaign.year if campaign.year is not None else ""
    body = text(MSG, "issue_body", lang, contact=unit.contact, unit=unit.name, ucode=unit.code, year=year,
                file=filename, deadline=_deadline(deadline, lang))
    return reply_draft(unit.email or [], text(MSG, "issue_subject", lang, year=year, unit=unit.name), body,
                       attachments=[(filename, data, XLSX_MIME)], sender=sender)


def reminder_draft(row: UnitStatus, campaign: Campaign, *, lang: str = "zh", deadline: str | None = None,
                   sender: str | None = None) -> bytes:
    """The reminder for one unit that has not returned, or must correct or resend."""
    year = campaign.year if campaign.year is not None else ""
    what = text(MSG, "remind_" + row.state, lang, year=year, file=row.label.rsplit("/", 1)[-1],
                errors=row.errors, reason=row.reason)
    body = text(MSG, "remind_body", lang, contact=row.contact, what=what, deadline=_deadline(deadline, lang))
    return reply_draft(row.email or [], text(MSG, "remind_subject", lang, year=year, unit=row.name), body,
                       sender=sender)
