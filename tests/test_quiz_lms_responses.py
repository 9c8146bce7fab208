"""Grading a quiz taken in Canvas or Moodle from the LMS's own response export.

The key test builds a Canvas "Student Analysis" CSV and a Moodle "Responses" CSV in the LMSs'
real formats (see autograder/quizzes/lms_responses.py for the sources) from a class's answers,
with their quirks (multi-line quoted headers, `\\,` escapes, HTML entities, an older attempt,
unanswered and unseen questions, Moodle's shuffled choices and BOM), and checks that grading
them gives the same gradebook and item statistics as grading the same answers given as
answers.yaml files.
"""

import csv
import html
import json
import random
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from autograder.quizzes import Kind, Status, load_quiz, read_roster, student_quiz
from autograder.quizzes.build import grade_quiz
from autograder.quizzes.cli import quiz as quiz_cli
from autograder.quizzes.documents import paragraphs_html
from autograder.quizzes.errors import AnswerFileError
from autograder.quizzes.lms_responses import (_partition, grade_lms, read_lms, rebuild_export,
                                              text_key)

FIXTURE_ROOT = Path(__file__).resolve().parent / "quiz_fixtures" / "lms" / "root"
ROSTER_PATH = FIXTURE_ROOT / "rosters" / "roster.csv"
OLDER_ATTEMPT = ("s003", "s017")
"""Students with an older, worse attempt in the exports."""


@pytest.fixture(scope="module")
def lms_quiz():
    return load_quiz("lms", FIXTURE_ROOT)


@pytest.fixture(scope="module")
def roster():
    return read_roster(ROSTER_PATH)


@pytest.fixture(scope="module")
def export(lms_quiz, roster):
    return rebuild_export(lms_quiz, roster)


def _choice(item, rng):
    """A letters response: right, wrong, partial or blank."""
    kind = item.variant.question.kind
    keys, letters = item.key_letters, item.letters
    wrong = [c for c in letters if c not in keys]
    roll = rng.random()
    if roll < 0.08:
        return ""
    if kind is Kind.MULTIPLE:
        if roll < 0.5:
            return list(keys)
        if roll < 0.75:
            return [keys[0]]
        return sorted({keys[0], rng.choice(wrong)})
    if kind is Kind.TRUE_FALSE:
        return item.key_text if roll < 0.7 else next(o.text.lower() for o in item.shown
                                                     if not o.correct)
    return keys[0] if roll < 0.6 else rng.choice(wrong)


def class_answers(quiz, roster, seed=3):
    """answers.yaml content of every student: a mix of right, wrong, partial and blank."""
    rng = random.Random(seed)
    answers = {}
    for student in roster:
        sq = student_quiz(quiz, student)
        mine = {}
        for item in sq.items:
            numeric = item.variant.numeric
            if numeric is not None:
                roll = rng.random()
                mine[item.name] = ("" if roll < 0.08 else numeric.text if roll < 0.6 else
                                   format(numeric.mistakes[0][1], ".4g") if roll < 0.8
                                   else "12345")
            else:
                mine[item.name] = _choice(item, rng)
        answers[student] = mine
    answers[roster[1]] = {name: "" for name in answers[roster[1]]}  # a blank submission
    return answers


def write_answer_files(folder, answers):
    folder.mkdir(parents=True, exist_ok=True)
    for student, mine in answers.items():
        (folder / f"{student}.yaml").write_text(json.dumps(mine), encoding="utf-8")
    return folder


def _export_item(export, presented):
    variant = presented.variant
    return next(e for e in export.items
                if e.question_id == variant.question.id
                and e.presented.variant.fingerprint == variant.fingerprint)


def _picked_texts(presented, result, display):
    """Texts of the options the student picked, in `display` (an option order)."""
    labels = set(result.chosen)
    return [o.text for o in display if o.label in labels]


def _number(value):
    return format(round(value, 4), "g")


def canvas_header_text(presented, decode=False):
    """strip_tags(question_text) as Canvas writes it: newlines between paragraphs kept,
    entities left encoded (or decoded, as some versions do)."""
    text = re.sub(r"<[^>]*>", "", paragraphs_html(presented.variant.stem))
    return html.unescape(text) if decode else text


def canvas_csv(path, quiz, export, answers, graded):
    """A Canvas classic quiz Student Analysis report (all versions, with SIS ids)."""
    ids = {item.name: 8000 + n for n, item in enumerate(export.items)}
    columns = list(export.items)
    random.Random(1).shuffle(columns)  # Canvas orders columns by first appearance
    header = ["name", "id", "sis_id", "section", "section_id", "section_sis_id", "submitted",
              "attempt"]
    for n, item in enumerate(columns):
        header += [f"{ids[item.name]}: {canvas_header_text(item.presented, decode=n % 2)}",
                   f"{item.presented.variant.question.points:g}"]
    header += ["n correct", "n incorrect", "score"]
    rows = []
    for number, (student, result) in enumerate(sorted(graded.items())):
        sq = student_quiz(quiz, student)
        cells = {}
        for presented, qr in zip(sq.items, result.questions):
            item = _export_item(export, presented)
            kind = presented.variant.question.kind
            if qr.status is Status.UNANSWERED:
                text = ""
            elif kind is Kind.NUMERIC:
                text = str(answers[student][presented.name])
            else:
                texts = _picked_texts(presented, qr, item.presented.shown)
                text = ",".join(t.replace(",", "\\,") for t in texts)
            cells[item.name] = [text, _number(qr.score)]
        row = [f"Student {student}", str(7000 + number), student, "Section A, Section B",
               "11, 12", "", "2025-03-0%d 10:%02d:00 UTC" % (1 + number % 5, number), "2"]
        for item in columns:
            row += cells.get(item.name, ["", ""])
        correct = sum(q.status is Status.CORRECT or q.status is Status.PARTIAL
                      for q in result.questions)
        row += [str(correct), str(len(result.questions) - correct), _number(result.score)]
        rows.append(row)
        if student in OLDER_ATTEMPT:  # an older attempt, all blank, comes after (newest first)
            older = row[:7] + ["1"]
            for item in columns:
                older += ["", "0"] if item.name in cells else ["", ""]
            rows.append(older + ["0", str(len(result.questions)), "0"])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def moodle_question_summary(presented, display):
    """html_to_text(question text) (Moodle upper-cases <strong>), then ': ' and the choices in
    the order the attempt showed them."""
    body = paragraphs_html(presented.variant.stem)
    body = re.sub(r"<strong>(.*?)</strong>", lambda m: m.group(1).upper(), body)
    text = html.unescape(re.sub(r"<[^>]*>", "", body.replace("</p>\n<p>", "</p>\n\n<p>")))
    if presented.variant.question.kind in (Kind.SINGLE, Kind.MULTIPLE):
        return text + ": " + "; ".join(o.text for o in display)
    return text


def moodle_csv(path, quiz, export, answers, graded, question=True, right=True):
    """A Moodle quiz Responses report download: one slot per exported group pick, the
    choices of every attempt in the student's own order."""
    slots = export.slots
    header = ["Surname", "First name", "ID number", "Email address", "State", "Started on",
              "Completed", "Time taken", "Grade/8.00"]
    for n in range(1, len(slots) + 1):
        header += [f"Question {n}"] * question + [f"Response {n}"] + [f"Right answer {n}"] * right
    rows = []
    for number, (student, result) in enumerate(sorted(graded.items())):
        sq = student_quiz(quiz, student)
        per_group = {}
        for presented, qr in zip(sq.items, result.questions):
            item = _export_item(export, presented)
            display = presented.shown  # the attempt's shuffled order: the student's own
            kind = presented.variant.question.kind
            if qr.status is Status.UNANSWERED:
                response = "-"
            elif kind is Kind.NUMERIC:
                response = str(answers[student][presented.name])
            else:
                response = "; ".join(_picked_texts(presented, qr, display))
            if kind is Kind.NUMERIC:
                right_answer = repr(presented.variant.numeric.value)
            else:
                right_answer = "; ".join(o.text for o in display if o.correct)
            per_group.setdefault(item.group_index, []).append(
                [moodle_question_summary(presented, display)] * question + [response]
                + [right_answer] * right)
        cells = [c for g in sorted(per_group) for slot in per_group[g] for c in slot]
        grade = f"{8 * result.score / result.max_score:.2f}"
        base = [f"Last{number}", f"First{number}", student, f"{student}@example.edu"]
        row = base + ["Finished", "3 March 2025  10:21 AM", "3 March 2025  10:35 AM",
                      "14 mins 16 secs", grade, *cells]
        if student in OLDER_ATTEMPT:
            blank = [c if i % (question + 1 + right) != question else "-"
                     for i, c in enumerate(cells)]
            rows.append(base + ["Finished", "2 March 2025  9:00 AM", "2 March 2025  9:10 AM",
                                "10 mins", "0.00", *blank])
        rows.append(row)
    rows.append(["Late", "Student", "s099", "s099@example.edu", "In progress",
                 "3 March 2025  11:00 AM", "-", "-", "-"] + ["-"] * (len(header) - 9))
    with open(path, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def baseline(lms_quiz, roster, tmp_path_factory):
    """The class's answers graded as answers.yaml files."""
    tmp = tmp_path_factory.mktemp("baseline")
    answers = class_answers(lms_quiz, roster)
    summary = grade_quiz(lms_quiz, write_answer_files(tmp / "answers", answers), tmp / "out")
    return answers, {r.student_id: r for r in summary.results}, tmp / "out"


def read_csv(path, key):
    with open(path, newline="", encoding="utf-8") as handle:
        return {row[key]: row for row in csv.DictReader(handle)}


def assert_same_grading(out, expected_out):
    assert read_csv(out / "gradebook.csv", "student_id") == read_csv(
        expected_out / "gradebook.csv", "student_id")
    assert read_csv(out / "item_analysis.csv", "question_id") == read_csv(
        expected_out / "item_analysis.csv", "question_id")


def _per_question(results):
    return {(r.student_id, q.question_id): q for r in results for q in r.questions}


def test_canvas_report_grades_like_answers_files(lms_quiz, roster, export, baseline,
                                                 tmp_path):
    answers, graded, expected_out = baseline
    path = canvas_csv(tmp_path / "canvas.csv", lms_quiz, export, answers, graded)
    text = path.read_text(encoding="utf-8")
    assert "Penguin\\, emperor" in text and "&amp;" in text and '?\nPick one' in text
    responses = read_lms("canvas", path, lms_quiz, roster)
    assert responses.problems == ()
    assert len(responses.attempts) == len(roster) + len(OLDER_ATTEMPT)
    summary = grade_lms(lms_quiz, responses, tmp_path / "out")
    assert_same_grading(tmp_path / "out", expected_out)
    assert summary.problems == ()
    ours, theirs = _per_question(summary.results), _per_question(graded.values())
    assert ours.keys() == theirs.keys()
    for key, q in theirs.items():
        # `chosen` follows the display order, which is our export's here (Canvas does not
        # record a shuffle), so it is compared as a set.
        assert (ours[key].score, ours[key].status, sorted(ours[key].chosen),
                ours[key].explanation) == (q.score, q.status, sorted(q.chosen),
                                           q.explanation), key
    attempts = read_csv(tmp_path / "out" / "lms_attempts.csv", "student_id")
    assert attempts["s003"]["attempts"] == "2" and attempts["s001"]["attempts"] == "1"
    assert attempts["s003"]["lms_score"] == attempts["s003"]["score"]
    variants = read_csv(tmp_path / "out" / "item_analysis_variants.csv", "question_id")
    assert {"lms-he v1", "lms-numeric v2"} <= set(variants) and "lms-static v1" not in variants
    he = read_csv(expected_out / "item_analysis.csv", "question_id")["lms-he"]
    assert sum(int(variants[f"lms-he v{n}"]["n"]) for n in range(1, 5)) == int(he["n"])


def test_moodle_report_grades_like_answers_files_and_recovers_the_shuffle(
        lms_quiz, roster, export, baseline, tmp_path):
    answers, graded, expected_out = baseline
    path = moodle_csv(tmp_path / "moodle.csv", lms_quiz, export, answers, graded)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    responses = read_lms("moodle", path, lms_quiz, roster)
    late = 1 + next(n for n, line in enumerate(path.read_text(encoding="utf-8-sig")
                                               .splitlines()) if line.startswith("Late,"))
    assert [p.split(": ", 1)[1] for p in responses.problems] == [
        f"line {late}: attempt state 'In progress', not Finished; row ignored"]
    summary = grade_lms(lms_quiz, responses, tmp_path / "out")
    assert_same_grading(tmp_path / "out", expected_out)
    # The question summary lists the choices in the attempt's order, so the letters (and the
    # feedback that quotes them) are the student's own.
    ours, theirs = _per_question(summary.results), _per_question(graded.values())
    for key, q in theirs.items():
        assert ({**ours[key].as_dict(), "name": ""} == {**q.as_dict(), "name": ""}), key


def test_moodle_report_without_question_texts_maps_slots_by_position(
        lms_quiz, roster, export, baseline, tmp_path):
    answers, graded, expected_out = baseline
    path = moodle_csv(tmp_path / "moodle.csv", lms_quiz, export, answers, graded,
                      question=False)
    summary = grade_lms(lms_quiz, read_lms("moodle", path, lms_quiz, roster),
                        tmp_path / "out")
    assert_same_grading(tmp_path / "out", expected_out)
    assert len(summary.problems) == 1  # the in-progress attempt
    # Response only: a numeric answer cannot tell the variants of one question apart.
    path = moodle_csv(tmp_path / "bare.csv", lms_quiz, export, answers, graded,
                      question=False, right=False)
    summary = grade_lms(lms_quiz, read_lms("moodle", path, lms_quiz, roster),
                        tmp_path / "bare")
    ambiguous = [p for p in summary.problems if "the response fits" in p]
    assert ambiguous and all("'Question' or 'Right answer'" in p for p in ambiguous)
    assert re.search(r"bare\.csv: line \d+, slot \d+: the response fits lms-numeric v",
                     ambiguous[0])


@pytest.mark.parametrize("rule, older_counts", [("highest", False), ("latest", False),
                                                ("first", True)])
def test_attempt_rules(lms_quiz, roster, export, baseline, tmp_path, rule, older_counts):
    answers, graded, _ = baseline
    path = canvas_csv(tmp_path / "canvas.csv", lms_quiz, export, answers, graded)
    summary = grade_lms(lms_quiz, read_lms("canvas", path, lms_quiz, roster),
                        tmp_path / "out", attempts=rule)
    scores = {r.student_id: r.score for r in summary.results}
    for student in OLDER_ATTEMPT:
        assert graded[student].score > 0
        assert scores[student] == (0.0 if older_counts else graded[student].score)


def test_text_keys_and_partitions():
    assert text_key("<p>A &amp;amp; <strong>B</strong></p>\n<p>c</p>") == "a & b c"
    assert text_key("A &amp; B\nc") == text_key("a & b c")
    choices = ["bat; fruit", "bat", "fruit", "sparrow"]
    assert _partition("bat; fruit; sparrow", "; ", choices) == [0, 3]
    assert _partition("bat; sparrow", "; ", choices) == [1, 3]
    assert _partition("whale", "; ", choices) is None
    assert _partition("penguin\\, emperor,whale", ",", ["whale", "penguin\\, emperor"]) == [1, 0]


def invoke(*args):
    return CliRunner().invoke(quiz_cli, [str(a) for a in args])


@pytest.fixture()
def root(tmp_path):
    return Path(shutil.copytree(FIXTURE_ROOT, tmp_path / "root"))


def test_cli_grades_canvas_and_moodle_and_regrades_after_a_key_fix(
        lms_quiz, export, baseline, root, tmp_path):
    answers, graded, expected_out = baseline
    canvas = canvas_csv(tmp_path / "canvas.csv", lms_quiz, export, answers, graded)
    moodle = moodle_csv(tmp_path / "moodle.csv", lms_quiz, export, answers, graded)
    common = ("--roster", ROSTER_PATH, "--root", root, "--min-students", 5)
    result = invoke("grade", "lms", "--canvas", canvas, "--out", tmp_path / "c1", *common)
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.startswith(f"Graded {len(graded)} students of quiz 'lms'")
    assert "lms_mapping.csv" in result.output and "lms_attempts.csv" in result.output
    result = invoke("grade", "lms", "--moodle", moodle, "--out", tmp_path / "m1", *common)
    assert result.exit_code == 0, result.output + result.stderr
    assert "attempt state 'In progress'" in result.stderr
    # Fix a key (lms-tf is really false... make it true), then regrade everything.
    bank = root / "banks" / "lms.yaml"
    bank.write_text(bank.read_text().replace("    key: false\n", "    key: true\n"))
    folder = write_answer_files(tmp_path / "answers", answers)
    runs = {}
    for name, source, first in (("yaml", ("--responses", folder), expected_out),
                                ("canvas", ("--canvas", canvas, "--roster", ROSTER_PATH),
                                 tmp_path / "c1"),
                                ("moodle", ("--moodle", moodle, "--roster", ROSTER_PATH),
                                 tmp_path / "m1")):
        result = invoke("grade", "lms", *source, "--out", tmp_path / f"{name}2", "--previous",
                        first / "gradebook.csv", "--root", root)
        assert result.exit_code == 0, result.output + result.stderr
        runs[name] = result.stdout.split("Regrade:")[1].split("Wrote")[0]
        runs[name + "_book"] = read_csv(tmp_path / f"{name}2" / "gradebook.csv", "student_id")
    assert "students changed" in runs["yaml"] and runs["yaml"].strip() != "0 students changed"
    assert runs["canvas"] == runs["yaml"] == runs["moodle"]
    assert runs["canvas_book"] == runs["yaml_book"] == runs["moodle_book"]


@pytest.mark.parametrize("args, message", [
    ([], "give exactly one of --responses, --canvas or --moodle"),
    (["--responses", "{csv}", "--canvas", "{csv}"], "(got --responses, --canvas)"),
    (["--canvas", "{csv}", "--moodle", "{csv}"], "(got --canvas, --moodle)"),
    (["--responses", "{csv}", "--roster", "{roster}"], "--roster only apply to"),
])
def test_cli_usage_errors(tmp_path, args, message):
    csv_path = tmp_path / "x.csv"
    csv_path.write_text("student_id,q1\n")
    args = [a.format(csv=csv_path, roster=ROSTER_PATH) for a in args]
    result = invoke("grade", "lms", *args, "--out", tmp_path / "out", "--root", FIXTURE_ROOT)
    assert result.exit_code == 2
    assert message in result.stderr


def test_unknown_question_text_is_a_clear_error_with_close_matches(lms_quiz, export, baseline,
                                                                   tmp_path):
    answers, graded, _ = baseline
    path = canvas_csv(tmp_path / "canvas.csv", lms_quiz, export, answers, graded)
    text = path.read_text(encoding="utf-8").replace("Which of these are birds?",
                                                    "Which of these are birdz?", 1)
    path.write_text(text, encoding="utf-8")
    result = invoke("grade", "lms", "--canvas", path, "--roster", ROSTER_PATH, "--out",
                    tmp_path / "out", "--root", FIXTURE_ROOT)
    assert result.exit_code == 1
    assert "1 question text(s) match no variant of the export of quiz 'lms'" in result.stderr
    assert "'Which of these are birdz?'" in result.stderr
    assert "close: 'which of these are birds?' (lms-multi v1)" in result.stderr
    # Another seed renders other variants: their texts do not match.
    result = invoke("grade", "lms", "--canvas", path, "--roster", ROSTER_PATH, "--seed", "6",
                    "--out", tmp_path / "out", "--root", FIXTURE_ROOT)
    assert result.exit_code == 1 and "another --roster or --seed" in result.stderr


def test_unmappable_cells_and_rows_are_problems_with_lines(lms_quiz, roster, export, baseline,
                                                          tmp_path):
    answers, graded, _ = baseline
    path = canvas_csv(tmp_path / "canvas.csv", lms_quiz, export, answers, graded)
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    static = next(i for i, h in enumerate(rows[0]) if "piecewise linear" in h)
    target = next(r for r in rows[1:] if r[2] == "s005" and r[static + 1])
    target[static] = "Softplus"
    rows[1][2] = "bad id!"
    rows.append(rows[3][:5])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    responses = read_lms("canvas", path, lms_quiz, roster)
    header_lines = rows[0][static].count("\n")  # the multi-line header shifts lines
    problems = "\n".join(responses.problems)
    assert re.search(rf"canvas\.csv: line \d+, column {static + 1} \(lms-static v1\): "
                     r"response 'Softplus' is not one of the options 'ReLU', ", problems)
    assert "student id 'bad id!' must match" in problems and "row ignored" in problems
    assert re.search(r"line \d+: 5 cells, the header has \d+; row ignored", problems)
    line = int(re.search(r"line (\d+), column", problems).group(1))
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].startswith("Student s005")
    assert header_lines > 0
    summary = grade_lms(lms_quiz, responses, tmp_path / "out")
    s005 = next(r for r in summary.results if r.student_id == "s005")
    assert next(q for q in s005.questions if q.question_id == "lms-static").status is (
        Status.UNANSWERED)


def test_not_a_report_is_a_clear_error(lms_quiz, roster, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("student_id,q1\ns001,a\n")
    with pytest.raises(AnswerFileError, match="not a Canvas Student Analysis report"):
        read_lms("canvas", path, lms_quiz, roster)
    with pytest.raises(AnswerFileError, match="not a Moodle Responses report"):
        read_lms("moodle", path, lms_quiz, roster)
    path.write_text("Surname,First name,ID number,Response 1\nA,B,s001,x\n")
    with pytest.raises(AnswerFileError, match="1 slots, but the export of quiz 'lms' has 8"):
        read_lms("moodle", path, lms_quiz, roster)


def test_committed_sample_reports_grade_like_their_answer_files(lms_quiz, tmp_path):
    """tests/quiz_fixtures/lms/: a small Canvas and Moodle report of three students (s003 with
    an older attempt) and the same answers as answers files."""
    folder = FIXTURE_ROOT.parent
    expected = grade_quiz(lms_quiz, folder / "answers", tmp_path / "yaml")
    assert {r.student_id: r.score for r in expected.results} == {"s003": 1.5, "s004": 4.0,
                                                                 "s010": 4.0}
    for option, name in (("--canvas", "canvas_student_analysis.csv"),
                         ("--moodle", "moodle_responses.csv")):
        result = invoke("grade", "lms", option, folder / name, "--roster", ROSTER_PATH,
                        "--out", tmp_path / name, "--root", FIXTURE_ROOT)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Graded 3 students of quiz 'lms': mean score 3.17 / 8")
        assert_same_grading(tmp_path / name, tmp_path / "yaml")


def test_grade_help_lists_the_lms_options():
    result = invoke("grade", "--help")
    assert result.exit_code == 0
    for option in ("--responses", "--canvas", "--moodle", "--roster", "--attempts",
                   "--id-column"):
        assert option in result.output
