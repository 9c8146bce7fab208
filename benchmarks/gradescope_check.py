"""`make gradescope-check`: every assignment's grader run the way Gradescope runs it, inside
Gradescope's default machine: 768 MB of memory (a memory cgroup, no swap) and half a CPU (a CPU
cgroup quota of 50 ms per 100 ms), as root without namespaces (AG_SANDBOX_LAYERS=uid).

    .venv/bin/python benchmarks/gradescope_check.py [ASSIGNMENT ...] [--memory-mb 768]
        [--cpus 0.5] [--json build/gradescope-check.json] [--env DIR]

Each run: the built zip (build/<a>/autograder.zip, built if missing) unpacked into an emulated
/autograder root, the reference solution as the submission, the zip's own run_autograder. It
records the score, wall time and the cgroup's peak memory (page cache included, as the
container's limit counts it) and OOM kills, and says which Gradescope machine the grader needs.
The Python environment is this checkout's, or with `--env DIR` a virtual environment built from
the zip's own requirements.txt on the image's Python (3.10; README, "Gradescope's machine").
Needs root and cgroup v1 memory and cpu controllers; says so and exits 2 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
CGROUP = Path("/sys/fs/cgroup")
BIN = Path(sys.executable).parent


def cgroups_available() -> str:
    if os.geteuid() != 0:
        return "needs root (to create cgroups)"
    for controller in ("memory", "cpu"):
        if not (CGROUP / controller / "cgroup.procs").is_file():
            return f"no cgroup v1 '{controller}' controller at {CGROUP / controller}"
    return ""


class Machine:
    """A memory + CPU cgroup pair standing for one Gradescope machine."""

    def __init__(self, name: str, memory_mb: int, cpus: float) -> None:
        self.memory = CGROUP / "memory" / name
        self.cpu = CGROUP / "cpu" / name
        self.memory.mkdir()
        self.cpu.mkdir()
        limit = str(memory_mb << 20)
        (self.memory / "memory.limit_in_bytes").write_text(limit)
        try:  # no swap either, where swap accounting exists
            (self.memory / "memory.memsw.limit_in_bytes").write_text(limit)
        except OSError:
            pass
        (self.cpu / "cpu.cfs_period_us").write_text("100000")
        (self.cpu / "cpu.cfs_quota_us").write_text(str(int(100000 * cpus)))

    def wrap(self, command: list[str]) -> list[str]:
        """`command`, started inside both cgroups."""
        return ["sh", "-c", f'echo $$ > "{self.memory}/cgroup.procs" && '
                f'echo $$ > "{self.cpu}/cgroup.procs" && exec "$@"', "sh", *command]

    def peak_mb(self) -> float:
        return int((self.memory / "memory.max_usage_in_bytes").read_text()) / 2**20

    def oom_kills(self) -> int:
        for line in (self.memory / "memory.oom_control").read_text().splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
        return int((self.memory / "memory.failcnt").read_text() != "0\n")

    def remove(self) -> None:
        for group in (self.memory, self.cpu):
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)


def needs(peak_mb: float, memory_mb: int, score_ok: bool, oom: int) -> str:
    machine = ("the default machine (768 MB, 0.5 CPU)" if memory_mb == 768
               else f"a {memory_mb} MB machine")
    if score_ok and not oom and peak_mb <= 0.9 * memory_mb:
        return f"fits {machine}"
    if score_ok and not oom:
        return f"fits {machine}, under 10 % headroom: consider more memory"
    return f"more than {machine}: raise memory in Gradescope's settings"


def run(name: str, memory_mb: int, cpus: float, bin_dir: Path = BIN) -> dict:
    from autograder.paths import CoursePaths

    paths = CoursePaths()
    assignment = paths.load(name)
    grader = paths.grader_zip(name)
    if not grader.is_file():
        subprocess.run([sys.executable, "-m", "autograder", "build", name], cwd=REPO,
                       check=True, capture_output=True)
    machine = Machine(f"ag-gradescope-{os.getpid()}-{name}", memory_mb, cpus)
    try:
        with tempfile.TemporaryDirectory(prefix="ag-gs-") as tmp:
            root = Path(tmp)
            for sub in ("source", "submission", "results"):
                (root / sub).mkdir()
            with zipfile.ZipFile(grader) as zf:
                zf.extractall(root / "source")
            for path in assignment.solution.rglob("*"):
                rel = path.relative_to(assignment.solution)
                if path.is_file() and "tests" not in rel.parts and "__pycache__" not in rel.parts:
                    (root / "submission" / rel).parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(path, root / "submission" / rel)
            (root / "submission_metadata.json").write_text("{}")
            env = {**os.environ, "AG_ROOT": str(root), "AG_SANDBOX_LAYERS": "uid",
                   "PATH": f"{bin_dir}:{os.environ['PATH']}"}
            start = time.monotonic()
            proc = subprocess.run(machine.wrap(["bash", str(root / "source" / "run_autograder")]),
                                  env=env, capture_output=True, text=True, timeout=1800)
            wall = time.monotonic() - start
            results = root / "results" / "results.json"
            doc = json.loads(results.read_text()) if results.is_file() else {}
        score = doc.get("score")
        peak, oom = machine.peak_mb(), machine.oom_kills()
        ok = score is not None and abs(score - assignment.points) < 1e-9
        return {"assignment": name, "score": score, "points": assignment.points,
                "seconds": round(wall, 1), "peak_mb": round(peak), "oom_kills": oom,
                "returncode": proc.returncode, "needs": needs(peak, memory_mb, ok, oom),
                "tail": "" if ok else (proc.stdout + proc.stderr)[-1500:]}
    finally:
        machine.remove()


def main() -> None:
    from autograder.paths import CoursePaths

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*")
    parser.add_argument("--memory-mb", type=int, default=768)
    parser.add_argument("--cpus", type=float, default=0.5)
    parser.add_argument("--json", type=Path, default=REPO / "build" / "gradescope-check.json")
    parser.add_argument("--env", type=Path, default=None,
                        help="a virtual environment to run the zip under (its bin/python3), "
                             "e.g. one built from the zip's requirements.txt on Python 3.10")
    args = parser.parse_args()
    bin_dir = (args.env / "bin") if args.env else BIN
    versions = subprocess.run(
        [str(bin_dir / "python3"), "-c", "import sys, numpy, torch; print(f'Python "
         "{sys.version.split()[0]}, numpy {numpy.__version__}, torch {torch.__version__}')"],
        capture_output=True, text=True).stdout.strip() or "(versions unknown)"
    why = cgroups_available()
    if why:
        print(f"gradescope-check: cannot emulate Gradescope's machine here: {why}")
        sys.exit(2)
    names = args.assignments or CoursePaths().assignment_names()
    rows = []
    for name in names:
        print(f"  {name}: grading the reference in {args.memory_mb} MB / {args.cpus:g} CPU ...",
              flush=True)
        rows.append(run(name, args.memory_mb, args.cpus, bin_dir))
    print(f"\nGradescope's machine emulated: {args.memory_mb} MB memory cgroup (no swap), "
          f"{args.cpus:g} CPU quota, root without namespaces; {os.cpu_count()} cores here; "
          f"{versions}")
    print("| assignment | score | wall s | peak memory MB (page cache incl.) | OOM kills | "
          "Gradescope machine |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['assignment']} | {r['score']} / {r['points']:g} | {r['seconds']} | "
              f"{r['peak_mb']} | {r['oom_kills']} | {r['needs']} |")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(rows, indent=2))
    failed = [r for r in rows if r["tail"]]
    for r in failed:
        print(f"\n{r['assignment']} did not get full marks:\n{r['tail']}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
