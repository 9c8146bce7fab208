"""`python -m autograder show NAME`: one assignment's pieces across the checkout, at a glance.

An assignment lives in several top-level folders (author → build → grade): its YAML and
skeleton in assignments/, the reference in solutions/, the hidden suite in autograder/suites/,
its bug corpus and independent implementations in tests/corpus/, and what the build wrote in
build/. This lists each with its path and what it holds, so a newcomer sees the whole of it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import yaml

from ..config import Assignment


@dataclass(frozen=True)
class Piece:
    name: str
    path: Path
    what: str
    present: bool


def _files(folder: Path, pattern: str = "*.py") -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if "__pycache__" not in p.parts) \
        if folder.is_dir() else []


def _built(path: Path) -> str:
    if not path.exists():
        return "not built (python -m autograder build)"
    stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
    size = path.stat().st_size if path.is_file() else sum(p.stat().st_size
                                                          for p in path.rglob("*") if p.is_file())
    return f"{size / 1024:.0f} KiB, built {stamp:%Y-%m-%d %H:%M} UTC"


def pieces(assignment: Assignment) -> list[Piece]:
    """Every piece of `assignment`, in the order of the flow."""
    root, name = assignment.root, assignment.name
    yaml_path = assignment.source or root / "assignments" / name / "assignment.yaml"
    checks = sum(len(c.checks) for c in assignment.components)
    out = [Piece("YAML (source of truth)", yaml_path,
                 f"{len(assignment.components)} components, {checks} checks, "
                 f"{assignment.points:g} points", yaml_path.is_file())]
    skeleton = yaml_path.parent
    out.append(Piece("skeleton (student files)", skeleton,
                     ", ".join(assignment.submission.files), skeleton.is_dir()))
    solution = assignment.solution
    out.append(Piece("reference solution", solution,
                     f"{len(_files(solution))} Python files", solution.is_dir()))
    public = solution / "tests"
    out.append(Piece("public tests", public, ", ".join(p.name for p in _files(public))
                     or "none", public.is_dir()))
    spec = importlib.util.find_spec(assignment.suite)
    suite = Path(spec.origin).parent if spec and spec.origin else Path(assignment.suite)
    out.append(Piece("hidden suite", suite, ", ".join(p.name for p in _files(suite))
                     or assignment.suite, suite.is_dir()))
    corpus = root / "tests" / "corpus" / name
    bugs = corpus / "bugs.yaml"
    count = 0
    if bugs.is_file():
        try:
            count = len(yaml.safe_load(bugs.read_text(encoding="utf-8")) or [])
        except yaml.YAMLError:
            count = -1
    out.append(Piece("bug corpus", bugs, "unreadable YAML" if count < 0 else
                     f"{count} realistic bugs", bugs.is_file()))
    independent = corpus / "independent"
    names = sorted(p.name for p in independent.iterdir() if p.is_dir()) \
        if independent.is_dir() else []
    out.append(Piece("independent implementations", independent,
                     ", ".join(names) or "none", bool(names)))
    build = root / "build" / name
    for label, path in (("student handout", build / "handout.zip"),
                        ("Gradescope zip", build / "autograder.zip"),
                        ("audit report", root / "build" / "audit" / name / "report.html")):
        out.append(Piece(label, path, _built(path), path.exists()))
    return out


def render(assignment: Assignment) -> str:
    """The pieces as aligned text lines (paths relative to the root)."""
    rows = []
    for piece in pieces(assignment):
        try:
            where = piece.path.relative_to(assignment.root)
        except ValueError:
            where = piece.path
        mark = "✓" if piece.present else "·"
        rows.append((f"{mark} {piece.name}", str(where), piece.what))
    width = [max(len(r[i]) for r in rows) for i in range(2)]
    head = f"{assignment.name}: {assignment.title}"
    return "\n".join([head] + [f"  {a:<{width[0]}}  {b:<{width[1]}}  {c}" for a, b, c in rows])
