"""`grade_batch`: every submission of an export, in parallel, recorded in the gradebook store.

Flow: read the export; compute the grader hash; register the submissions (content hashes) in
the store; skip those already graded by this hash (a resumed or repeated batch); grade the rest
on the local process pool (default) or Ray; apply the submission policy with each submission's
metadata; record each result as it arrives (one transaction each); decide and record the
late days of the counted submissions (every run, so a moved due date takes effect without a
regrade); then write the gradebook CSV and each student's results.json and feedback.txt from
the store, so a resumed batch writes complete outputs.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Assignment
from ..engine.results import SubmissionResult
from ..policy import apply_policy, reported_score
from .export import Entry, Source, content_hash, load_source
from .fingerprint import grader_hash, grader_version
from .late_days import apply_late
from .outputs import write_all, zero_result
from .pool import LocalPool, Outcome, Task
from .store import Gradebook, _alive


@dataclass
class BatchSummary:
    run_id: int
    grader_hash: str
    total: int
    graded: int = 0
    skipped: int = 0
    statuses: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    grading_seconds: list[float] = field(default_factory=list)
    """Per graded submission: the engine's own time (SubmissionResult.seconds)."""
    pool_seconds: list[float] = field(default_factory=list)
    """Per graded submission: wall time in the pool (engine + worker overhead)."""
    gradebook: Path | None = None
    warnings: list[str] = field(default_factory=list)
    source_kind: str = ""
    late: Any = None
    """late_days.LateRun: the late days this run decided (None without a late policy)."""


def default_timeout(assignment: Assignment) -> float:
    """The engine stops student code after `submission_seconds`; allow the harness its share."""
    return assignment.limits.submission_seconds * 1.5 + 60.0


def _metadata(entry: Entry, release: str | None, due: str | None) -> dict[str, Any] | None:
    if entry.created_at is None:
        return None
    return entry.metadata(release, due)


def grade_batch(assignment: Assignment, source: Path, store: Path | str, out: Path | None,
                *, workers: int | None = None, engine: str = "local",
                timeout: float | None = None, force: bool = False, retry_failed: bool = False,
                release: str | None = None, due: str | None = None,
                ray_address: str | None = None, gpu_fraction: float | None = None,
                on_start: Callable[[int, int], None] | None = None,
                on_outcome: Callable[[Outcome, Entry], None] | None = None,
                argv: list[str] | None = None, pool_factory: Callable | None = None,
                ) -> BatchSummary:
    """Grade every submission of `source` (export zip, export folder or plain folder).

    `on_start(todo, total)` and `on_outcome(outcome, entry)` drive a progress display.
    """
    started = time.monotonic()
    if assignment.source is None:
        raise ValueError("the assignment must be loaded from its YAML file")
    workers = workers or os.cpu_count() or 1
    timeout = timeout or default_timeout(assignment)
    ghash = grader_hash(assignment)
    with tempfile.TemporaryDirectory(prefix="ag-batch-") as tmp, Gradebook(store) as book:
        src: Source = load_source(Path(source), Path(tmp))
        book.mark_dead_runs()
        run_id = book.start_run(assignment.name, ghash, grader_version=grader_version(),
                                yaml_path=str(assignment.source), source=str(source),
                                engine=engine, workers=workers, argv=argv or sys.argv)
        summary = BatchSummary(run_id, ghash, len(src.entries), warnings=list(src.warnings),
                               source_kind=src.kind)
        status = "interrupted"
        try:
            hashes = [content_hash(e.path) for e in src.entries]
            ids = book.register(assignment.name, list(zip(src.entries, hashes, strict=True)))
            entries = dict(enumerate(src.entries))
            sub_ids = dict(enumerate(ids))

            def is_done(task: Task) -> bool:
                return not force and book.done(sub_ids[task.id], ghash, retry_failed)

            deferred: set[int] = set()
            ttl = timeout + 60.0

            def skip(task: Task) -> bool:
                """Asked just before dispatch: done meanwhile, or being graded by another run."""
                state = book.claim(sub_ids[task.id], ghash, run_id, ttl, retry_failed)
                if state == "taken":
                    deferred.add(task.id)
                return state != "mine"

            empty = Path(tmp) / "empty-submission"
            empty.mkdir()
            # A folder listed in the metadata but absent from the export grades as empty
            # ("Nothing gradable was found"), not as a grader error.
            tasks = [Task(i, str(e.path if e.path.exists() else empty))
                     for i, e in entries.items()]
            todo = [t for t in tasks if not is_done(t)]
            summary.skipped = len(tasks) - len(todo)
            book.update_run(run_id, planned=len(todo), skipped=summary.skipped)
            if on_start:
                on_start(len(todo), len(tasks))
            pool = (pool_factory or _make_pool)(
                assignment, workers=workers, timeout=timeout, engine=engine,
                ray_address=ray_address, gpu_fraction=gpu_fraction)
            batch_tasks, first = todo, True
            wait_until = time.monotonic() + ttl
            while batch_tasks:
                for outcome in pool.run(batch_tasks, skip=skip if first and not force else None):
                    entry = entries[outcome.task.id]
                    if outcome.status == "skipped":
                        if outcome.task.id not in deferred:
                            summary.skipped += 1
                            if on_outcome:
                                on_outcome(outcome, entry)
                        continue
                    _record(book, assignment, run_id, sub_ids[outcome.task.id], ghash,
                            outcome, entry, release, due)
                    summary.graded += 1
                    summary.statuses[outcome.status] += 1
                    summary.pool_seconds.append(outcome.seconds)
                    if outcome.result:
                        summary.grading_seconds.append(float(outcome.result.get("seconds", 0)))
                    if on_outcome:
                        on_outcome(outcome, entry)
                # Submissions another live run was grading: wait for its results; grade them
                # here if that run died or stalled (its claim then expires).
                batch_tasks, first = [], False
                while deferred and not batch_tasks:
                    for task_id in sorted(deferred):
                        task = tasks[task_id]
                        if book.done(sub_ids[task_id], ghash, retry_failed):
                            deferred.discard(task_id)
                            summary.skipped += 1
                            if on_outcome:
                                on_outcome(Outcome(task, "skipped", reason="graded by another "
                                                   "run"), entries[task_id])
                        elif not _claimed_elsewhere(book, sub_ids[task_id], ghash, run_id,
                                                    ttl, time.monotonic() > wait_until):
                            deferred.discard(task_id)
                            batch_tasks.append(task)
                    if deferred and not batch_tasks:
                        time.sleep(0.5)
            status = "finished"
        finally:
            book.finish_run(run_id, status)
        rows = list(book.latest(assignment.name, ghash, list(sub_ids.values())).values())
        export_dues = {e.extra.get("due_date") for e in src.entries} - {None}
        late = apply_late(book, assignment, run_id, rows, due,
                          next(iter(export_dues)) if len(export_dues) == 1 else None)
        if late is not None:
            summary.late = late
            summary.warnings.extend(late.warnings)
        if out is not None:
            summary.gradebook = write_all(assignment, rows, Path(out),
                                          late.decisions if late else None)
    summary.seconds = time.monotonic() - started
    return summary


def _make_pool(assignment: Assignment, *, workers: int, timeout: float, engine: str,
               ray_address: str | None, gpu_fraction: float | None):
    yaml_path, root = str(assignment.source), str(assignment.root)
    if engine == "local":
        return LocalPool(yaml_path, root, workers, timeout)
    if engine == "ray":
        from .ray_pool import RayPool

        return RayPool(yaml_path, root, workers, timeout, address=ray_address,
                       gpu_fraction=gpu_fraction,
                       wants_gpu=assignment.torch_device.value != "cpu")
    raise ValueError(f"unknown engine {engine!r} (local or ray)")


def _record(book: Gradebook, assignment: Assignment, run_id: int, submission_id: int,
            ghash: str, outcome: Outcome, entry: Entry, release: str | None,
            due: str | None) -> None:
    if outcome.status == "graded" and outcome.result is not None:
        result = SubmissionResult.from_dict(outcome.result)
        reason = ""
    else:
        reason = outcome.reason or outcome.status
        result = zero_result(assignment, reason, outcome.detail)
    result = apply_policy(result, assignment, _metadata(entry, release, due))
    book.record(run_id, submission_id, ghash, status=outcome.status, reason=reason,
                result=result, reported=reported_score(result))


def _claimed_elsewhere(book: Gradebook, submission_id: int, ghash: str, run_id: int,
                       ttl: float, give_up: bool) -> bool:
    """Whether another live run still holds the claim (False: this run may grade it)."""
    if give_up:
        return False
    row = book.db.execute("SELECT c.run_id, c.claimed_at, r.status, r.pid, r.host FROM claims c "
                          "JOIN runs r ON r.id = c.run_id WHERE c.submission_id = ? AND "
                          "c.grader_hash = ?", (submission_id, ghash)).fetchone()
    if row is None or row["run_id"] == run_id or row["status"] != "running":
        return False
    if row["host"] == socket.gethostname() and not _alive(row["pid"]):
        return False
    return time.time() - row["claimed_at"] < ttl
