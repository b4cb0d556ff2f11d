"""The add-in: built from xlwings' ribbon template, its ribbon XML, its VBA (via oletools),
the shipped copies in macros/, the config file, and ``evaltool addin install`` on Linux."""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from oletools.olevba import VBA_Parser
from typer.testing import CliRunner

from evaltool.addin import build, evaltool_xl
from evaltool.addin.build import AddinBuildError, build_addin, template_path
from evaltool.addin.install import config_path, default_settings, install_module, read_config, write_config
from evaltool.cli import app

ROOT = Path(__file__).resolve().parents[1]
NS = {"ui": "http://schemas.microsoft.com/office/2006/01/customui"}


def _vba_modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {name: code for _f, _s, name, code in parser.extract_macros()}
    finally:
        parser.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_addin(tmp_path_factory.mktemp("addin"))


def test_ribbon_xml(built: Path) -> None:
    assert built.name == "evaltool_xl.xlam"
    with zipfile.ZipFile(built) as z:
        assert z.testzip() is None
        root = ET.fromstring(z.read("customUI/customUI.xml"))
    tabs = root.findall(".//ui:tab", NS)
    assert [t.get("label") for t in tabs] == ["绩效评价"]
    buttons = root.findall(".//ui:button", NS)
    assert [(b.get("label"), b.get("onAction")) for b in buttons] == [("计算评分", "RibbonMyAddin.RunMain")]


def test_check_button_is_optional(tmp_path: Path) -> None:
    with zipfile.ZipFile(build_addin(tmp_path, check_button=True)) as z:
        root = ET.fromstring(z.read("customUI/customUI.xml"))
    assert [b.get("label") for b in root.findall(".//ui:button", NS)] == ["计算评分", "仅校验"]
    bas = (ROOT / "macros" / "RibbonEvaltool.bas").read_text(encoding="utf-8")
    sub = re.search(r"Sub (\w+)\(control As IRibbonControl\)", bas)
    assert sub is not None and f'RibbonEvaltool.{sub.group(1)}' == build.CHECK_CALLBACK
    assert 'Attribute VB_Name = "RibbonEvaltool"' in bas
    assert 'RunPython "import evaltool_xl;evaltool_xl.check()"' in bas


def test_vba_calls_main_of_module_named_like_the_file(built: Path) -> None:
    modules = _vba_modules(built)
    ribbon = modules["RibbonMyAddin.bas"]
    # the onAction target exists and takes the ribbon control
    assert re.search(r"^Sub RunMain\(control As IRibbonControl\)", ribbon, re.M)
    # module name = ThisWorkbook.Name without extension ("evaltool_xl.xlam" -> "evaltool_xl")
    assert 'Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))' in ribbon
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon
    assert "Public Function RunPython(PythonCommand As String)" in modules["xlwings.bas"]
    assert 'Public Const PROJECT_NAME As String = "myaddin"' in modules["xlwings.bas"]
    # ... and that module exists with a main() that takes no arguments
    assert built.stem == evaltool_xl.__name__.rsplit(".", 1)[-1]
    assert callable(evaltool_xl.main) and evaltool_xl.main.__code__.co_argcount == 0


def test_all_other_members_are_the_templates(built: Path) -> None:
    with zipfile.ZipFile(template_path()) as a, zipfile.ZipFile(built) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if not name.startswith("customUI/"):
                assert a.read(name) == b.read(name), name


def test_shipped_files_are_the_build_output(built: Path) -> None:
    shipped = ROOT / "macros" / "evaltool_xl.xlam"
    assert shipped.read_bytes() == built.read_bytes(), "rebuild: python -m evaltool.addin.build macros/"
    assert (ROOT / "macros" / "evaltool_xl.py").read_bytes() == Path(evaltool_xl.__file__).read_bytes()


def test_build_refuses_wrong_name_and_foreign_template(tmp_path: Path) -> None:
    with pytest.raises(AddinBuildError, match="evaltool_xl.xlam"):
        build_addin(tmp_path / "other.xlam")
    plain = tmp_path / "plain.xlam"
    with zipfile.ZipFile(plain, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(AddinBuildError, match="ribbon"):
        build_addin(tmp_path, source=plain)
    assert not list(tmp_path.glob(".~*"))  # no temp file left behind


def test_config_file_round_trip(tmp_path: Path) -> None:
    assert config_path("win32", tmp_path) == tmp_path / ".myaddin" / "myaddin.conf"
    assert config_path("darwin", tmp_path) == tmp_path / "Library/Containers/com.microsoft.Excel/Data/myaddin.conf"
    path = config_path("win32", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('"SHOW CONSOLE","False"\n"PYTHONPATH","C:\\old"\n', encoding="utf-8")
    write_config(path, {"INTERPRETER_WIN": r"C:\Py\pythonw.exe", "PYTHONPATH": r"C:\Py\Lib\evaltool\addin"})
    assert path.read_text(encoding="utf-8").splitlines() == [
        '"SHOW CONSOLE","False"',
        '"PYTHONPATH","C:\\Py\\Lib\\evaltool\\addin"',
        '"INTERPRETER_WIN","C:\\Py\\pythonw.exe"',
    ]
    with pytest.raises(ValueError, match="quotes"):
        write_config(path, {"PYTHONPATH": 'C:\\a"b'})
    settings = default_settings("darwin", "/opt/py/bin/python3", home=tmp_path)
    assert settings == {
        "INTERPRETER_MAC": "/opt/py/bin/python3",
        "ADD_WORKBOOK_TO_PYTHONPATH": "false",
        "PYTHONPATH": str(tmp_path / ".evaltool" / "xl"),
    }
    module = install_module(tmp_path)
    assert module.parent == Path(settings["PYTHONPATH"]) and [p.name for p in module.parent.iterdir()] == [
        "evaltool_xl.py"]  # fmt: skip
    assert module.read_bytes() == Path(evaltool_xl.__file__).read_bytes()
    assert read_config(tmp_path / "missing.conf") == {}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux behaviour")
def test_install_on_linux_prints_steps() -> None:
    result = CliRunner().invoke(app, ["addin", "install"])
    assert result.exit_code == 0, result.output
    assert "Linux" in result.output and "evaltool addin install" in result.output
    assert "计算评分" in result.output and "WPS" in result.output and "evaltool check" in result.output
    en = CliRunner().invoke(app, ["addin", "install", "--lang", "en"])
    assert en.exit_code == 0 and "there is no Excel here" in en.output


def test_cli_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["addin", "build", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "evaltool_xl.xlam").is_file() and (tmp_path / "evaltool_xl.py").is_file()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs xlwings to refuse (Linux)")
def test_windows_branch_reports_xlwings_failure_readably(tmp_path: Path) -> None:
    from evaltool.addin.install import install

    shipped = ROOT / "macros" / "evaltool_xl.xlam"
    code, message = install("zh", platform="win32", addin=shipped)  # real `xlwings addin install -f`
    assert code != 0
    assert message.startswith(f"xlwings 安装加载项失败（退出码 {code}）：") and "interactive mode" in message
    assert message.endswith(f"可手动把 {shipped} 复制到 Excel 的 XLSTART 文件夹。")
    assert not (Path.home() / ".myaddin").exists()  # no config written when the copy failed
