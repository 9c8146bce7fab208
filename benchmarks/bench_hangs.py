"""Benchmark: how long a hanging submission takes to grade, before and after the grader
remembers what hung (later calls into the same code stop at once).

    .venv/bin/python benchmarks/bench_hangs.py [--call-seconds 5]

Three backprop submissions: the module loops forever at import; `relu` (which every forward
and backward check calls) loops forever; `relu` loops with SIGTERM and SIGINT ignored. Each is
graded by the engine (what the CLI, `otter run` and the batch workers call) with the
assignment's limits except `call_seconds` (default 5 s instead of 20, so the "before" rows take
about a minute each; both rows use the same limit). "Before" sets AG_FORGET_HANGS=1, which
turns the memory off. Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

RELU = "    return np.maximum(f, 0.0)\n"
CASES = {
    "hangs at import": lambda text: "while True:\n    pass\n",
    "hangs in relu (called by most checks)": lambda text: text.replace(
        RELU, "    while True:\n        pass\n"),
    "hangs in relu, SIGTERM/SIGINT ignored": lambda text: text.replace(
        RELU, "    import signal\n    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
              "    signal.signal(signal.SIGINT, signal.SIG_IGN)\n    while True:\n        pass\n"),
}


def main() -> None:
    from autograder.engine import grade
    from autograder.paths import CoursePaths

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--call-seconds", type=float, default=5.0)
    args = parser.parse_args()
    base = CoursePaths().load("backprop")
    assignment = dataclasses.replace(base, limits=dataclasses.replace(
        base.limits, call_seconds=args.call_seconds))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, edit in CASES.items():
            sub = Path(tmp) / name.replace(" ", "_")
            shutil.copytree(base.solution, sub, ignore=shutil.ignore_patterns("tests",
                                                                              "__pycache__"))
            path = sub / "backprop.py"
            path.write_text(edit(path.read_text()))
            row = [name]
            for forget in ("1", "0"):
                os.environ["AG_FORGET_HANGS"] = forget
                start = time.perf_counter()
                result = grade(assignment, sub)
                row += [time.perf_counter() - start, result.score]
            rows.append(row)
    os.environ.pop("AG_FORGET_HANGS", None)
    print(f"backprop ({len(base.check_keys())} checks), call_seconds {args.call_seconds:g}, "
          f"submission_seconds {base.limits.submission_seconds:g}, {os.cpu_count()} cores")
    print("| submission | before: s | before: score | after: s | after: score | speed-up |")
    print("|---|---|---|---|---|---|")
    for name, t0, s0, t1, s1 in rows:
        print(f"| {name} | {t0:.1f} | {s0:g} | {t1:.1f} | {s1:g} | {t0 / t1:.1f}× |")


if __name__ == "__main__":
    main()
