"""Submission policy (assignment.yaml `policy.windows`) from synthetic Gradescope metadata.

The course notes' policy: unlimited submissions in week 1; in week 2 at most 15 with results
visible, later ones still graded but hidden, and the student keeps the last visible score.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from autograder import otter_bridge
from autograder.config import ConfigError, PolicyAnchor, PolicyWindow, load_assignment
from autograder.engine.results import CheckResult, ComponentResult, SubmissionResult
from autograder.policy import apply_policy, apply_to_results, parse_time, reported_score
from autograder.report import to_gradescope, validate

RELEASE = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
WEEKS = (PolicyWindow(0, 7, None, PolicyAnchor.RELEASE, "week 1"),
         PolicyWindow(7, 14, 15, PolicyAnchor.RELEASE, "week 2"))


def stamp(days: float) -> str:
    return (RELEASE + dt.timedelta(days=days)).isoformat()


def metadata(created_days: float, previous: list[tuple[float, float]] | list = (),
             errors: tuple[int, ...] = ()) -> dict:
    """Gradescope's submission_metadata.json: previous = [(days after release, score), ...]."""
    prev = []
    for i, (days, score) in enumerate(previous):
        entry = {"submission_time": stamp(days), "score": score, "results": {}}
        if i in errors:
            entry["autograder_error"] = True
        prev.append(entry)
    return {"id": 1000, "created_at": stamp(created_days),
            "assignment": {"release_date": RELEASE.isoformat(), "due_date": stamp(14),
                           "late_due_date": None, "title": "Backprop", "total_points": "34.0"},
            "users": [{"email": "ada@uni.edu", "id": 7, "name": "Ada L"}],
            "previous_submissions": prev}


@pytest.fixture(scope="module")
def weekly(paths):
    return replace(paths.load("backprop"), policy=WEEKS)


def graded(score: float = 30.0, max_score: float = 34.0) -> SubmissionResult:
    checks = (CheckResult("c.a", "A", score, max_score, "" if score == max_score else "wrong"),)
    return SubmissionResult("backprop", (ComponentResult("c", "C", "visible", checks),))


def test_week_one_is_unlimited(weekly):
    meta = metadata(6.5, [(0.1 * i, 10) for i in range(40)])
    res = apply_policy(graded(), weekly, meta)
    assert res.visible and res.score == 30 and reported_score(res) == 30
    assert "unlimited" in res.extra["policy"]["message"]


def test_week_two_fifteen_visible_then_hidden_keeping_last_visible_score(weekly):
    week1 = [(1.0 + 0.1 * i, 5.0) for i in range(20)]          # do not count in week 2
    week2 = [(7.5 + 0.1 * i, 10.0 + i) for i in range(14)]     # 14 previous in week 2
    res = apply_policy(graded(), weekly, metadata(9.0, week1 + week2))
    assert res.visible and res.extra["policy"]["ordinal"] == 15
    assert "Submission 15 of 15 with visible results in week 2" in res.extra["policy"]["message"]

    week2.append((8.9, 24.0))                                   # the 15th was visible: 24
    res = apply_policy(graded(), weekly, metadata(9.0, week1 + week2))
    assert not res.visible
    assert res.score == 30 and reported_score(res) == 24       # graded 30, keeps 24, not 0
    assert any("used all 15 submissions" in m and "stays at 24" in m for m in res.messages)
    assert any("graded 30 / 34, reported 24" in n for n in res.staff_notes)


def test_counts_relative_to_created_at_not_the_clock(weekly):
    """A regrade months later decides as the original run: only earlier submissions count."""
    week2 = [(7.5 + 0.1 * i, 10.0) for i in range(20)]
    early = apply_policy(graded(), weekly, metadata(8.0, week2))  # 5 before day 8
    assert early.visible and early.extra["policy"]["ordinal"] == 6


def test_autograder_errors_do_not_count(weekly):
    week2 = [(7.5 + 0.01 * i, 10.0) for i in range(16)]
    res = apply_policy(graded(), weekly, metadata(9.0, week2, errors=(0, 1, 2)))
    assert res.visible and res.extra["policy"]["counted"] == 13


def test_carried_score_skips_errored_submissions(weekly):
    week2 = [(7.5 + 0.01 * i, 12.0) for i in range(15)] + [(8.5, 0.0)]
    res = apply_policy(graded(), weekly, metadata(9.0, week2, errors=(15,)))
    assert not res.visible and reported_score(res) == 12


def test_after_the_windows_nothing_applies(weekly):
    res = apply_policy(graded(), weekly, metadata(20.0, [(8 + 0.01 * i, 1) for i in range(30)]))
    assert res.visible and reported_score(res) == 30
    assert "no window holds this submission" in res.extra["policy"]["note"]


def test_no_metadata_or_no_policy_changes_nothing(weekly, paths):
    res = graded()
    assert apply_policy(res, paths.load("backprop"), metadata(9.0)) is res
    noted = apply_policy(res, weekly, {})
    assert noted.visible and noted.components == res.components
    assert "no submission metadata" in noted.staff_notes[-1]


def test_apply_policy_is_pure(weekly):
    res = graded()
    meta = metadata(9.0, [(7.5 + 0.01 * i, 10.0) for i in range(15)])
    before = copy.deepcopy(meta)
    out = apply_policy(res, weekly, meta)
    assert meta == before and res.visible and not out.visible and out is not res
    assert apply_policy(res, weekly, meta) == out


def test_due_anchored_window(paths):
    late = replace(paths.load("backprop"), policy=(PolicyWindow(0, None, 2, PolicyAnchor.DUE),))
    meta = metadata(15.0, [(14.5, 8.0), (14.6, 9.0)])          # due at day 14
    res = apply_policy(graded(), late, meta)
    assert not res.visible and reported_score(res) == 9.0
    assert "in the time after the due date" in res.messages[-1]


def test_parse_time_reads_gradescope_and_export_formats():
    iso = parse_time("2018-07-01T14:22:32.365935-07:00")
    ruby = parse_time("2018-07-01 14:22:32.365935000 -0700")
    assert iso == ruby and iso.utcoffset() == dt.timedelta(hours=-7)
    assert parse_time("2018-07-01T21:22:32Z").tzinfo is not None
    assert parse_time("soon") is None and parse_time(None) is None


def test_results_json_hides_tests_keeps_score_and_says_why(weekly):
    res = apply_policy(graded(), weekly, metadata(9.0, [(7.5 + 0.01 * i, 11.0)
                                                        for i in range(15)]))
    doc = apply_to_results(to_gradescope(res), res.extra["policy"])
    validate(doc)
    assert doc["score"] == 11.0 and all(t["visibility"] == "hidden" for t in doc["tests"])
    assert doc["output"].startswith("You have used all 15 submissions")
    visible = apply_policy(graded(), weekly, metadata(9.0))
    doc = apply_to_results(to_gradescope(visible), visible.extra["policy"])
    assert doc["score"] == 30 and doc["output"].startswith("Submission 1 of 15")


def test_ensure_results_applies_the_decision_left_by_result(weekly, tmp_path):
    """Otter writes results.json from the test cases; ensure_results must hide it."""
    root = tmp_path
    (root / "source").mkdir()
    (root / "results").mkdir()
    res = apply_policy(graded(), weekly, metadata(9.0, [(7.5 + 0.01 * i, 11.0)
                                                        for i in range(15)]))
    from autograder.policy import save_decision

    save_decision(root / "source", res.extra["policy"])
    otter_doc = {"tests": [{"name": "C", "score": 30, "max_score": 34, "visibility": "visible",
                            "output": "..."}], "score": 30}
    target = root / "results" / "results.json"
    target.write_text(json.dumps(otter_doc))
    assert otter_bridge.ensure_results(str(target)) == 0
    doc = json.loads(target.read_text())
    validate(doc)
    assert doc["score"] == 11.0 and doc["tests"][0]["visibility"] == "hidden"
    assert "used all 15" in doc["output"]
    assert (root / "source" / ".ag-policy.json").stat().st_mode & 0o077 == 0


def write_yaml(tmp_path: Path, policy) -> Path:
    data = {"name": "x", "title": "X", "seed": 1, "solution": "solutions/x", "suite": "s",
            "submission": {"files": ["a.py"]}, "policy": policy,
            "components": [{"id": "c", "title": "C", "checks": {"k": {"points": 1,
                                                                      "title": "K"}}}]}
    path = tmp_path / "assignments" / "x" / "assignment.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))
    return path


def test_policy_yaml_course_notes_example(tmp_path):
    path = write_yaml(tmp_path, {"windows": [
        {"start_days": 0, "end_days": 7, "label": "week 1"},
        {"start_days": 7, "end_days": 14, "max_visible": 15, "label": "week 2"}]})
    assert load_assignment(path).policy == WEEKS


@pytest.mark.parametrize("policy, message", [
    ({"windows": [{"start_days": 0, "end_days": 7, "max_visble": 3}]},
     "policy.windows[0]: unknown key(s) ['max_visble']"),
    ({"windows": [{"end_days": 7}]}, "policy.windows[0]: missing required key 'start_days'"),
    ({"windows": [{"start_days": 7, "end_days": 7}]},
     "policy.windows[0].end_days must be after start_days (7), got 7"),
    ({"windows": [{"start_days": 0, "end_days": 7, "max_visible": -1}]},
     "policy.windows[0].max_visible must be a whole number >= 0"),
    ({"windows": [{"start_days": 0, "end_days": 7, "max_visible": 2.5}]},
     "policy.windows[0].max_visible must be a whole number >= 0"),
    ({"windows": [{"start_days": 0, "end_days": 7, "relative_to": "deadline"}]},
     "policy.windows[0].relative_to: 'deadline' is not one of 'release', 'due'"),
    ({"windows": [{"start_days": 0, "end_days": 8}, {"start_days": 7, "end_days": 14}]},
     "policy.windows[1] overlaps policy.windows[0]"),
    ({"windows": {"start_days": 0}}, "policy.windows must be a list"),
    ({"limit": 3}, "policy: unknown key(s) ['limit']"),
])
def test_bad_policy_names_file_and_key(tmp_path, policy, message):
    path = write_yaml(tmp_path, policy)
    with pytest.raises(ConfigError) as err:
        load_assignment(path)
    assert message in str(err.value) and str(path) in str(err.value)
