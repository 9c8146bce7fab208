"""The authoring API: everything a hidden suite (`checks.py`) needs, in one import.

Suites import from here, never from `autograder.engine` or `autograder.sandbox`, so that the
engine can change underneath them. docs/authoring.md ("Checks") is the guide; in short:

    from autograder.authoring import Suite, Trial, expect

    SUITE = Suite()                          # no probes.py: t.call is enough for functions

    @SUITE.check("linear.forward")           # a check of assignment.yaml: component.check
    def linear_forward(t: Trial) -> None:
        x, w, b = t.rng.normal(size=(4, 3)), t.rng.normal(size=(3, 2)), t.rng.normal(size=2)
        got = t.call("linear.forward", x, w, b)          # runs in the sandbox
        expect(got, x @ w + b, "forward(x, w, b)", mistakes={
            "it looks like you forgot the bias (x @ w + b)": lambda x, w, b: x @ w})
        expect(not got.modified, f"forward() modified {', '.join(got.modified)} in place")

- `Suite(probes=...)`: the check registry; `probes` only for a suite with probes of its own
  (code the sandbox runs for a check: objects to build, functions to pass in).
- `Trial` (`t`): `t.rng`, `t.params`, `t.call(...)` -> `Called` (value, printed, modified),
  `t.student(probe, **kwargs)`, `t.case(label)` (partial credit), `t.torch()`, `t.oracle`.
- Comparisons: `expect` (a condition, or a value with named `mistakes`), `expect_array`,
  `expect_scalar`, `matches`, `named_mistake`, `as_array`; `CheckFailed(message)` fails a check.
- Statistics: `check_distribution` (moments of a large random draw against theory, with
  named mistakes by variance).
- Student faults: `StudentFault` (what `t.call`/`t.student` raise when the student's code
  raised, hung, ...) and `describe_fault` (the feedback the engine would give for it);
  `Opaque` is a student value that is not data.
"""

from __future__ import annotations

from .engine.compare import (Called, CheckFailed, Mistakes, as_array, expect, expect_array,
                             expect_scalar, matches, named_mistake)
from .engine.faults import describe_fault
from .engine.stats import check_distribution
from .engine.suite import Suite, Trial
from .sandbox import Opaque, StudentFault

__all__ = ["Called", "CheckFailed", "Mistakes", "Opaque", "StudentFault", "Suite", "Trial",
           "as_array", "check_distribution", "describe_fault", "expect", "expect_array",
           "expect_scalar", "matches", "named_mistake"]
