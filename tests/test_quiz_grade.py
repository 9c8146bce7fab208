"""Grading single answers files and a class's responses export."""

import csv
import json
from pathlib import Path

import pytest

from autograder.quizzes import (AnswerFileError, Status, grade_answers, load_quiz,
                                parse_answers, read_answers, student_quiz)
from autograder.quizzes.build import grade_quiz, results_jsonl
from autograder.quizzes.grade import parse_number

FIXTURE_ROOT = Path(__file__).resolve().parent / "quiz_fixtures" / "root"


@pytest.fixture(scope="module")
def mini():
    return load_quiz("mini", FIXTURE_ROOT)


def key_answers(quiz, student):
    """The correct answers file of a student, as a dict."""
    return {item.name: item.key_text for item in student_quiz(quiz, student).items}


def wrong_letter(item, avoid=()):
    return next(c for c in item.letters if c not in item.key_letters and c not in avoid)


def test_correct_answers_get_full_marks_with_feedback_and_explanations(mini):
    result = grade_answers(mini, "u001", key_answers(mini, "u001"))
    assert (result.score, result.max_score, result.problems) == (7.0, 7.0, ())
    assert all(q.status is Status.CORRECT and q.feedback == "Correct." for q in result.questions)
    assert result.questions[0].explanation == "Rayleigh scattering favours short wavelengths."
    assert [q.question_id for q in result.questions][:2] == ["mini-static", "mini-pinned-key"]


def test_results_are_frozen(mini):
    result = grade_answers(mini, "u001", {})
    with pytest.raises(AttributeError):
        result.questions[0].score = 1.0  # type: ignore[misc]


def test_choosing_a_named_distractor_explains_the_misconception(mini):
    sq = student_quiz(mini, "u001")
    q1 = sq.items[0]
    green = "abcd"[[o.text for o in q1.shown].index("Green")]
    result = grade_answers(mini, "u001", {"q1": green})
    assert result.questions[0].feedback == (
        f"Incorrect: you chose ({green}) Green. This matches a common mistake: it confuses "
        f"the sky with grass. The correct answer is ({q1.key_letters[0]}) Blue.")


@pytest.mark.parametrize("response, fraction_rmw, fraction_aon", [
    ("key", 1.0, 1.0), ("one right", 0.5, 0.0), ("all", 0.0, 0.0),
    ("one right one wrong", 0.0, 0.0), ("nothing", 0.0, 0.0)])
def test_multiple_answer_partial_credit_rules(mini, response, fraction_rmw, fraction_aon):
    sq = student_quiz(mini, "u001")
    for index, expected in ((3, fraction_rmw), (4, fraction_aon)):
        item = sq.items[index]
        keys = list(item.key_letters)
        choice = {"key": keys, "one right": keys[:1], "all": list(item.letters),
                  "one right one wrong": keys[:1] + [wrong_letter(item)], "nothing": []}[response]
        result = grade_answers(mini, "u001", {item.name: choice}).questions[index]
        assert result.score == pytest.approx(expected)


def test_multiple_answers_accept_lists_comma_strings_and_letter_runs(mini):
    item = student_quiz(mini, "u001").items[3]
    a, b = item.key_letters
    for spelling in ([a, b], f"{a},{b}", f"{a.upper()} {b}", f"{a}{b}", f"{b};{a}"):
        assert grade_answers(mini, "u001", {"q4": spelling}).questions[3].score == 1.0


def test_numeric_answers_use_the_tolerance_and_recognise_mistakes(mini):
    key = student_quiz(mini, "u001").items[5].variant.numeric
    near = grade_answers(mini, "u001", {"q6": key.value + 0.009}).questions[5]
    far = grade_answers(mini, "u001", {"q6": str(key.value + 0.02)}).questions[5]
    (_, log10_value), = key.mistakes
    log10 = grade_answers(mini, "u001", {"q6": format(log10_value, ".4f")}).questions[5]
    assert (near.status, far.status, log10.status) == (Status.CORRECT, Status.INCORRECT,
                                                       Status.INCORRECT)
    assert log10.chosen == ("uses_log10",) and far.chosen == ("other",)
    assert "common mistake: it uses log base 10" in log10.feedback


@pytest.mark.parametrize("text, value", [
    ("0.02", 0.02), ("2e-2", 0.02), ("1,080", 1080.0), ("1/50", 0.02), (" -3 ", -3.0),
    ("15_210", 15210.0), ("abc", None), ("1,08", None), ("1/0", None), ("nan", None)])
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("answers, feedback", [
    ({"q1": "e"}, "'e' is not one of 'a', 'b', 'c', 'd'."),
    ({"q1": "a,b"}, "choose exactly one option, got 'a,b'."),
    ({"q6": "lots"}, "'lots' is not a number."),
    ({"q7": "maybe"}, "'maybe' is not one of 'true', 'false' (or 'a', 'b')."),
])
def test_invalid_responses_score_zero_with_a_clear_message(mini, answers, feedback):
    result = grade_answers(mini, "u001", answers)
    (name,) = answers
    graded = next(q for q in result.questions if q.name == name)
    assert (graded.status, graded.score, graded.feedback) == (Status.INVALID, 0.0, feedback)
    assert result.problems == (f"{name}: {feedback}",)


def test_unknown_question_ids_are_problems_and_strict_mode_raises(mini):
    answers = {"q1": "a", "q99": "b", "answer": "c", 2: "d"}
    result = grade_answers(mini, "u001", answers)
    assert result.problems == ("'answer' is not a question id; use q1, q2, ...",
                               "unknown question id 'q99'; this quiz has q1 to q7")
    assert result.questions[1].response == "d"
    with pytest.raises(AnswerFileError, match="unknown question id 'q99'"):
        grade_answers(mini, "u001", answers, strict=True)


def test_answers_that_are_not_a_mapping_are_a_clear_error(mini):
    with pytest.raises(AnswerFileError, match="answers must map question ids to responses, "
                                              "such as {'q1': 'b'}, got list"):
        grade_answers(mini, "u001", ["a", "b"])  # type: ignore[arg-type]


def test_unanswered_questions_show_the_correct_answer(mini):
    result = grade_answers(mini, "u001", {})
    assert all(q.status is Status.UNANSWERED for q in result.questions)
    assert result.questions[6].feedback == "No answer given. The correct answer is (a) True."


@pytest.mark.parametrize("name, text, message", [
    ("answers.yaml", "q1: [a\nq2: b", r"answers\.yaml: not valid YAML \(line 2"),
    ("answers.yaml", "- a\n- b\n", "expected question ids mapped to answers, such as 'q1: b', "
                                  "got list"),
    ("answers.yaml", "q1: a\nq1: b\n", "duplicate key 'q1'"),
    ("answers.yaml", "   \n", "answers.yaml is empty"),
    ("answers.yaml", "q1: {x: 1}", "the answer to 'q1' must be a letter"),
    ("answers.json", '{"q1": "a",}', r"answers\.json: not valid JSON \(line 1"),
])
def test_broken_answer_files_give_clear_errors(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(AnswerFileError, match=message):
        read_answers(path)


def test_yaml_and_json_answer_files_are_read(tmp_path):
    (tmp_path / "a.yaml").write_text("q1: b\nq2: [a, c]\nq3: 0.02\nq4: true\n")
    (tmp_path / "a.json").write_text('{"q1": "b", "q3": 0.02}')
    assert read_answers(tmp_path / "a.yaml") == {"q1": "b", "q2": ["a", "c"], "q3": 0.02,
                                                 "q4": True}
    assert parse_answers('{"q1": "b", "q3": 0.02}', "a.json") == {"q1": "b", "q3": 0.02}


def test_grading_a_synthetic_response_csv_gives_the_expected_scores(mini, tmp_path):
    students = ["u001", "u002", "u003", "u004", "u005"]
    rows = []
    for student in students:
        sq = student_quiz(mini, student)
        answers = {item.name: item.key_text for item in sq.items}
        if student == "u002":
            answers = {name: "" for name in answers}            # blank: 0
        elif student == "u003":
            answers["q4"] = sq.items[3].key_letters[0]           # rmw half credit: 6.5
            answers["q5"] = sq.items[4].key_letters[0]           # all-or-nothing: 5.5
        elif student == "u004":
            answers["q1"] = wrong_letter(sq.items[0]).upper()    # wrong: 6
        elif student == "u005":
            answers["q2"] = "z"                                  # invalid: 6, one problem
        rows.append([student, *answers.values()])
    path = tmp_path / "responses.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "name", *(f"q{i}" for i in range(1, 8))])
        writer.writerows([row[0], "Someone", *row[1:]] for row in rows)
    summary = grade_quiz(mini, path, tmp_path / "out")
    scores = {r.student_id: r.score for r in summary.results}
    assert scores == {"u001": 7.0, "u002": 0.0, "u003": 5.5, "u004": 6.0, "u005": 6.0}
    assert summary.problems == ("u005: q2: 'z' is not one of 'a', 'b', 'c', 'd'.",)
    with open(tmp_path / "out" / "gradebook.csv", newline="") as handle:
        book = {row["student_id"]: row for row in csv.DictReader(handle)}
    assert book["u003"]["mini-multi"] == "0.5" and book["u003"]["percent"] == "78.6"


def test_a_folder_of_answer_files_is_graded_and_broken_files_are_reported(mini, tmp_path):
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "u001.yaml").write_text(
        "\n".join(f"{k}: {v!r}" for k, v in key_answers(mini, "u001").items()))
    (folder / "u002.json").write_text("{broken")
    (folder / "notes.txt").write_text("ignored")
    summary = grade_quiz(mini, folder, tmp_path / "out")
    assert {r.student_id: r.score for r in summary.results} == {"u001": 7.0, "u002": 0.0}
    assert len(summary.problems) == 1 and "u002.json: not valid JSON" in summary.problems[0]


def test_results_jsonl_holds_every_students_full_results(mini):
    results = [grade_answers(mini, "u001", {"q1": "a"}), grade_answers(mini, "u002", {})]
    lines = results_jsonl(results).splitlines()
    assert [json.loads(line) for line in lines] == [r.as_dict() for r in results]
