"""Grading results: small frozen dataclasses, converted to Gradescope's JSON only at the edge."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, replace
from typing import Any


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check."""

    key: str
    """`component.check`, as in assignment.yaml."""
    title: str
    """What the check verifies, in the student's words."""
    points: float
    """Points earned."""
    max_points: float
    """Points available."""
    message: str = ""
    """Why it failed (what was expected vs got), empty when it passed."""

    @property
    def status(self) -> Status:
        return Status.PASSED if self.points >= self.max_points else Status.FAILED


@dataclass(frozen=True)
class ComponentResult:
    """All checks of one component (one Gradescope test)."""

    id: str
    title: str
    visibility: str
    checks: tuple[CheckResult, ...]

    @property
    def score(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_score(self) -> float:
        return sum(c.max_points for c in self.checks)


@dataclass(frozen=True)
class SubmissionResult:
    """Everything the trusted side concluded about one submission."""

    assignment: str
    components: tuple[ComponentResult, ...]
    messages: tuple[str, ...] = ()
    """Submission-level feedback for the student (missing files, syntax errors, policy)."""
    staff_notes: tuple[str, ...] = ()
    """Feedback for staff only (protection layers, harness errors with tracebacks)."""
    student_output: str = ""
    """What the student's code printed (head and tail), for staff."""
    device: str = "cpu"
    """Where torch oracles ran."""
    seconds: float = 0.0
    visible: bool = True
    """False when a submission policy hides this result from the student."""
    extra: dict = field(default_factory=dict)

    @property
    def score(self) -> float:
        return round(sum(c.score for c in self.components), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_score for c in self.components), 6)

    def check(self, key: str) -> CheckResult:
        for comp in self.components:
            for chk in comp.checks:
                if chk.key == key:
                    return chk
        raise KeyError(key)

    def with_messages(self, *messages: str) -> SubmissionResult:
        return replace(self, messages=self.messages + tuple(messages))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (what crosses process boundaries and what the gradebook store keeps)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SubmissionResult:
        """The inverse of `to_dict` (a batch worker's or the store's copy)."""
        comps = tuple(
            ComponentResult(c["id"], c["title"], c["visibility"],
                            tuple(CheckResult(**k) for k in c["checks"]))
            for c in data.get("components") or [])
        fields = {k: v for k, v in data.items() if k != "components"}
        for key in ("messages", "staff_notes"):
            fields[key] = tuple(fields.get(key) or ())
        return cls(components=comps, **fields)
