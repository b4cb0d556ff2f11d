"""Benchmark harnesses for evaltool (not part of the installed package).

Why a package: the harnesses and their child processes import each other as
``benchmarks.<module>`` (``python -m benchmarks.pipelines``), from the repository root.

Example::

    python benchmarks/bench_intake.py --n 200 --repeat 3
"""
