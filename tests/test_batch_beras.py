"""The batch grader on Beras (the course's big assignment, ~10 s per submission)."""

from __future__ import annotations

import json
from pathlib import Path

from autograder.batch.runner import grade_batch
from autograder.batch.store import Gradebook
from autograder.config import load_assignment
from autograder.report import validate
from batch_fixtures.common import RELEASE, assignment_yaml
from batch_fixtures.synthetic import make_export

REPO = Path(__file__).resolve().parents[1]


def test_beras_export_buggy_and_broken(tmp_path):
    yaml_path = assignment_yaml(tmp_path / "beras.yaml", "beras", limits={})
    manifest = make_export("beras", tmp_path / "export.zip", {"buggy": 1, "broken": 1}, seed=9)
    summary = grade_batch(load_assignment(yaml_path, REPO), manifest.path,
                          tmp_path / "gradebook.sqlite", tmp_path / "out", workers=1,
                          release=RELEASE)
    assert dict(summary.statuses) == {"graded": 2}
    with Gradebook(tmp_path / "gradebook.sqlite") as book:
        rows = {r.submission_key: r for r in book.latest("beras", summary.grader_hash).values()}
    (bug_key,) = manifest.of_kind("buggy")
    bug = rows[bug_key]
    assert 0 < bug.score < 60
    assert {c.component for c in bug.checks if not c.passed} >= {"softmax"}
    (broken_key,) = manifest.of_kind("broken")
    assert rows[broken_key].score < 60
    assert "syntax error" in json.dumps(rows[broken_key].result)
    for key in (bug_key, broken_key):
        validate(json.loads((tmp_path / "out" / "results" / key / "results.json").read_text()))
