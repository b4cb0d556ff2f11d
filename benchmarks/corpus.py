"""Generate (and cache) N realistic filled returns of the dept-overall template.

Why: the intake benchmark needs hundreds to thousands of returns that look like what a bureau
receives: every indicator row filled, an 18-row project list, budget figures, a few
approximate Chinese quantities (近800, 三十余) and a few plain mistakes (a negative actual,
text where a number belongs, parts that do not add up to the total, spending above budget).
Each file differs (seeded by its index, so the set is reproducible). Writing a workbook costs
~90 ms, so the set is written once per N (in parallel) and cached under
``$EVALTOOL_BENCH_CACHE`` (default ``<tmp>/evaltool-bench``)/``n<N>/``; a marker ``n<N>.done``
beside the folder (never inside: the folder is used as ``collect``'s INBOX) makes an
interrupted generation start over instead of being reused half-done.

Example::

    paths = ensure_corpus(200)          # [.../n200/r00000.xlsx, ...], generated on first use
    values = filled_values(7)           # the values= mapping behind r00007.xlsx
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

FRAMEWORK = "dept-overall"
CREATED_AT = "2024-06-30T00:00:00+00:00"
N_PROJECTS = 18
TIERS = ("达成", "达成", "达成", "部分达成", "未达成")
PROJECT_KINDS = ("常年性项目", "一次性项目", "延续性项目")
FUZZY = ("近{n}", "{n}余", "约{n}")
CN_FUZZY = ("三十余", "二十余", "近千", "千余", "二百余")
WRONG_ACTUALS = ("不详", -5, "见附件")
BASE_TARGETS = (700, 30000, 40, 200, 150, 15, 800, 80, 20, 350, 10, 150, 30, 15, 2400, 35)
FUZZY_EVERY = 4  # every 4th file carries approximate quantities
ERROR_EVERY = 5  # every 5th file carries mistakes


def cache_root() -> Path:
    """Where generated sets live (``$EVALTOOL_BENCH_CACHE`` or ``<tmp>/evaltool-bench``)."""
    return Path(os.environ.get("EVALTOOL_BENCH_CACHE") or Path(tempfile.gettempdir()) / "evaltool-bench")


def _fen(x: float) -> Decimal:
    return Decimal(f"{x:.2f}")


@lru_cache(maxsize=1)
def _framework_indicators() -> tuple[tuple[str, str, str, str], ...]:
    """(level2, level3, kind, method) of the indicator rows, as issued with the sample's targets
    file (dept-overall keeps points for each unit's own indicators: docs/targets.md)."""
    from evaltool.demo.samples import targets_for
    from evaltool.template.writer import build_context

    ctx = build_context(FRAMEWORK, None, None, None, "zh", targets_for())
    return tuple((i.level2, i.level3, i.kind, i.method) for i in ctx.indicators)


def _indicators(rng: random.Random, i: int) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    fuzzy = i % FUZZY_EVERY == 1
    wrong = i % ERROR_EVERY == 2
    quant = 0
    for level2, level3, kind, method in _framework_indicators():
        key = f"{level2}/{level3}"
        if method == "M05":  # computed from 预算执行
            out[key] = {"备注": "由预算执行表自动计算"}
        elif kind == "定性":
            out[key] = {"实际完成值": rng.choice(TIERS), "备注": "据年度工作总结"}
        else:
            base = BASE_TARGETS[quant % len(BASE_TARGETS)]
            target = max(1, int(base * rng.uniform(0.8, 1.2)))
            actual: Any = int(target * rng.uniform(0.7, 1.35))
            reason = "" if actual >= target else "受客观因素影响，部分活动延期"
            if fuzzy and quant in (1, 6):
                actual = rng.choice(FUZZY).format(n=target)
            elif fuzzy and quant == 9:
                actual = rng.choice(CN_FUZZY)
            elif wrong and quant in (3, 12):
                actual = WRONG_ACTUALS[(i + quant) % len(WRONG_ACTUALS)]
            out[key] = {"年度目标值": target, "实际完成值": actual, "偏差原因": reason}
            quant += 1
    return out


def _projects(rng: random.Random, i: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for k in range(1, N_PROJECTS + 1):
        initial = rng.uniform(5e4, 3e6)
        adjusted = initial * rng.uniform(0.9, 1.1)
        spent = adjusted * rng.uniform(0.75, 1.0)
        if i % ERROR_EVERY == 2 and k == 7:
            spent = adjusted * 1.2  # spending above budget
        rows.append({"序号": k, "项目名称": f"{rng.choice(('妇女儿童', '家庭建设', '维权服务', '宣传培训'))}项目{k:02d}",
                     "项目类型": rng.choice(PROJECT_KINDS), "年初预算数": _fen(initial),
                     "全年预算数": _fen(adjusted), "全年执行数": _fen(spent), "是否评价": "是",
                     "自评得分": round(rng.uniform(75, 99), 1), "自评等级": rng.choice(("优", "良")),
                     "备注": ""})
    return rows


def filled_values(i: int) -> dict[str, Any]:
    """The ``values=`` mapping for return number ``i`` (deterministic in ``i``)."""
    rng = random.Random(i)
    fiscal = rng.uniform(8e6, 4e7)
    carry = rng.uniform(2e5, 2e6)
    other = rng.uniform(0, 5e5)
    total = fiscal + carry + other
    if i % ERROR_EVERY == 2:
        total += 1000.0  # parts do not add up to the total
    initial = _fen(total)
    adjusted = _fen(total * rng.uniform(0.95, 1.08))
    spent = _fen(float(adjusted) * rng.uniform(0.82, 0.99))
    projects = _projects(rng, i)
    return {
        "unit_name": f"基准测试单位{i:05d}",
        "unit_code": f"B{i:06d}",
        "eval_year": 2023,
        "preparer": "张三",
        "contact": "010-12345678",
        "self_grade": rng.choice(("优", "良", "优秀")),
        "budget_initial": initial,
        "budget_adjusted": adjusted,
        "final_expenditure": spent,
        "budget_lines": {
            "其中：财政拨款": {"年初预算数": _fen(fiscal)},
            "上年结转": {"年初预算数": _fen(carry)},
            "其他资金": {"年初预算数": _fen(other)},
        },
        "budget_adjustment": adjusted - initial,
        "carryover_total": _fen(float(adjusted - spent)),
        "three_public_current": _fen(rng.uniform(5e4, 3e5)),
        "three_public_prior": _fen(rng.uniform(5e4, 3e5)),
        "staff_actual": rng.randint(30, 80),
        "staff_authorized": 80,
        "key_project_spend": _fen(sum(float(p["全年执行数"]) for p in projects[:6])),
        "project_spend_total": _fen(sum(float(p["全年执行数"]) for p in projects)),
        "projects_evaluated_count": N_PROJECTS,
        "projects_evaluated_share": Decimal("1"),
        "projects_evaluated_amount": _fen(sum(float(p["全年执行数"]) for p in projects)),
        "indicators": _indicators(rng, i),
        "projects": projects,
    }


def write_one(i: int, path: str) -> str:
    """Write return ``i`` to ``path`` (the template writer, deterministic timestamp)."""
    from evaltool.demo.samples import targets_for
    from evaltool.template import write_template

    v = filled_values(i)
    approved = {key.split("/", 1)[1]: row["年度目标值"] for key, row in v["indicators"].items() if "年度目标值" in row}
    write_template(FRAMEWORK, path, unit_name=v["unit_name"], unit_code=v["unit_code"], year=2023,
                   values=v, created_at=CREATED_AT, targets=targets_for(overrides=approved))
    return path


def writer_version() -> str:
    """A hash of the template writer and framework sources: what the cached files depend on."""
    import evaltool.demo
    import evaltool.frameworks
    import evaltool.template

    h = hashlib.sha256()
    for pkg in (evaltool.template, evaltool.frameworks, evaltool.demo):  # demo: the targets file
        base = Path(str(pkg.__file__)).parent
        for f in sorted(base.rglob("*")):
            if f.suffix in (".py", ".yaml", ".csv") and f.is_file():
                h.update(f.relative_to(base).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def is_stale(n: int, root: Path | None = None) -> bool:
    """True when the cached set of N was written by another version of the template writer."""
    done = (root or cache_root()) / f"n{n}.done"
    return not done.is_file() or done.read_text(encoding="utf-8").split()[-1] != writer_version()


def ensure_corpus(n: int, *, root: Path | None = None, workers: int | None = None,
                  regenerate: bool = False) -> list[Path]:
    """The N cached returns, generating the set first when it is missing, incomplete or when
    ``regenerate`` is set (a set from an older template writer is reused: see :func:`is_stale`)."""
    folder = (root or cache_root()) / f"n{n}"
    done = folder.parent / f"n{n}.done"
    paths = [folder / f"r{i:05d}.xlsx" for i in range(n)]
    if (folder / "DONE").is_file() and all(p.is_file() for p in paths):  # older layout
        (folder / "DONE").rename(done)
    if not regenerate and done.is_file() and all(p.is_file() for p in paths):
        return paths
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    jobs = workers or os.cpu_count() or 1
    if jobs > 1 and n > 4:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(write_one, range(n), [str(p) for p in paths], chunksize=16))
    else:
        for i, p in enumerate(paths):
            write_one(i, str(p))
    done.write_text(f"{n} {writer_version()}\n", encoding="utf-8")
    return paths


#: how replicas are made (in the cache marker: a set made another way is made again)
REPLICA = "identity-patched"


def _replicate_one(src: str, dst: str, i: int) -> str:
    from evaltool import contract as C
    from evaltool.io import patch_cells

    name, code = f"单位{i:05d}", f"R{i:05d}"
    meta = {key: ("_meta", f"B{C.META_KEYS.index(key) + 1}") for key in ("unit_name", "unit_code")}
    # the issued identity too (as the bureau issues one template per unit): with the cover alone
    # every replica fails ID-1 (cover unit ≠ issued unit) and collect measures only refusals
    patch_cells(src, dst, {("封面", "B3"): name, ("封面", "B4"): code, meta["unit_name"]: name,
                           meta["unit_code"]: code})
    return dst


def ensure_replicated(n: int, base: int, *, root: Path | None = None, workers: int | None = None) -> list[Path]:
    """The N set built from the ``base`` set (generated first if needed): return ``i`` is return
    ``i % base`` with its own unit name and code patched in (``patch_cells``, ~30 ms instead of a
    ~90 ms template write) — N distinct returns, distinct content hashes, for memory runs at large
    N on a busy machine. Cached as ``n<N>-from<base>``."""
    src = ensure_corpus(base, root=root, workers=workers)
    folder = (root or cache_root()) / f"n{n}-from{base}"
    done = folder.parent / f"n{n}-from{base}.done"
    paths = [folder / f"r{i:05d}.xlsx" for i in range(n)]
    marker = f"{n} from {base} {writer_version()} {REPLICA}"
    if done.is_file() and done.read_text(encoding="utf-8") == marker and all(p.is_file() for p in paths):
        return paths
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    jobs = workers or os.cpu_count() or 1
    args = ([str(src[i % base]) for i in range(n)], [str(p) for p in paths], list(range(n)))
    if jobs > 1:
        with ProcessPoolExecutor(jobs) as pool:
            list(pool.map(_replicate_one, *args, chunksize=32))
    else:
        list(map(_replicate_one, *args))
    done.write_text(marker, encoding="utf-8")
    return paths
