"""Submissions per minute for the Beras grader: `otter run` one by one vs the batch grader.

The same 50 submissions (10 correct, 30 from the bug corpus, 10 broken; built by
tests/batch_fixtures/synthetic.py) are graded

  otter run      sequentially, `otter run -a autograder.zip sub.zip` per submission (the zip
                 from autograder.build.otter_zip.build_zip: Otter + sandboxed engine)
  batch, 1 / 2   `grade_batch` (the local process pool) with 1 and 2 workers, fresh store

and the table gives submissions per minute and ratios, plus the batch's per-submission
overhead beyond the checks themselves: (wall time x workers - sum of the engine's own grading
times) / submissions. Threads are pinned to 1 (as in the sandbox).

Usage: python benchmarks/bench_batch.py                       # everything (~30 min on 2 cores)
       python benchmarks/bench_batch.py --modes otter --range 0:17   # one slice; results
       python benchmarks/bench_batch.py --table                      # accumulate in --work
Slices let each command stay short; the table sums the slices of each mode.
"""

from __future__ import annotations

import argparse
import json
import os
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
sys.path.insert(0, str(ROOT / "tests"))

from autograder.batch.runner import grade_batch  # noqa: E402
from autograder.build.otter_zip import build_zip  # noqa: E402
from autograder.paths import CoursePaths  # noqa: E402
from batch_fixtures.synthetic import BERAS_BENCH_PLAN, make_export  # noqa: E402

BIN = Path(sys.executable).parent
MODES = ("otter", "batch1", "batch2")


def prepare(work: Path) -> tuple[Path, Path, list[str]]:
    """The Otter zip, the export folder (one folder per submission) and the submission keys."""
    assignment = CoursePaths().load("beras")
    grader = work / "autograder.zip"
    if not grader.is_file():
        build_zip(assignment, grader)
    export = work / "export"
    if not (export / "submission_metadata.yml").is_file():
        make_export("beras", export, BERAS_BENCH_PLAN, seed=42, as_zip=False)
    keys = sorted(p.name for p in export.iterdir() if p.is_dir())
    return grader, export, keys


def as_upload(folder: Path, dest: Path) -> Path:
    """A student's upload zip of one export folder (what `otter run` takes)."""
    with zipfile.ZipFile(dest, "w") as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(folder).as_posix())
    return dest


def slice_export(export: Path, keys: list[str], dest: Path) -> Path:
    """An export holding only `keys` (symlinked folders, the same metadata entries)."""
    import yaml

    dest.mkdir(parents=True)
    meta = yaml.safe_load((export / "submission_metadata.yml").read_text())
    (dest / "submission_metadata.yml").write_text(yaml.safe_dump({k: meta[k] for k in keys}))
    for key in keys:
        (dest / key).symlink_to(export / key)
    return dest


def run_otter(grader: Path, export: Path, keys: list[str]) -> dict:
    times = []
    with tempfile.TemporaryDirectory(prefix="bench-otter-") as tmp:
        for key in keys:
            sub = as_upload(export / key, Path(tmp) / f"{key}.zip")
            (Path(tmp) / key).mkdir()
            start = time.perf_counter()
            subprocess.run([str(BIN / "otter"), "run", "-a", str(grader), "-o",
                            str(Path(tmp) / key), str(sub)], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
            results = json.loads((Path(tmp) / key / "results.json").read_text())
            print(f"  otter {key}: {times[-1]:.1f} s, score {results.get('score')}", flush=True)
    return {"n": len(keys), "wall": sum(times), "engine": None, "per": times}


def run_batch(export: Path, keys: list[str], workers: int) -> dict:
    assignment = CoursePaths().load("beras")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        part = slice_export(export, keys, Path(tmp) / "export")
        start = time.perf_counter()
        summary = grade_batch(assignment, part, Path(tmp) / "gradebook.sqlite",
                              Path(tmp) / "out", workers=workers)
        wall = time.perf_counter() - start
    assert summary.graded == len(keys), summary
    print(f"  batch x{workers}: {len(keys)} in {wall:.1f} s "
          f"(statuses {dict(summary.statuses)})", flush=True)
    return {"n": len(keys), "wall": wall, "engine": sum(summary.grading_seconds),
            "pool": sum(summary.pool_seconds), "workers": workers}


def table(results: dict) -> None:
    rows = {}
    for mode in MODES:
        parts = [v for k, v in results.items() if k.startswith(mode + "@")]
        if not parts:
            continue
        n = sum(p["n"] for p in parts)
        wall = sum(p["wall"] for p in parts)
        engine = sum(p["engine"] or 0 for p in parts) if parts[0]["engine"] is not None \
            else None
        rows[mode] = (n, wall, engine, parts[0].get("workers", 1))
    if not rows:
        print("no results yet")
        return
    base = rows.get("otter")
    base_rate = base[0] / base[1] * 60 if base else None
    one = rows.get("batch1")
    one_rate = one[0] / one[1] * 60 if one else None
    labels = {"otter": "otter run, sequential", "batch1": "batch grader, 1 worker",
              "batch2": "batch grader, 2 workers"}
    print("Beras: the same 50 submissions; 1 BLAS thread; wall times summed over slices")
    print(f"{'how':26s} {'subs':>5s} {'seconds':>9s} {'subs/min':>9s} {'x otter':>8s} "
          f"{'x 1 worker':>10s} {'overhead s/sub':>15s}")
    for mode, (n, wall, engine, workers) in rows.items():
        rate = n / wall * 60
        over = "" if engine is None else f"{(wall * workers - engine) / n:15.2f}"
        print(f"{labels[mode]:26s} {n:5d} {wall:9.1f} {rate:9.2f} "
              f"{(rate / base_rate if base_rate else float('nan')):8.2f} "
              f"{(rate / one_rate if one_rate and mode != 'otter' else float('nan')):10.2f} "
              f"{over}")
    print("overhead = (wall x workers - sum of the engine's own grading seconds) / subs: the "
          "pool, the store and the outputs (with 2 workers it also holds time lost to "
          "sharing the cores).")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--range", default="0:50", help="slice of the 50 submissions, a:b")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) /
                        "bench_batch")
    parser.add_argument("--table", action="store_true", help="only print the table")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    store = args.work / "results.json"
    results = json.loads(store.read_text()) if store.is_file() else {}
    if not args.table:
        grader, export, keys = prepare(args.work)
        lo, hi = (int(x) for x in args.range.split(":"))
        chosen = keys[lo:hi]
        for mode in args.modes.split(","):
            if mode == "otter":
                res = run_otter(grader, export, chosen)
            elif mode in ("batch1", "batch2"):
                res = run_batch(export, chosen, int(mode[-1]))
            else:
                raise SystemExit(f"unknown mode {mode!r}; one of {', '.join(MODES)}")
            results[f"{mode}@{lo}:{hi}"] = res
            store.write_text(json.dumps(results, indent=1))
    table(results)


if __name__ == "__main__":
    main()
