"""Run one function over a stream of tasks: serially, in worker processes, or on a Dask cluster.

Why: ``evaltool collect`` must scale from a laptop to a cluster without changing results, and
memory must stay flat however large the inbox: tasks are pulled from the iterator only while
fewer than ``max_in_flight`` are running (imap-style), and results are yielded as they
complete (callers sort them; order is not a result). A task that blows up in a way the task
function itself could not catch (a worker process killed, a pickling error, a lost Dask
worker) becomes ``on_error(task, exc)`` — a per-task failure, never a dead batch. When a
process pool breaks, the tasks that were in flight are retried one at a time in a fresh pool
so that only the culprit fails.

Example::

    for result in stream_map(process_one, tasks, workers=4, on_error=as_failure):
        ...
    stream_map(process_one, tasks, scheduler="tcp://10.0.0.5:8786", on_error=as_failure)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

__all__ = ["stream_map", "default_workers"]

T = TypeVar("T")
R = TypeVar("R")


def default_workers() -> int:
    """Usable CPU cores (affinity-aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def stream_map(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    on_error: Callable[[T, BaseException], R],
    workers: int = 1,
    scheduler: str | None = None,
    max_in_flight: int | None = None,
) -> Iterator[R]:
    """``fn(task)`` for every task, yielded in completion order.

    ``workers <= 1`` and no ``scheduler``: in this process. ``scheduler``
    (``tcp://host:port``): a ``distributed.Client`` on that cluster. Otherwise a
    ``ProcessPoolExecutor`` of ``workers`` processes. At most ``max_in_flight`` tasks
    (default ``2 × workers``) are pending at any time.
    """
    if scheduler:
        yield from _dask(fn, tasks, on_error, scheduler, max_in_flight or 2 * max(workers, 2))
    elif workers <= 1:
        for task in tasks:
            try:
                yield fn(task)
            except Exception as exc:
                yield on_error(task, exc)
    else:
        yield from _pool(fn, tasks, on_error, workers, max_in_flight or 2 * workers)


def _pool(fn: Callable[[T], R], tasks: Iterable[T], on_error: Callable[[T, BaseException], R],
          workers: int, limit: int) -> Iterator[R]:
    it = iter(tasks)
    pending: dict[Future[R], T] = {}
    retry: list[T] = []
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        exhausted = False
        while True:
            while not exhausted and len(pending) < limit:
                task = next(it, _END)
                if task is _END:
                    exhausted = True
                    break
                pending[pool.submit(fn, task)] = task  # type: ignore[arg-type]
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                task = pending.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    retry.append(task)
                except Exception as exc:
                    yield on_error(task, exc)
            if broken:
                retry.extend(pending.values())
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                yield from _isolated(fn, retry, on_error)
                retry.clear()
                pool = ProcessPoolExecutor(max_workers=workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _isolated(fn: Callable[[T], R], tasks: list[T], on_error: Callable[[T, BaseException], R]) -> Iterator[R]:
    """Retry each task alone in a fresh one-process pool: only the task that kills it fails."""
    for task in tasks:
        with ProcessPoolExecutor(max_workers=1) as pool:
            try:
                yield pool.submit(fn, task).result()
            except Exception as exc:
                yield on_error(task, exc)


class _End:
    pass


_END: Any = _End()


def _dask(fn: Callable[[T], R], tasks: Iterable[T], on_error: Callable[[T, BaseException], R],
          address: str, limit: int) -> Iterator[R]:
    from distributed import Client, as_completed

    with Client(address, set_as_default=False) as client:
        it = iter(tasks)
        pending: dict[str, T] = {}

        def submit(n: int) -> list[Any]:
            futures = []
            while len(pending) < n:
                task = next(it, _END)
                if task is _END:
                    break
                fut = client.submit(fn, task, pure=False)
                pending[fut.key] = task
                futures.append(fut)
            return futures

        first = submit(limit)
        if not first:
            return
        ac = as_completed(first, loop=client.loop)  # this client, not a global default
        for fut in ac:
            task = pending.pop(fut.key)
            try:
                yield fut.result()
            except Exception as exc:
                yield on_error(task, exc)
            finally:
                fut.release()
            for new in submit(limit):
                ac.add(new)
