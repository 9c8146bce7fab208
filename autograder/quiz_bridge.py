"""Where Otter meets the quiz grader (Otter's kernel, trusted side).

A quiz submission is a small answers file (`q1: b`), never code: it is parsed with a size
limit and `yaml.safe_load`, so no sandbox is needed. The student's variant is identified by
the roster id: the Gradescope SID (or email) of the first submitter in
submission_metadata.json, or a `student:` line in the answers file when there is no metadata.
"""

from __future__ import annotations

import json
from pathlib import Path

from .otter_bridge import ag_root, leave_staff_file

MAX_ANSWERS_BYTES = 64 * 1024
QUESTION_VISIBILITY = "after_due_date"
"""Per-question results (and so the total) are shown after the due date."""
ANSWER_NAMES = ("answers.yaml", "answers.yml", "answers.json")
_CACHE: dict[str, object] = {}


class QuizSubmissionError(ValueError):
    """The answers file is missing, too large or unreadable, or the student is unknown."""


def _answers_file(submission: Path) -> Path:
    candidates = [p for p in submission.rglob("*") if p.is_file()
                  and p.suffix.lower() in (".yaml", ".yml", ".json")
                  and "tests" not in p.relative_to(submission).parts]
    named = [p for p in candidates if p.name.lower() in ANSWER_NAMES]
    chosen = named or candidates
    if len(chosen) != 1:
        found = ", ".join(sorted(p.name for p in candidates)) or "nothing"
        raise QuizSubmissionError(
            f"submit exactly one answers file named answers.yaml (found {found})")
    if chosen[0].stat().st_size > MAX_ANSWERS_BYTES:
        raise QuizSubmissionError(f"{chosen[0].name} is larger than {MAX_ANSWERS_BYTES} bytes")
    return chosen[0]


def student_id(metadata: dict, answers: dict) -> str:
    """The roster id: metadata users[0] sid, then email; else the answers file's `student`."""
    users = metadata.get("users") or []
    if users:
        user = users[0]
        for key in ("sid", "email"):
            if user.get(key):
                return str(user[key])
    if answers.get("student"):
        return str(answers["student"])
    raise QuizSubmissionError("cannot tell who you are: add a line `student: <your id>`")


def result(quiz_name: str):
    """Grade this submission once: (QuizResult or None, message)."""
    if quiz_name not in _CACHE:
        from .quizzes import grade_answers, load_quiz, parse_answers

        root = ag_root()
        try:
            path = _answers_file(root / "submission")
            answers = parse_answers(path.read_text(encoding="utf-8-sig"), path.name)
            meta_path = root / "submission_metadata.json"
            metadata = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
            who = student_id(metadata, answers)
            answers = {k: v for k, v in answers.items() if k != "student"}
            quiz = load_quiz(quiz_name, root=Path(__file__).resolve().parents[1] / "quizzes")
            graded = grade_answers(quiz, who, answers)
            _CACHE[quiz_name] = (graded, "")
            leave_staff_file(root, f"quiz {quiz_name}, student {who}, "
                             f"score {graded.score:g}/{graded.max_score:g}",
                             {q.name: QUESTION_VISIBILITY for q in graded.questions})
        except (ValueError, OSError) as exc:
            _CACHE[quiz_name] = (None, str(exc))
    return _CACHE[quiz_name]


def check(quiz_name: str, question: str) -> None:
    """Pass with full points, or raise AssertionError with the question's feedback."""
    graded, problem = result(quiz_name)
    if graded is None:
        raise AssertionError(problem)
    item = next((q for q in graded.questions if q.name == question), None)
    if item is None:
        raise AssertionError(f"{question} is not part of your variant")
    if item.score < item.max_score:
        raise AssertionError(f"{item.feedback}\nCorrect: {item.correct_response}. "
                             f"{item.explanation}".strip())


def messages(quiz_name: str) -> None:
    """The 0-point 'Answers file' case: problems with the file, if any."""
    graded, problem = result(quiz_name)
    text = problem or "\n".join(graded.problems)
    if text:
        raise AssertionError(text)
