"""The He derivation (initialization assignment, part 3) is auto-graded per student."""

from __future__ import annotations

from autograder.quizzes import grade_answers, load_quiz, student_quiz

QUIZ = "he-derivation"


def key(quiz, student: str) -> dict[str, str]:
    return {q.name: q.correct_response for q in grade_answers(quiz, student, {}).questions}


def test_every_step_is_numeric_and_reproducible_from_the_student_id():
    quiz = load_quiz(QUIZ)
    first, again = student_quiz(quiz, "s001"), student_quiz(quiz, "s001")
    assert first == again and len(first.items) == 6
    assert all(item.variant.question.kind.value == "numeric" for item in first.items)


def test_students_get_different_numbers_and_their_own_key():
    quiz = load_quiz(QUIZ)
    keys = {sid: key(quiz, sid) for sid in ("s001", "s002", "s003", "s004")}
    assert len({tuple(k.values()) for k in keys.values()}) > 1
    for sid, answers in keys.items():
        result = grade_answers(quiz, sid, answers)
        assert result.score == result.max_score == 6
    other = next(s for s in keys if keys[s] != keys["s001"])
    assert grade_answers(quiz, "s001", keys[other]).score < 6


def test_a_named_mistake_gets_feedback():
    quiz = load_quiz(QUIZ)
    item = student_quiz(quiz, "s001").items[2]  # sigma^2 = 2 / D_h
    d_h = dict(item.variant.params)["d_h"]
    result = grade_answers(quiz, "s001", {"q3": 1 / d_h})
    q3 = result.questions[2]
    assert q3.score == 0 and "drops the 2" in q3.feedback
