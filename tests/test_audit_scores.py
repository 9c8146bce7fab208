"""`make test`'s grader audit: every assignment with an `audit:` key keeps its minimum score.

The full audit (`make audit`) grades every mutant with every check; Beras alone takes about an
hour. Here each assignment gets the quick audit instead: a deterministic sample of
`audit.test_sample` mutants, each graded by the real sandboxed grader with every check except
the YAML's `audit.slow_checks` of other components (Beras's 8-second training run; it still
runs for mutants of assignment.py). Skipping checks can only turn kills into survivals, so the
quick score errs low; the test fails when the sample shows the grader under its minimum (the
one-sided 95 % upper bound of the sample's score is below `audit.min_score`). The hand-written
bugs of tests/corpus/ are left to test_assignment_graders.py, which grades each of them fully
(`make audit` runs them too).

The same quick audit runs the acceptance direction on a deterministic sample of
`QUICK_REWRITES` semantics-preserving rewrites of the reference: every one must get full
marks (the independent implementations are graded by test_assignment_graders.py).
"""

from __future__ import annotations

import pytest

from autograder.audit.report import render_text
from autograder.audit.runner import QUICK_REWRITES, AuditOptions, run_audit
from autograder.paths import CoursePaths

PATHS = CoursePaths()
# Assignments whose quick audit is gated by `make` (audit-quick) and `make audit` only: the
# torch assignment's reference alone takes over a minute to grade twice on 2 cores, which
# `make test`'s 15-minute budget cannot hold.
MAKE_ONLY = {"measuring": "torch training checks: its quick audit (74 s on 2 workers, "
                          "more on the one a test gets) gates `make` instead"}
AUDITED = [pytest.param(n, marks=pytest.mark.skip(reason=MAKE_ONLY[n])) if n in MAKE_ONLY else n
           for n in PATHS.assignment_names() if PATHS.load(n).audit is not None]


@pytest.mark.parametrize("name", AUDITED)
def test_quick_audit_keeps_the_minimum_mutation_score_and_accepts_correct_variants(name):
    assignment = PATHS.load(name)
    report = run_audit(assignment, AuditOptions(quick=True, workers=0, progress=False,
                                                cache=False, bugs=False))
    text = render_text(report)
    assert report["complete"], text
    assert report["counts"]["error"] == 0, text
    assert report["selected"] == min(assignment.audit.test_sample, report["total_mutants"])
    assert report["passes"], text
    accepted = report["acceptance"]
    assert accepted["graded"] == min(QUICK_REWRITES, accepted["total_rewrites"]) > 0, text
    assert accepted["score"] == 1.0, text
