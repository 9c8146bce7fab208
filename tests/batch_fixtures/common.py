"""Helpers shared by tests/test_batch_*.py: fast assignment YAML copies, shared graded exports."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
RELEASE = "2026-01-05T09:00:00-08:00"
WEEKS = {"windows": [{"start_days": 0, "end_days": 7, "label": "week 1"},
                     {"start_days": 7, "end_days": 14, "max_visible": 15, "label": "week 2"}]}


def assignment_yaml(dest: Path, name: str = "backprop", *, points: dict[str, float] | None = None,
                    limits: dict | None = None, policy: dict | None = None) -> Path:
    """A modified copy of assignments/<name>/assignment.yaml (graded with the repo's suite).

    Test limits are short so that hanging submissions cost seconds, not minutes.
    """
    data = yaml.safe_load((REPO / "assignments" / name / "assignment.yaml").read_text())
    data["limits"].update({"call_seconds": 3, "submission_seconds": 8} if limits is None
                          else limits)
    data["policy"] = WEEKS if policy is None else policy
    for key, value in (points or {}).items():
        comp_id, check_id = key.split(".")
        comp = next(c for c in data["components"] if c["id"] == comp_id)
        comp["checks"][check_id]["points"] = value
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(yaml.safe_dump(data, sort_keys=False))
    return dest


@contextmanager
def locked(path: Path):
    """An exclusive lock shared by pytest-xdist workers (so one builds, the other reuses)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def shared_root(tmp_path_factory, worker_id: str) -> Path:
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


def built_once(tmp_path_factory, worker_id: str, name: str,
               build: Callable[[Path], dict]) -> tuple[Path, dict]:
    """(folder, build(folder)) for the whole test session: the first xdist worker builds under
    a lock and saves the result as JSON; the others (and later fixtures) read it back."""
    folder = shared_root(tmp_path_factory, worker_id) / name
    with locked(folder.with_suffix(".lock")):
        info = folder / "info.json"
        if not info.is_file():
            save_json(info, build(folder))
    return folder, load_json(info)


def cli(*args, check: bool = True, timeout: float = 300, **kwargs) -> subprocess.CompletedProcess:
    """`python -m autograder batch ARGS` in a subprocess (as a TA runs it)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.run([sys.executable, "-m", "autograder", "batch", *map(str, args)],
                          cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env,
                          **kwargs)
    if check and proc.returncode != 0:
        raise AssertionError(f"batch {args} exited {proc.returncode}:\n{proc.stdout[-3000:]}\n"
                             f"{proc.stderr[-3000:]}")
    return proc


def save_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=1, default=str))


def load_json(path: Path):
    return json.loads(path.read_text())
