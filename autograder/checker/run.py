"""`python check.py [part ...]`: the public checks, graded by the grader's own engine.

Runs inside the student's handout (shipped under `checker/autograder/checker/`). The student's
files are copied into a temporary folder, exactly the files the grader takes
(`submission.files`; with `--notebook`, the notebook alone, as an upload), and graded by
`engine.grade` against `checker/assignment.json`: the assignment's YAML reduced to its public
checks, with a seed of its own. Student code runs in a separate process with the grader's
limits, so a hang or a crash is reported as the grader reports it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

CHECKER_DIR = Path(__file__).resolve().parents[2]
"""The handout's `checker/` folder (this file is checker/autograder/checker/run.py)."""
HANDOUT_DIR = CHECKER_DIR.parent
ASSIGNMENT_FILE = "assignment.json"
"""The public part of the assignment's YAML (written by the build)."""
INFO_FILE = "handout.json"
"""What the checker says about the rest: hidden checks per part (counts only)."""
PASS, FAIL = "✓", "✗"
PRINTED_LINES = 40
"""-v shows the first and the last this many lines of what the student's code printed."""


class CheckerError(Exception):
    """A usage error (unknown part, missing notebook): the message says what to do."""


def load(checker_dir: Path = CHECKER_DIR) -> tuple[Any, dict]:
    """The public assignment (config.Assignment) and the handout info."""
    from ..config import load_assignment

    assignment = load_assignment(checker_dir / ASSIGNMENT_FILE, root=checker_dir)
    info = json.loads((checker_dir / INFO_FILE).read_text(encoding="utf-8"))
    return assignment, info


def _checks(count: int) -> str:
    return f"{count} hidden check{'s' if count != 1 else ''}"


def _hidden(info: dict) -> dict[str, int]:
    return {p["id"]: p["hidden"] for p in info.get("parts") or []}


def select(assignment: Any, info: dict, wanted: list[str]) -> tuple[str, ...]:
    """What to grade: parts (component ids) or single checks (`part.check`), checked."""
    keys = set(assignment.check_keys())
    known = [c.id for c in assignment.components]
    for item in wanted:
        if item in known or item in keys:
            continue
        part = item.split(".", 1)[0]
        hidden = _hidden(info).get(part)
        if hidden and part not in known:
            raise CheckerError(f"{part!r} has no public checks: its {_checks(hidden)} run "
                               "only by the grader")
        raise CheckerError(f"no public check {item!r}; the parts with public checks are: "
                           f"{', '.join(known)} (`python check.py --list` lists them)")
    return tuple(wanted)


SKIPPED_FOLDERS = {"checker", "tests", "__pycache__", ".git", ".ipynb_checkpoints", ".venv",
                   "venv", "env", "site-packages", "node_modules"}
MAX_STAGED = 500


def stage(assignment: Any, folder: Path, notebook: Path | None, tmp: Path) -> Path:
    """What the grader would receive, in `tmp`: the saved notebook alone, or the folder's
    Python files (the submitted ones, given ones and any helper module of the student's, so
    the grader's notes about them are the same), without the handout's tooling, tests, data
    and environments."""
    if notebook is not None:
        if not notebook.is_file():
            raise CheckerError(f"no notebook at {notebook}")
        if notebook.suffix.lower() != ".ipynb":
            raise CheckerError(f"{notebook} is not a notebook (.ipynb); for .py files run "
                               "check.py without --notebook")
        target = tmp / notebook.name
        shutil.copyfile(notebook, target)
        return target
    if not folder.is_dir():
        raise CheckerError(f"no folder {folder}")
    sub = tmp / "submission"
    sub.mkdir()
    copied = 0
    for path in sorted(folder.rglob("*.py")):
        rel = path.relative_to(folder)
        if SKIPPED_FOLDERS & set(rel.parts[:-1]) or not path.is_file() or copied >= MAX_STAGED:
            continue
        (sub / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, sub / rel)
        copied += 1
    return sub


def grade_public(parts: list[str], folder: Path = HANDOUT_DIR, notebook: Path | None = None,
                 checker_dir: Path = CHECKER_DIR) -> tuple[Any, Any, dict]:
    """(result, assignment, info) of the public checks of `parts` on the student's work."""
    # The student's own code on the student's machine: one plain child process with the
    # grader's rlimits, none of the grader's namespaces or uid changes.
    os.environ.setdefault("AG_SANDBOX_LAYERS", "process")
    from ..engine.grade import grade

    assignment, info = load(checker_dir)
    only = select(assignment, info, parts)
    with tempfile.TemporaryDirectory(prefix="check-") as tmp:
        result = grade(assignment, stage(assignment, folder, notebook, Path(tmp)), only=only)
    return result, assignment, info


def _indent(text: str, pad: str = "      ", width: int = 96) -> str:
    return "\n".join(textwrap.fill(line, width, initial_indent=pad, subsequent_indent=pad,
                                   break_long_words=False, break_on_hyphens=False) or pad
                     for line in text.splitlines())


def report(result: Any, assignment: Any, info: dict, verbose: bool = False) -> str:
    """The text students see: each public check as the grader reports it (`verbose`: also
    what the code printed and the engine's own notes)."""
    lines = [f"Public checks of {assignment.title!r}", "(the grader's own checks and messages, "
             "on your code)"]
    lines += [f"  note: {m}" for m in result.messages]
    passed = total = 0
    for comp in result.components:
        lines.append(f"\n{comp.id}: {comp.title}")
        width = max(len(c.key.split(".", 1)[1]) for c in comp.checks)
        for check in comp.checks:
            ok = not check.message
            total += 1
            passed += ok
            name = check.key.split(".", 1)[1]
            lines.append(f"  {PASS if ok else FAIL} {name:<{width}}  {check.title}")
            if not ok:
                lines.append(_indent(check.message))
        hidden = _hidden(info).get(comp.id)
        if hidden:
            lines.append(f"  (+ {_checks(hidden)} run only by the grader)")
    graded = {c.id for c in result.components}
    only_hidden = [p for p in info.get("parts") or [] if not p["public"] and p["hidden"]]
    if only_hidden and (len(graded) == len(assignment.components)):
        lines.append("\nGraded by hidden checks only (run by the grader, not here): "
                     + ", ".join(f"{p['id']} ({p['hidden']})" for p in only_hidden))
    if verbose:
        printed = (result.student_output or "(nothing)").splitlines()
        if len(printed) > 2 * PRINTED_LINES:
            printed = (printed[:PRINTED_LINES]
                       + [f"[... {len(printed) - 2 * PRINTED_LINES} lines omitted ...]"]
                       + printed[-PRINTED_LINES:])
        lines.append("\nwhat your code printed:\n" + "\n".join("      " + x for x in printed))
        lines.append("\nengine notes:\n" + "\n".join(_indent(n) for n in result.staff_notes))
    lines.append(f"\n{passed} of {total} public checks passed. The grader runs these with "
                 "other inputs,\nand more checks: passing them is necessary, not sufficient.")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """0: every public check passed; 1: some failed; 2: a usage error."""
    parser = argparse.ArgumentParser(
        prog="python check.py", description="Run the grader's public checks on your code, "
        "with the grader's own messages (offline). Parts: the assignment's components.")
    parser.add_argument("parts", nargs="*", help="parts (or part.check) to check (default: "
                        "all)")
    parser.add_argument("--notebook", type=Path, help="check this saved notebook instead of "
                        "the .py files (what check() does inside Jupyter)")
    parser.add_argument("--folder", type=Path, default=HANDOUT_DIR,
                        help="the folder with your files (default: this handout)")
    parser.add_argument("--list", action="store_true", help="list the parts and their checks")
    parser.add_argument("--json", action="store_true",
                        help="print the result record as JSON (for tools) instead of the report")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also show what your code printed and the engine's notes")
    args = parser.parse_args(argv)
    try:
        if args.list:
            assignment, info = load()
            public = {c.id: c for c in assignment.components}
            for part in info.get("parts") or []:
                print(f"{part['id']}: {part['title']}")
                for check in public[part["id"]].checks if part["id"] in public else ():
                    print(f"    {part['id']}.{check.id}: {check.title}")
                if part["hidden"]:
                    print(f"    (+ {_checks(part['hidden'])} run only by the grader)")
            return 0
        result, assignment, info = grade_public(args.parts, args.folder.resolve(),
                                                args.notebook)
    except CheckerError as exc:
        print(f"check.py: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict()))
    else:
        print(report(result, assignment, info, args.verbose))
    failed = any(c.message for comp in result.components for c in comp.checks)
    return 1 if failed else 0
