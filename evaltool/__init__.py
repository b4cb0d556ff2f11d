"""evaltool: Excel-based budget performance evaluation (预算绩效评价)."""

__version__ = "0.1.0"
