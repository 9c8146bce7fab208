"""SubmissionResult -> Gradescope results.json, validated against Gradescope's documented shape."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import jsonschema

from ..engine.results import SubmissionResult

VISIBILITY = ["hidden", "after_due_date", "after_published", "visible"]
FORMATS = ["text", "html", "simple_format", "md", "ansi"]

SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["tests"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number"},
        "output": {"type": "string"},
        "output_format": {"enum": FORMATS},
        "test_output_format": {"enum": FORMATS},
        "test_name_format": {"enum": FORMATS},
        "visibility": {"enum": VISIBILITY},
        "stdout_visibility": {"enum": VISIBILITY},
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array", "items": {
            "type": "object", "required": ["name", "value"],
            "properties": {"name": {"type": "string"}, "value": {},
                           "order": {"enum": ["asc", "desc"]}}}},
        "tests": {"type": "array", "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "score": {"type": "number"},
                "max_score": {"type": "number"},
                "status": {"enum": ["passed", "failed"]},
                "name": {"type": "string"},
                "name_format": {"enum": FORMATS},
                "number": {"type": "string"},
                "output": {"type": "string"},
                "output_format": {"enum": FORMATS},
                "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": {"enum": VISIBILITY},
                "extra_data": {"type": "object"},
            },
        }},
    },
}


def validate(results: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError unless `results` follows Gradescope's format."""
    jsonschema.validate(results, SCHEMA)
    for test in results["tests"]:
        if "score" in test and "max_score" in test and test["score"] > test["max_score"] + 1e-9:
            raise jsonschema.ValidationError(f"test {test.get('name')!r} scores above its max")


def component_output(component: Any) -> str:
    lines = []
    for chk in component.checks:
        mark = "✓" if not chk.message else "✗"
        lines.append(f"{mark} {chk.title} [{chk.points:g}/{chk.max_points:g}]")
        if chk.message:
            lines.extend("    " + line for line in chk.message.splitlines())
    return "\n".join(lines)


def to_gradescope(result: SubmissionResult) -> dict[str, Any]:
    """The results.json document for one graded submission."""
    tests = []
    for i, comp in enumerate(result.components, start=1):
        tests.append({
            "name": comp.title,
            "number": str(i),
            "score": round(comp.score, 4),
            "max_score": round(comp.max_score, 4),
            "status": "passed" if comp.score >= comp.max_score else "failed",
            "output": component_output(comp),
            "output_format": "text",
            "visibility": comp.visibility,
        })
    staff = "\n".join(result.staff_notes)
    if result.student_output.strip():
        staff += "\n\nWhat the student's code printed:\n" + result.student_output
    tests.append({"name": "Grader notes (staff only)", "score": 0, "max_score": 0,
                  "status": "passed", "output": staff, "output_format": "text",
                  "visibility": "hidden"})
    summary = f"Score: {result.score:g} / {result.max_score:g}"
    output = "\n".join([*result.messages, summary]) if result.messages else summary
    doc = {
        "score": round(result.score, 4),
        "execution_time": round(result.seconds, 3),
        "output": output,
        "output_format": "text",
        "visibility": "visible" if result.visible else "hidden",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"assignment": result.assignment, "oracle_device": result.device,
                       **result.extra},
    }
    validate(doc)
    return doc


def write_results(doc: dict[str, Any], path: Path) -> None:
    """Validate, then write atomically (never a half-written results.json)."""
    validate(doc)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
    os.replace(tmp, path)


def failure_results(reason: str) -> dict[str, Any]:
    """The last-ditch results.json when the grader itself could not run."""
    return {"score": 0, "output": reason, "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": "Autograder error", "score": 0, "max_score": 0,
                       "status": "failed", "output": reason, "visibility": "visible"}]}
