"""Submission policy: how many submissions per window show their results (assignment.yaml).

`apply_policy(result, assignment, metadata)` is a pure function of the graded result, the
assignment's `policy.windows` and Gradescope's submission metadata (the dict in
`/autograder/submission_metadata.json`, or the one the batch grader builds from an export):

- the window is the one holding this submission's own `created_at` (never today's clock, so a
  regrade months later decides exactly as the original run did), measured in days from the
  assignment's release (or due) date;
- previous submissions count when they were made before this one, inside the same window, and
  did not end in an autograder error;
- up to `max_visible` submissions in a window show their results; a later one is still graded
  (staff see everything) but hidden, and the student keeps the score of their last visible
  submission instead of a zero (Otter's RateLimiting plugin hides everything and zeroes).

Why the previous submission's score is the "last visible score": a hidden submission reports
the carried score itself, so the latest non-error previous submission always holds it.

This module runs inside the Gradescope image (Python 3.10): standard library only.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # no package imports at run time: ensure_results imports this module alone
    from .config import Assignment, PolicyWindow
    from .engine.results import SubmissionResult

DAY = 86400.0
ANCHOR_KEYS = {"release": "release_date", "due": "due_date"}


def parse_time(value: Any) -> dt.datetime | None:
    """Gradescope's ISO times ('2026-01-12T14:22:32.365935-08:00'), YAML datetimes or None.

    Naive times are taken as UTC; anything unreadable is None.
    """
    if isinstance(value, dt.datetime):
        stamp = value
    elif isinstance(value, dt.date):
        stamp = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str) and value.strip():
        text = value.strip().replace(" ", "T", 1)
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        try:
            stamp = dt.datetime.fromisoformat(text)
        except ValueError:
            stamp = _parse_loose(text)
            if stamp is None:
                return None
    else:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.timezone.utc)
    return stamp


def _parse_loose(text: str) -> dt.datetime | None:
    """Ruby-style times from Gradescope's YAML exports: nanoseconds and ' -08:00' offsets."""
    import re

    match = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?\s*([+-]\d\d:?\d\d|Z)?$",
                     text)
    if not match:
        return None
    base, frac, zone = match.groups()
    iso = base + (f".{(frac or '0')[:6].ljust(6, '0')}")
    if zone and zone != "Z":
        iso += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        return dt.datetime.fromisoformat(iso)
    except ValueError:
        return None


def _days_since(stamp: dt.datetime, anchor: dt.datetime) -> float:
    return (stamp - anchor).total_seconds() / DAY


def _anchor(metadata: dict[str, Any], window: PolicyWindow) -> dt.datetime | None:
    info = metadata.get("assignment") or {}
    return parse_time(info.get(ANCHOR_KEYS[window.relative_to.value]))


def _score(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def decide(assignment: Assignment, metadata: dict[str, Any] | None) -> dict[str, Any]:
    """The policy decision for one submission, as a JSON-ready dict.

    Keys: `applies` (a window with a cap holds this submission), `visible`, `window`,
    `ordinal` (this submission's number inside the window), `cap`, `counted` (previous
    submissions counted), `carried_score` (when hidden), `message` (for the student),
    `note` (for staff).
    """
    decision: dict[str, Any] = {"applies": False, "visible": True, "message": "", "note": ""}
    windows = assignment.policy
    if not windows:
        return decision
    if not metadata:
        decision["note"] = "submission policy not applied: no submission metadata"
        return decision
    created = parse_time(metadata.get("created_at"))
    if created is None:
        decision["note"] = ("submission policy not applied: the metadata has no readable "
                            f"created_at ({metadata.get('created_at')!r})")
        return decision
    window = anchor = None
    missing = []
    for candidate in windows:
        when = _anchor(metadata, candidate)
        if when is None:
            missing.append(ANCHOR_KEYS[candidate.relative_to.value])
            continue
        if candidate.contains(_days_since(created, when)):
            window, anchor = candidate, when
            break
    if window is None or anchor is None:
        decision["note"] = ("submission policy: no window holds this submission"
                            + (f" (metadata lacks {', '.join(sorted(set(missing)))})"
                               if missing else ""))
        return decision
    previous = []
    for entry in metadata.get("previous_submissions") or []:
        if not isinstance(entry, dict) or entry.get("autograder_error"):
            continue
        when = parse_time(entry.get("submission_time"))
        if when is None or when >= created:
            continue
        previous.append((when, entry))
    previous.sort(key=lambda pair: pair[0])
    counted = [p for p in previous if window.contains(_days_since(p[0], anchor))]
    ordinal = len(counted) + 1
    decision.update(window=window.describe(), ordinal=ordinal, cap=window.max_visible,
                    counted=len(counted), created_at=created.isoformat())
    if window.max_visible is None:
        decision["message"] = (f"Submission {ordinal} in {window.describe()} "
                               "(unlimited submissions with visible results).")
        return decision
    decision["applies"] = True
    cap = window.max_visible
    if ordinal <= cap:
        decision["message"] = (f"Submission {ordinal} of {cap} with visible results in "
                               f"{window.describe()}.")
        return decision
    # The latest earlier submission with a score (a hidden one reported the carried score).
    scored = [(when, entry) for when, entry in previous if _score(entry.get("score")) is not None]
    last_when, last = scored[-1] if scored else (None, {})
    carried = _score(last.get("score")) if last else None
    decision.update(visible=False, carried_score=carried if carried is not None else 0.0,
                    carried_from=last_when.isoformat() if last_when else None)
    kept = (f"Your score stays at {decision['carried_score']:g}, the score of your last "
            f"visible submission" + (f" ({last_when.isoformat()})." if last_when else "."))
    decision["message"] = (
        f"You have used all {cap} submissions with visible results in {window.describe()}: "
        f"this is submission {ordinal}. It was graded, but its results are hidden until "
        f"the course staff release them. {kept}")
    return decision


def apply_policy(result: SubmissionResult, assignment: Assignment,
                 metadata: dict[str, Any] | None) -> SubmissionResult:
    """A new SubmissionResult with the policy applied (the input is never changed).

    Within the cap (or without a policy) the scores are untouched; `extra['policy']` records
    the decision. Over the cap the result is hidden (`visible=False`), the student message says
    why and which score they keep (`extra['policy']['carried_score']`, see `reported_score`),
    and staff notes keep the real score.
    """
    decision = decide(assignment, metadata)
    if not decision["applies"] and not decision["message"] and not decision["note"]:
        return result
    extra = {**result.extra, "policy": decision}
    notes = result.staff_notes
    if decision["note"]:
        notes = notes + (decision["note"],)
    if decision["visible"]:
        return replace(result, extra=extra, staff_notes=notes)
    notes = notes + (f"submission policy: hidden (submission {decision['ordinal']}, cap "
                     f"{decision['cap']} in {decision['window']}); graded "
                     f"{result.score:g} / {result.max_score:g}, reported "
                     f"{decision['carried_score']:g} (carried forward)",)
    return replace(result, visible=False, extra=extra, staff_notes=notes,
                   messages=result.messages + (decision["message"],))


def reported_score(result: SubmissionResult) -> float:
    """The score the student gets: the graded one, or the carried one when hidden by policy."""
    decision = result.extra.get("policy") or {}
    if not result.visible and "carried_score" in decision:
        return float(decision["carried_score"])
    return result.score


def apply_to_results(doc: dict[str, Any], decision: dict[str, Any] | None) -> dict[str, Any]:
    """Gradescope results.json with a policy decision applied (a new dict).

    Within the cap: the message heads `output`. Over the cap: every test is hidden, `score` is
    the carried score (results.json's top-level score overrides the tests' sum), and `output`
    says why; the hidden tests still show staff the real results. Used by the Gradescope
    grader (`otter_bridge.ensure_results`) and by the batch grader's results.json files.
    """
    if not decision or not decision.get("message"):
        return doc
    out = dict(doc)
    output = out.get("output") or ""
    if decision.get("visible", True):
        if decision["message"] not in output:
            out["output"] = decision["message"] + ("\n" + output if output else "")
        return out
    out["output"] = decision["message"]  # nothing of the hidden result (its score) leaks here
    out["score"] = round(float(decision.get("carried_score") or 0.0), 4)
    # Every test is hidden; the top level stays visible so that the message and the carried
    # score reach the student (as Otter's hide_everything, which hides tests, not the output).
    out["visibility"] = "visible"
    out["tests"] = [{**test, "visibility": "hidden"} for test in out.get("tests", [])]
    extra = dict(out.get("extra_data") or {})
    extra["policy"] = decision
    out["extra_data"] = extra
    return out


METADATA_FILE = "submission_metadata.json"
DECISION_FILE = ".ag-policy.json"


def read_metadata(root: Path) -> dict[str, Any]:
    """`<root>/submission_metadata.json` as a dict ({} when missing or unreadable)."""
    try:
        data = json.loads((Path(root) / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_decision(folder: Path, decision: dict[str, Any] | None) -> None:
    """Leave the decision for `ensure_results` (mode 600: the sandbox user cannot read it)."""
    path = Path(folder) / DECISION_FILE
    if not decision or not path.parent.is_dir():
        return
    path.write_text(json.dumps(decision))
    os.chmod(path, 0o600)


def load_decision(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((Path(folder) / DECISION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
