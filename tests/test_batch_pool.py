"""The local process pool survives what can go wrong with a worker (fake tasks, no grading)."""

from __future__ import annotations

import os
import time

from autograder.batch.pool import LocalPool, Task
from batch_fixtures.tasks import behave


def run(tmp_path, names, timeout=30.0, workers=2, skip=None):
    pool = LocalPool("unused.yaml", str(tmp_path), workers, timeout, task_fn=behave)
    tasks = [Task(i, str(tmp_path / name)) for i, name in enumerate(names)]
    start = time.monotonic()
    outcomes = {o.task.id: o for o in pool.run(tasks, skip=skip)}
    return [outcomes[i] for i in range(len(names))], time.monotonic() - start, pool


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_dying_worker_costs_only_its_submission_and_is_retried_once(tmp_path):
    outcomes, _, pool = run(tmp_path, ["ok-1", "die-2", "ok-3", "flaky-4", "ok-5", "raise-6"])
    assert [o.status for o in outcomes] == ["graded", "worker_died", "graded", "graded",
                                            "graded", "error"]
    assert outcomes[1].attempts == 2 and "exit code 7" in outcomes[1].reason
    assert outcomes[3].attempts == 2  # died once, then graded on a fresh worker
    assert "RuntimeError: boom" in outcomes[5].reason
    time.sleep(0.5)
    assert not any(alive(pid) for pid in pool.worker_pids)  # no worker left behind


def test_hanging_submission_is_stopped_at_the_deadline(tmp_path):
    outcomes, seconds, _ = run(tmp_path, ["hang-1", "ok-2", "ok-3"], timeout=2.0)
    assert [o.status for o in outcomes] == ["timeout", "graded", "graded"]
    assert "did not finish within 2 s" in outcomes[0].reason
    assert seconds < 20


def test_skip_is_asked_before_dispatch(tmp_path):
    outcomes, _, _ = run(tmp_path, ["ok-1", "ok-2", "ok-3"], workers=1,
                         skip=lambda task: task.id == 1)
    assert [o.status for o in outcomes] == ["graded", "skipped", "graded"]
