"""Where Otter meets the engine (runs in Otter's grading kernel, as root, trusted side).

Otter's generated test files call `check(assignment, key)` once per case; the first call grades
the whole submission with the sandboxed engine and caches the result; each call then passes or
raises AssertionError with our feedback, so Otter reports exactly what the engine scored.
Nothing here imports or executes student code in Otter's process.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

_CACHE: dict[str, object] = {}


def ag_root() -> Path:
    """<root>/ in Gradescope's layout; Otter runs tests with cwd = <root>/submission."""
    return Path(os.getcwd()).resolve().parent


def _harden(root: Path) -> None:
    """Make the grader's source and results unreadable to the sandbox user (root only)."""
    if os.geteuid() != 0:
        return
    for sub in ("source", "results"):
        path = root / sub
        if path.is_dir():
            os.chmod(path, 0o700)


def result(assignment: str):
    """The cached SubmissionResult for this run, grading on first use."""
    if assignment not in _CACHE:
        from .engine import grade
        from .paths import CoursePaths

        root = ag_root()
        _harden(root)
        bundle = CoursePaths(Path(__file__).resolve().parents[1])
        config = bundle.load(assignment)
        # AG_INPROCESS=1 turns this into a plain Otter-style grader (checks in Otter's kernel,
        # no isolation): only for the benchmark's baseline, never for real grading.
        isolated = os.environ.get("AG_INPROCESS") != "1"
        res = grade(config, root / "submission", isolated=isolated)
        # The submission policy (assignment.yaml `policy.windows`) from Gradescope's metadata:
        # over the cap the result is hidden and the last visible score is kept. Otter writes
        # results.json from the test cases, so the decision reaches it in ensure_results().
        from . import policy

        metadata = policy.read_metadata(root)
        res = policy.apply_policy(res, config, metadata)
        _CACHE[assignment] = res
        _leave_staff_notes(root, res)
        decision = dict(res.extra.get("policy") or {})
        from .late import gradescope_message

        late = gradescope_message(config.late, metadata)  # lateness; batch grade charges it
        if late:
            decision["message"] = "\n".join(filter(None, (late, decision.get("message"))))
            decision.setdefault("visible", True)
        policy.save_decision(root / "source", decision or None)
    return _CACHE[assignment]


STAFF_FILE = ".ag-staff.json"


def _leave_staff_notes(root: Path, res) -> None:
    """For run_autograder's last step: staff notes, per-component visibility and the
    engine's own feedback text per component (root-only)."""
    from .report.gradescope import component_output

    notes = "\n".join(res.staff_notes)
    if res.student_output.strip():
        notes += "\n\nWhat the student's code printed:\n" + res.student_output
    leave_staff_file(root, notes, {c.title: c.visibility for c in res.components},
                     {c.title: component_output(c) for c in res.components},
                     {c.title: c.score for c in res.components})


def leave_staff_file(root: Path, notes: str, visibility: dict[str, str],
                     outputs: dict[str, str] | None = None,
                     scores: dict[str, float] | None = None) -> None:
    """Write what ensure_results() adds to Otter's results.json (mode 600, in source/)."""
    path = root / "source" / STAFF_FILE
    path.write_text(json.dumps({"notes": notes, "visibility": visibility,
                                "outputs": outputs or {}, "scores": scores or {}}))
    os.chmod(path, 0o600)


def check(assignment: str, key: str) -> None:
    """Pass, or raise AssertionError with the student-facing reason."""
    chk = result(assignment).check(key)
    if chk.message:
        raise AssertionError(chk.message)


def submission_messages(assignment: str) -> None:
    """The 0-point 'Submission' case: fails with the submission-level messages, if any."""
    messages = result(assignment).messages
    if messages:
        raise AssertionError("\n".join(messages))


def ensure_results(path: str) -> int:
    """After Otter: if results.json is missing or invalid, write a clear failure result."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from .report.gradescope import failure_results, validate, write_results

    target = Path(path)
    try:
        doc = json.loads(target.read_text())
        validate(doc)
    except Exception as exc:  # noqa: BLE001 - any failure means we must write one
        write_results(failure_results(
            "The autograder could not finish grading this submission "
            f"({type(exc).__name__}). Please resubmit; if it happens again, tell the course "
            "staff."), target)
        return 1
    source = target.parent.parent / "source"
    staff = source / STAFF_FILE
    changed = False
    if staff.is_file():
        extra = json.loads(staff.read_text())
        outputs = extra.get("outputs", {})
        for test in doc["tests"]:
            test["visibility"] = extra["visibility"].get(test.get("name"),
                                                         test.get("visibility", "visible"))
            # the same text the CLI prints, without Otter's "Error at line … in test …:
            # verdict_of_check(…) AssertionError:" frame around each message
            if test.get("name") in outputs:
                test["output"] = outputs[test["name"]]
            # Otter scores a check all or nothing; the engine's score keeps the partial credit
            # of checks with t.case() blocks
            if test.get("name") in extra.get("scores", {}):
                engine_score = extra["scores"][test["name"]]
                if "score" in doc and engine_score != test.get("score"):
                    doc["score"] = round(doc["score"] + engine_score - test.get("score", 0), 5)
                test["score"] = engine_score
        doc["tests"].append({"name": "Grader notes (staff only)", "score": 0, "max_score": 0,
                             "status": "passed", "output": extra["notes"],
                             "visibility": "hidden"})
        changed = True
    from .policy import apply_to_results, load_decision

    decision = load_decision(source)
    if decision:  # after the visibility above: a policy that hides wins
        doc = apply_to_results(doc, decision)
        changed = True
    if changed:
        write_results(doc, target)
    return 0


if __name__ == "__main__":
    sys.exit(ensure_results(sys.argv[1]))
