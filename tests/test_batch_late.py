"""Late days and extensions in batch grading: the decision rules, and the term across runs.

Grading is replaced by a pool that gives every submission full marks (the late rules act on
the total; the real engine is covered by tests/test_batch_export.py), so each scenario runs in
well under a second: on time, inside grace, late with budget, late past budget, an extension, a
group, a due date moved between two runs (diff shows it), an override on a late submission, and
the term table across two assignments.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from autograder.batch.cli import batch
from autograder.batch.late_days import late_changes, term_ledger
from autograder.batch.pool import Outcome
from autograder.batch.runner import grade_batch
from autograder.batch.store import Gradebook
from autograder.config import ConfigError, GroupCharge, LatePolicy, load_assignment
from autograder.engine.results import CheckResult, ComponentResult, SubmissionResult
from autograder.late import (AssignmentTerm, ExtensionError, LateCase, decide_one, decide_term,
                             lateness, read_extensions)
from batch_fixtures.common import assignment_yaml

REPO = Path(__file__).resolve().parents[1]
DUE = "2026-02-06T23:59:00-05:00"
POLICY = LatePolicy(budget_days=3, grace_minutes=15, max_days=2, penalty_per_day=0.1)


# -- the rules ---------------------------------------------------------------------------------
@pytest.mark.parametrize("created,days", [
    ("2026-02-06T23:00:00-05:00", 0),            # on time
    ("2026-02-07T00:10:00-05:00", 0),            # 11 minutes late: inside the grace period
    ("2026-02-07T00:14:00-05:00", 0),            # exactly the grace period
    ("2026-02-07T00:15:00-05:00", 1),            # a minute past grace: one whole day
    ("2026-02-08T00:59:00-05:00", 2),            # 25 hours: two days
    ("2026-02-07T04:59:00Z", 0),                 # the same instant in UTC as the due date
])
def test_lateness_counts_whole_days_after_grace(created, days):
    assert lateness(created, DUE, 15)[1] == days


def case(member, created, due=DUE, **kw):
    return LateCase("a1", member, created, due, **kw)


def test_budget_then_cap_then_penalty():
    three_days_late = "2026-02-09T12:00:00-05:00"
    fresh = decide_one(case("s1", three_days_late), POLICY, budget_before=3)
    assert (fresh.days_late, fresh.days_charged, fresh.penalty_days) == (3, 2, 1)  # max_days 2
    assert fresh.penalty == pytest.approx(0.1) and fresh.budget_left == 1
    broke = decide_one(case("s2", three_days_late), POLICY, budget_before=0)
    assert (broke.days_charged, broke.penalty) == (0, pytest.approx(0.3))
    schedule = dataclasses.replace(POLICY, penalty_per_day=0.0,
                                   penalty_schedule=(0.25, 0.5, 1.0))
    assert decide_one(case("s3", three_days_late), schedule, 0).penalty == 1.0
    assert "reduced by 30%" in broke.message() and "3 late days" in broke.message()
    no_due = decide_one(case("s4", three_days_late, due=None), POLICY, 3)
    assert no_due.penalty == 0 and "no due date" in no_due.note


def test_term_budget_is_spent_in_due_date_order():
    # listed out of order: a2 is due after a1, so a1 spends the budget first
    late2 = "2026-02-09T00:30:00-05:00"  # 2 days late for a1
    a1 = AssignmentTerm("a1", POLICY, (LateCase("a1", "s1", late2, DUE),), DUE)
    due2 = "2026-02-20T23:59:00-05:00"
    a2 = AssignmentTerm("a2", POLICY, (LateCase("a2", "s1", "2026-02-23T00:30:00-05:00",
                                                due2),), due2)
    ledger = decide_term([a2, a1], budget=3)
    assert ledger.order == ["a1", "a2"]
    first, second = ledger.decisions[("a1", "s1")], ledger.decisions[("a2", "s1")]
    assert (first.days_charged, first.budget_left) == (2, 1)
    assert (second.days_late, second.days_charged, second.penalty_days) == (3, 1, 2)
    assert second.penalty == pytest.approx(0.2) and ledger.used("s1") == 3


def test_group_charge_each_or_first():
    late = "2026-02-08T00:30:00-05:00"  # 2 days
    cases = tuple(LateCase("a1", m, late, DUE, group=("s1", "s2")) for m in ("s1", "s2"))
    each = decide_term([AssignmentTerm("a1", POLICY, cases, DUE)], 3)
    assert [each.decisions[("a1", m)].days_charged for m in ("s1", "s2")] == [2, 2]
    first = dataclasses.replace(POLICY, group_charge=GroupCharge.FIRST)
    shared = decide_term([AssignmentTerm("a1", first, cases, DUE)], 3)
    assert shared.decisions[("a1", "s1")].days_charged == 2
    follower = shared.decisions[("a1", "s2")]
    assert follower.days_charged == 0 and follower.budget_left == 3
    assert follower.days_late == 2 and "charged to s1" in follower.note


def test_late_policy_yaml_errors(tmp_path):
    def load_with(late):
        path = assignment_yaml(tmp_path / "a" / "assignments" / "x" / "assignment.yaml")
        data = yaml.safe_load(path.read_text())
        data["late"] = late
        path.write_text(yaml.safe_dump(data))
        return load_assignment(path, REPO)

    assert load_with({"due": DUE, "max_days": 1}).late.max_days == 1
    assert load_with({"due": DUE}).late.budget_days == 3  # course.yaml's default
    for bad, words in (({"due": "next friday"}, "not an ISO time"),
                       ({"budget_days": 9}, "unknown key"),
                       ({"penalty_per_day": 2}, "at most 1"),
                       ({"penalty_schedule": [0.5, 0.2]}, "must not decrease"),
                       ({"group_charge": "all"}, "not one of")):
        with pytest.raises(ConfigError, match=words):
            load_with(bad)


def test_extensions_csv_errors_name_the_line(tmp_path):
    good = tmp_path / "ext.csv"
    good.write_text("SID,assignment,new_due,reason\n2026001,backprop,2026-02-09T23:59:00-05:00,"
                    "medical\n2026002,backprop,,revoked\n")
    rows = read_extensions(good)
    assert rows[0].new_due == "2026-02-09T23:59:00-05:00" and rows[1].new_due is None
    bad = tmp_path / "bad.csv"
    bad.write_text("SID,assignment,new_due,reason\n2026001,backprop,tomorrow,x\n,backprop,,\n")
    with pytest.raises(ExtensionError) as err:
        read_extensions(bad)
    assert "line 2" in str(err.value) and "line 3" in str(err.value)
    (tmp_path / "cols.csv").write_text("student,due\n1,2\n")
    with pytest.raises(ExtensionError, match="missing column"):
        read_extensions(tmp_path / "cols.csv")


# -- the term, through batch grade --------------------------------------------------------------
STUDENTS = {  # key -> (submitters, created_at)
    "on_time": (["2026001"], "2026-02-06T20:00:00-05:00"),
    "grace": (["2026002"], "2026-02-07T00:10:00-05:00"),
    "late_budget": (["2026003"], "2026-02-08T09:00:00-05:00"),      # 2 days, charged
    "late_past": (["2026004"], "2026-02-10T09:00:00-05:00"),        # 4 days: 2 charged, 2 x 10%
    "extended": (["2026005"], "2026-02-08T09:00:00-05:00"),         # on time with the extension
    "group": (["2026006", "2026007"], "2026-02-07T09:00:00-05:00"),  # 1 day each
}


def write_export(folder: Path, students=STUDENTS) -> Path:
    meta = {}
    for key, (sids, created) in students.items():
        (folder / key).mkdir(parents=True, exist_ok=True)
        (folder / key / "notes.txt").write_text(key)
        meta[key] = {":submitters": [{":sid": s, ":name": f"Student {s}",
                                      ":email": f"{s}@uni.example.edu"} for s in sids],
                     ":created_at": created.replace("T", " ")}
    (folder / "submission_metadata.yml").write_text(yaml.safe_dump(meta))
    return folder


class FullMarks:
    """A pool that 'grades' every submission with full marks, instantly."""

    def __init__(self, assignment):
        self.assignment = assignment

    def run(self, tasks, skip=None):
        a = self.assignment
        result = SubmissionResult(a.name, tuple(
            ComponentResult(c.id, c.title, c.visibility.value, tuple(
                CheckResult(f"{c.id}.{k.id}", k.title, k.points, k.points, "")
                for k in c.checks)) for c in a.components))
        for task in tasks:
            if skip and skip(task):
                yield Outcome(task, "skipped")
            else:
                yield Outcome(task, "graded", result=dataclasses.asdict(result))


def run_batch(assignment, export, store, out, due):
    return grade_batch(assignment, export, store, out, workers=1, due=due,
                       pool_factory=lambda a, **kw: FullMarks(a))


def gradebook(out: Path) -> dict[str, dict[str, str]]:
    with open(out / "gradebook.csv", newline="") as handle:
        return {row["SID"]: row for row in csv.DictReader(handle)}


@pytest.fixture()
def term(tmp_path):
    yaml_path = assignment_yaml(tmp_path / "backprop.yaml", policy={"windows": []})
    assignment = load_assignment(yaml_path, REPO)
    assert assignment.late is not None  # course.yaml's defaults
    return {"assignment": assignment, "export": write_export(tmp_path / "export"),
            "store": tmp_path / "book.sqlite", "tmp": tmp_path}


def test_gradebook_applies_late_days_extensions_and_groups(term):
    a, store = term["assignment"], term["store"]
    with Gradebook(store) as book:
        book.add_extensions(read_extensions(_ext(term["tmp"], "2026005")), "ext.csv")
    summary = run_batch(a, term["export"], store, term["tmp"] / "out", DUE)
    assert summary.late.due_source == "--due"
    book = gradebook(term["tmp"] / "out")
    full = a.points

    def row(sid):
        r = book[sid]
        return (float(r["Total Score"]), int(r["Late Days"]), int(r["Late Days Charged"]),
                float(r["Late Penalty"]), int(r["Late Days Left"]))

    assert row("2026001") == (full, 0, 0, 0.0, 3)
    assert row("2026002") == (full, 0, 0, 0.0, 3)                      # inside grace
    assert row("2026003") == (full, 2, 2, 0.0, 1)                      # budget pays
    assert row("2026004") == (pytest.approx(full * 0.8), 4, 2, 0.2, 1)  # cap 2, then 2 x 10%
    assert row("2026005") == (full, 0, 0, 0.0, 3)                      # extension
    assert book["2026005"]["Due"].startswith("2026-02-09")
    assert row("2026006") == row("2026007") == (full, 1, 1, 0.0, 2)     # each member charged
    feedback = (term["tmp"] / "out" / "results" / "late_past" / "feedback.txt").read_text()
    assert "4 late days" in feedback and "reduced by 20%" in feedback
    results = json.loads((term["tmp"] / "out" / "results" / "late_past" /
                          "results.json").read_text())
    assert results["score"] == pytest.approx(full * 0.8)
    assert "reduced by 20%" in results["output"]


def _ext(tmp: Path, sid: str, due: str = "2026-02-09T23:59:00-05:00",
         reason: str = "medical") -> Path:
    path = tmp / f"ext-{sid}.csv"
    path.write_text(f"SID,assignment,new_due,reason\n{sid},backprop,{due},{reason}\n")
    return path


def test_moved_due_date_shows_in_diff_without_regrading(term):
    a, store = term["assignment"], term["store"]
    run_batch(a, term["export"], store, term["tmp"] / "out1", DUE)
    moved = "2026-02-07T23:59:00-05:00"  # one day later
    second = run_batch(a, term["export"], store, term["tmp"] / "out2", moved)
    assert second.graded == 0 and second.skipped == len(STUDENTS)  # nothing regraded
    with Gradebook(store) as book:
        changes, runs = late_changes(book, "backprop")
    changed = {c.member: c for c in changes}
    assert set(changed) == {"2026003", "2026004", "2026005", "2026006", "2026007"}
    assert changed["2026004"].new.penalty == pytest.approx(0.1)
    assert "due date" in changed["2026004"].why()
    result = CliRunner().invoke(batch, ["diff", str(term["tmp"] / "backprop.yaml"),
                                        "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "late days that changed" in result.output and "2026004" in result.output


def test_new_extension_between_runs_is_kept_and_shown(term):
    a, store = term["assignment"], term["store"]
    run_batch(a, term["export"], store, term["tmp"] / "out1", DUE)
    runner = CliRunner()
    args = ["grade", str(term["tmp"] / "backprop.yaml"), str(term["export"]), "--store",
            str(store), "--out", str(term["tmp"] / "out2"), "--due", DUE, "--quiet",
            "--extensions", str(_ext(term["tmp"], "2026004", "2026-02-10T23:59:00-05:00"))]
    # the CLI grades with the real engine: every submission is already graded, so none runs
    result = runner.invoke(batch, args)
    assert result.exit_code == 0, result.output
    assert gradebook(term["tmp"] / "out2")["2026004"]["Total Score"] == f"{a.points:g}"
    with Gradebook(store) as book:
        changes, _ = late_changes(book, "backprop")
        assert [c.member for c in changes] == ["2026004"]
        assert "extension" in changes[0].why() and "medical" in changes[0].why()
    # a third run without --extensions keeps the stored extension
    third = run_batch(a, term["export"], store, term["tmp"] / "out3", DUE)
    assert third.late.decisions["2026004"].due_source == "extension"


def test_override_on_a_late_submission_then_penalty(term):
    a, store = term["assignment"], term["store"]
    run_batch(a, term["export"], store, term["tmp"] / "out1", DUE)
    check = a.check_keys()[0]
    points = next(k.points for c in a.components for k in c.checks
                  if f"{c.id}.{k.id}" == check)
    runner = CliRunner()
    result = runner.invoke(batch, ["override", str(term["tmp"] / "backprop.yaml"), "2026004",
                                   check, "0", "--store", str(store), "--by", "ta",
                                   "--why", "hard-coded output"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(batch, ["report", str(term["tmp"] / "backprop.yaml"), "--store",
                                   str(store), "--out", str(term["tmp"] / "report")])
    assert result.exit_code == 0, result.output
    row = gradebook(term["tmp"] / "report")["2026004"]
    assert float(row["Score Before Late"]) == pytest.approx(a.points - points)
    assert float(row["Total Score"]) == pytest.approx((a.points - points) * 0.8)
    assert "=0 (ta)" in row["Overrides"]


def test_term_report_spans_assignments(term):
    a, store, tmp = term["assignment"], term["store"], term["tmp"]
    run_batch(a, term["export"], store, tmp / "out1", DUE)
    init_yaml = assignment_yaml(tmp / "initialization.yaml", "initialization",
                                policy={"windows": []})
    init = load_assignment(init_yaml, REPO)
    due2 = "2026-02-20T23:59:00-05:00"
    later = {"late_budget": (["2026003"], "2026-02-22T09:00:00-05:00")}  # 2 days, 1 left
    run_batch(init, write_export(tmp / "export2", later), store, tmp / "out2", due2)
    row = gradebook(tmp / "out2")["2026003"]
    assert (row["Late Days Charged"], row["Late Days Left"]) == ("1", "0")
    assert float(row["Late Penalty"]) == pytest.approx(0.1)
    with Gradebook(store) as book:
        ledger = term_ledger(book)
    assert ledger.order == ["backprop", "initialization"] and ledger.used("2026003") == 3
    result = CliRunner().invoke(batch, ["report", "--store", str(store), "--out",
                                        str(tmp / "term")])
    assert result.exit_code == 0, result.output
    assert "Late days per student" in result.output
    with open(tmp / "term" / "late_days.csv", newline="") as handle:
        table = {r["Student"]: r for r in csv.DictReader(handle)}
    assert table["2026003"]["Used"] == "3" and table["2026003"]["Left"] == "0"
    assert table["2026003"]["Penalized"] == "initialization −10%"


def test_no_due_date_is_a_warning_not_a_penalty(term):
    summary = run_batch(term["assignment"], term["export"], term["store"],
                        term["tmp"] / "out", None)
    assert any("no due date" in w for w in summary.warnings)
    assert all(d.penalty == 0 for d in summary.late.decisions.values())


def test_bad_extensions_file_is_a_clear_cli_error(term):
    bad = term["tmp"] / "bad.csv"
    bad.write_text("SID,assignment,new_due\n2026001,backprop,someday\n")
    result = CliRunner().invoke(batch, ["grade", str(term["tmp"] / "backprop.yaml"),
                                        str(term["export"]), "--store", str(term["store"]),
                                        "--out", str(term["tmp"] / "out"),
                                        "--extensions", str(bad)])
    assert result.exit_code == 1 and "line 2" in result.output
    assert "Traceback" not in result.output


def test_gradescope_reports_lateness_from_its_metadata():
    from autograder.build.otter_zip import _payload
    from autograder.late import gradescope_message
    from autograder.paths import CoursePaths

    meta = {"created_at": "2026-02-08T09:00:00-05:00", "assignment": {"due_date": DUE}}
    text = gradescope_message(POLICY, meta)
    assert "2 late days" in text and "term budget of 3" in text
    assert gradescope_message(POLICY, {**meta, "created_at": "2026-02-07T00:05:00-05:00"}) \
        .endswith("inside the grace period: on time.")
    assert gradescope_message(POLICY, {**meta, "created_at": "2026-02-06T10:00:00-05:00"}) == ""
    assert gradescope_message(POLICY, {"created_at": meta["created_at"]}) == ""  # no due date
    # the grader zip carries course.yaml, so the bundle's assignments have the late rules
    arcnames = [arc for _, arc in _payload(CoursePaths().load("backprop"))]
    assert "ag/course.yaml" in arcnames
