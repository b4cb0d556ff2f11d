"""The report's chart: 得分 against 分值 by 一级指标 (bars), rendered with a CJK font.

Why: the seed is text only; a reader grasps a department's result faster from one chart.
matplotlib draws it to PNG with the first CJK font found (文泉驿微米黑, Noto Sans CJK, 黑体,
微软雅黑 …) so Chinese labels never turn into boxes; without any CJK font the chart is
still drawn and :func:`cjk_font` returns None (the caller may say so).

Example::

    png = score_chart([("产出", 50, 49.8), ("效果", 30, 30)], Path("chart.png"))
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "SimHei",
             "Microsoft YaHei", "PingFang SC", "Heiti SC")


def cjk_font() -> str | None:
    """The first installed CJK font family matplotlib can use, or None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((n for n in CJK_FONTS if n in names), None)


def score_chart(rows: Sequence[tuple[str, float, float]], path: Path, *, title: str = "各一级指标得分情况") -> Path:
    """Grouped bars 分值 / 得分 per (name, weight, score); written as PNG (200 dpi) to ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    font = cjk_font()
    rc: dict[str, Any] = {"font.family": "sans-serif", "axes.unicode_minus": False}
    if font:
        rc["font.sans-serif"] = [font, "DejaVu Sans"]
    with plt.rc_context(cast(Any, rc)):
        fig, ax = plt.subplots(figsize=(6.0, 3.0), dpi=200)
        xs = range(len(rows))
        w = 0.36
        weights = [r[1] for r in rows]
        scores = [r[2] for r in rows]
        ax.bar([x - w / 2 for x in xs], weights, w, label="分值", color="#BDD7EE", edgecolor="#5B9BD5")
        bars = ax.bar([x + w / 2 for x in xs], scores, w, label="得分", color="#2E75B6")
        for b, s in zip(bars, scores, strict=True):
            ax.annotate(f"{s:g}", (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom",
                        fontsize=8, xytext=(0, 2), textcoords="offset points")
        ax.set_xticks(list(xs), [r[0] for r in rows], fontsize=9)
        ax.set_ylabel("分", fontsize=9)
        ax.set_ylim(0, max(weights + scores + [1]) * 1.18)
        ax.set_title(title, fontsize=10)
        ax.legend(fontsize=8, frameon=False, loc="upper right")
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png")
        plt.close(fig)
    return path
