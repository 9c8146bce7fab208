"""The `quiz` command group through click's CliRunner: exit codes and messages."""

import csv
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.quizzes import load_quiz, student_quiz
from autograder.quizzes.cli import quiz

FIXTURE_ROOT = Path(__file__).resolve().parent / "quiz_fixtures" / "root"
ROSTER = FIXTURE_ROOT / "rosters" / "roster.csv"


@pytest.fixture()
def root(tmp_path):
    """A writable copy of the fixture quizzes root."""
    return Path(shutil.copytree(FIXTURE_ROOT, tmp_path / "root"))


def invoke(*args):
    return CliRunner().invoke(quiz, [str(a) for a in args])


@pytest.mark.parametrize("args, expected", [
    ([], ["render", "grade", "check", "list"]),
    (["render"], ["--roster", "--out", "--seed", "--root"]),
    (["grade"], ["--responses", "--out", "--previous", "--seed"]),
    (["check"], ["--seeds", "--root"]),
    (["build-all"], ["--roster", "--out", "--seeds", "--root"]),
])
def test_help(args, expected):
    result = invoke(*args, "--help")
    assert result.exit_code == 0
    assert all(option in result.output for option in expected)


def test_build_all_checks_banks_and_renders_every_quiz(tmp_path):
    result = invoke("build-all", "--out", tmp_path, "--seeds", "20", "--root", FIXTURE_ROOT,
                    "--roster", ROSTER)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Checked 7 questions (20 seeds each)",
        "Lint: 0 errors, 0 warnings (details: quiz lint)",
        f"Rendered mini: 6 students, 7 questions -> {tmp_path / 'mini'}",
        f"Gradescope zip for mini -> {tmp_path / 'mini' / 'autograder.zip'}",
        f"Rendered mini-pool: 6 students, 3 questions -> {tmp_path / 'mini-pool'}",
        f"Gradescope zip for mini-pool -> {tmp_path / 'mini-pool' / 'autograder.zip'}"]
    assert (tmp_path / "mini-pool" / "lms" / "mini-pool_qti.zip").is_file()
    assert (tmp_path / "mini-pool" / "autograder.zip").is_file()


def test_render_writes_variants_keys_and_exports(tmp_path):
    out = tmp_path / "out"
    result = invoke("render", "mini", "--roster", ROSTER, "--out", out, "--root", FIXTURE_ROOT)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Rendered quiz 'mini' (seed 7) for 6 students, "
                                    "7 questions each")
    for name in ("students/u001.html", "students/u001.md", "keys/u006.md", "answer_key.csv",
                 "lms/mini_qti.zip", "lms/mini_moodle.xml", "lms/mini.gift", "manifest.json"):
        assert (out / name).is_file(), name
    with open(out / "answer_key.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["student_id", *(f"q{i}" for i in range(1, 8))] and len(rows) == 7


def test_render_with_seed_override_changes_the_variants(tmp_path):
    for seed in ("7", "8"):
        invoke("render", "mini", "--roster", ROSTER, "--out", tmp_path / seed, "--seed", seed,
               "--root", FIXTURE_ROOT)
    same = (tmp_path / "7" / "answer_key.csv").read_text()
    assert same != (tmp_path / "8" / "answer_key.csv").read_text()


def test_unknown_quiz_is_a_usage_error(tmp_path):
    result = invoke("render", "nope", "--roster", ROSTER, "--out", tmp_path, "--root",
                    FIXTURE_ROOT)
    assert result.exit_code == 2
    assert "Invalid value for 'NAME': 'nope' is not one of 'mini', 'mini-pool'." in result.output


def test_missing_roster_is_a_usage_error(tmp_path):
    result = invoke("render", "mini", "--roster", tmp_path / "none.csv", "--out", tmp_path,
                    "--root", FIXTURE_ROOT)
    assert result.exit_code == 2
    assert "Invalid value for '--roster'" in result.output and "does not exist" in result.output


def test_roster_without_id_column_is_a_usage_error(tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("name\nAda\n")
    result = invoke("render", "mini", "--roster", roster, "--out", tmp_path / "o", "--root",
                    FIXTURE_ROOT)
    assert result.exit_code == 2
    assert "no student id column; expected one of student_id" in result.output


def test_bad_bank_fails_with_exit_1_naming_file_and_question(root, tmp_path):
    bank = root / "banks" / "mini.yaml"
    bank.write_text(bank.read_text().replace('stem: "What is the He variance for D_h = '
                                             '{{ d_h }}?"', 'stem: "{{ dh }}"'))
    for args in (["check"], ["render", "mini", "--roster", ROSTER, "--out", tmp_path / "o"]):
        result = invoke(*args, "--root", root)
        assert result.exit_code == 1
        assert "mini.yaml: question 'mini-he': undefined template variable 'dh' in stem" \
            in result.output
        assert result.output.startswith("Error: ")


def test_check_reports_every_bank():
    result = invoke("check", "--root", FIXTURE_ROOT)
    assert result.exit_code == 0
    assert "OK: 7 questions in 1 banks rendered for 200 seeds each (2 parameterized)" \
        in result.output


def test_check_rejects_zero_seeds():
    result = invoke("check", "--seeds", "0", "--root", FIXTURE_ROOT)
    assert result.exit_code == 2 and "Invalid value for '--seeds'" in result.output


def test_list_shows_quizzes_and_topics():
    result = invoke("list", "--root", FIXTURE_ROOT)
    assert result.exit_code == 0
    assert "mini: Mini quiz (7 questions, seed 7)" in result.output and "mini (7)" in result.output


def _write_responses(path: Path, root: Path, green_student: str) -> None:
    """Everyone answers correctly and picks Blue in q1, except one student who picks Green."""
    loaded = load_quiz("mini", root)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *(f"q{i}" for i in range(1, 8))])
        for student in [f"u00{i}" for i in range(1, 7)]:
            sq = student_quiz(loaded, student)
            answers = [item.key_text for item in sq.items]
            texts = [o.text for o in sq.items[0].shown]
            answers[0] = "abcd"[texts.index("Green" if student == green_student else "Blue")]
            writer.writerow([student, *answers])


def test_grade_then_regrade_after_a_key_fix_lists_who_changed(root, tmp_path):
    bank = root / "banks" / "mini.yaml"
    correct_bank = bank.read_text()
    bank.write_text(correct_bank.replace("    key: a\n    explanation: Rayleigh",
                                         "    key: b\n    explanation: Rayleigh"))
    responses = tmp_path / "responses.csv"
    _write_responses(responses, root, green_student="u003")
    first = invoke("grade", "mini", "--responses", responses, "--out", tmp_path / "g1",
                   "--root", root)
    assert first.exit_code == 0, first.output
    assert "Graded 6 students of quiz 'mini': mean score 6.17 / 7" in first.output
    bank.write_text(correct_bank)  # the key fix
    second = invoke("grade", "mini", "--responses", responses, "--out", tmp_path / "g2",
                    "--previous", tmp_path / "g1" / "gradebook.csv", "--root", root)
    assert second.exit_code == 0, second.output
    assert "Regrade: 6 students changed" in second.output
    assert "  u001: 6 -> 7" in second.output and "  u003: 7 -> 6" in second.output
    with open(tmp_path / "g2" / "regrade_changes.csv", newline="") as handle:
        changes = {row["student_id"]: row["change"] for row in csv.DictReader(handle)}
    assert changes["u001"] == "+1" and changes["u003"] == "-1"
    for name in ("gradebook.csv", "item_analysis.csv", "item_analysis.md", "results.jsonl"):
        assert (tmp_path / "g2" / name).is_file()


def test_grade_reports_problems_on_stderr_and_still_exits_0(tmp_path):
    responses = tmp_path / "r.csv"
    responses.write_text("student_id,q1,q9\nu001,zz,a\n")
    result = invoke("grade", "mini", "--responses", responses, "--out", tmp_path / "g",
                    "--root", FIXTURE_ROOT)
    assert result.exit_code == 0
    assert "Warning: 2 problems with the responses" in result.stderr
    assert "unknown question id 'q9'; this quiz has q1 to q7" in result.stderr
    assert (tmp_path / "g" / "problems.txt").is_file()


def test_unreadable_responses_fail_with_exit_1(tmp_path):
    responses = tmp_path / "r.csv"
    responses.write_text("name,q1\nAda,a\n")
    result = invoke("grade", "mini", "--responses", responses, "--out", tmp_path / "g",
                    "--root", FIXTURE_ROOT)
    assert result.exit_code == 1
    assert "Error: " in result.output and "no student id column" in result.output
