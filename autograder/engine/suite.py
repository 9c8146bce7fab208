"""How hidden suites are written: a registry of checks and the context each check runs in.

A suite module defines `SUITE = Suite(probes=...)` and registers one function per check in
assignment.yaml with `@SUITE.check("component.check")`. A check builds inputs with `t.rng`,
calls student code only through `t.student(probe, **inputs)` (which runs in the sandbox),
computes the expected value itself (numpy, or torch autograd via `t.torch()`), and compares
with `autograder.engine.compare`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from ..config import Assignment, ConfigError
from ..sandbox import Sandbox
from .oracle import TorchOracle

CheckFn = Callable[["Trial"], None]


@dataclass
class Suite:
    """The hidden checks of one assignment, keyed by `component.check`."""

    probes: Path
    """Probe module run inside the sandbox (driver code only, no expected values)."""
    checks: dict[str, CheckFn] = field(default_factory=dict)

    def check(self, key: str) -> Callable[[CheckFn], CheckFn]:
        def register(fn: CheckFn) -> CheckFn:
            if key in self.checks:
                raise ValueError(f"check {key!r} registered twice")
            self.checks[key] = fn
            return fn
        return register

    def validate_against(self, assignment: Assignment) -> None:
        """Every check in the YAML has an implementation and vice versa."""
        declared = set(assignment.check_keys())
        missing = sorted(declared - set(self.checks))
        extra = sorted(set(self.checks) - declared)
        if missing or extra:
            raise ConfigError(
                f"{assignment.source}: suite {assignment.suite} does not match the YAML: "
                f"checks without code {missing}, code without a YAML entry {extra}")


def check_seed(assignment_seed: int, key: str) -> int:
    """A stable per-check seed (sha256, never Python's salted hash())."""
    digest = hashlib.sha256(f"{assignment_seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


@dataclass
class Trial:
    """What a check sees: a seeded rng, the student sandbox and the oracle."""

    key: str
    rng: np.random.Generator
    sandbox: Sandbox
    oracle: TorchOracle
    timeout: float | None = None
    params: dict[str, Any] = field(default_factory=dict)
    """The check's `params` from assignment.yaml."""

    def student(self, probe: str, **kwargs: Any) -> Any:
        """Run a probe on the student's code (raises sandbox.StudentFault on failure)."""
        return self.sandbox.call(probe, timeout=self.timeout, **kwargs)

    def torch(self) -> Any:
        """The torch module for autograd oracles (float64, on `self.oracle.device`)."""
        return self.oracle.torch
