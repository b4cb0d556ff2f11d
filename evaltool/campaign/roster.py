"""The roster: the units a campaign expects, read from the bureau's list (.xlsx or .csv).

Why: status and reminders need to know who *should* answer. The format (docs/campaign.md) is
one header row and one row per unit; columns are found by name, in any order, with the usual
aliases. A roster with a missing column, a blank name or code, a repeated code or an e-mail
that is not an address is refused with the row and column named — before anything is issued.

Example::

    units = read_roster("units.xlsx")
    units[0]            # RosterUnit(code='110001', name='北京市某局', department='某委', contact='张三', email='zs@x.cn')
"""

from __future__ import annotations

import os
import re

from evaltool.io.tabular import TableFileError, read_table
from evaltool.model import EvaltoolError
from evaltool.store.campaigns import RosterUnit

__all__ = ["read_roster", "RosterError", "COLUMNS"]

#: field -> (accepted header names; required)
COLUMNS: dict[str, tuple[tuple[str, ...], bool]] = {
    "name": (("单位名称", "单位", "name", "unit"), True),
    "code": (("单位代码", "单位编码", "code", "unit code"), True),
    "department": (("主管部门", "department"), False),
    "contact": (("联系人", "contact"), False),
    "email": (("电子邮箱", "邮箱", "电子邮件", "e-mail", "email"), False),
}
_MAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


class RosterError(EvaltoolError, ValueError):
    """The roster cannot be used; the message names the file, row and column (中文 / English)."""

    code = "roster"


def _text(v: object) -> str:
    return "" if v is None else str(v).strip()


def read_roster(path: str | os.PathLike[str]) -> list[RosterUnit]:
    try:
        header, rows = read_table(path)
    except TableFileError as exc:
        raise RosterError(str(exc)) from exc
    name = os.path.basename(os.fspath(path))
    lower = [h.lower() for h in header]
    where: dict[str, int] = {}
    for field, (aliases, required) in COLUMNS.items():
        idx = next((lower.index(a.lower()) for a in aliases if a.lower() in lower), None)
        if idx is None:
            if required:
                raise RosterError(f"{name}: 缺少列“{aliases[0]}” / missing column '{aliases[0]}'")
            continue
        where[field] = idx
    units: list[RosterUnit] = []
    seen: dict[str, int] = {}
    for rowno, values in rows:
        got = {f: _text(values[i]) for f, i in where.items()}
        for field in ("name", "code"):
            if not got[field]:
                col = COLUMNS[field][0][0]
                raise RosterError(f"{name} 第 {rowno} 行：“{col}”为空 / row {rowno}: '{col}' is blank")
        if got["code"] in seen:
            raise RosterError(f"{name} 第 {rowno} 行：单位代码 {got['code']} 与第 {seen[got['code']]} 行重复 / "
                              f"row {rowno}: code {got['code']} repeats row {seen[got['code']]}")
        seen[got["code"]] = rowno
        mail = got.get("email", "")
        if mail and not _MAIL.match(mail):
            raise RosterError(f"{name} 第 {rowno} 行：电子邮箱“{mail}”不是有效地址 / row {rowno}: "
                              f"'{mail}' is not an e-mail address")
        units.append(RosterUnit(code=got["code"], name=got["name"], department=got.get("department", ""),
                                contact=got.get("contact", ""), email=mail))
    if not units:
        raise RosterError(f"{name}: 名单为空 / the roster lists no unit")
    return units
