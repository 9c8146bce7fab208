"""Late days: how late each student's counted submission was, what it costs, what is left.

A pure function of the term's facts, so a regrade decides exactly as before and a moved due
date or a new extension changes only what it should:

- lateness is measured from each submission's own `created_at` (never today's clock) to the
  student's due date: an extension's `new_due` if they have one, else the assignment's;
- within `grace_minutes` it is on time; after that it is late by whole days, rounded up
  (1 minute past the grace period is 1 day);
- late days come from the student's term budget (`budget_days`), at most `max_days` for one
  assignment, in the order of the assignments' due dates; each day not covered costs the
  penalty (a fraction of the earned score, `LatePolicy.penalty`);
- a group charges each member from their own budget (`group_charge: each`), or only the first
  listed submitter, whose result the others share (`first`).

Standard library only (the Gradescope image reports lateness with it too).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .policy import parse_time

if TYPE_CHECKING:
    from .config import LatePolicy

DAY_MINUTES = 1440.0


@dataclass(frozen=True)
class LateCase:
    """One student's counted submission of one assignment, with the dates that apply."""

    assignment: str
    member: str
    """The student (SID, else email, else name): whose budget pays."""
    created_at: str | None
    due: str | None
    due_source: str = "assignment"
    """Where the due date came from: 'assignment' (YAML or --due) or 'extension'."""
    reason: str = ""
    """The extension's reason, when there is one."""
    group: tuple[str, ...] = ()
    """Every member of the submission's group (empty: a single submitter)."""


@dataclass(frozen=True)
class LateDecision:
    """What lateness cost one student on one assignment."""

    assignment: str
    member: str
    created_at: str | None
    due: str | None
    due_source: str
    reason: str
    minutes_late: float
    days_late: int
    days_charged: int
    penalty_days: int
    penalty: float
    """Fraction of the earned score lost (0..1)."""
    budget_before: int
    budget_left: int
    note: str = ""
    """Why nothing was decided (no due date, no submission time) or whose result is shared."""

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @property
    def late(self) -> bool:
        return self.days_late > 0

    def message(self) -> str:
        """One line for the student's feedback ('' when on time with nothing to say)."""
        if self.note and self.due is None:
            return ""
        if not self.late:
            if self.minutes_late > 0:
                return (f"Submitted {_duration(self.minutes_late)} after the due date, inside "
                        "the grace period: on time.")
            return ""
        due = f"the due date ({self.due}" + (
            f", extended: {self.reason}" if self.due_source == "extension" and self.reason
            else ", extended" if self.due_source == "extension" else "") + ")"
        text = (f"Submitted {_duration(self.minutes_late)} after {due}: {self.days_late} late "
                f"day{'s' * (self.days_late != 1)}.")
        if self.days_charged:
            text += (f" {self.days_charged} taken from your late-day budget "
                     f"({self.budget_left} left of the term's days).")
        if self.penalty_days:
            text += (f" {self.penalty_days} day{'s' * (self.penalty_days != 1)} beyond your "
                     f"late days: the score is reduced by {self.penalty:.0%}.")
        if self.note:
            text += f" ({self.note})"
        return text


@dataclass(frozen=True)
class AssignmentTerm:
    """One assignment's cases and rules, as the term ledger needs them."""

    name: str
    policy: LatePolicy
    cases: tuple[LateCase, ...]
    due: str | None = None
    """The assignment's own due date (orders the term; None sorts last)."""


@dataclass
class Ledger:
    """Every decision of the term, and each student's days used per assignment."""

    budget: int
    decisions: dict[tuple[str, str], LateDecision] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    def for_assignment(self, name: str) -> dict[str, LateDecision]:
        return {m: d for (a, m), d in self.decisions.items() if a == name}

    def students(self) -> list[str]:
        return sorted({m for _, m in self.decisions})

    def used(self, member: str) -> int:
        return sum(d.days_charged for (_, m), d in self.decisions.items() if m == member)


def lateness(created_at: str | None, due: str | None,
             grace_minutes: float) -> tuple[float, int] | None:
    """(minutes after the due date, whole late days) or None when a time is unreadable."""
    created, deadline = parse_time(created_at), parse_time(due)
    if created is None or deadline is None:
        return None
    minutes = (created - deadline).total_seconds() / 60.0
    if minutes <= grace_minutes:
        return max(minutes, 0.0), 0
    return minutes, math.ceil(minutes / DAY_MINUTES - 1e-9)


def _duration(minutes: float) -> str:
    if minutes < 60:
        return f"{minutes:.0f} min"
    if minutes < DAY_MINUTES:
        return f"{minutes / 60:.1f} h"
    return f"{minutes / DAY_MINUTES:.1f} days"


def _sort_key(term: AssignmentTerm) -> tuple[int, dt.datetime, str]:
    stamp = parse_time(term.due)
    return (stamp is None, stamp or dt.datetime.max.replace(tzinfo=dt.timezone.utc), term.name)


def decide_one(case: LateCase, policy: LatePolicy, budget_before: int) -> LateDecision:
    """One student's decision given the budget they have left before this assignment."""
    measured = lateness(case.created_at, case.due, policy.grace_minutes)
    if measured is None:
        note = ("no due date" if parse_time(case.due) is None
                else "no readable submission time")
        return LateDecision(case.assignment, case.member, case.created_at, case.due,
                            case.due_source, case.reason, 0.0, 0, 0, 0, 0.0, budget_before,
                            budget_before, note=f"late policy not applied: {note}")
    minutes, days = measured
    cap = days if policy.max_days is None else min(days, policy.max_days)
    charged = max(0, min(cap, budget_before))
    uncovered = days - charged
    return LateDecision(case.assignment, case.member, case.created_at, case.due,
                        case.due_source, case.reason, round(minutes, 2), days, charged,
                        uncovered, policy.penalty(uncovered), budget_before,
                        budget_before - charged)


def decide_term(terms: Iterable[AssignmentTerm], budget: int) -> Ledger:
    """Every student's decision on every assignment, charging budgets in due-date order."""
    ledger = Ledger(budget)
    left: dict[str, int] = {}
    for term in sorted(terms, key=_sort_key):
        ledger.order.append(term.name)
        followers: list[LateCase] = []
        for case in term.cases:
            group = case.group or (case.member,)
            if term.policy.group_charge.value == "first" and case.member != group[0]:
                followers.append(case)
                continue
            before = left.get(case.member, budget)
            decision = decide_one(case, term.policy, before)
            left[case.member] = decision.budget_left
            ledger.decisions[(term.name, case.member)] = decision
        for case in followers:
            leader = ledger.decisions.get((term.name, (case.group or (case.member,))[0]))
            before = left.get(case.member, budget)
            if leader is None:  # the first submitter is not in the export: charge this one
                decision = decide_one(case, term.policy, before)
                left[case.member] = decision.budget_left
            else:
                decision = replace(leader, member=case.member, days_charged=0,
                                   budget_before=before, budget_left=before,
                                   note=f"group: charged to {leader.member}")
            ledger.decisions[(term.name, case.member)] = decision
    return ledger


def gradescope_message(policy: LatePolicy | None, metadata: dict[str, Any] | None) -> str:
    """What Gradescope's own grader can say about lateness from its submission metadata.

    The term budget spans assignments, which one Gradescope run cannot see: the message says
    how late the submission is and how many days it will take; `batch grade` charges them.
    """
    if policy is None or not metadata:
        return ""
    due = (metadata.get("assignment") or {}).get("due_date")
    measured = lateness(metadata.get("created_at"), due, policy.grace_minutes)
    if measured is None or measured[0] <= 0:
        return ""
    minutes, days = measured
    if not days:
        return (f"Submitted {_duration(minutes)} after the due date, inside the grace period: "
                "on time.")
    cap = "" if policy.max_days is None else f", at most {policy.max_days} on one assignment"
    return (f"Submitted {_duration(minutes)} after the due date: {days} late "
            f"day{'s' * (days != 1)}. They come out of your term budget of "
            f"{policy.budget_days} late days{cap}; days beyond it reduce the score. The course "
            "staff apply late days when grades are exported.")


def apply_penalty(score: float, decision: LateDecision | None) -> float:
    """The score after the late penalty (unchanged without a decision)."""
    if decision is None or not decision.penalty:
        return score
    return round(score * (1.0 - decision.penalty), 6)


@dataclass(frozen=True)
class Extension:
    """One row of an extensions CSV: `SID,assignment,new_due,reason`."""

    sid: str
    assignment: str
    new_due: str | None
    """ISO time; None revokes an earlier extension."""
    reason: str
    where: str = ""


class ExtensionError(ValueError):
    """An extensions file that cannot be used (the message names the file and line)."""


EXTENSION_COLUMNS = ("sid", "assignment", "new_due", "reason")


def read_extensions(path: Any) -> list[Extension]:
    """Parse an extensions CSV (header `SID,assignment,new_due,reason`; an empty new_due
    revokes). Every problem is reported at once, with its line."""
    import csv
    from pathlib import Path

    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            header = [h.strip().lower() for h in (reader.fieldnames or []) if h]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ExtensionError(f"{path}: cannot read: {exc}") from None
    missing = [c for c in EXTENSION_COLUMNS[:3] if c not in header]
    if missing:
        raise ExtensionError(f"{path}: missing column(s) {', '.join(missing)}; expected the "
                             "header SID,assignment,new_due,reason")
    out, problems = [], []
    for line, row in enumerate(rows, start=2):
        cells = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()
                 if isinstance(v, str) or v is None}
        if not any(cells.values()):
            continue
        where = f"{path}: line {line}"
        sid, name, due = cells.get("sid", ""), cells.get("assignment", ""), cells.get("new_due")
        if not sid or not name:
            problems.append(f"{where}: SID and assignment are required")
            continue
        stamp = parse_time(due) if due else None
        if due and stamp is None:
            problems.append(f"{where}: new_due {due!r} is not an ISO time such as "
                            "2026-02-08T23:59:00-05:00")
            continue
        out.append(Extension(sid, name, stamp.isoformat() if stamp else None,
                             cells.get("reason", ""), where))
    if problems:
        raise ExtensionError("\n".join(problems))
    return out


def cases_for(assignment: str, due: str | None, submissions: Sequence[tuple[str | None,
              tuple[str, ...]]], extensions: dict[str, Extension]) -> list[LateCase]:
    """One case per member of each (created_at, members) submission, extensions applied."""
    cases = []
    for created_at, members in submissions:
        for member in members:
            ext = extensions.get(member)
            if ext is not None and ext.new_due:
                cases.append(LateCase(assignment, member, created_at, ext.new_due, "extension",
                                      ext.reason, members if len(members) > 1 else ()))
            else:
                cases.append(LateCase(assignment, member, created_at, due, "assignment", "",
                                      members if len(members) > 1 else ()))
    return cases
