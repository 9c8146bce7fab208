"""Item-analysis flags point back to the bank: file:line of the question and of the option,
with a suggested fix (issue 19, item 4)."""

import csv
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.quizzes import grade_student_quiz, load_library, load_quiz, student_quiz
from autograder.quizzes.analysis import (FIXES, Flag, Thresholds, item_analysis,
                                         item_analysis_markdown)
from autograder.quizzes.cli import quiz
from autograder.quizzes.library import DEFAULT_ROOT, QuizPaths
from autograder.quizzes.model import LETTERS, Kind

FIXTURE_ROOT = Path(__file__).resolve().parent / "quiz_fixtures" / "root"
MINI_BANK = FIXTURE_ROOT / "banks" / "mini.yaml"
EXAMPLE_RESPONSES = DEFAULT_ROOT / "examples" / "lecture12-review-responses.csv"
REVIEW_BANK = DEFAULT_ROOT / "banks" / "review.yaml"
FEW = Thresholds(min_students=5, min_for_unused_distractor=5)


def id_line(path: Path, question_id: str) -> int:
    """Line of `- id: question_id` found by searching the bank text (independent of YAML)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines)
                if re.fullmatch(rf"\s*-\s+id:\s*{re.escape(question_id)}\s*", line))


def text_line(path: Path, after: int, needle: str) -> int:
    """First line at or after `after` that contains `needle`."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i in range(after - 1, len(lines)) if needle in lines[i])


def test_every_shipped_question_knows_its_bank_line_and_its_options_lines():
    library = load_library()
    for bank in library.banks:
        path = Path(bank.source)
        path = path if path.is_absolute() else Path.cwd() / path
        text = path.read_text(encoding="utf-8").splitlines()
        for q in bank.questions:
            start = id_line(path, q.id)
            assert q.line_of() == start, q.id
            assert q.location() == f"{bank.source}:{start}"
            for index in range(len(q.options)):
                line = q.line_of(f"option_{LETTERS[index]}")
                assert line is not None and line >= start, (q.id, index)
                assert text[line - 1].lstrip().startswith(("-", "[")) or "[" in text[line - 1]
            for distractor in q.distractors:  # parametrized questions: one line per mistake
                line = q.line_of(distractor.name)
                assert line is not None and line > start, (q.id, distractor.name)
                assert distractor.name in text[line - 1], (q.id, distractor.name)
            if q.answer is not None:
                assert "answer:" in text[q.line_of("answer") - 1], q.id
            if q.kind is Kind.TRUE_FALSE:
                assert q.line_of("true") == q.line_of("false") is not None


def graded_class(answer_for, n_students=24, quiz_name="mini", root=FIXTURE_ROOT):
    """Students s000.. answering each item with answer_for(item, index) (None: the key)."""
    loaded = load_quiz(quiz_name, root)
    graded = []
    for index in range(n_students):
        sq = student_quiz(loaded, f"s{index:03d}")
        answers = {}
        for item in sq.items:
            response = answer_for(item, index)
            answers[item.name] = item.key_text if response is None else response
        graded.append((sq, grade_student_quiz(sq, answers)))
    return {s.question.id: s for s in item_analysis(graded)}


def letter_of(item, label):
    return LETTERS[[o.label for o in item.shown].index(label)]


def test_unused_written_out_distractor_points_to_the_question_and_the_option_line():
    def answer(item, index):  # mini-static: the key or 'Green'; Red and None never chosen
        if item.variant.question.id == "mini-static" and index % 3 == 0:
            return letter_of(item, "option_b")
        return None

    static = graded_class(answer)["mini-static"]
    start = id_line(MINI_BANK, "mini-static")
    flags = {f.option: f for f in static.flags if f.flag is Flag.UNUSED_DISTRACTOR}
    assert set(flags) == {"option_c", "option_d"}
    red = flags["option_c"]
    assert red.where == f"{static.question.source}:{start}" == static.where
    assert red.option_where == f"{static.question.source}:{text_line(MINI_BANK, start, '- Red')}"
    assert red.fix == FIXES[Flag.UNUSED_DISTRACTOR]
    assert red.line() == (f"{red.where} (mini-static) unused_distractor: nobody chose option_c "
                          f"(Red) [option_c at {red.option_where}] -> rewrite or replace the "
                          "distractor nobody picks")


def test_unused_mistake_of_a_parametrized_question_points_to_its_distractor_line():
    def answer(item, index):  # mini-he (4 variants): the key or forgets_relu_factor only
        if item.variant.question.id == "mini-he" and index % 2:
            return letter_of(item, "forgets_relu_factor")
        return None

    he = graded_class(answer)["mini-he"]
    start = id_line(MINI_BANK, "mini-he")
    distractors = text_line(MINI_BANK, start, "distractors:")
    unused = {f.option: f for f in he.flags if f.flag is Flag.UNUSED_DISTRACTOR}
    assert set(unused) == {"std_instead_of_variance", "inverts_ratio"}
    for flag in unused.values():
        assert flag.where == f"{he.question.source}:{start}"
        assert flag.option_where == f"{he.question.source}:{distractors}"


def test_key_picked_less_than_a_distractor_names_the_option_and_the_key_line():
    def answer(item, index):
        qid = item.variant.question.id
        if qid == "mini-pinned-key" and index % 4:
            return letter_of(item, "option_b")  # 'Cows' beats the key 'All of the above'
        if qid == "mini-tf" and index % 4:
            return "false"
        return None

    stats = graded_class(answer)
    pinned = next(f for f in stats["mini-pinned-key"].flags
                  if f.flag is Flag.DISTRACTOR_BEATS_KEY)
    start = id_line(MINI_BANK, "mini-pinned-key")
    key_line = text_line(MINI_BANK, start, "key: d")
    assert pinned.where.endswith(f"mini.yaml:{start}")
    assert pinned.option == "option_b"
    assert pinned.option_where.endswith(f":{text_line(MINI_BANK, start, 'options:')}")
    assert pinned.fix.startswith(f"check the key (`key:` at line {key_line}): more students "
                                 "picked option_b than the key option_d")
    tf = next(f for f in stats["mini-tf"].flags if f.flag is Flag.DISTRACTOR_BEATS_KEY)
    tf_key = text_line(MINI_BANK, id_line(MINI_BANK, "mini-tf"), "key: true")
    assert tf.option == "false" and tf.option_where.endswith(f":{tf_key}")


def test_markdown_report_names_the_bank_line_and_the_fix():
    def answer(item, index):
        if item.variant.question.id == "mini-static" and index % 3 == 0:
            return letter_of(item, "option_b")
        return None

    stats = graded_class(answer)
    report = item_analysis_markdown(list(stats.values()))
    static = stats["mini-static"]
    assert f"- **mini-static** (`{static.where}`)" in report
    assert "→ fix: rewrite or replace the distractor nobody picks" in report
    red_line = text_line(MINI_BANK, id_line(MINI_BANK, "mini-static"), "- Red")
    assert f"(`{static.question.source}:{red_line}`)" in report


def test_questions_built_without_lines_are_found_by_searching_the_bank_text():
    from dataclasses import replace

    from autograder.quizzes.analysis import ItemStats, _flags

    question = replace(load_library(FIXTURE_ROOT).questions["mini-tf"], lines=())
    stats = ItemStats(question, 30, 0.95, 0.5, 0.2, (), 0)
    (flag,) = _flags(stats, Thresholds())
    assert flag.flag is Flag.TOO_EASY
    assert flag.where == f"{question.source}:{id_line(MINI_BANK, 'mini-tf')}"


def test_quiz_grade_on_the_example_responses_prints_bank_lines(tmp_path):
    """quizzes/examples/lecture12-review-responses.csv (10 students): nobody chose option b
    of review-cnn-memory; the flag names review.yaml's line of the question and option."""
    out = tmp_path / "graded"
    result = CliRunner().invoke(quiz, ["grade", "lecture12-review", "--responses",
                                       str(EXAMPLE_RESPONSES), "--out", str(out),
                                       "--min-students", "5"])
    assert result.exit_code == 0, result.output
    bank = QuizPaths.display(REVIEW_BANK)
    start = id_line(REVIEW_BANK, "review-cnn-memory")
    option_b = text_line(REVIEW_BANK, start, "- text: Given that five stride-2")
    expected = (f"  {bank}:{start} (review-cnn-memory) unused_distractor: nobody chose "
                f"option_b (")
    line = next(x for x in result.output.splitlines() if x.startswith(expected))
    assert line.endswith(f"[option_b at {bank}:{option_b}] -> rewrite or replace the "
                         "distractor nobody picks")
    with open(out / "item_analysis.csv", newline="", encoding="utf-8") as handle:
        rows = {row["question_id"]: row for row in csv.DictReader(handle)}
    assert rows["review-cnn-memory"]["bank_line"] == f"{bank}:{start}"
    assert line.strip() in rows["review-cnn-memory"]["flag_details"].split(" | ")
    assert f"(`{bank}:{option_b}`)" in (out / "item_analysis.md").read_text(encoding="utf-8")


def test_quiz_grade_with_the_default_threshold_flags_nothing_in_a_small_class(tmp_path):
    result = CliRunner().invoke(quiz, ["grade", "lecture12-review", "--responses",
                                       str(EXAMPLE_RESPONSES), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "4 questions, 0 flagged (4 answered by fewer than 20 students" in result.output


@pytest.mark.parametrize("flag", list(Flag))
def test_every_flag_kind_has_a_suggested_fix(flag):
    assert FIXES[flag]
