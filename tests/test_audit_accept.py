"""The acceptance direction of the audit (autograder/audit/accept.py) and fail-fast grading.

Rewrites must be valid Python that changes only the solution regions; a too-narrow grader
(tests/audit_fixtures/narrow: it demands a list where the docstring allows any pair) must be
caught, with the rejecting check and the diff; fail-fast grading must give the same verdicts as
exhaustive grading. Grading runs in the real sandbox, in this process.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from autograder.audit.accept import REWRITES, rewrite_source, rewrites
from autograder.audit.mutate import solution_regions
from autograder.audit.report import render_text
from autograder.audit.runner import AuditOptions, run_audit
from autograder.config import load_assignment
from autograder.paths import CoursePaths

PATHS = CoursePaths()
FIXTURES = Path(__file__).parent / "audit_fixtures"


def _fixture(name):
    folder = FIXTURES / name
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
    return load_assignment(folder / "assignment.yaml", folder)


def _outside_regions(text: str) -> list[str]:
    lines = text.splitlines()
    inside = {n for a, b in solution_regions(text) for n in range(a, b + 1)}
    return [line for n, line in enumerate(lines, 1) if n not in inside
            and not line.strip().startswith('print("[debug]')]


@pytest.mark.parametrize("name", PATHS.assignment_names())
def test_rewrites_are_valid_and_touch_only_solution_regions(name):
    assignment = PATHS.load(name)
    sources = {rel: (assignment.solution / rel).read_text() for rel in assignment.submission.files
               if (assignment.solution / rel).is_file()}
    variants = rewrites(sources)
    assert variants, name
    for v in variants:
        (rel, new), = v.files.items()
        compile(new, rel, "exec")
        kept = _outside_regions(sources[rel])
        changed = _outside_regions(new)
        assert changed[:len(kept)] == kept, v.id  # a helper may only be appended at the end
        assert v.diff.startswith(f"--- a/{rel}"), v.id


def test_each_rewrite_does_what_it_says():
    text = ('import numpy as np\n\n\ndef f(a, b):\n    ### BEGIN SOLUTION\n'
            '    c = a @ b.T\n    return [np.sum(c, axis=0), Tensor(c)]\n    ### END SOLUTION\n')
    assert "np.matmul(a, b.T)" in rewrite_source(text, "matmul-call")
    assert "a @ np.transpose(b)" in rewrite_source(text, "transpose-call")
    assert "np.asarray(c).sum(axis=0)" in rewrite_source(text, "method-reduction")
    assert "return (np.sum(c, axis=0), Tensor(c))" in rewrite_source(text, "tuple-returns")
    assert "np.asarray(c)]" in rewrite_source(text, "ndarray-returns")
    helper = rewrite_source(text, "helper-function")
    assert "return _identity_helper([" in helper and "def _identity_helper(value)" in helper
    assert 'print("[debug] line 6"' in rewrite_source(text, "debug-print")
    # numpy-only rewrites leave torch files alone
    assert rewrite_source("import torch\n" + text, "matmul-call") is None
    assert set(REWRITES) >= {"matmul-call", "transpose-call", "helper-function", "debug-print"}


@pytest.fixture(scope="module")
def narrow_report():
    return run_audit(_fixture("narrow"), AuditOptions(workers=0, progress=False, cache=False,
                                                      bugs=False))


def test_a_too_narrow_check_is_caught_with_the_check_and_the_diff(narrow_report):
    accepted = narrow_report["acceptance"]
    assert not narrow_report["passes"] and accepted["score"] < 1.0
    rejected = {v["id"]: v for v in accepted["variants"] if v["status"] == "rejected"}
    assert set(rejected) == {"pairs.py:tuple-returns"}
    variant = rejected["pairs.py:tuple-returns"]
    assert variant["failed"][0][0] == "halves.values"
    assert "should return a list, got a tuple" in variant["failed"][0][1]
    assert "+    return (x[:middle], x[middle:])" in variant["diff"]
    text = render_text(narrow_report)
    assert "REJECTED pairs.py:tuple-returns" in text and "acceptance score" in text


def test_fail_fast_grading_gives_the_same_verdicts_as_exhaustive_grading():
    weak = _fixture("weak")
    reports = [run_audit(weak, AuditOptions(workers=0, progress=False, cache=False, bugs=False,
                                            acceptance=False, exhaustive=exhaustive))
               for exhaustive in (True, False)]
    verdicts = [{m["id"]: (m["status"], m["localized"]) for m in r["mutants"]} for r in reports]
    assert verdicts[0] == verdicts[1] and len(verdicts[0]) > 10
    assert reports[0]["score"] == reports[1]["score"]
    measured = [m for m in reports[1]["mutants"] if m["status"] == "killed"
                and not m["lost_measured"]]
    assert all("costs 100 %" not in m["flags"] for m in measured)
