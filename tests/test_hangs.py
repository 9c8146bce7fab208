"""A hang costs one call limit, not the whole budget: once a call into student code times out,
later calls that reach the same module top level or function stop at once, with a message that
says what hung and where (sandbox.process.Sandbox.hung, child/runner.py's tracer)."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from autograder.engine import grade
from autograder.paths import CoursePaths

PATHS = CoursePaths()
CALL_SECONDS = 3


@pytest.fixture(scope="module")
def backprop():
    assignment = PATHS.load("backprop")
    return dataclasses.replace(assignment, limits=dataclasses.replace(
        assignment.limits, call_seconds=CALL_SECONDS, submission_seconds=120))


def _relu_replaced(backprop, tmp_path, body: str):
    """A copy of the reference whose relu body is `body`."""
    sub = tmp_path / "sub"
    shutil.copytree(backprop.solution, sub, ignore=shutil.ignore_patterns("tests",
                                                                          "__pycache__"))
    path = sub / "backprop.py"
    text = path.read_text()
    assert text.count("    return np.maximum(f, 0.0)\n") == 1
    path.write_text(text.replace("    return np.maximum(f, 0.0)\n", body))
    return sub


def _messages(result):
    return {c.key: c.message for comp in result.components for c in comp.checks}


def test_a_hang_at_import_costs_one_call_limit(backprop, tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "backprop.py").write_text("import signal\nsignal.signal(signal.SIGTERM, "
                                     "signal.SIG_IGN)\nwhile True:\n    pass\n")
    shutil.copy(backprop.solution / "gradcheck.py", sub / "gradcheck.py")
    result = grade(backprop, sub)
    messages = _messages(result)
    timed_out = [k for k, m in messages.items() if "did not finish within" in m
                 and not m.startswith("skipped")]
    skipped = [k for k, m in messages.items() if m.startswith("skipped: importing backprop.py "
                                                              "did not finish within 3 s")]
    assert len(timed_out) == 1 and len(skipped) >= 10, messages
    assert re.search(r"\(it was stuck at backprop\.py:[34]\)", messages[skipped[0]])
    assert result.seconds < 3 * CALL_SECONDS + 20, result.seconds


def test_a_hang_in_a_shared_function_costs_one_call_limit(backprop, tmp_path):
    sub = _relu_replaced(backprop, tmp_path, "    while True:\n        pass\n")
    result = grade(backprop, sub)
    messages = _messages(result)
    assert "did not finish within 3 s (it was running backprop.py:" in messages["forward.relu"]
    skipped = [k for k, m in messages.items() if m.startswith("skipped: relu (backprop.py)")]
    assert len(skipped) >= 4, messages
    # checks that never call relu still get their points
    assert result.score > 0 and not messages["losses.least_squares"]
    assert result.seconds < 3 * CALL_SECONDS + 20, result.seconds


def test_a_slow_function_gets_its_full_limit_the_first_time(backprop, tmp_path):
    sub = _relu_replaced(backprop, tmp_path, "    import time\n    time.sleep(1.5)\n"
                         "    return np.maximum(f, 0.0)\n")
    result = grade(dataclasses.replace(backprop, limits=dataclasses.replace(
        backprop.limits, call_seconds=20)), sub)
    assert not _messages(result)["forward.relu"], _messages(result)
