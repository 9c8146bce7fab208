"""All project paths from one object, so no module hard-codes a folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from .config import Assignment, ConfigError, load_assignment

REPO_ROOT = Path(__file__).resolve().parents[1]
COURSE_ENV = "AG_COURSE"
"""A course folder with the project's layout (assignments/, solutions/, suites/, tests/corpus/)
that the CLI works on instead of this checkout (`python -m autograder --course DIR ...`)."""


def course_root() -> Path:
    """The course the CLI works on: $AG_COURSE (set by --course), else this checkout."""
    value = os.environ.get(COURSE_ENV)
    return Path(value).resolve() if value else REPO_ROOT


def import_course_suites(root: Path) -> None:
    """Make a course folder's suites importable: `<root>/suites/` (a course's suite is the
    top-level module `<name>_suite` there, as `autograder new --root` writes it)."""
    suites = Path(root).resolve() / "suites"
    if suites.is_dir() and str(suites) not in sys.path:
        sys.path.insert(0, str(suites))


def use_course(root: Path) -> Path:
    """Work on the course folder `root` from now on (its suites importable)."""
    root = Path(root).resolve()
    os.environ[COURSE_ENV] = str(root)
    import_course_suites(root)
    return root


class CoursePaths:
    """Where sources, solutions and build outputs live for a checkout (or a grader bundle).

    Without a root, the course the CLI works on (`course_root()`), looked up at each use.
    """

    def __init__(self, root: Path | None = None) -> None:
        self._root = Path(root) if root is not None else None

    def __repr__(self) -> str:
        return f"CoursePaths({self.root})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CoursePaths) and self.root == other.root

    def __hash__(self) -> int:
        return hash(self.root)

    @property
    def root(self) -> Path:
        return self._root if self._root is not None else course_root()

    @property
    def assignments(self) -> Path:
        return self.root / "assignments"

    @property
    def build(self) -> Path:
        return self.root / "build"

    def assignment_yaml(self, name: str) -> Path:
        return self.assignments / name / "assignment.yaml"

    def handout(self, name: str) -> Path:
        """The student skeleton folder (what students get)."""
        return self.assignments / name

    def grader_zip(self, name: str) -> Path:
        return self.build / name / "autograder.zip"

    def assignment_names(self) -> list[str]:
        return sorted(p.parent.name for p in self.assignments.glob("*/assignment.yaml"))

    def load(self, name: str) -> Assignment:
        """Load an assignment by name, with a click-style error for unknown names."""
        path = self.assignment_yaml(name)
        if not path.is_file():
            known = ", ".join(repr(n) for n in self.assignment_names())
            raise ConfigError(f"Invalid value for 'ASSIGNMENT': {name!r} is not one of {known}.")
        return load_assignment(path, self.root)
