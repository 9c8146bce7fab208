"""The same batch on Ray (`--engine ray`): one task per submission, on a local or remote cluster.

Why Ray rather than Dask distributed: GPU shares are a first-class task resource in Ray
(`num_gpus=0.25` packs four torch-oracle checks on one GPU with no extra scheduler
configuration); tasks run in reused worker processes, so the per-submission overhead stays at
the local pool's; a worker process that dies is retried by Ray itself (`max_retries`); and a
hung task can be cancelled (KeyboardInterrupt first, so the engine's sandbox cleans up, then
force-killed). The local process pool stays the default: on one machine it starts in a
fraction of a second instead of Ray's ~5 s cluster start.

Without `address`, a local cluster is started (and stopped) here; with `address` (or the
RAY_ADDRESS environment variable) the tasks go to that cluster, whose nodes must have this
package installed and see the submission paths (a shared file system).
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .pool import Outcome, Task, _outcome, grade_payload, prepare_worker

CANCEL_GRACE_SECONDS = 10.0


def _ray_task(yaml_path: str, root: str, submission: str, task_fn: Callable | None = None):
    prepare_worker()
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        pass
    return (task_fn or grade_payload)(yaml_path, root, submission)


class RayPool:
    """`run(tasks)` yields an Outcome per task, like LocalPool."""

    engine = "ray"

    def __init__(self, yaml_path: str, root: str, workers: int | None, timeout: float,
                 address: str | None = None, gpu_fraction: float | None = None,
                 wants_gpu: bool = True, retries: int = 1,
                 task_fn: Callable | None = None) -> None:
        self.yaml_path = yaml_path
        self.root = root
        self.workers = workers
        self.timeout = timeout
        self.address = address or os.environ.get("RAY_ADDRESS") or None
        self.gpu_fraction = gpu_fraction
        self.wants_gpu = wants_gpu
        self.retries = retries
        self.task_fn = task_fn
        self.num_gpus = 0.0
        self.capacity = 1

    def _start(self):
        import ray

        started = False
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "logging_level": "ERROR"}
            if self.address:
                kwargs["address"] = self.address
            elif self.workers:
                kwargs["num_cpus"] = self.workers
            ray.init(**kwargs)
            started = True
        resources = ray.cluster_resources()
        cpus = int(resources.get("CPU", 1)) or 1
        self.capacity = min(self.workers or cpus, cpus)
        gpus = float(resources.get("GPU", 0))
        if gpus > 0 and self.wants_gpu:
            self.num_gpus = self.gpu_fraction or min(1.0, max(0.1, gpus / self.capacity))
        return ray, started

    def run(self, tasks: Iterable[Task],
            skip: Callable[[Task], bool] | None = None) -> Iterator[Outcome]:
        pending = deque(tasks)
        if not pending:
            return
        ray, started = self._start()
        remote = ray.remote(_ray_task).options(
            num_cpus=1, num_gpus=self.num_gpus, max_retries=self.retries,
            retry_exceptions=False, name="ag-batch-grade")
        in_flight: dict[Any, tuple[Task, float]] = {}
        cancelled: dict[Any, float] = {}
        try:
            while pending or in_flight:
                while pending and len(in_flight) < self.capacity:
                    task = pending.popleft()
                    if skip is not None and skip(task):
                        yield Outcome(task, "skipped", reason="already graded")
                        continue
                    ref = remote.remote(self.yaml_path, self.root, task.submission,
                                        self.task_fn)
                    in_flight[ref] = (task, time.monotonic())
                if not in_flight:
                    continue
                nearest = min(t0 for _, t0 in in_flight.values()) + self.timeout
                ready, _ = ray.wait(list(in_flight), num_returns=1,
                                    timeout=max(0.05, min(5.0, nearest - time.monotonic())))
                now = time.monotonic()
                for ref in ready:
                    task, t0 = in_flight.pop(ref)
                    was_cancelled = cancelled.pop(ref, None) is not None
                    try:
                        payload = ray.get(ref)
                    except Exception as exc:  # noqa: BLE001 - classified below
                        yield self._failure(task, exc, now - t0, was_cancelled)
                        continue
                    yield _outcome(task, payload, now - t0, 1, "ray")
                for ref, (task, t0) in list(in_flight.items()):
                    if now - t0 < self.timeout:
                        continue
                    if ref not in cancelled:
                        ray.cancel(ref, force=False)  # KeyboardInterrupt: the sandbox cleans up
                        cancelled[ref] = now
                    elif now - cancelled[ref] > CANCEL_GRACE_SECONDS:
                        ray.cancel(ref, force=True)
                        in_flight.pop(ref)
                        cancelled.pop(ref)
                        yield Outcome(task, "timeout", reason=(
                            f"grading did not finish within {self.timeout:g} s and was "
                            "stopped"), seconds=now - t0, worker="ray")
        finally:
            for ref in in_flight:
                try:
                    ray.cancel(ref, force=True)
                except Exception:  # noqa: BLE001 - best effort on the way out
                    pass
            if started:
                ray.shutdown()

    def _failure(self, task: Task, exc: Exception, seconds: float,
                 was_cancelled: bool) -> Outcome:
        import ray

        if was_cancelled or isinstance(exc, ray.exceptions.TaskCancelledError):
            return Outcome(task, "timeout", reason=(
                f"grading did not finish within {self.timeout:g} s and was stopped"),
                seconds=seconds, worker="ray")
        if isinstance(exc, (ray.exceptions.WorkerCrashedError,
                            getattr(ray.exceptions, "NodeDiedError", ()),
                            getattr(ray.exceptions, "OutOfMemoryError", ()))):
            return Outcome(task, "worker_died", reason=(
                f"the Ray worker died while grading this submission ({type(exc).__name__}, "
                f"{self.retries + 1} attempts)"), seconds=seconds, worker="ray")
        return Outcome(task, "error", reason=f"the grader failed on this submission "
                       f"({type(exc).__name__})", seconds=seconds, worker="ray",
                       detail=str(exc)[-4000:])
