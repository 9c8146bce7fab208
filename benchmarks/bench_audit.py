"""Benchmark the grader audit: exhaustive grading (every check of every mutant, the audit's
behaviour before fail-fast grading) against the default (only the checks that execute the
mutated code, the mutant's own component first, stopping at the first failure), on the same
deterministic sample of mutants, in one run; and checks that both give the same verdicts.

    .venv/bin/python benchmarks/bench_audit.py [--assignment beras] [--mutants 60] [--workers 2]
    .venv/bin/python benchmarks/bench_audit.py --assignment beras --mutants 0   # every mutant

Without the cache or the hand-written bugs; acceptance direction off. The machine may be
shared: the load average is printed with the table. Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def measure(name: str, mutants: int | None, workers: int, exhaustive: bool) -> dict:
    from autograder.audit.runner import AuditOptions, run_audit
    from autograder.paths import CoursePaths

    assignment = CoursePaths().load(name)
    start = time.perf_counter()
    report = run_audit(assignment, AuditOptions(
        workers=workers, max_mutants=mutants, seed=0, cache=False, bugs=False, progress=False,
        acceptance=False, exhaustive=exhaustive))
    total = time.perf_counter() - start
    graded = report["graded"] - report["counts"]["unreached"]
    return {"mode": "exhaustive (before)" if exhaustive else "fail-fast (after)",
            "mutants": graded, "seconds": total, "per_minute": 60.0 * graded / total,
            "score": report["score"], "mean_grade": report["timing"]["mean_grade_seconds"],
            "verdicts": {m["id"]: (m["status"], m.get("localized")) for m in report["mutants"]}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="beras")
    parser.add_argument("--mutants", type=int, default=60, help="0: every mutant")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    cap = args.mutants or None
    rows = [measure(args.assignment, cap, args.workers, exhaustive)
            for exhaustive in (True, False)]
    load = os.getloadavg()
    print(f"grader audit of {args.assignment}: {cap or 'every'} mutants (seed 0), "
          f"{args.workers} workers, {os.cpu_count()} cores, load average {load[0]:.1f} / "
          f"{load[1]:.1f} / {load[2]:.1f}")
    print("| mode | mutants graded | wall s | mutants / minute | s per mutant (in a worker) "
          "| mutation score | speed-up |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        score = "n/a" if row["score"] is None else f"{100 * row['score']:.1f} %"
        print(f"| {row['mode']} | {row['mutants']} | {row['seconds']:.1f} | "
              f"{row['per_minute']:.0f} | {row['mean_grade']:.2f} | {score} | "
              f"{rows[0]['seconds'] / row['seconds']:.2f} |")
    before, after = rows[0]["verdicts"], rows[1]["verdicts"]
    differ = sorted(k for k in before if before[k] != after.get(k))
    print(f"verdicts (status, localized) identical for {len(before) - len(differ)} of "
          f"{len(before)} mutants" + (f"; differ: {differ[:10]}" if differ else ""))


if __name__ == "__main__":
    main()
