"""The submission policy inside the Gradescope grader: the zip's own run_autograder, emulated.

The zip carries a backprop YAML with the course policy (week 2: 15 visible); the metadata file
says how many earlier week-2 submissions the student made. Over the cap, the final
results.json (after Otter and ensure_results) hides every test, keeps the last visible score
and tells the student why.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from autograder.build.otter_zip import build_zip
from autograder.config import load_assignment
from batch_fixtures.common import assignment_yaml

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]
RELEASE = dt.datetime(2026, 1, 5, 9, tzinfo=dt.timezone(dt.timedelta(hours=-8)))


def metadata(previous: int) -> dict:
    def at(days: float) -> str:
        return (RELEASE + dt.timedelta(days=days)).isoformat()

    return {"id": 5550001, "created_at": at(9.5), "submission_method": "upload",
            "assignment": {"release_date": at(0), "due_date": at(14), "late_due_date": None,
                           "title": "Backprop", "total_points": "34.0", "id": 1, "course_id": 1,
                           "group_size": None, "group_submission": False},
            "users": [{"email": "ada@uni.example.edu", "id": 7, "name": "Ada L"}],
            "previous_submissions": [{"submission_time": at(7.2 + 0.01 * i), "score": 10.0 + i,
                                      "results": {}} for i in range(previous)]}


@pytest.fixture(scope="module")
def policy_zip(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("policyzip")
    yaml_path = assignment_yaml(tmp / "assignments" / "backprop" / "assignment.yaml")
    return build_zip(load_assignment(yaml_path, REPO), tmp / "autograder.zip")


def run_gradescope(grader_zip: Path, root: Path, meta: dict) -> dict:
    """The backprop reference through the emulated Gradescope container, with `meta`."""
    from test_otter_e2e import gradescope_run

    def lay_out(submission: Path) -> None:
        for name in ("backprop.py", "gradcheck.py"):
            (submission / name).write_bytes((REPO / "solutions" / "backprop" / name).read_bytes())

    return gradescope_run(grader_zip, lay_out, root, meta)


def test_over_the_cap_hides_results_and_keeps_the_last_visible_score(policy_zip, tmp_path):
    doc = run_gradescope(policy_zip, tmp_path / "over", metadata(previous=15))
    assert doc["score"] == 24.0  # 10 + 14: the 15th (last) earlier submission's score, not 34
    assert all(t["visibility"] == "hidden" for t in doc["tests"])
    assert doc["output"].startswith("You have used all 15 submissions with visible results in "
                                    "week 2: this is submission 16.")
    notes = next(t for t in doc["tests"] if t["name"] == "Grader notes (staff only)")
    assert "graded 34 / 34, reported 24 (carried forward)" in notes["output"]


def test_within_the_cap_results_are_visible(policy_zip, tmp_path):
    doc = run_gradescope(policy_zip, tmp_path / "under", metadata(previous=3))
    assert doc["score"] == 34
    assert "Submission 4 of 15 with visible results in week 2." in doc["output"]
    assert any(t["visibility"] == "visible" for t in doc["tests"])
