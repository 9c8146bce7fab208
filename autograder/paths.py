"""All project paths from one object, so no module hard-codes a folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .config import Assignment, ConfigError, load_assignment

REPO_ROOT = Path(__file__).resolve().parents[1]

@dataclass(frozen=True)
class CoursePaths:
    """Where sources, solutions and build outputs live for a checkout (or a grader bundle)."""

    root: Path = REPO_ROOT

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
