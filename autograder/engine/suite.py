"""How hidden suites are written: a registry of checks and the context each check runs in.

A suite module defines `SUITE = Suite()` (or `Suite(probes=...)` with its own probe module) and
registers one function per check in assignment.yaml with `@SUITE.check("component.check")`. A
check builds inputs with `t.rng`, calls student code only through the sandbox
(`t.call("module.function", *args)`, or `t.student(probe, **inputs)` for a probe of its own),
computes the expected value itself (numpy, or torch autograd via `t.torch()`), and compares
with `autograder.engine.compare`. Suites import all of this from `autograder.authoring`.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import numpy as np

from ..config import Assignment, ConfigError
from ..sandbox import Sandbox, StudentFault
from ..sandbox.process import RUNNER
from .compare import Called, CheckFailed
from .faults import describe_fault
from .oracle import TorchOracle

CheckFn = Callable[["Trial"], None]
PUBLIC_MODULE = "public"
"""A suite's module of public checks (`<suite>/public.py`), shipped in the handout."""
CALL_PROBE = "_ag_call"
"""The runner's built-in generic probe (child/runner.py BUILTIN_PROBES)."""


@dataclass
class Suite:
    """The hidden checks of one assignment, keyed by `component.check`."""

    probes: Path = RUNNER
    """Probe module run inside the sandbox (driver code only, no expected values). By default
    none of the suite's own: the runner itself, whose built-in `t.call` probe is all that a
    suite of plain functions needs."""
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
        public = set(assignment.public_check_keys())
        shipped = set(self.public_keys())
        if public != shipped:
            raise ConfigError(
                f"{assignment.source}: `public: true` in the YAML must match the checks in the "
                f"suite's public.py: marked public but not in public.py {sorted(public - shipped)}"
                f", in public.py but not marked {sorted(shipped - public)}")

    def public_keys(self) -> list[str]:
        """Checks registered by the suite's `public` module (the ones the handout ships)."""
        return [key for key, fn in self.checks.items()
                if fn.__module__.rpartition(".")[2] == PUBLIC_MODULE]


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
    cases: list[str] = field(default_factory=list)
    """One entry per `t.case()` that ran: '' when it passed, else why it failed."""

    def student(self, probe: str, **kwargs: Any) -> Any:
        """Run a probe on the student's code (raises sandbox.StudentFault on failure)."""
        return self.sandbox.call(probe, timeout=self.timeout, **kwargs)

    def call(self, target: str, /, *args: Any, **kwargs: Any) -> Called:
        """Run the student's `module.function(*args, **kwargs)` in the sandbox (the built-in
        generic probe): its result, what it printed and which arguments it modified in place.
        Arguments and results cross the boundary as data only (see docs/authoring.md)."""
        reply = self.sandbox.call(CALL_PROBE, timeout=self.timeout, target=target,
                                  args=list(args), kwargs=kwargs)
        if not (isinstance(reply, dict) and set(reply) == {"value", "printed", "modified"}
                and isinstance(reply["printed"], str) and isinstance(reply["modified"], list)
                and all(isinstance(m, str) for m in reply["modified"])):
            raise CheckFailed(f"{target.rpartition('.')[2]}() gave no readable result")
        return Called(reply["value"], reply["printed"], tuple(reply["modified"]), args, kwargs)

    @contextlib.contextmanager
    def case(self, label: str = "") -> Iterator[None]:
        """One case of a check that gives partial credit: a failure inside the block (a
        CheckFailed, or the student's code raising, hanging, ...) is recorded instead of ending
        the check, which earns the fraction of its cases that passed."""
        try:
            yield
        except CheckFailed as exc:
            self.cases.append(_labelled(label, str(exc) or "check failed"))
        except StudentFault as fault:
            self.cases.append(_labelled(label, describe_fault(fault)))
        else:
            self.cases.append("")

    def verdict(self) -> tuple[float, str]:
        """(fraction of the points, feedback) after the check returned: 1 and '' unless a
        `t.case()` failed."""
        failed = [m for m in self.cases if m]
        if not failed:
            return 1.0, ""
        n, passed = len(self.cases), len(self.cases) - len(failed)
        return passed / n, (f"{failed[0]} ({len(failed)} of {n} cases failed, so {passed} of "
                            f"{n} of the points)")

    def torch(self) -> Any:
        """The torch module for autograd oracles (float64, on `self.oracle.device`)."""
        return self.oracle.torch


def _labelled(label: str, message: str) -> str:
    return f"{label}: {message}" if label else message
