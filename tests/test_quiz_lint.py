"""`quiz lint`: a bank seeded with every test-wise cue fails, naming each question and the
fix; the shipped quizzes pass with the default thresholds."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.quizzes.cli import quiz
from autograder.quizzes.errors import QuizDefinitionError
from autograder.quizzes.library import load_library
from autograder.quizzes.lint import (ERROR, WARNING, LintThresholds, _looks_exact,
                                     find_notes_dir, lint_library)

FIXTURES = Path(__file__).resolve().parent / "quiz_fixtures"
LINT_ROOT = FIXTURES / "lint_root"
NOTES = LINT_ROOT / "notes"
QUIZZES_ROOT = Path(__file__).resolve().parents[1] / "quizzes"


@pytest.fixture(scope="module")
def seeded():
    return lint_library(load_library(LINT_ROOT), seeds=32, notes_dir=NOTES)


def found(report, scope, severity):
    return {(f.check, f.question) for f in report.scope(scope).findings
            if f.severity == severity}


def test_seeded_bank_fails_on_each_problem(seeded):
    bank = "bank " + next(s.name for s in seeded.scopes if s.name.startswith("bank "))[5:]
    errors = found(seeded, bank, ERROR)
    assert {("key-longest", None), ("tick-all", "cue-tick-all"),
            ("identical", "cue-identical"), ("rounding", "cue-rounding"),
            ("same", "cue-same-b"), ("notes", "cue-notes-bad")} <= errors
    warnings = found(seeded, bank, WARNING)
    assert {("key-longest", "cue-long-1"), ("true-false", None), ("above", None),
            ("key-position", "cue-unshuffled")} <= warnings
    quiz_errors = found(seeded, "quiz cues", ERROR)
    assert {("key-longest", None), ("true-false", None), ("mix", None),
            ("same", "cue-same-b")} <= quiz_errors
    library = found(seeded, "all banks", WARNING)
    assert ("notes", None) in library  # 002_uncited.txt is cited by no question


def test_findings_name_the_numbers_and_the_fix(seeded):
    by_check = {f.check: f for f in seeded.scope("quiz cues").findings}
    assert "cue-long-2 (4.6x)" in by_check["key-longest"].message
    assert "43 %" in by_check["key-longest"].message
    assert "75 %" in by_check["true-false"].message
    assert "False" in by_check["true-false"].fix
    tick = next(f for f in seeded.errors if f.check == "tick-all")
    assert "0.67 of the points" in tick.message and "at most 2 of the 4" in tick.fix
    rounding = next(f for f in seeded.errors if f.check == "rounding")
    assert "'3'" in rounding.message and "'.3f'" in rounding.fix
    same = next(f for f in seeded.errors if f.check == "same")
    assert "The same layer" in same.message and "cue-same-a" in same.message
    assert seeded.scope("quiz cues").values["key_longest_rate"] == pytest.approx(3 / 7)


def test_thresholds_in_the_quiz_definition_override_the_defaults(seeded):
    relaxed = seeded.scope("quiz relaxed")
    assert relaxed.values["key_longest_rate"] == 1.0 and relaxed.values["true_share"] == 1.0
    assert not relaxed.errors
    strict = lint_library(load_library(LINT_ROOT), ["relaxed"], seeds=8, notes_dir=NOTES,
                          thresholds=LintThresholds())
    assert {f.check for f in strict.errors} >= {"key-longest", "true-false"}


def test_unknown_lint_setting_is_rejected():
    with pytest.raises(QuizDefinitionError, match="unknown lint setting 'max_key_longest'"):
        LintThresholds().merged({"max_key_longest": 0.5}, "quizzes.yaml: lint")


@pytest.mark.parametrize("shown, value, spec, expected", [
    ("3", 2.995732, ".3g", True),       # ln 20 shown as an exact 3
    ("1", 0.9999546, ".3g", True),      # a probability of 0.99995 shown as 1
    ("2.996", 2.995732, ".3f", False),  # fixed digits
    ("2.3", 2.302585, ".3g", False),    # not a whole number
    ("0.95", 0.9500000000125, ".4g", False),
    ("40", 40.0, "d", False),
])
def test_rounding_that_makes_a_value_look_exact(shown, value, spec, expected):
    assert _looks_exact(shown, value, spec) is expected


def test_cli_lint_exits_1_and_prints_each_question_with_its_fix():
    result = CliRunner().invoke(quiz, ["lint", "--root", str(LINT_ROOT), "--notes", str(NOTES),
                                       "--seeds", "8"])
    assert result.exit_code == 1
    assert "error   [tick-all] cue-tick-all: ticking all 4 options" in result.output
    assert "-> make at most 2 of the 4 options correct" in result.output
    assert "key is the longest option: 3 of 7 written-out single-choice" in result.output
    one = CliRunner().invoke(quiz, ["lint", "relaxed", "--root", str(LINT_ROOT),
                                    "--notes", str(NOTES), "--seeds", "8"])
    assert one.exit_code == 0 and "quiz relaxed (6 questions): 0 errors, 3 warnings" in one.output
    assert "warning [key-longest] cue-long-2: key is 4.6x as long" in one.output
    unknown = CliRunner().invoke(quiz, ["lint", "nope", "--root", str(LINT_ROOT)])
    assert unknown.exit_code == 1 and "unknown quiz 'nope'" in unknown.output


def test_check_runs_the_lint_and_fails_on_its_errors():
    result = CliRunner().invoke(quiz, ["check", "--seeds", "4", "--root", str(LINT_ROOT),
                                       "--notes", str(NOTES)])
    assert result.exit_code == 1 and "quiz lint found" in result.output
    assert "[tick-all] cue-tick-all" in result.output
    skipped = CliRunner().invoke(quiz, ["check", "--seeds", "4", "--no-lint",
                                        "--root", str(LINT_ROOT)])
    assert skipped.exit_code == 0 and "Lint:" not in skipped.output


@pytest.fixture(scope="module")
def shipped():
    return lint_library(load_library(QUIZZES_ROOT), notes_dir=find_notes_dir(QUIZZES_ROOT),
                        thresholds=LintThresholds())


def test_every_shipped_quiz_and_bank_passes_the_lint_with_default_thresholds(shipped):
    assert [f.line() for f in shipped.errors] == []
    for scope in shipped.scopes:
        if "key_longest_rate" in scope.values and scope.questions >= 3:
            assert scope.values["key_longest_rate"] <= 0.34, scope.name
        if "true_share" in scope.values and not scope.name.startswith("bank "):
            assert 0.4 <= scope.values["true_share"] <= 0.6, scope.name


def test_shipped_quizzes_pass_with_their_own_lint_settings():
    report = lint_library(load_library(QUIZZES_ROOT), seeds=16)
    assert [f.line() for f in report.errors] == []
    midterm = report.scope("quiz midterm-practice")
    assert midterm.values["hard_share"] >= 0.1


def test_the_banks_cover_every_course_notes_file():
    library = load_library(QUIZZES_ROOT)
    cited = {n for q in library.questions.values() for n in q.notes}
    assert {"000", "001", "002", "003", "004"} <= cited
    notes_004 = [q.id for q in library.questions.values() if "004" in q.notes]
    assert len(notes_004) >= 8
