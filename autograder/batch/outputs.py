"""What a batch writes for the course: the gradebook CSV and each student's results and feedback.

`gradebook.csv` has one row per student (each member of a group submission gets the group's
row), importable into Gradescope or Canvas by SID or email:

    SID,Name,Email,Submission,Total Score,Max Points,Status,Visible,Graded Score,<component>...

`Total Score` is what the student gets (overrides applied; the carried score when the
submission policy hid the result; then the late penalty), `Graded Score` what this grader gave
(with overrides), one column per component. With a late policy, the columns `Score Before
Late, Due, Submitted, Late Days, Late Days Charged, Late Penalty, Late Days Left` follow, each
member of a group with their own. `results/<submission>/results.json` is Gradescope's format (what the
student would see, policy applied) and `feedback.txt` the readable report.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from ..config import Assignment
from ..engine.results import CheckResult, ComponentResult, SubmissionResult
from ..late import LateDecision, apply_penalty
from ..policy import apply_to_results
from ..report import render_text, to_gradescope, write_results
from .store import ResultRow

SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


def zero_result(assignment: Assignment, reason: str, staff: str = "") -> SubmissionResult:
    """Every check at 0 with the reason: a submission the batch could not grade."""
    comps = tuple(
        ComponentResult(c.id, c.title, c.visibility.value,
                        tuple(CheckResult(f"{c.id}.{k.id}", k.title, 0.0, k.points,
                                          f"not graded: {reason}") for k in c.checks))
        for c in assignment.components)
    notes = (f"batch: {reason}",) + ((staff,) if staff else ())
    return SubmissionResult(assignment=assignment.name, components=comps,
                            messages=(f"This submission could not be graded: {reason}. "
                                      "It scores 0 until the course staff look at it.",),
                            staff_notes=notes)


def folder_name(key: str) -> str:
    return SAFE.sub("_", key).strip("._") or "submission"


def write_student(row: ResultRow, out: Path,
                  late: dict[str, LateDecision] | None = None) -> Path:
    """results.json (policy and late penalty applied, what the student sees) and feedback.txt
    for one result."""
    result = row.final
    folder = out / "results" / folder_name(row.submission_key)
    folder.mkdir(parents=True, exist_ok=True)
    doc = to_gradescope(result)
    doc = apply_to_results(doc, result.extra.get("policy"))
    decisions = [late[m] for m in row.members if late and m in late]
    lines = [_late_line(d, len(decisions) > 1) for d in decisions]
    lines = [line for line in lines if line]
    first = decisions[0] if decisions else None
    if lines:
        doc["output"] = "\n".join(lines) + ("\n" + doc["output"] if doc.get("output") else "")
    if first is not None and first.penalty:
        doc["score"] = apply_penalty(float(doc.get("score", row.reported)), first)
    doc.setdefault("extra_data", {})["batch"] = {
        "status": row.status, "grader_hash": row.grader_hash, "result_id": row.id,
        "graded_at": row.graded_at}
    if decisions:
        doc["extra_data"]["late"] = [d.as_dict() for d in decisions]
    write_results(doc, folder / "results.json")
    total = apply_penalty(row.reported, first)
    head = [f"Student: {row.label}", f"Submission: {row.submission_key}",
            f"Total: {total:g} / {row.max_score:g}"
            + ("" if row.visible else " (last visible score kept)")
            + (f" (before the late penalty: {row.reported:g})" if total != row.reported
               else "")]
    if row.status != "graded":
        head.append(f"Not graded: {row.reason}")
    policy = (result.extra.get("policy") or {}).get("message")
    if policy:
        head.append(policy)
    head.extend(lines)
    if row.visible:
        body = render_text(result, staff=False)
    else:  # what the student sees: the message and the kept score, not the hidden result
        body = ("The detailed results of this submission are hidden by the submission policy "
                "(staff: `batch report`, or the hidden tests in results.json).")
    text = "\n".join(head) + "\n\n" + body + "\n"
    (folder / "feedback.txt").write_text(text, encoding="utf-8")
    return folder


def _late_line(decision: LateDecision, named: bool) -> str:
    text = decision.message()
    return f"{decision.member}: {text}" if named and text else text


LATE_COLUMNS = ["Score Before Late", "Due", "Submitted", "Late Days", "Late Days Charged",
                "Late Penalty", "Late Days Left"]


def gradebook_rows(assignment: Assignment, rows: list[ResultRow],
                   late: dict[str, LateDecision] | None = None
                   ) -> tuple[list[str], list[list[Any]]]:
    comps = [c.id for c in assignment.components]
    header = ["SID", "Name", "Email", "Submission", "Total Score", "Max Points", "Status",
              "Visible", "Graded Score", *comps, "Overrides", "Reason"]
    if late is not None:
        header += LATE_COLUMNS
    table = []
    for row in rows:
        per = {c: 0.0 for c in comps}
        for chk in row.checks:
            if chk.component in per:
                per[chk.component] += chk.points
        overrides = "; ".join(f"{c.key}={c.points:g} ({c.overridden['by']})"
                              for c in row.checks if c.overridden)
        people = row.submitters or ({"sid": "", "name": "", "email": ""},)
        for person, member in zip(people, row.members, strict=False):
            decision = late.get(member) if late else None
            line = [person.get("sid") or ("" if row.submitters else row.student_key),
                    person.get("name", ""), person.get("email", ""), row.submission_key,
                    f"{apply_penalty(row.reported, decision):g}", f"{row.max_score:g}",
                    row.status, "yes" if row.visible else "no", f"{row.score:g}",
                    *(f"{round(per[c], 6):g}" for c in comps), overrides, row.reason]
            if late is not None:
                line += ([f"{row.reported:g}", decision.due or "", decision.created_at or "",
                          decision.days_late, decision.days_charged, f"{decision.penalty:g}",
                          decision.budget_left] if decision else
                         [f"{row.reported:g}", "", "", "", "", "", ""])
            table.append(line)
    table.sort(key=lambda r: (r[0], r[3]))
    return header, table


def write_gradebook(assignment: Assignment, rows: list[ResultRow], path: Path,
                    late: dict[str, LateDecision] | None = None) -> Path:
    header, table = gradebook_rows(assignment, rows, late)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(table)
    tmp.replace(path)
    return path


def write_all(assignment: Assignment, rows: list[ResultRow], out: Path,
              late: dict[str, LateDecision] | None = None) -> Path:
    """Each student's results and feedback, then gradebook.csv (late days applied if given)."""
    out.mkdir(parents=True, exist_ok=True)
    for row in rows:
        write_student(row, out, late)
    return write_gradebook(assignment, rows, out / "gradebook.csv", late)
