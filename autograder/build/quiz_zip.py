"""A quiz's Gradescope grader, on the same packaging path as assignments (otter_zip.package).

One Otter test file per question (q1..qN, the names in the students' answers files) plus a
0-point 'Answers file' entry. Per-question feedback is shown after the due date (see
quiz_bridge); the zip carries the quiz package and the banks (`ag/quizzes/`).
"""

from __future__ import annotations

from pathlib import Path

from ..paths import REPO_ROOT
from ..quizzes import load_quiz, student_quiz
from .otter_zip import TEMPLATES, base_context, otter_config, package, package_files


def _questions(quiz) -> list[tuple[str, float]]:
    sample = student_quiz(quiz, "sample-student")
    return [(f"q{i}", item.variant.question.points) for i, item in
            enumerate(sample.items, start=1)]


def build_quiz_zip(name: str, out: Path, root: Path = REPO_ROOT / "quizzes") -> Path:
    """Build the Gradescope zip that grades answers files for quiz `name`."""
    quiz = load_quiz(name, root=root)
    questions = _questions(quiz)
    template = TEMPLATES.get_template("test_question.py.j2")

    def render(folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "answers.py").write_text(template.render(quiz=name, name="Answers file",
                                                           points=0))
        for qname, points in questions:
            (folder / f"{qname[0]}{int(qname[1:]):03d}.py").write_text(template.render(quiz=name, name=qname,
                                                                points=points))

    payload = package_files(keep_suite=None, with_quizzes=True)
    payload += [(p, f"ag/quizzes/{p.relative_to(root).as_posix()}")
                for p in sorted(root.rglob("*")) if p.is_file() and p.suffix in (".yaml", ".yml")]
    total = sum(points for _, points in questions)
    # quizzes grade answers files (data): the engine's packages only, no torch
    return package(out, render, otter_config(total, quiz.seed), payload,
                   base_context(f"quiz {name}"))
