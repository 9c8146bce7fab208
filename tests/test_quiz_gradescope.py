"""The quiz grader zip (same packaging path as assignments) grades answers files."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from autograder.build.quiz_zip import build_quiz_zip
from autograder.quizzes import grade_answers, load_quiz, student_quiz

pytestmark = pytest.mark.slow
QUIZ = "lecture12-review"


@pytest.fixture(scope="module")
def quiz_zip(tmp_path_factory) -> Path:
    return build_quiz_zip(QUIZ, tmp_path_factory.mktemp("quiz") / "autograder.zip")


def key_answers(student: str) -> dict[str, str]:
    """The student's key, as the grader reports it for an empty answers file."""
    return {q.name: q.correct_response for q in grade_answers(load_quiz(QUIZ), student,
                                                              {}).questions}


def test_quiz_zip_holds_one_test_per_question(quiz_zip):
    names = zipfile.ZipFile(quiz_zip).namelist()
    assert {"tests/answers.py", "tests/q001.py", "tests/q004.py"} <= set(names)
    assert "ag/quizzes/quizzes.yaml" in names and not any("suites/beras" in n for n in names)


def test_gradescope_grades_the_students_own_variant(quiz_zip, tmp_path):
    from test_otter_e2e import gradescope_run

    answers = key_answers("s002")
    answers["q2"] = "a" if answers["q2"] != "a" else "b"
    text = "".join(f"{k}: {v}\n" for k, v in answers.items())
    metadata = {"users": [{"name": "Student 02", "email": "s2@u.edu", "sid": "s002"}]}
    doc = gradescope_run(quiz_zip, lambda d: (d / "answers.yaml").write_text(text),
                         tmp_path / "gs", metadata)
    quiz = load_quiz(QUIZ)
    want = grade_answers(quiz, "s002", answers)
    assert doc["score"] == pytest.approx(want.score) and 0 < doc["score"] < want.max_score
    q2 = next(t for t in doc["tests"] if t["name"] == "q2")
    assert q2["score"] == 0 and q2["visibility"] == "after_due_date"
    assert "Correct:" in q2["output"]


def test_broken_answers_file_scores_zero_with_a_message(quiz_zip, tmp_path):
    from test_otter_e2e import gradescope_run

    doc = gradescope_run(quiz_zip, lambda d: (d / "answers.yaml").write_text("q1: [b\n"),
                         tmp_path / "gs", {"users": [{"sid": "s001"}]})
    assert doc["score"] == 0
    entry = next(t for t in doc["tests"] if t["name"] == "Answers file")
    assert "answers.yaml" in entry["output"]


def test_otter_run_with_a_student_line(quiz_zip, tmp_path):
    from test_otter_e2e import otter_run

    answers = key_answers("s003")
    path = tmp_path / "answers.yaml"
    path.write_text("student: s003\n" + "".join(f"{k}: {v}\n" for k, v in answers.items()))
    doc = otter_run(quiz_zip, path, tmp_path / "out")
    assert doc["score"] == pytest.approx(student_quiz(load_quiz(QUIZ), "s003").max_score)
    assert json.dumps(doc).count("All test cases passed") == 5  # 4 questions + answers file
