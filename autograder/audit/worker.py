"""One audit task, run in a worker process: grade a folder with the real grader, recording.

A task grades one submission folder (a mutant, a hand-written bug, or the reference) with
`engine.grade` in its normal sandboxed mode. The only difference from a plain `grade` call is
the suite it is given: a module built here whose checks are the assignment's own check
functions, optionally restricted to some checks, each wrapped to

- record every probe call's raw result (what the student's code returned, as the trusted side
  decoded it): the audit compares these with the reference's to find equivalent mutants;
- list the reach markers the instrumented reference wrote in its sandbox folder after each
  check (which checks execute which mutation site).

Tasks are plain dicts in and out (JSON-able, except recordings: numpy values), so the same
function serves the batch pool's `task_fn` hook (the audit's only pool) and in-process runs.
"""

from __future__ import annotations

import functools
import itertools
import os
import sys
import tempfile
import time
import types
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .mutate import REACH_PREFIX

_ASSIGNMENTS: dict[tuple[str, str], Any] = {}
_COUNTER = itertools.count()


def _terminate(signum, frame):  # noqa: ARG001 - signal handler signature
    raise SystemExit(128 + signum)  # unwinds grade(), whose sandbox kills the student process


def _die_with_parent() -> None:
    """SIGTERM this worker when the audit that started it dies (Linux; no-op elsewhere)."""
    import signal

    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    signal.signal(signal.SIGTERM, _terminate)


def init_worker(paths: list[str] | None = None, pool: bool = False) -> None:
    """One BLAS thread per worker; make fixture suites importable; in a pool process, die
    with the parent."""
    if pool:
        _die_with_parent()
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    for path in paths or []:
        if path not in sys.path:
            sys.path.append(path)


def load(yaml_path: str, root: str):
    key = (yaml_path, root)
    if key not in _ASSIGNMENTS:
        from ..config import load_assignment

        init_worker([str(Path(yaml_path).parent)])
        _ASSIGNMENTS[key] = load_assignment(yaml_path, root)
    return _ASSIGNMENTS[key]


class _Recorder:
    """Stands in for the Sandbox inside one check: forwards calls, keeps their results."""

    def __init__(self, sandbox: Any, calls: list) -> None:
        self._sandbox = sandbox
        self.log: list | None = None
        self.key = ""
        self.calls = calls

    def call(self, probe: str, timeout: float | None = None, **kwargs: Any) -> Any:
        from ..sandbox import StudentFault

        if self.log is not None:
            self.calls.append((self.key, len(self.log), probe, timeout, kwargs))
        try:
            value = self._sandbox.call(probe, timeout=timeout, **kwargs)
        except StudentFault as fault:
            if self.log is not None:
                self.log.append((probe, ("__fault__", fault.kind, fault.info.get("type"))))
            raise
        if self.log is not None:
            self.log.append((probe, value))
        return value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sandbox, name)


def _reach_files(sandbox: Any) -> set[str]:
    work = getattr(sandbox, "work", None)
    found = set()
    if work is None:
        return found
    try:
        for entry in os.scandir(work):
            if entry.name.startswith(REACH_PREFIX):
                found.add(entry.name[len(REACH_PREFIX):])
                try:
                    os.unlink(entry.path)
                except OSError:
                    pass
    except OSError:
        pass
    return found


SKIPPED = "not run: the audit's verdict was decided by an earlier check"
"""The message of a check that fail-fast grading did not run (never shown to students)."""


def grade_recorded(assignment, folder: Path, *, checks: list[str] | None = None,
                   reach: bool = False, first: list[str] | None = None,
                   fail_fast: bool = False):
    """(SubmissionResult, {check: [(probe, value)]}, {marker: [checks]}, calls) for one folder;
    calls: [(check, index, probe, timeout, kwargs)], every call into student code.

    `first`: components graded before the others (in this order); `fail_fast`: once a check
    fails, the remaining checks are not run (they fail with SKIPPED, in no time)."""
    from ..engine import CheckFailed, grade, load_suite
    from ..engine.suite import Suite
    from ..sandbox import Sandbox

    suite = load_suite(assignment)
    keys = list(assignment.check_keys()) if checks is None else \
        [k for k in assignment.check_keys() if k in set(checks)]
    logs: dict[str, list] = {}
    reached: dict[str, list[str]] = {}
    recorders: dict[int, _Recorder] = {}
    calls: list = []

    decided = []

    def wrap(key: str, fn):
        @functools.wraps(fn)  # keeps __module__: which checks are public (Suite.public_keys)
        def run(trial):
            if decided:
                raise CheckFailed(SKIPPED)
            real = trial.sandbox
            recorder = recorders.setdefault(id(real), _Recorder(real, calls))
            recorder.log = logs.setdefault(key, [])
            recorder.key = key
            trial.sandbox = recorder
            try:
                return fn(trial)
            except BaseException:
                if fail_fast:
                    decided.append(key)
                raise
            finally:
                trial.sandbox = real
                recorder.log = None
                if reach:
                    for marker in _reach_files(real):
                        reached.setdefault(marker, []).append(key)
        return run

    name = f"_ag_audit_suite_{os.getpid()}_{next(_COUNTER)}"
    module = types.ModuleType(name)
    module.SUITE = Suite(probes=suite.probes, checks={k: wrap(k, suite.checks[k]) for k in keys})
    wanted = set(keys)
    components = []
    rank = {cid: i for i, cid in enumerate(first or [])}
    ordered = sorted(assignment.components, key=lambda c: rank.get(c.id, len(rank)))
    for comp in ordered:
        kept = tuple(c for c in comp.checks if f"{comp.id}.{c.id}" in wanted)
        if kept:
            components.append(replace(comp, checks=kept))
    sub = replace(assignment, suite=name, components=tuple(components))
    sys.modules[name] = module
    private, Sandbox.private_work = Sandbox.private_work, False  # reach markers: files the
    try:                                                          # audit reads in the folder
        result = grade(sub, folder)
    finally:
        Sandbox.private_work = private
        sys.modules.pop(name, None)
    return result, logs, reached, calls


def write_folder(dest: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return dest


def summarize(result) -> dict[str, Any]:
    """Scores and failures; checks fail-fast grading skipped count as passed (`skipped` lists
    them), so that `score` is a lower bound of the points a mutant loses."""
    skipped = [chk.key for c in result.components for chk in c.checks if chk.message == SKIPPED]
    back = {c.id: sum(chk.max_points for chk in c.checks if chk.message == SKIPPED)
            for c in result.components}
    comps = {c.id: [c.score + back[c.id], c.max_score] for c in result.components}
    failed = [[chk.key, chk.message[:400]] for c in result.components for chk in c.checks
              if chk.points < chk.max_points and chk.message != SKIPPED]
    harness = [n.splitlines()[0] for n in result.staff_notes if n.startswith("harness error")]
    score = result.score + sum(back.values())
    return {"score": score, "max_score": result.max_score, "components": comps,
            "skipped": skipped,
            "failed": failed, "messages": list(result.messages)[:5], "harness_errors": harness,
            "grade_seconds": result.seconds}


def run_task(task: dict[str, Any]) -> dict[str, Any]:
    """Grade one folder described by `task`; never raises (errors come back as 'error')."""
    started = time.monotonic()
    try:
        assignment = load(task["yaml"], task["root"])
        with tempfile.TemporaryDirectory(prefix="ag-audit-") as tmp:
            folder = write_folder(Path(tmp) / "sub", task["files"])
            result, logs, reached, calls = grade_recorded(
                assignment, folder, checks=task.get("checks"), reach=task.get("reach", False),
                first=task.get("first"), fail_fast=task.get("fail_fast", False))
        out = summarize(result)
        passed = out["score"] >= out["max_score"]
        if task.get("record") == "always" or (task.get("record") and passed):
            out["recording"] = logs
            out["calls"] = [c for c in calls if _has_floats(c[4])]
        out["reached"] = reached
        out["ok"] = True
    except Exception as exc:  # a harness failure: reported, never fatal for the audit
        import traceback

        out = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
               "traceback": traceback.format_exc(limit=6)}
    out["id"] = task["id"]
    out["seconds"] = round(time.monotonic() - started, 3)
    return out


# -- random probes ------------------------------------------------------------------------------
VARIANTS = ("jitter", "fresh", "large", "offset")


def _has_floats(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return value.dtype.kind == "f" and value.size > 0
    if isinstance(value, (list, tuple)):
        return any(_has_floats(v) for v in value)
    if isinstance(value, dict):
        return any(_has_floats(v) for v in value.values())
    return False


def perturb(value: Any, rng: np.random.Generator, variant: str) -> Any:
    """New random float arrays of the same shapes (ints, bools, scalars and strings kept):
    'jitter' scales each entry by U(0.5, 1.5) (two equal arguments stop being equal), 'fresh'
    draws N(0, 1), 'large' 1000 N(0, 1) (wide ranges: overflow), 'offset' 1000 + N(0, 1)
    (logits around 1000: the max shift)."""
    if isinstance(value, np.ndarray):
        if value.dtype.kind != "f" or value.size == 0:
            return value
        if variant == "jitter":
            return value * rng.uniform(0.5, 1.5, value.shape)
        fresh = rng.normal(size=value.shape)
        if variant == "large":
            fresh = fresh * 1000.0
        elif variant == "offset":
            fresh = fresh + 1000.0
        return fresh.astype(value.dtype)
    if isinstance(value, list):
        return [perturb(v, rng, variant) for v in value]
    if isinstance(value, tuple):
        return tuple(perturb(v, rng, variant) for v in value)
    if isinstance(value, dict):
        return {k: perturb(v, rng, variant) for k, v in value.items()}
    return value


def _replay(assignment, folder: Path, requests: list) -> list:
    from ..engine import load_suite
    from ..engine.grade import sandbox_settings
    from ..sandbox import Sandbox, StudentFault, probe_capabilities

    settings = sandbox_settings(assignment, load_suite(assignment), folder)
    results = []
    with Sandbox(settings, probe_capabilities()) as sandbox:
        for probe, timeout, kwargs in requests:
            try:
                results.append(sandbox.call(probe, timeout=timeout, **kwargs))
            except StudentFault as fault:
                results.append(("__fault__", fault.kind, fault.info.get("type")))
    return results


def run_probes(task: dict[str, Any]) -> dict[str, Any]:
    """Random probes of an equivalence candidate: the grader's own probe calls (recorded while
    grading the mutant) replayed with perturbed float inputs, in a sandbox with the reference
    and in one with the mutant. Same results every time: equivalent."""
    started = time.monotonic()
    out: dict[str, Any] = {"id": task["id"], "ok": True}
    try:
        assignment = load(task["yaml"], task["root"])
        skip = {tuple(e) for e in task.get("unstable", [])}
        calls = [c for c in task["calls"] if (c[0], c[1]) not in skip][: task.get("max_calls",
                                                                                   200)]
        requests, labels = [], []
        for v, variant in enumerate(task.get("variants", VARIANTS)):
            for i, (key, index, probe, timeout, kwargs) in enumerate(calls):
                rng = np.random.default_rng([task.get("seed", 0), v, i])
                requests.append((probe, timeout, perturb(kwargs, rng, variant)))
                labels.append(f"{key}: probe '{probe}' (call {index + 1}) with {variant} "
                              "random inputs")
        with tempfile.TemporaryDirectory(prefix="ag-audit-probe-") as tmp:
            ref = _replay(assignment, write_folder(Path(tmp) / "ref", task["reference_files"]),
                          requests)
            mut = _replay(assignment, write_folder(Path(tmp) / "mut", task["files"]), requests)
        out["probes"] = len(requests)
        out["difference"] = next((label for label, a, b in zip(labels, ref, mut)
                                  if not same_value(a, b)), "")
    except Exception as exc:
        import traceback

        out = {"id": task["id"], "ok": False, "error": f"{type(exc).__name__}: {exc}",
               "traceback": traceback.format_exc(limit=6)}
    out["seconds"] = round(time.monotonic() - started, 3)
    return out


def dispatch(task: dict[str, Any]) -> dict[str, Any]:
    """The one entry point workers run: grading tasks and random-probe tasks."""
    return run_probes(task) if task.get("kind") == "probe" else run_task(task)


def batch_task_fn(yaml_path: str, root: str, submission: str) -> dict[str, Any]:
    """Adapter for `autograder.batch.pool.LocalPool(task_fn=...)`: the submission string is
    the path of a pickled task."""
    import pickle

    with open(submission, "rb") as f:
        task = pickle.load(f)
    return {"ok": True, "result": dispatch(task)}


# -- comparing recordings ------------------------------------------------------------------------
RTOL, ATOL = 1e-9, 1e-12


def same_value(a: Any, b: Any) -> bool:
    """Equal up to float rounding (rtol 1e-9): how 'identical outputs' is judged."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)):
            return False
        if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
            return False
        if a.dtype.kind in "fc":
            return bool(np.allclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))
        return bool(np.array_equal(a, b))
    if isinstance(a, float) or isinstance(b, float):
        if not isinstance(a, (int, float)) or not isinstance(b, (int, float)) or \
                isinstance(a, bool) or isinstance(b, bool):
            return False
        return bool(np.isclose(a, b, rtol=RTOL, atol=ATOL, equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same_value(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_value(a[k], b[k]) for k in a)
    if type(a).__name__ == "Opaque" and type(b).__name__ == "Opaque":
        return a.type_name == b.type_name
    return type(a) is type(b) and a == b


def _shape_of(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return ("nd", value.shape, value.dtype.kind)
    if isinstance(value, (list, tuple)):
        return [_shape_of(v) for v in value]
    if isinstance(value, dict):
        return {k: _shape_of(v) for k, v in value.items()}
    return type(value).__name__


def unstable_entries(first: dict[str, list], second: dict[str, list]) -> set[tuple[str, int]]:
    """(check, call index) whose result differs between two runs of the same reference."""
    out = set()
    for key in set(first) | set(second):
        a, b = first.get(key, []), second.get(key, [])
        for i in range(max(len(a), len(b))):
            if i >= len(a) or i >= len(b) or a[i][0] != b[i][0] or not same_value(a[i][1],
                                                                                  b[i][1]):
                out.add((key, i))
    return out


def first_difference(mutant: dict[str, list], reference: dict[str, list],
                     unstable: set[tuple[str, int]] = frozenset()) -> str:
    """'' when the recordings agree (unstable entries compared by structure only), else where
    they first differ, in words."""
    for key in sorted(set(mutant) | set(reference)):
        a, b = mutant.get(key, []), reference.get(key, [])
        if len(a) != len(b):
            return f"{key}: {len(a)} calls into student code instead of {len(b)}"
        for i, ((pa, va), (pb, vb)) in enumerate(zip(a, b)):
            if pa != pb:
                return f"{key}: call {i + 1} is probe '{pa}' instead of '{pb}'"
            if (key, i) in unstable:
                if _shape_of(va) != _shape_of(vb):
                    return f"{key}: probe '{pa}' (call {i + 1}) returns differently shaped data"
                continue
            if not same_value(va, vb):
                return f"{key}: probe '{pa}' (call {i + 1}) returns different values"
    return ""
