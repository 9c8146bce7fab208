"""Run the platform's GPU paths for real on a machine with CUDA, and print one summary table.

    make gpu-check                                   # about 6 minutes on one H100
    .venv/bin/python benchmarks/gpu_check.py --out build/gpu-check --long

Steps, each a subprocess with its own time limit, its whole output kept in OUT/<step>.log:
  gpu-tests     pytest -m gpu: the measuring reference graded on cuda (full marks), the stacked
                runs against the reference on cuda;
  grade-ref     the measuring grader on this machine: the reference (full marks, "oracle on
                cuda", student torch code on cuda) ...
  grade-skel    ... and the skeleton (0);
  bench-measure bench_measuring --device cuda: the notes' double-descent sweep (each version
                timed over 200 steps, scaled to 4,000) and the seed baseline trained, 5 seeds;
  bench-init    bench_initialization: the 50-layer variance sweep, numpy / torch CPU / cuda;
  long-sweep    (--long) the notes' sweep trained to the end on cuda, naive and stacked, with
                the accuracy check (about 6 more minutes on an H100).
Without CUDA it says so and exits 2: nothing here can be checked on a CPU.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable


def steps(long: bool) -> list[tuple[str, list[str], int]]:
    """(name, command, seconds allowed)."""
    bench = [PY, "benchmarks/bench_measuring.py", "--device", "cuda"]
    plan = [
        ("gpu-tests", [PY, "-m", "pytest", "-q", "-m", "gpu", "-p", "no:cacheprovider",
                       "tests/test_stacked.py", "tests/test_measuring_grading.py"], 300),
        ("grade-ref", [PY, "-m", "autograder", "grade", "measuring", "solutions/measuring",
                       "--staff"], 300),
        ("grade-skel", [PY, "-m", "autograder", "grade", "measuring", "assignments/measuring"],
         300),
        ("bench-measure", bench + ["--dd-size", "full", "--time-steps", "200"], 300),
        ("bench-init", [PY, "benchmarks/bench_initialization.py"], 120),
    ]
    if long:
        plan.append(("long-sweep", bench + ["--dd-size", "full", "--skip", "seeds"], 900))
    return plan


def summary_of(name: str, output: str) -> str:
    """The line(s) of a step's output worth a glance."""
    lines = [line for line in output.splitlines() if line.strip()]
    if name == "gpu-tests":
        return lines[-1] if lines else ""
    if name.startswith("grade"):
        return lines[0] if lines else ""
    table = [line for line in lines if line.startswith("|") and "---" not in line][1:]
    return "<br>".join(table) if table else (lines[-1] if lines else "")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "build" / "gpu-check")
    parser.add_argument("--long", action="store_true", help="also train the notes' sweep")
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        print("gpu-check: torch sees no CUDA device here, so there is no GPU path to check "
              "(the CPU paths are `make test` and `make bench`).")
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    name = torch.cuda.get_device_name(0)
    print(f"gpu-check on {name}, torch {torch.__version__}, CUDA {torch.version.cuda}; "
          f"logs in {args.out}", flush=True)
    rows, failed = [], 0
    for step, command, limit in steps(args.long):
        start = time.perf_counter()
        print(f"== {step}: {' '.join(command[1:])}", flush=True)
        try:
            done = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                                  timeout=limit)
            output, code = done.stdout + done.stderr, done.returncode
        except subprocess.TimeoutExpired as exc:
            output = ((exc.stdout or b"").decode(errors="replace") if isinstance(
                exc.stdout, bytes) else (exc.stdout or "")) + f"\n(stopped after {limit} s)"
            code = "timeout"
        seconds = time.perf_counter() - start
        (args.out / f"{step}.log").write_text(output)
        ok = code == 0
        if step.startswith("grade"):  # the first line: "measuring: 51 / 51  (.. oracle on cuda)"
            head = output.splitlines()[0] if output else ""
            score, _, total = head.partition(": ")[2].partition("  (")[0].partition(" / ")
            want = total if step == "grade-ref" else "0"
            ok = ok and "oracle on cuda" in head and score == want != ""
        failed += not ok
        rows.append((step, f"{seconds:.0f}", "ok" if ok else f"FAILED ({code})",
                     summary_of(step, output)))
        print(f"   {rows[-1][2]} in {seconds:.0f} s: {rows[-1][3]}", flush=True)
    table = ["| step | seconds | result | summary |", "|---|---|---|---|"]
    table += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    (args.out / "summary.md").write_text(f"gpu-check on {name}\n\n" + "\n".join(table) + "\n")
    print("\n" + "\n".join(table))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
