"""Crash safety: SIGKILL a real batch process midway, run it again, it finishes only the rest."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder.batch.store import Gradebook
from batch_fixtures.common import REPO, RELEASE, assignment_yaml, cli
from batch_fixtures.synthetic import make_export

N = 16


def results_in(store: Path) -> int:
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(store, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM results").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def descendants(pid: int) -> list[int]:
    psutil = pytest.importorskip("psutil")
    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False


def test_kill_midway_then_resume_grades_only_the_rest(tmp_path):
    yaml_path = assignment_yaml(tmp_path / "backprop.yaml")
    export = make_export("backprop", tmp_path / "export.zip",
                         {"correct": 6, "buggy": 10}, seed=3).path
    store, out = tmp_path / "gradebook.sqlite", tmp_path / "out"
    args = ["grade", yaml_path, export, "--store", store, "--out", out, "--workers", "1",
            "--release", RELEASE, "--quiet"]
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "batch", *map(str, args)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while results_in(store) < 4 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        workers = descendants(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    done_before = results_in(store)
    assert 4 <= done_before < N, "the batch was not killed midway"
    assert workers, "the batch had no worker process"
    deadline = time.monotonic() + 15  # workers die with their parent (PR_SET_PDEATHSIG)
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "orphaned grading workers"

    second = cli(*args)
    assert f"{done_before} of {N} submissions already graded" in second.stderr
    assert f"graded {N - done_before} " in second.stdout and f"skipped {done_before} " in \
        second.stdout
    with Gradebook(store) as book:
        runs = book.runs("backprop")
        assert [r["status"] for r in runs] == ["interrupted", "finished"]
        per_submission = book.db.execute(
            "SELECT submission_id, COUNT(*) FROM results GROUP BY submission_id").fetchall()
        assert len(per_submission) == N and {c for _, c in per_submission} == {1}
        assert book.integrity() == "ok"
    with open(out / "gradebook.csv", newline="") as f:
        assert len(list(csv.DictReader(f))) == N
    assert len(list((out / "results").iterdir())) == N
    assert os.path.getsize(store) > 0
