"""Synthetic Gradescope "Export Submissions" archives for the batch tests and benchmark.

`make_export(assignment, dest, plan)` writes `dest` (a zip) laid out like Gradescope's export:

    assignment_<id>_export/
      submission_metadata.yml        # Ruby-style keys: :submitters:, :created_at:, :score:, ...
      submission_<id>/...            # the student's files as uploaded

Submissions are built from the reference solution and the bug corpus
(tests/corpus/<assignment>/bugs.yaml), plus broken and hanging ones. Every student gets a
deterministic name, SID and email; `kinds` in the returned manifest says what each folder is.

Run as a script to make a demo export: python tests/batch_fixtures/synthetic.py backprop out.zip
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

TESTS = Path(__file__).resolve().parents[1]
REPO = TESTS.parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from helpers import apply_bug, copy_solution, load_bugs, zip_folder  # noqa: E402

RELEASE = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "John", "Radia",
         "Ken", "Margaret", "Tim", "Shafi", "Leslie", "Katherine", "Dennis", "Hedy", "Claude",
         "Sophie", "Niklaus"]
LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "McCarthy",
        "Perlman", "Thompson", "Hamilton", "Berners-Lee", "Goldwasser", "Lamport", "Johnson",
        "Ritchie", "Lamarr", "Shannon", "Wilson", "Wirth"]

# Broken submissions: (kind, how to build from a copy of the solution).
HANG_IN_FUNCTION = ("backprop.py", "def relu(f):\n",
                    "def relu(f):\n    while True:\n        pass\n")
HANG_AT_IMPORT = ("backprop.py", "import numpy as np\n",
                  "import numpy as np\nimport time\ntime.sleep(10_000)\n")


@dataclass
class Manifest:
    """What the export holds: folder -> kind, and folder -> submitters."""

    path: Path
    kinds: dict[str, str] = field(default_factory=dict)
    students: dict[str, list[dict]] = field(default_factory=dict)
    metadata: dict = field(default_factory=dict)

    def of_kind(self, prefix: str) -> list[str]:
        return sorted(k for k, v in self.kinds.items() if v.startswith(prefix))


def ruby_time(when: dt.datetime) -> str:
    """Gradescope's YAML time format: '2026-01-14 21:03:11.482913000 -08:00'."""
    return when.strftime("%Y-%m-%d %H:%M:%S.%f") + "000 " + when.strftime("%z")[:3] + ":" \
        + when.strftime("%z")[3:]


def _edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text()
    assert text.count(old) >= 1, (file, old)
    path.write_text(text.replace(old, new, 1))


def build_submissions(assignment: str, work: Path, plan: dict[str, int]) -> list[tuple[str, Path]]:
    """[(kind, folder)] following `plan` (kind -> count); folders hold the student's upload."""
    solution = REPO / "solutions" / assignment
    bugs = load_bugs(TESTS / "corpus" / assignment / "bugs.yaml")
    out: list[tuple[str, Path]] = []
    n = 0

    def fresh() -> Path:
        nonlocal n
        n += 1
        return work / f"s{n:03d}"

    files = sorted(p.relative_to(solution).as_posix() for p in solution.rglob("*.py")
                   if "tests" not in p.parts and "__pycache__" not in p.parts)
    for i in range(plan.get("correct", 0)):
        dest = fresh()
        copy_solution(solution, dest)
        if i % 3 == 1:  # uploaded as a zip of a folder
            z = zip_folder(dest, work / f"{dest.name}.zip", "hw/", files)
            shutil.rmtree(dest)
            dest.mkdir()
            shutil.move(z, dest / "submission.zip")
        elif i % 3 == 2:  # a GitHub-style tree with extras
            (dest / "README.md").write_text("# my homework\n")
        out.append(("correct", dest))
    for i in range(plan.get("buggy", 0)):
        bug = bugs[i % len(bugs)]
        dest = apply_bug(solution, bug, fresh())
        out.append((f"buggy:{bug['id']}:{bug.get('component', '')}", dest))
    broken = [
        ("broken:syntax", lambda d: (d / files[0]).write_text((d / files[0]).read_text()
                                                              + "\ndef oops(:\n    pass\n")),
        ("broken:missing", lambda d: (d / files[-1]).unlink()),
        ("broken:empty", lambda d: [p.unlink() for p in d.rglob("*") if p.is_file()]),
        ("broken:skeleton", None),
        ("broken:forbidden-import", lambda d: _edit(d, files[0], "import numpy as np\n",
                                                    "import numpy as np\nimport torch\n")),
        ("broken:exit-at-import", lambda d: _edit(d, files[0], "import numpy as np\n",
                                                  "import numpy as np\nimport sys\n"
                                                  "sys.exit(3)\n")),
        ("broken:wrong-names", lambda d: [p.rename(p.with_name(p.name.capitalize()))
                                          for p in d.rglob("*.py")]),
        ("broken:notes-only", lambda d: ([p.unlink() for p in d.rglob("*") if p.is_file()],
                                         (d / "notes.txt").write_text("ran out of time"))),
    ]
    for i in range(plan.get("broken", 0)):
        kind, make = broken[i % len(broken)]
        dest = fresh()
        if make is None:
            copy_solution(REPO / "assignments" / assignment, dest)
        else:
            copy_solution(solution, dest)
            make(dest)
        out.append((kind, dest))
    hangs = [("hang:function", HANG_IN_FUNCTION), ("hang:import", HANG_AT_IMPORT)]
    for i in range(plan.get("hang", 0)):
        kind, (file, old, new) = hangs[i % len(hangs)]
        dest = fresh()
        copy_solution(solution, dest)
        _edit(dest, file, old, new)
        out.append((kind, dest))
    return out


def make_export(assignment: str, dest: Path, plan: dict[str, int], *, seed: int = 0,
                policy_history: dict[int, int] | None = None, group_every: int = 0,
                as_zip: bool = True) -> Manifest:
    """Write a Gradescope-style export of the planned submissions to `dest` (zip or folder).

    `policy_history` maps a submission index to a number of earlier week-2 submissions to list
    under :history: (their scores 10, 11, ...), for the submission-policy tests.
    `group_every`: every n-th submission is a group of two.
    """
    rng = random.Random(seed)
    work = Path(str(dest) + ".work")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    root = work / f"assignment_{7100 + seed}_export"
    root.mkdir()
    subs = build_submissions(assignment, work / "build", plan)
    manifest = Manifest(dest)
    meta: dict = {}
    used: set[str] = set()
    for i, (kind, folder) in enumerate(subs):
        key = f"submission_{300000 + 37 * i + seed}"
        shutil.move(str(folder), root / key)
        people = []
        for _ in range(2 if group_every and i % group_every == group_every - 1 else 1):
            while True:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                if name not in used:
                    used.add(name)
                    break
            sid = f"2026{rng.randrange(10**5):05d}"
            while sid in used:
                sid = f"2026{rng.randrange(10**5):05d}"
            used.add(sid)
            email = name.lower().replace(" ", ".") + "@uni.example.edu"
            people.append({":name": name, ":sid": sid, ":email": email})
        created = RELEASE + dt.timedelta(days=8, hours=i % 24, minutes=i)
        info = {":submitters": people, ":created_at": ruby_time(created),
                ":score": None, ":status": "processed"}
        earlier = (policy_history or {}).get(i, 0)
        if earlier:
            info[":history"] = [
                {":created_at": ruby_time(RELEASE + dt.timedelta(days=7, hours=1, minutes=k)),
                 ":score": 10.0 + k, ":autograder_error": False} for k in range(earlier)]
        meta[key] = info
        manifest.kinds[key] = kind
        manifest.students[key] = [{"sid": p[":sid"], "name": p[":name"],
                                   "email": p[":email"]} for p in people]
    text = yaml.safe_dump(meta, sort_keys=True, allow_unicode=True)
    # Gradescope writes unquoted Ruby times; safe_dump quoted ours as strings: unquote them.
    text = text.replace("'2026-", "2026-").replace(":00'", ":00")
    (root / "submission_metadata.yml").write_text(text)
    manifest.metadata = meta
    dest.parent.mkdir(parents=True, exist_ok=True)
    if as_zip:
        with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(work.rglob("*")):
                if path.is_file() and "build" not in path.relative_to(work).parts[:1]:
                    zf.write(path, path.relative_to(work).as_posix())
        shutil.rmtree(work)
    else:
        shutil.rmtree(dest, ignore_errors=True)
        shutil.move(str(root), dest)
        shutil.rmtree(work)
    return manifest


BACKPROP_PLAN = {"correct": 12, "buggy": 27, "broken": 10, "hang": 2}   # 51 submissions
BERAS_BENCH_PLAN = {"correct": 10, "buggy": 30, "broken": 10}           # 50 submissions


def main() -> None:
    assignment, dest = sys.argv[1], Path(sys.argv[2])
    plan = BACKPROP_PLAN if assignment == "backprop" else BERAS_BENCH_PLAN
    manifest = make_export(assignment, dest, plan, group_every=10,
                           policy_history={3: 16, 4: 5})
    print(f"{dest}: {len(manifest.kinds)} submissions")


if __name__ == "__main__":
    main()
