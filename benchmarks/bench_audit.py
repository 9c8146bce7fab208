"""Benchmark the grader audit: mutants graded per minute with 1 and 2 worker processes.

    .venv/bin/python benchmarks/bench_audit.py [--assignment backprop] [--mutants 40]

Runs a full-mode audit (every check, real sandbox) of the same deterministic sample of
mutants once per worker count, without the cache or the hand-written bugs. The rate is for the
whole audit, fixed costs included (generating the mutants, grading the reference twice,
spawning the workers, random probes of equivalence candidates). The machine may be shared:
the load average is printed with the table. Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def measure(name: str, mutants: int, workers: int) -> dict:
    from autograder.audit.runner import AuditOptions, run_audit
    from autograder.paths import CoursePaths

    assignment = CoursePaths().load(name)
    start = time.perf_counter()
    report = run_audit(assignment, AuditOptions(workers=workers, max_mutants=mutants, seed=0,
                                                cache=False, bugs=False, progress=False))
    total = time.perf_counter() - start
    graded = report["graded"] - report["counts"]["unreached"]
    return {"workers": workers, "mutants": graded, "seconds": total,
            "per_minute": 60.0 * graded / total, "score": report["score"],
            "mean_grade": report["timing"]["mean_grade_seconds"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="backprop")
    parser.add_argument("--mutants", type=int, default=40)
    args = parser.parse_args()
    rows = [measure(args.assignment, args.mutants, w) for w in (1, 2)]
    load = os.getloadavg()
    print(f"grader audit of {args.assignment}: {args.mutants} mutants (seed 0), full mode, "
          f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print("| workers | mutants graded | wall s | mutants / minute | s per mutant (in a worker) "
          "| speed-up |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['workers']} | {row['mutants']} | {row['seconds']:.1f} | "
              f"{row['per_minute']:.0f} | {row['mean_grade']:.2f} | "
              f"{rows[0]['seconds'] / row['seconds']:.2f} |")


if __name__ == "__main__":
    main()
