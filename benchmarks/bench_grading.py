"""Grading wall time for the Beras reference solution, three ways, measured in one run.

  floor        the same checks in-process, no harness, no isolation (engine, isolated=False)
  our CLI      `python -m autograder grade beras <solution>` (sandboxed engine)
  otter run    `otter run` on our built zip (Otter + sandboxed engine)
  otter-only   `otter run` on an Otter-only grader of the same checks: the checks execute
               inside Otter's kernel with the student code (AG_INPROCESS=1), as plain Otter does

Usage: python benchmarks/bench_grading.py [--repeat N]. Threads are pinned to 1 (as in the
sandbox) so that the rows compare the harness, not BLAS threading.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.build.otter_zip import build_zip  # noqa: E402
from autograder.engine import grade  # noqa: E402
from autograder.paths import CoursePaths  # noqa: E402

BIN = Path(sys.executable).parent


def timed(fn) -> float:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the floor row prints training epochs
        fn()
    return time.perf_counter() - start


def run(cmd: list[str], env: dict | None = None) -> None:
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, **(env or {})})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    assignment = CoursePaths().load("beras")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        grader = build_zip(assignment, tmp / "autograder.zip")
        sub = tmp / "sub.zip"
        with zipfile.ZipFile(sub, "w") as zf:
            for path in assignment.solution.rglob("*.py"):
                if "tests" not in path.parts:
                    zf.write(path, path.relative_to(assignment.solution).as_posix())
        rows = {
            "floor (in-process, no harness)":
                lambda: grade(assignment, assignment.solution, isolated=False),
            "our CLI (sandboxed engine)":
                lambda: run([sys.executable, "-m", "autograder", "grade", "beras",
                             str(assignment.solution)]),
            "otter run, our zip":
                lambda: run([str(BIN / "otter"), "run", "-a", str(grader), "-o", str(tmp),
                             str(sub)]),
            "otter run, Otter-only grader":
                lambda: run([str(BIN / "otter"), "run", "-a", str(grader), "-o", str(tmp),
                             str(sub)], env={"AG_INPROCESS": "1"}),
        }
        times = {name: [timed(fn) for _ in range(args.repeat)] for name, fn in rows.items()}
    floor = statistics.median(times["floor (in-process, no harness)"])
    print(f"Beras reference solution, median of {args.repeat} runs, 1 BLAS thread")
    print(f"{'how':34s} {'seconds':>9s} {'x floor':>8s}")
    for name, values in times.items():
        med = statistics.median(values)
        print(f"{name:34s} {med:9.2f} {med / floor:8.2f}")


if __name__ == "__main__":
    main()
