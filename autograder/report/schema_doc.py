"""The assignment.yaml key reference of docs/authoring.md, generated from the typed schema.

`autograder/config.py`'s dataclasses are the schema: this module walks their fields, reads each
field's docstring (the string literal under it) and renders one Markdown table per YAML mapping.
`python -m autograder.report.schema_doc` rewrites the generated section of docs/authoring.md;
`--check` exits 1 when it is stale (tests/test_new_assignment.py runs the same comparison).
"""

from __future__ import annotations

import ast
import dataclasses
import enum
import inspect
import sys
import typing
from pathlib import Path
from typing import Any

from .. import config

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
BEGIN = "<!-- BEGIN GENERATED: python -m autograder.report.schema_doc -->"
END = "<!-- END GENERATED -->"

SECTIONS: tuple[tuple[str, type, frozenset[str]], ...] = (
    ("top level", config.Assignment, frozenset({"root", "source"})),
    ("`submission:`", config.SubmissionSpec, frozenset()),
    ("`submission: notebook:` (optional)", config.NotebookEdition, frozenset()),
    ("`limits:` (all optional)", config.Limits, frozenset()),
    ("`requirements:` (optional)", config.Requirements, frozenset()),
    ("`components:` (a list; each item)", config.Component, frozenset()),
    ("`checks:` of a component (a mapping: check id → these keys)", config.CheckSpec,
     frozenset({"id"})),
    ("`policy: {windows: [...]}` (optional; each window)", config.PolicyWindow, frozenset()),
    ("`audit:` (optional)", config.AuditSpec, frozenset()),
    ("`late:` (optional; defaults from course.yaml's `late:`)", config.LatePolicy, frozenset()),
)
"""(heading, dataclass, fields that are not YAML keys) per generated table."""

NOTES = {
    "Assignment.name": "Identifier: the folder names under assignments/, solutions/, "
                       "tests/corpus/.",
    "Assignment.title": "Shown to students above their results.",
    "Assignment.seed": "Master seed: each check draws from a stable seed derived from it and "
                       "the check's key, so grading is deterministic.",
    "Assignment.solution": "The reference folder (with SOLUTION fences), relative to the root.",
    "Assignment.suite": "Module of the hidden suite (`autograder.suites.<name>`; in a course "
                        "folder, `<name>_suite` in its suites/): defines "
                        "`SUITE`, whose probes file runs in the sandbox.",
    "Assignment.submission": "What students submit and what the grader supplies.",
    "Assignment.limits": "Resource limits of the sandboxed student process.",
    "Assignment.torch_device": "Where torch oracles (and student torch code) run.",
    "Assignment.components": "Gradable parts; each is one Gradescope test with its checks.",
    "Assignment.policy": "Submission windows that limit how many results students see.",
    "Component.id": "Identifier, unique in the assignment (checks register `id.check`).",
    "Component.title": "What students see as the test's name.",
    "Component.visibility": "Gradescope visibility of this component's result.",
    "Component.checks": "The scored checks, in order.",
    "PolicyWindow.start_days": "Window start, in days after the anchor date.",
    "PolicyWindow.end_days": "Window end (exclusive); null: open-ended.",
    "PolicyWindow.max_visible": "Submissions whose results are shown; null: unlimited.",
    "PolicyWindow.relative_to": "The anchor date.",
}
"""Descriptions of fields config.py leaves without a docstring (a docstring there wins; the
test fails when an entry here is no longer needed or a field has neither)."""

LOADER_DEFAULTS = {
    "Assignment.limits": "all defaults",
    "Assignment.torch_device": "`auto`",
    "Assignment.policy": "none",
    "Assignment.late": "course.yaml's `late:`, else none",
    "Assignment.audit": "none (no audit)",
    "Assignment.requirements": "numpy only",
    "SubmissionSpec.package": "null",
    "SubmissionSpec.notebook": "none (files only)",
    "Component.visibility": "`visible`",
    "PolicyWindow.end_days": "null",
}
"""Defaults that `load_assignment` applies where the dataclass has none (the test loads a YAML
with only the required keys and compares)."""

TYPES = {
    "Assignment.components": "list of components",
    "Assignment.policy": "`{windows: [window, ...]}`",
    "Component.checks": "mapping: check id → check",
}


def field_docs(cls: type) -> dict[str, str]:
    """Each field's docstring (the string literal right under it in the class body)."""
    tree = ast.parse(inspect.getsource(cls))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, after in zip(body, body[1:]):
        if (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[node.target.id] = " ".join(after.value.value.split())
    return docs


def _type(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        rest = [a for a in args if a is not type(None)]
        return " or ".join(_type(a) for a in rest) + (" or null" if len(rest) < len(args) else "")
    if origin is tuple:
        return f"list of {_type(args[0])}"
    if origin is dict:
        return f"mapping: {_type(args[0])} → {_type(args[1])}"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(f"`{m.value}`" for m in tp)
    if dataclasses.is_dataclass(tp):
        return "mapping (below)"
    return {str: "string", int: "integer", float: "number", bool: "true / false",
            Path: "path", Any: "any"}.get(tp, getattr(tp, "__name__", str(tp)))


def _default(cls: type, f: dataclasses.Field) -> str:
    key = f"{cls.__name__}.{f.name}"
    if key in LOADER_DEFAULTS:
        return LOADER_DEFAULTS[key]
    if f.default is not dataclasses.MISSING:
        value = f.default
    elif f.default_factory is not dataclasses.MISSING:  # type: ignore[misc]
        value = f.default_factory()  # type: ignore[misc]
        if not value:
            return "empty"
    else:
        return "**required**"
    if value is None:
        return "null"
    if value == ():
        return "empty"
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def rows(cls: type, skip: frozenset[str]) -> list[tuple[str, str, str, str]]:
    """(key, type, default, description) of each YAML key of `cls`."""
    hints, docs = typing.get_type_hints(cls, vars(config)), field_docs(cls)
    out = []
    for f in dataclasses.fields(cls):
        if f.name in skip:
            continue
        key = f"{cls.__name__}.{f.name}"
        out.append((f.name, TYPES.get(key) or _type(hints[f.name]), _default(cls, f),
                    docs.get(f.name) or NOTES.get(key, "")))
    return out


def reference() -> str:
    """The generated Markdown: one table per section."""
    parts = []
    for heading, cls, skip in SECTIONS:
        summary = " ".join((inspect.getdoc(cls) or "").split("\n\n")[0].split())
        parts.append(f"#### {heading}\n\n{summary}\n\n| key | type | default | meaning |\n"
                     "|---|---|---|---|")
        for key, tp, default, doc in rows(cls, skip):
            parts[-1] += f"\n| `{key}` | {tp} | {default} | {doc.replace('|', '/')} |"
    return "\n\n".join(parts) + "\n"


def updated(text: str) -> str:
    """`text` with the part between BEGIN and END replaced by `reference()`."""
    head, sep, rest = text.partition(BEGIN)
    _old, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise ValueError(f"the document has no '{BEGIN}' ... '{END}' section")
    return f"{head}{BEGIN}\n\n{reference()}\n{END}{tail}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = DOC.read_text(encoding="utf-8")
    new = updated(text)
    if "--check" in argv:
        if new != text:
            print(f"{DOC} is stale: run python -m autograder.report.schema_doc", file=sys.stderr)
            return 1
        return 0
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print(f"updated {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
