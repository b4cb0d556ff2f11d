"""A bureau's own frameworks and rule sets, outside the package (issue: the bureau makes it theirs).

Built the way a bureau would: ``evaltool frameworks new`` copies a bundled framework into its
own folder, the bureau edits the YAML (a weight, a rule), issues templates from the file,
scores a filled return and summarises it — nothing inside site-packages is touched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from typer.testing import CliRunner

from evaltool.cli import app
from evaltool.demo.samples import UNIT, sample_values, targets_for, write_sample
from evaltool.frameworks import FrameworkError, list_frameworks, load_framework
from evaltool.frameworks.locate import BUNDLED
from evaltool.io.reader import load
from evaltool.template import write_template

RUN = CliRunner()


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evaltool", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def _new(tmp: Path, name: str = "本局部门整体", source: str = "dept-overall") -> Path:
    out = tmp / f"{name}.yaml"
    res = RUN.invoke(app, ["frameworks", "new", "--from", source, "-o", str(out)])
    assert res.exit_code == 0, res.output
    return out


def test_new_copies_a_bundled_framework_faithfully(tmp_path: Path) -> None:
    path = _new(tmp_path)
    assert (tmp_path / "rules" / "本局部门整体.yaml").is_file()
    mine, bundled = load_framework(path), load_framework("dept-overall")
    assert mine.id == "本局部门整体"
    assert [(i.level1, i.level2, i.name, i.method, i.weight, i.target) for i in mine.indicators] == \
        [(i.level1, i.level2, i.name, i.method, i.weight, i.target) for i in bundled.indicators]
    assert [(r.id, r.expression, r.severity) for r in mine.rules] == \
        [(r.id, r.expression, r.severity) for r in bundled.rules]
    assert mine.grades == bundled.grades and mine.methods == bundled.methods


def test_bureau_file_issues_scores_and_summarises(tmp_path: Path) -> None:
    path = _new(tmp_path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    # the bureau moves 1 point between two 产出 indicators (the total stays 100)
    inds = [i for g in doc["levels"][0]["groups"] for i in g.get("indicators", [])]
    inds[0]["weight"] += 1
    inds[1]["weight"] -= 1
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    blank = tmp_path / "blank.xlsx"
    assert RUN.invoke(app, ["template", "--framework", str(path), "--unit", "某局", "-o", str(blank)]).exit_code == 0
    ev = load(blank)
    assert ev.framework_id == "本局部门整体"
    weights = {i.level3: i.weight for i in ev.indicator_rows}
    assert weights[inds[0]["name"]] == load_framework("dept-overall").indicators[0].weight + 1

    filled = write_template(str(path), tmp_path / "filled.xlsx", unit_name=UNIT, year=2023, values=sample_values(),
                            targets=targets_for())  # the sample unit's own indicators, as issued
    scored = tmp_path / "scored.xlsx"
    res = _cli("score", str(filled), "-o", str(scored))
    assert scored.is_file(), res.stdout + res.stderr
    summary = tmp_path / "汇总.xlsx"
    res = _cli("summary", str(scored), "-o", str(summary))
    assert summary.is_file(), res.stdout + res.stderr
    import evaltool

    df = evaltool.summarize([scored])
    assert list(df.iloc[:, 0]) == [UNIT]
    total = df.iloc[0]["总分"]
    reference = evaltool.load(write_sample(tmp_path / "bundled.xlsx")).result.total
    # moving a point between two fully achieved indicators changes nothing; the score is real
    assert total is not None and abs(float(total) - float(reference)) < 1.0


def test_a_bureau_rule_fires_without_touching_the_package(tmp_path: Path) -> None:
    before = sorted(p.name for p in (BUNDLED / "rules").glob("*.yaml"))
    path = _new(tmp_path)
    rules_file = tmp_path / "rules" / f"{path.stem}.yaml"
    rules = yaml.safe_load(rules_file.read_text(encoding="utf-8"))
    rules.append({"id": "BUR-1", "scope": "表内", "expression": "budget_initial>=20000000", "severity": "警告",
                  "message": "本局要求：年初预算低于2000万元的单位须附说明", "explain": False})
    rules_file.write_text(yaml.safe_dump(rules, allow_unicode=True, sort_keys=False), encoding="utf-8")
    filled = write_template(str(path), tmp_path / "filled.xlsx", unit_name=UNIT, year=2023, values=sample_values(),
                            targets=targets_for())  # the sample unit's own indicators, as issued
    res = _cli("check", str(filled), "--format", "json")
    found = json.loads(res.stdout)
    items = found["files"][0]["findings"]
    assert any(f["rule"] == "BUR-1" or f.get("code") == "BUR-1" for f in items), res.stdout[:2000]
    assert sorted(p.name for p in (BUNDLED / "rules").glob("*.yaml")) == before


def test_bureau_folder_is_searched_and_listed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "frameworks").mkdir(parents=True)
    _new(home / "frameworks", name="本局项目", source="project-self")
    os.environ["EVALTOOL_HOME"] = str(home)
    try:
        assert "本局项目" in list_frameworks()
        assert load_framework("本局项目").id == "本局项目"
        res = _cli("frameworks", env={"EVALTOOL_HOME": str(home), "COLUMNS": "250"})
        assert res.returncode == 0 and "本局项目" in res.stdout and "内置" in res.stdout
    finally:
        del os.environ["EVALTOOL_HOME"]
    assert "本局项目" not in list_frameworks()


def test_a_broken_file_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    path = _new(tmp_path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    idx = next(i for i, line in enumerate(lines) if line.strip().startswith("method: "))
    lines[idx] = lines[idx].replace("method: ", "method: NOPE")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        load_framework(path)
    except FrameworkError as exc:
        msg = str(exc)
    else:
        raise AssertionError("a framework with an unknown method loaded")
    assert str(path.resolve()) in msg and "NOPE" in msg
    # the line named is the mapping holding the broken indicator
    line_no = int(msg.split("第")[1].split("行")[0])
    assert "NOPE" in "\n".join(lines[line_no - 1: idx + 1])
    res = _cli("template", "--framework", str(path), "-o", str(tmp_path / "x.xlsx"))
    assert res.returncode == 2 and "NOPE" in res.stderr and not (tmp_path / "x.xlsx").exists()


def test_export_a_workbook_round_trips_its_rule_sheets(tmp_path: Path) -> None:
    filled = write_sample(tmp_path / "sample.xlsx")
    out = tmp_path / "导出.yaml"
    res = RUN.invoke(app, ["frameworks", "export", str(filled), "-o", str(out)])
    assert res.exit_code == 0, res.output
    fw, ev = load_framework(out), load(filled)
    assert [(i.name, i.weight, i.method) for i in fw.indicators] == \
        [(i.level3, i.weight, i.method) for i in ev.indicator_rows if i.level3 and i.weight is not None]
    assert [r.id for r in fw.rules] == [r.id for r in ev.rules]
    again = write_template(str(out), tmp_path / "again.xlsx", unit_name=UNIT, year=2023, values=sample_values())
    assert load(again).indicator_rows[0].level3 == ev.indicator_rows[0].level3


def test_unknown_framework_says_how_to_give_a_file() -> None:
    res = RUN.invoke(app, ["template", "--framework", "nope", "-o", "/tmp/never.xlsx"])
    assert res.exit_code == 2
