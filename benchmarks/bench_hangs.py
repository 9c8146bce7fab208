"""Benchmark: how long a hanging submission takes to grade, before and after the grader
remembers what hung (later calls into the same code stop at once).

    .venv/bin/python benchmarks/bench_hangs.py [--call-seconds 5]

Three backprop submissions: the module loops forever at import; `relu` (which every forward
and backward check calls) loops forever; `relu` loops with SIGTERM and SIGINT ignored. Each is
graded by the engine (what the CLI, `otter run` and the batch workers call) with the
assignment's limits except `call_seconds` (default 5 s instead of 20, so the "before" rows take
about a minute each; both rows use the same limit). "Before" sets AG_FORGET_HANGS=1, which
turns the memory off. Then the same submissions, with the memory on, through `otter run` of a
zip built from the same limits and through the batch (one worker, the supervised pool):
wall time and score. Prints a table; not a test.
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
        paths_ = {name: Path(tmp) / name.replace(" ", "_") for name in CASES}
        for name, (otter_s, otter_score), (batch_s, batch_score) in zip(
                CASES, other_paths(base, args.call_seconds, paths_, Path(tmp), "otter"),
                other_paths(base, args.call_seconds, paths_, Path(tmp), "batch")):
            next(r for r in rows if r[0] == name).extend([otter_s, otter_score, batch_s,
                                                          batch_score])
    print(f"backprop ({len(base.check_keys())} checks), call_seconds {args.call_seconds:g}, "
          f"submission_seconds {base.limits.submission_seconds:g}, {os.cpu_count()} cores")
    print("| submission | before: s | before: score | after: s | after: score | speed-up | "
          "otter run: s (score) | batch: s (score) |")
    print("|---|---|---|---|---|---|---|---|")
    for name, t0, s0, t1, s1, t2, s2, t3, s3 in rows:
        print(f"| {name} | {t0:.1f} | {s0:g} | {t1:.1f} | {s1:g} | {t0 / t1:.1f}× | "
              f"{t2:.1f} ({s2:g}) | {t3:.1f} ({s3:g}) |")


def other_paths(base, call_seconds: float, subs: dict[str, Path], tmp: Path, how: str):
    """(seconds, score) per submission through `otter run` or the batch, with the memory on."""
    import json
    import subprocess

    import yaml

    from autograder.config import load_assignment

    data = yaml.safe_load(base.source.read_text())
    data["limits"]["call_seconds"] = call_seconds
    yaml_path = tmp / "yaml" / "assignments" / "backprop" / "assignment.yaml"
    yaml_path.parent.mkdir(parents=True, exist_ok=True)
    yaml_path.write_text(yaml.safe_dump(data, sort_keys=False))
    copy = load_assignment(yaml_path, REPO)
    if how == "otter":
        from autograder.build.otter_zip import build_zip

        grader = build_zip(copy, tmp / "zip" / "autograder.zip")
        for name, sub in subs.items():
            out = tmp / "otter" / sub.name
            out.mkdir(parents=True)
            upload = Path(shutil.make_archive(str(out / "upload"), "zip", sub))
            start = time.perf_counter()
            subprocess.run([str(Path(sys.executable).parent / "otter"), "run", "-a",
                            str(grader), "-o", str(out), str(upload)],
                           capture_output=True, text=True, timeout=900)
            seconds = time.perf_counter() - start
            doc = json.loads((out / "results.json").read_text())
            yield seconds, float(doc.get("score", 0))
        return
    from autograder.batch.runner import grade_batch

    for name, sub in subs.items():
        folder = tmp / "batch" / sub.name
        shutil.copytree(sub, folder / sub.name)
        start = time.perf_counter()
        summary = grade_batch(copy, folder, tmp / "batch" / f"{sub.name}.sqlite", None,
                              workers=1)
        seconds = time.perf_counter() - start
        from autograder.batch.store import Gradebook

        with Gradebook(tmp / "batch" / f"{sub.name}.sqlite") as book:
            [row] = book.latest("backprop", summary.grader_hash).values()
        yield seconds, row.score


if __name__ == "__main__":
    main()
