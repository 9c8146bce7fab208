"""Timing shared by the benchmark scripts (imported from beside them; not a benchmark itself)."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(fn: Callable[[], object], repeats: int,
            sync: Callable[[], None] | None = None) -> tuple[float, float, object]:
    """(best wall seconds, CPU seconds of that run, result) over `repeats` calls of fn.

    `sync` (e.g. torch.cuda.synchronize) runs before the clock starts and before it stops, so
    asynchronous GPU work is counted in the call that queued it.
    """
    best: tuple[float, float, object] = (float("inf"), 0.0, None)
    for _ in range(repeats):
        if sync:
            sync()
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        if sync:
            sync()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall < best[0]:
            best = (wall, cpu, result)
    return best
