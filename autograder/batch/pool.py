"""Grading many submissions at once: a supervised process pool (the default engine).

Each worker is a long-lived process (spawned, so nothing of the parent's threads or state is
inherited) that loads the assignment once and calls `engine.grade` for one submission at a
time; student code still runs in the engine's sandbox child, never in the worker. The parent
hands out one task per idle worker and watches every worker:

- a worker that dies (killed for memory, a crash in native code) costs only its submission:
  it is retried once on a fresh worker, then recorded as a 0 with the reason;
- a submission that outlives its deadline (the engine's own limits should stop it first) has
  its worker stopped: SIGTERM, which unwinds `grade` so the sandbox kills the student
  processes, then SIGKILL; the submission gets 0 with the reason and a fresh worker starts;
- workers die with the parent (PR_SET_PDEATHSIG), so killing a batch leaves no orphans.

This module imports only the standard library at import time (workers are spawned from it).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
TERM_GRACE_SECONDS = 10.0


@dataclass(frozen=True)
class Task:
    id: int
    submission: str
    """Path of the submission (folder or zip) as the worker sees it."""


@dataclass
class Outcome:
    task: Task
    status: str
    """'graded'; 'timeout', 'worker_died' or 'error' (no `result`); 'skipped' (done before)."""
    result: dict[str, Any] | None = None
    """SubmissionResult.to_dict() (from_dict gives the typed record back)."""
    reason: str = ""
    seconds: float = 0.0
    """Wall time the pool spent on this task (including the worker's overhead)."""
    attempts: int = 1
    worker: str = ""
    detail: str = ""
    """Staff-only detail (a traceback of a harness error)."""


# -- what a worker runs ------------------------------------------------------------------------
_ASSIGNMENTS: dict[tuple[str, str], Any] = {}


def prepare_worker() -> None:
    """One BLAS/torch thread per worker: the workers themselves use the cores."""
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")


def load_assignment_cached(yaml_path: str, root: str):
    key = (yaml_path, root)
    if key not in _ASSIGNMENTS:
        from ..config import load_assignment
        from ..engine import load_suite

        assignment = load_assignment(yaml_path, root)
        load_suite(assignment)  # import the suite now, not inside the first submission
        _ASSIGNMENTS[key] = assignment
    return _ASSIGNMENTS[key]


def grade_payload(yaml_path: str, root: str, submission: str) -> dict[str, Any]:
    """Grade one submission: {'ok': True, 'result': dict} or {'ok': False, 'reason': str}."""
    from ..engine import grade

    try:
        assignment = load_assignment_cached(yaml_path, root)
        result = grade(assignment, __import__("pathlib").Path(submission))
    except Exception as exc:  # a harness error (unreadable upload, bug): never stop the batch
        tb = traceback.format_exc(limit=8)
        return {"ok": False, "reason": f"the grader failed on this submission "
                f"({type(exc).__name__}: {exc})", "traceback": tb}
    return {"ok": True, "result": result.to_dict()}


def _die_with_parent() -> None:
    """Ask Linux to SIGTERM this process when its parent dies (no-op elsewhere)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _terminate(signum, frame):  # noqa: ARG001 - signal handler signature
    raise SystemExit(128 + signum)


def worker_main(conn, yaml_path: str, root: str, task_fn: Callable | None = None) -> None:
    """Serve (task_id, submission) requests until told to stop or the parent goes away."""
    _die_with_parent()
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    prepare_worker()
    parent = os.getppid()
    if parent == 1:  # the parent died before prctl took effect
        return
    fn = task_fn or grade_payload
    if task_fn is None:
        try:
            load_assignment_cached(yaml_path, root)
        except Exception:  # reported per task below
            pass
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task_id, submission = message
        try:
            payload = fn(yaml_path, root, submission)
        except Exception as exc:
            payload = {"ok": False, "reason": f"{type(exc).__name__}: {exc}"}
        try:
            conn.send((task_id, payload))
        except (BrokenPipeError, OSError):
            return


# -- the supervisor ----------------------------------------------------------------------------
@dataclass
class _Worker:
    name: str
    proc: Any
    conn: Any
    task: Task | None = None
    started: float = 0.0
    deadline: float = float("inf")


class LocalPool:
    """`run(tasks)` yields an Outcome per task, in completion order."""

    engine = "local"

    def __init__(self, yaml_path: str, root: str, workers: int, timeout: float,
                 retries: int = 1, task_fn: Callable | None = None) -> None:
        self.yaml_path = yaml_path
        self.root = root
        self.workers = max(1, int(workers))
        self.timeout = timeout
        self.retries = retries
        self.task_fn = task_fn
        self.ctx = mp.get_context("spawn")
        self._pool: list[_Worker] = []
        self._count = 0
        self.worker_pids: list[int] = []

    def _spawn(self) -> _Worker:
        self._count += 1
        parent_conn, child_conn = self.ctx.Pipe()
        proc = self.ctx.Process(target=worker_main, name=f"ag-batch-{self._count}",
                                args=(child_conn, self.yaml_path, self.root, self.task_fn),
                                daemon=True)
        proc.start()
        child_conn.close()
        self.worker_pids.append(proc.pid)
        return _Worker(proc.name, proc, parent_conn)

    def _stop(self, worker: _Worker, grace: float = TERM_GRACE_SECONDS) -> None:
        """SIGTERM (the worker unwinds and its sandbox kills the student), then SIGKILL."""
        proc = worker.proc
        if proc.is_alive():
            proc.terminate()
            proc.join(grace)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
        worker.conn.close()

    def close(self) -> None:
        for worker in self._pool:
            if worker.proc.is_alive() and worker.task is None:
                try:
                    worker.conn.send(None)
                except (BrokenPipeError, OSError):
                    pass
        deadline = time.monotonic() + 5
        for worker in self._pool:
            worker.proc.join(max(0.1, deadline - time.monotonic()))
            self._stop(worker, grace=2.0)
        self._pool = []

    def run(self, tasks: Iterable[Task],
            skip: Callable[[Task], bool] | None = None) -> Iterator[Outcome]:
        """Grade every task; `skip(task)`, asked just before dispatch, yields 'skipped'."""
        pending = deque(tasks)
        attempts: dict[int, int] = {}
        if not pending:
            return
        self._pool = [self._spawn() for _ in range(min(self.workers, len(pending)))]
        try:
            while pending or any(w.task for w in self._pool):
                for i, worker in enumerate(self._pool):
                    while worker.task is None and pending:
                        task = pending.popleft()
                        if skip is not None and attempts.get(task.id, 0) == 0 and skip(task):
                            yield Outcome(task, "skipped", reason="already graded")
                            continue
                        if not worker.proc.is_alive():
                            self._stop(worker, grace=0)
                            worker = self._pool[i] = self._spawn()
                        attempts[task.id] = attempts.get(task.id, 0) + 1
                        worker.task, worker.started = task, time.monotonic()
                        worker.deadline = worker.started + self.timeout
                        try:
                            worker.conn.send((task.id, task.submission))
                        except (BrokenPipeError, OSError):
                            pass  # noticed below as a dead worker
                busy = [w for w in self._pool if w.task is not None]
                if not busy:
                    continue
                wait_for = min(w.deadline for w in busy) - time.monotonic()
                ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy],
                             timeout=max(0.0, min(wait_for, 5.0)))
                now = time.monotonic()
                for i, worker in enumerate(self._pool):
                    task = worker.task
                    if task is None:
                        continue
                    elapsed = now - worker.started
                    payload = None
                    if worker.conn in ready or worker.conn.poll():
                        try:
                            task_id, payload = worker.conn.recv()
                        except (EOFError, OSError):
                            payload = None
                        if payload is not None and task_id != task.id:
                            payload = None
                    if payload is not None:
                        worker.task = None
                        yield _outcome(task, payload, elapsed, attempts[task.id], worker.name)
                    elif worker.proc.sentinel in ready or not worker.proc.is_alive():
                        worker.proc.join(2)  # reap it, so that its exit code is known
                        code = worker.proc.exitcode
                        worker.task = None
                        self._stop(worker, grace=0)
                        self._pool[i] = self._spawn()
                        if attempts[task.id] <= self.retries:
                            pending.appendleft(task)
                            continue
                        yield Outcome(task, "worker_died", reason=(
                            f"the grading worker died while grading this submission (exit "
                            f"code {code}, {attempts[task.id]} attempts)"), seconds=elapsed,
                            attempts=attempts[task.id], worker=worker.name)
                    elif now >= worker.deadline:
                        worker.task = None
                        self._stop(worker)
                        self._pool[i] = self._spawn()
                        yield Outcome(task, "timeout", reason=(
                            f"grading did not finish within {self.timeout:g} s and was "
                            "stopped"), seconds=elapsed, attempts=attempts[task.id],
                            worker=worker.name)
        finally:
            self.close()


def _outcome(task: Task, payload: dict[str, Any], seconds: float, attempts: int,
             worker: str) -> Outcome:
    if payload.get("ok"):
        return Outcome(task, "graded", payload["result"], seconds=seconds, attempts=attempts,
                       worker=worker)
    reason = str(payload.get("reason") or "the grader failed on this submission")
    return Outcome(task, "error", reason=reason, seconds=seconds, attempts=attempts,
                   worker=worker, detail=str(payload.get("traceback") or ""))
