"""The LibreOffice extension ``evaltool.oxt``: toolbar and menu 绩效评价 › 计算评分 / 仅校验.

Why: LibreOffice Calc users get the same button as Excel users. The extension holds a Python
macro (``python/evaltool_lo.py``, from ``evaltool/addin/libreoffice/``) that runs in
LibreOffice's own Python and only moves ranges, the UNO adapter it uses
(``python/pythonpath/evaltool_unobook.py`` = :mod:`evaltool.io.unobook`, copied unchanged), the
menu and toolbar (``Addons.xcu``) and, when built by ``evaltool addin install --libreoffice``,
the interpreter of the evaltool installation to call (``python/pythonpath/evaltool_lo.json``;
the user's own ``libreoffice.json`` in the evaltool config folder takes precedence).

The command URLs name the package location: ``user:uno_packages`` for a per-user install
(``unopkg add``), ``share:uno_packages`` for ``unopkg add --shared`` (all users; the only
way when running as root, where unopkg refuses a per-user install). The file name
``evaltool.oxt`` is part of every URL, so it never changes.

Example::

    build_oxt("dist/", location="user")      # dist/evaltool.oxt
    script_url("recalculate", "share")
    # 'vnd.sun.star.script:evaltool.oxt|python|evaltool_lo.py$recalculate?language=Python&location=share:uno_packages'
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape

from evaltool import __version__

__all__ = ["OXT_FILE", "EXTENSION_ID", "BUTTONS", "build_oxt", "script_url", "addons_xcu", "macro_source"]

OXT_FILE = "evaltool.oxt"
EXTENSION_ID = "org.evaltool.button"
MACRO_FILE = "evaltool_lo.py"
ADAPTER_FILE = "evaltool_unobook.py"
CONFIG_FILE = "evaltool_lo.json"
Location = Literal["user", "share"]

#: (function in the macro, title, tooltip)
BUTTONS = (
    ("recalculate", "计算评分", "校验并评分当前工作簿，结果直接写入工作簿（不保存）。Check and score this workbook."),
    ("check", "仅校验", "只运行校验，刷新“校验结果”表和计算状态。Run the checks only."),
)
CONTEXT = "com.sun.star.sheet.SpreadsheetDocument"


def macro_source() -> Path:
    return Path(__file__).with_name("libreoffice") / MACRO_FILE


def adapter_source() -> Path:
    return Path(__file__).resolve().parents[1] / "io" / "unobook.py"


def script_url(function: str, location: Location = "user") -> str:
    """The command URL of one button (what the menu and toolbar entries dispatch)."""
    return (
        f"vnd.sun.star.script:{OXT_FILE}|python|{MACRO_FILE}${function}"
        f"?language=Python&location={location}:uno_packages"
    )


def _prop(name: str, value: str) -> str:
    return f'<prop oor:name="{name}" oor:type="xs:string"><value>{escape(value)}</value></prop>'


def _item(node: str, function: str, title: str, location: Location, indent: str) -> str:
    props = [
        _prop("URL", script_url(function, location)), _prop("Title", title),
        _prop("Target", "_self"), _prop("Context", CONTEXT),
    ]  # fmt: skip
    inner = "".join(f"\n{indent}  {p}" for p in props)
    return f'{indent}<node oor:name="{node}" oor:op="replace">{inner}\n{indent}</node>\n'


def addons_xcu(location: Location = "user") -> str:
    """Menu 绩效评价 (计算评分, 仅校验) and a toolbar with the same two commands."""
    menu = "".join(_item(f"m{i}", f, t, location, "          ") for i, (f, t, _tip) in enumerate(BUTTONS, 1))
    bar = "".join(_item(f"t{i}", f, t, location, "        ") for i, (f, t, _tip) in enumerate(BUTTONS, 1))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="Addons" oor:package="org.openoffice.Office">\n'
        '  <node oor:name="AddonUI">\n'
        '    <node oor:name="OfficeMenuBar">\n'
        f'      <node oor:name="{EXTENSION_ID}.menu" oor:op="replace">\n'
        f"        {_prop('Title', '绩效评价')}\n        {_prop('Context', CONTEXT)}\n"
        '        <node oor:name="Submenu">\n'
        f"{menu}"
        "        </node>\n      </node>\n    </node>\n"
        '    <node oor:name="OfficeToolBar">\n'
        f'      <node oor:name="{EXTENSION_ID}.toolbar" oor:op="replace">\n'
        f"{bar}"
        "      </node>\n    </node>\n  </node>\n</oor:component-data>\n"
    )


def _description() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<description xmlns="http://openoffice.org/extensions/description/2006" '
        'xmlns:d="http://openoffice.org/extensions/description/2006" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">\n'
        f'  <identifier value="{EXTENSION_ID}"/>\n'
        f'  <version value="{__version__}"/>\n'
        '  <display-name>\n'
        '    <name lang="zh-CN">预算绩效评价（计算评分按钮）</name>\n'
        '    <name lang="en">evaltool: budget performance evaluation button</name>\n'
        '  </display-name>\n'
        '  <dependencies>\n'
        '    <d:OpenOffice.org-minimal-version value="3.4" d:name="OpenOffice.org 3.4"/>\n'
        '  </dependencies>\n'
        '</description>\n'
    )


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">\n'
    '  <manifest:file-entry manifest:full-path="Addons.xcu" '
    'manifest:media-type="application/vnd.sun.star.configuration-data"/>\n'
    '  <manifest:file-entry manifest:full-path="python" '
    'manifest:media-type="application/vnd.sun.star.framework-script"/>\n'
    "</manifest:manifest>\n"
)


def build_oxt(
    dest: str | os.PathLike[str], *, location: Location = "user", config: Mapping[str, object] | None = None
) -> Path:
    """Write ``evaltool.oxt`` into ``dest`` (a directory or a path ending ``evaltool.oxt``).

    ``config`` (``{"python": …, "pythonpath": …}``) is embedded as the fallback configuration."""
    target = Path(dest)
    if target.suffix != ".oxt":
        target = target / OXT_FILE
    if target.name != OXT_FILE:
        raise ValueError(f"the extension must be named {OXT_FILE} (its command URLs name it)")
    members: list[tuple[str, bytes]] = [
        ("META-INF/manifest.xml", MANIFEST.encode()),
        ("description.xml", _description().encode()),
        ("Addons.xcu", addons_xcu(location).encode()),
        (f"python/{MACRO_FILE}", macro_source().read_bytes()),
        (f"python/pythonpath/{ADAPTER_FILE}", adapter_source().read_bytes()),
    ]
    if config is not None:
        members.append((f"python/pythonpath/{CONFIG_FILE}", json.dumps(dict(config), ensure_ascii=False, indent=1).encode()))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~", suffix=".oxt", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
