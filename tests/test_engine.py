"""engine.evaluate on the real sample: validation + scoring in one pure call."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_scoring_fixtures import SAMPLE

from evaltool.engine import evaluate
from evaltool.io.reader import load


def test_evaluate_sample_is_pure_and_complete(tmp_path: Path) -> None:
    copy = tmp_path / "s.xlsx"
    shutil.copyfile(SAMPLE, copy)
    ev = load(copy)
    copy.unlink()                      # evaluate must not need the file any more
    result = evaluate(ev)
    assert list(tmp_path.iterdir()) == []
    assert (result.total, result.grade) == (88.8, "良")          # hand-computed in test_scoring_rows
    assert dict(result.subtotals) == {"产出": 49.8, "效果": 20.0, "预算管理": 19.0}
    assert result.rates["variance_rate"] is not None and round(result.rates["variance_rate"], 6) == 0.095954
    assert len(result.checks) >= len(ev.rules) and result.checks[0].rule == ev.rules[0].id
    keys = [s.key for s in result.scores]
    assert len(keys) == len(set(keys)) and "total_score" in keys and "grade" in keys
    # the rule pass's NUM-1 already explains 近800; scoring's own SCORE-FUZZY is not repeated
    fuzzy_cells = {f.cell for f in result.findings if f.rule == "NUM-1"}
    assert "J11" in fuzzy_cells
    assert not [f for f in result.findings if f.rule == "SCORE-FUZZY" and f.cell in fuzzy_cells]
    # SCORE-3 (self-reported grade vs computed) is a check of the rule pass, the rest are scoring's
    is_scoring = [f.rule.startswith("SCORE-") and f.rule != "SCORE-3" for f in result.findings]
    assert is_scoring == sorted(is_scoring)                       # validation first, then scoring
    assert any(f.rule == "VAR-1" for f in result.findings)        # 9.60 % > 5 % warning from the rules
    en = evaluate(ev)
    assert en.total == result.total and en.grade == result.grade


def test_integrity_findings_join_when_the_bureau_content_was_edited(tmp_path: Path) -> None:
    from evaltool.io import patch_cells

    edited = tmp_path / "edited.xlsx"
    patch_cells(SAMPLE, edited, {("评分方法", "D4"): "cap=1.2"})   # M01 made more generous
    result = evaluate(load(edited))
    assert any(f.source == "integrity" for f in result.findings)
    assert not any(f.source == "integrity" for f in evaluate(load(SAMPLE)).findings)
