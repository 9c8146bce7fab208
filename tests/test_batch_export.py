"""A synthetic Gradescope export of 51 backprop submissions graded by one batch.

Mix: 12 correct (three upload forms), 27 buggy (the 9 corpus bugs, three students each), 10
broken (syntax error, missing file, empty, skeleton, forbidden import, exit at import, wrong
names, notes only), 2 hanging (a loop in relu, a sleep at import); one in ten is a group of
two; two students carry a week-2 history for the submission policy. The export is graded once
per test session (shared by the xdist workers) with one worker, and every test reads it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from autograder.batch.export import content_hash, load_source
from autograder.batch.runner import grade_batch
from autograder.batch.store import Gradebook
from autograder.config import load_assignment
from autograder.report import validate
from batch_fixtures.common import RELEASE, assignment_yaml, built_once
from batch_fixtures.synthetic import BACKPROP_PLAN, make_export

REPO = Path(__file__).resolve().parents[1]
HISTORY = {3: 16, 4: 5}  # submission index -> earlier week-2 submissions (scores 10, 11, ...)


@pytest.fixture(scope="session")
def graded_export(tmp_path_factory, worker_id):
    def build(base: Path) -> dict:
        yaml_path = assignment_yaml(base / "backprop-test.yaml")
        manifest = make_export("backprop", base / "export.zip", BACKPROP_PLAN,
                               policy_history=HISTORY, group_every=10)
        assignment = load_assignment(yaml_path, REPO)
        summary = grade_batch(assignment, manifest.path, base / "gradebook.sqlite",
                              base / "out", workers=1, release=RELEASE)
        return {"kinds": manifest.kinds, "students": manifest.students,
                "yaml": str(yaml_path), "hash": summary.grader_hash,
                "graded": summary.graded, "statuses": dict(summary.statuses),
                "pool_seconds": summary.pool_seconds,
                "grading_seconds": summary.grading_seconds}

    base, data = built_once(tmp_path_factory, worker_id, "batch-export", build)
    data["base"] = base
    return data


@pytest.fixture(scope="session")
def rows(graded_export):
    with Gradebook(graded_export["base"] / "gradebook.sqlite") as book:
        return book.latest("backprop", graded_export["hash"])


def by_kind(graded_export, rows, prefix):
    keys = [k for k, v in graded_export["kinds"].items() if v.startswith(prefix)]
    assert keys, prefix
    found = {r.submission_key: r for r in rows.values()}
    return [(graded_export["kinds"][k], found[k]) for k in sorted(keys)]


def test_every_submission_is_graded_once(graded_export, rows):
    assert len(graded_export["kinds"]) == 51
    assert graded_export["graded"] == 51
    assert len(rows) == 51
    assert {r.status for r in rows.values()} == {"graded"}  # hangs are stopped by the engine


def test_correct_submissions_get_full_marks_in_every_upload_form(graded_export, rows):
    for _, row in by_kind(graded_export, rows, "correct"):
        assert row.score == row.max_score == 34, row.submission_key


def test_buggy_submissions_lose_points_in_their_component(graded_export, rows):
    for kind, row in by_kind(graded_export, rows, "buggy"):
        _, bug, component = kind.split(":")
        lost = {c.component for c in row.checks if not c.passed}
        assert row.score < 34 and component in lost, (bug, lost)


def test_broken_and_hanging_submissions_get_zero_or_partial_with_a_reason(graded_export, rows):
    for kind, row in by_kind(graded_export, rows, "broken"):
        assert row.score < 34, kind
        text = json.dumps(row.result)
        if kind in ("broken:empty", "broken:notes-only", "broken:wrong-names"):
            assert row.score == 0 and "Nothing gradable was found" in text, kind
        if kind == "broken:skeleton":
            assert row.score == 0 and "not implemented yet" in text
        if kind == "broken:forbidden-import":
            assert "torch" in text
    for kind, row in by_kind(graded_export, rows, "hang"):
        text = json.dumps(row.result)
        assert row.score < 34 and ("did not finish" in text or "ran out" in text), kind


def test_identical_code_gets_identical_checks(graded_export, rows):
    """Deterministic: the same code in different folders (graded separately) scores the same."""
    groups: dict[str, list] = {}
    for key, kind in graded_export["kinds"].items():
        if kind.startswith(("buggy", "correct")):
            groups.setdefault(kind, []).append(key)
    found = {r.submission_key: r for r in rows.values()}
    compared = 0
    for kind, keys in groups.items():
        checks = {tuple((c.key, c.points, c.message) for c in found[k].checks) for k in keys}
        assert len(checks) == 1, kind
        compared += len(keys) > 1
    assert compared >= 9


def test_gradebook_csv_has_a_row_per_student(graded_export, rows):
    path = graded_export["base"] / "out" / "gradebook.csv"
    with open(path, newline="") as f:
        table = list(csv.DictReader(f))
    people = sum(len(v) for v in graded_export["students"].values())
    assert len(table) == people > 51  # group members get their own rows
    assert list(table[0])[:9] == ["SID", "Name", "Email", "Submission", "Total Score",
                                  "Max Points", "Status", "Visible", "Graded Score"]
    assert {"forward", "losses", "backward", "end_to_end", "gradcheck"} <= set(table[0])
    found = {r.submission_key: r for r in rows.values()}
    for line in table:
        row = found[line["Submission"]]
        assert float(line["Total Score"]) == row.reported
        parts = sum(float(line[c]) for c in ("forward", "losses", "backward", "end_to_end",
                                             "gradcheck"))
        assert parts == pytest.approx(float(line["Graded Score"]))
        student = next(s for s in graded_export["students"][line["Submission"]]
                       if s["sid"] == line["SID"])
        assert (line["Name"], line["Email"]) == (student["name"], student["email"])


def test_results_json_and_feedback_for_every_submission(graded_export):
    out = graded_export["base"] / "out" / "results"
    folders = sorted(p.name for p in out.iterdir())
    assert folders == sorted(graded_export["kinds"])
    for name in folders:
        doc = json.loads((out / name / "results.json").read_text())
        validate(doc)
        feedback = (out / name / "feedback.txt").read_text()
        assert feedback.startswith("Student: ") and "Total: " in feedback


def test_policy_from_the_export_history(graded_export, rows):
    """Student 3 had 16 earlier week-2 submissions: hidden, keeps the last one's score (25)."""
    keys = sorted(graded_export["kinds"])  # folder names follow the submission order
    over, under = (next(r for r in rows.values() if r.submission_key == keys[i]) for i in (3, 4))
    assert not over.visible and over.reported == 25.0 and over.score == over.max_score
    assert under.visible and under.reported == under.score
    doc = json.loads((graded_export["base"] / "out" / "results" / keys[3] /
                      "results.json").read_text())
    assert doc["score"] == 25.0 and {t["visibility"] for t in doc["tests"]} == {"hidden"}
    assert doc["output"].startswith("You have used all 15 submissions") and "34" not in \
        doc["output"]


def test_rerun_skips_everything_already_graded(graded_export, tmp_path):
    """Resumable: the same batch again grades nothing (the store knows every pair is done)."""
    import shutil

    store = tmp_path / "copy.sqlite"
    shutil.copy(graded_export["base"] / "gradebook.sqlite", store)
    assignment = load_assignment(graded_export["yaml"], REPO)
    summary = grade_batch(assignment, graded_export["base"] / "export.zip", store, None,
                          workers=1, release=RELEASE)
    assert summary.graded == 0 and summary.skipped == 51


def test_export_parsing_reads_ruby_keys_groups_and_history(graded_export, tmp_path):
    src = load_source(graded_export["base"] / "export.zip", tmp_path)
    assert src.kind == "gradescope" and len(src.entries) == 51
    groups = [e for e in src.entries if len(e.submitters) == 2]
    assert len(groups) == 5 and all("+" in e.student_key for e in groups)
    entry = src.entries[3]
    assert entry.created_at.startswith("2026-01-13T12:03:00") and len(entry.history) == 16
    assert entry.history[0] == {"submission_time": "2026-01-12T10:00:00-08:00", "score": 10.0,
                                "autograder_error": False}


def test_plain_folder_of_submissions(tmp_path, paths):
    import shutil

    from helpers import zip_folder

    sol = paths.load("backprop").solution
    (tmp_path / "subs").mkdir()
    shutil.copytree(sol, tmp_path / "subs" / "alice", ignore=shutil.ignore_patterns("tests",
                                                                                  "__pycache__"))
    zip_folder(sol, tmp_path / "subs" / "bob.zip", only=["backprop.py", "gradcheck.py"])
    (tmp_path / "subs" / ".DS_Store").write_text("")
    src = load_source(tmp_path / "subs", tmp_path / "work")
    assert src.kind == "folder" and [e.key for e in src.entries] == ["alice", "bob"]
    assert [e.student_key for e in src.entries] == ["alice", "bob"]
    assert content_hash(src.entries[0].path) != content_hash(src.entries[1].path)
    assert content_hash(src.entries[0].path) == content_hash(src.entries[0].path)
