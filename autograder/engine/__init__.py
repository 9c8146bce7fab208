"""The grading engine: suites of checks, comparisons, normalization and results."""

from .compare import CheckFailed, expect, expect_array, expect_scalar
from .grade import grade, load_suite
from .results import CheckResult, ComponentResult, SubmissionResult
from .suite import Suite, Trial

__all__ = ["CheckFailed", "CheckResult", "ComponentResult", "Suite", "SubmissionResult",
           "Trial", "expect", "expect_array", "expect_scalar", "grade", "load_suite"]
