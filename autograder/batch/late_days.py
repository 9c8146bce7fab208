"""Late days in a batch: decide each run's late days with the whole term, record and compare.

`apply_late` runs at the end of every `batch grade` (also when nothing needed regrading, so a
moved due date or a new extension takes effect): it rebuilds the term from the store (each
other assignment's latest late run: its students' submission times, due dates and rules),
adds this run's students, charges budgets in due-date order (`late.decide_term`) and records
this assignment's decisions with the run. `term_ledger` recomputes the whole term the same way
for `batch report`; `late_changes` compares an assignment's last two late runs for `batch diff`.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from ..config import Assignment, GroupCharge, LatePolicy
from ..late import (AssignmentTerm, LateCase, LateDecision, Ledger, cases_for, decide_term)
from .store import Gradebook, ResultRow


def policy_dict(policy: LatePolicy) -> dict[str, Any]:
    data = dataclasses.asdict(policy)
    data["group_charge"] = policy.group_charge.value
    data["penalty_schedule"] = list(policy.penalty_schedule)
    return data


def policy_from(data: dict[str, Any]) -> LatePolicy:
    fields = {k: v for k, v in data.items() if k in LatePolicy.__dataclass_fields__}
    fields["group_charge"] = GroupCharge(fields.get("group_charge", "each"))
    fields["penalty_schedule"] = tuple(fields.get("penalty_schedule") or ())
    return LatePolicy(**fields)


def _stored_term(book: Gradebook, run: Any) -> AssignmentTerm:
    cases = tuple(LateCase(d.assignment, d.member, d.created_at, d.due, d.due_source, d.reason,
                           group) for d, group in book.late_rows(run["run_id"]))
    return AssignmentTerm(run["assignment"], policy_from(json.loads(run["policy"])), cases,
                          run["due"])


def _latest_runs(book: Gradebook) -> dict[str, Any]:
    latest: dict[str, Any] = {}
    for run in book.late_runs():
        latest[run["assignment"]] = run
    return latest


def term_ledger(book: Gradebook) -> Ledger:
    """Every assignment's latest late run, recomputed together (budgets in due-date order)."""
    latest = _latest_runs(book)
    budget = max((r["budget"] for r in latest.values()), default=0)
    return decide_term([_stored_term(book, r) for r in latest.values()], budget)


@dataclass(frozen=True)
class LateRun:
    """What `apply_late` decided for one run."""

    due: str | None
    due_source: str
    decisions: dict[str, LateDecision]
    warnings: tuple[str, ...] = ()


def due_date(assignment: Assignment, cli_due: str | None,
             export_due: str | None) -> tuple[str | None, str]:
    """The due date and where it came from: --due, else the export's metadata, else the YAML."""
    from ..policy import parse_time

    for value, source in ((cli_due, "--due"), (export_due, "export metadata"),
                          (assignment.late.due if assignment.late else None, "assignment.yaml")):
        stamp = parse_time(value)
        if stamp is not None:
            return stamp.isoformat(), source
    return None, "none"


def apply_late(book: Gradebook, assignment: Assignment, run_id: int, rows: list[ResultRow],
               cli_due: str | None = None, export_due: str | None = None) -> LateRun | None:
    """Decide and record this run's late days (None when the assignment has no late policy)."""
    policy = assignment.late
    if policy is None:
        return None
    due, source = due_date(assignment, cli_due, export_due)
    warnings = []
    if due is None:
        warnings.append("late policy not applied: no due date (give --due, or late.due in "
                        "assignment.yaml)")
    extensions = book.extensions(assignment.name)
    submissions = [(row.created_at, row.members) for row in rows]
    cases = cases_for(assignment.name, due, submissions, extensions)
    known = {m for row in rows for m in row.members}
    unknown = sorted(set(extensions) - known)
    if unknown:
        warnings.append(f"extensions for {len(unknown)} student(s) with no submission in this "
                        f"export: {', '.join(unknown[:10])}")
    others = [_stored_term(book, run) for name, run in _latest_runs(book).items()
              if name != assignment.name]
    this = AssignmentTerm(assignment.name, policy, tuple(cases), due)
    ledger = decide_term([*others, this], policy.budget_days)  # course.yaml: one term budget
    decisions = ledger.for_assignment(assignment.name)
    by_member = {m: row for row in rows for m in row.members}
    book.record_late(run_id, assignment.name, due, source, policy_dict(policy),
                     policy.budget_days,
                     [(by_member[m].submission_id if m in by_member else None,
                       by_member[m].members if m in by_member and len(by_member[m].members) > 1
                       else (), d) for m, d in sorted(decisions.items())])
    return LateRun(due, source, decisions, tuple(warnings))


@dataclass(frozen=True)
class LateChange:
    member: str
    old: LateDecision | None
    new: LateDecision | None

    def why(self) -> str:
        old, new = self.old, self.new
        if old is None:
            return "new in this run"
        if new is None:
            return "not in this run"
        parts = []
        if old.due != new.due:
            what = "extension" if "extension" in (old.due_source, new.due_source) else "due date"
            parts.append(f"{what} {old.due} -> {new.due}"
                         + (f" ({new.reason})" if new.reason and new.reason != old.reason
                            else ""))
        if old.created_at != new.created_at:
            parts.append("another submission counts")
        if old.budget_before != new.budget_before:
            parts.append(f"budget before {old.budget_before} -> {new.budget_before}")
        return "; ".join(parts) or "rules changed"


def late_changes(book: Gradebook, assignment: str) -> tuple[list[LateChange], tuple[int, int]
                                                                | None]:
    """Students whose late days or penalty differ between the last two late runs."""
    runs = book.late_runs(assignment)
    if len(runs) < 2:
        return [], None
    old_run, new_run = runs[-2]["run_id"], runs[-1]["run_id"]
    old, new = book.late(old_run), book.late(new_run)
    changes = []
    for member in sorted(set(old) | set(new)):
        a, b = old.get(member), new.get(member)
        key = (lambda d: None if d is None else (d.days_late, d.days_charged, d.penalty))
        if key(a) != key(b):
            changes.append(LateChange(member, a, b))
    return changes, (old_run, new_run)
