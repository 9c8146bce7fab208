"""Build one assignment: the student skeleton, the notebook edition (where the assignment has
one), the student handout artifact, then the Gradescope zip (in that order)."""

from __future__ import annotations

from collections.abc import Iterator

from ..config import Assignment
from ..notebooks.generate import build_notebooks
from ..paths import CoursePaths
from .handout import build_handout
from .otter_zip import build_zip
from .skeleton import build_skeleton, copy_public_tests


def build_assignment(assignment: Assignment, paths: CoursePaths,
                     skeleton_only: bool = False) -> Iterator[str]:
    """Run the build steps, yielding one progress line per step."""
    handout = paths.handout(assignment.name)
    written = build_skeleton(assignment.solution, handout,
                             assignment.submission.files + assignment.submission.provided)
    copy_public_tests(assignment.solution, handout)
    yield f"{assignment.name}: skeleton ({len(written)} files) -> {handout}"
    notebooks = build_notebooks(assignment, handout, paths.build / assignment.name)
    if notebooks:  # the notebook edition: student notebook (committed + build), reference
        yield f"{assignment.name}: notebooks -> {', '.join(str(p) for p in notebooks)}"
    folder, archive = build_handout(assignment, handout, paths.build / assignment.name)
    count = sum(1 for p in folder.rglob("*") if p.is_file())
    yield f"{assignment.name}: student handout ({count} files) -> {folder}, {archive}"
    if skeleton_only:
        return
    out = build_zip(assignment, paths.grader_zip(assignment.name))
    yield f"{assignment.name}: Gradescope zip -> {out} ({out.stat().st_size // 1024} KiB)"
