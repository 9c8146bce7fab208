"""Benchmark the quiz pipeline on one core: render a 30-question quiz for 1,000 students with
every export, then grade 1,000 responses (gradebook + item analysis).

    .venv/bin/python benchmarks/bench_quiz.py [--students 1000] [--quiz midterm-practice]

Targets: render < 10 s, grade < 1 s, judged on CPU seconds of this (pinned) process, since
wall time on a shared machine also counts other people's work; both are printed. Prints a
table; not a test.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from autograder.quizzes import grade_answers, load_quiz, read_roster, student_quiz  # noqa: E402
from autograder.quizzes.build import grade_quiz, render_quiz  # noqa: E402
from autograder.quizzes.model import Kind  # noqa: E402

TARGETS = {"render": 10.0, "grade": 1.0}


def pin_to_one_core() -> str:
    """Restrict this process to one CPU where the OS allows it."""
    if hasattr(os, "sched_setaffinity"):
        core = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {core})
        return f"pinned to CPU {core}"
    return "not pinned (no sched_setaffinity)"


def write_roster(path: Path, n: int) -> None:
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id"])
        writer.writerows([f"b{i:04d}"] for i in range(n))


def write_responses(path: Path, quiz, students, rng: np.random.Generator) -> None:
    """Each student answers each question correctly with probability equal to their ability."""
    n_questions = len(student_quiz(quiz, students[0]).items)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *(f"q{i + 1}" for i in range(n_questions))])
        for student in students:
            ability = rng.uniform(0.3, 0.95)
            row = [student]
            for item in student_quiz(quiz, student).items:
                if rng.random() < ability:
                    row.append(item.key_text)
                elif item.variant.question.kind is Kind.NUMERIC:
                    row.append(str(item.variant.numeric.value * 2 + 1))
                else:
                    row.append(item.letters[int(rng.integers(len(item.letters)))])
            writer.writerow(row)


def timed(step):
    """(wall seconds, CPU seconds, result) of step()."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = step()
    return time.perf_counter() - wall, time.process_time() - cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--quiz", default="midterm-practice")
    args = parser.parse_args()
    pinning = pin_to_one_core()
    root = REPO / "quizzes"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_roster(work / "roster.csv", args.students)

        def render():
            quiz = load_quiz(args.quiz, root)
            return render_quiz(quiz, read_roster(work / "roster.csv"), work / "render")

        render_s, render_cpu, summary = timed(render)
        quiz = load_quiz(args.quiz, root)
        students = read_roster(work / "roster.csv")
        write_responses(work / "responses.csv", quiz, students, np.random.default_rng(0))
        grade_s, grade_cpu, graded = timed(lambda: grade_quiz(quiz, work / "responses.csv",
                                                   work / "grade"))
        with open(work / "responses.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        single_s, single_cpu, _ = timed(lambda: [grade_answers(quiz, row.pop("student_id"), row)
                                     for row in rows])
        files = len(summary.files)
        size_mb = sum(p.stat().st_size for p in summary.files) / 1e6
    flagged = sum(1 for s in graded.items if s.flags)
    print(f"quiz benchmark: {args.quiz}, {summary.questions} questions, {args.students} "
          f"students; Python {platform.python_version()}, {pinning}")
    print(f"{'step':<56} {'wall s':>7} {'CPU s':>7} {'target':>7}  ok")
    lines = [
        (f"render + keys + QTI/Moodle/GIFT ({files} files, {size_mb:.1f} MB)", render_s,
         render_cpu, TARGETS["render"]),
        (f"grade CSV + gradebook + item analysis ({flagged} flagged)", grade_s, grade_cpu,
         TARGETS["grade"]),
        (f"grade_answers() one student at a time, x{len(rows)}", single_s, single_cpu, None),
    ]
    for label, wall, cpu, target in lines:
        verdict = "" if target is None else ("yes" if cpu < target else "NO")
        shown = "" if target is None else f"{target:.1f}"
        print(f"{label:<56} {wall:>7.2f} {cpu:>7.2f} {shown:>7}  {verdict}")

if __name__ == "__main__":
    main()
