"""The authoring API (autograder.authoring): expect with named mistakes, partial credit with
t.case, and the generic probe t.call, on a tiny assignment written under a temporary --root
(graded by the real sandboxed engine, with short limits)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograder import otter_bridge
from autograder.authoring import (Called, CheckFailed, Opaque, Suite, Trial, expect, matches,
                                  named_mistake)
from autograder.build import scaffold
from autograder.engine import grade
from autograder.report import to_gradescope, validate


def fails(fn, *args, **kwargs) -> str:
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


# -- expect and named mistakes (trusted side only) ---------------------------------------------
def test_expect_keeps_the_condition_form():
    expect(True, "never shown")
    assert fails(expect, False, "the message") == "the message"
    with pytest.raises(TypeError):
        expect(np.zeros(2), "not a bool")


def test_expect_compares_arrays_and_numbers():
    want = np.arange(6.0).reshape(2, 3)
    expect(want.copy(), want, "f(x)")
    assert "wrong shape" in fails(expect, want.T, want, "f(x)")
    assert "f(x) is wrong at index (0, 2)" in fails(expect, want + np.eye(2, 3, 2), want, "f(x)")
    expect(np.float64(2.5), 2.5, "loss")
    assert "loss is wrong: expected 2.5, got 3" in fails(expect, 3.0, 2.5, "loss")
    assert "should be a numpy array, got an object of type m.Thing" in fails(
        expect, Opaque("m.Thing"), want, "f(x)")


def test_named_mistakes_from_values_and_functions():
    x, w, b = np.ones((2, 3)), np.full((3, 2), 2.0), np.array([1.0, -1.0])
    right = x @ w + b
    got = Called(x @ w, args=(x, w, b))
    mistakes = {"it looks like you forgot the bias": lambda x, w, b: x @ w,
                "it looks like you transposed w": lambda x, w, b: x @ w.T}  # raises: skipped
    assert fails(expect, got, right, "forward(x, w, b)", mistakes=mistakes) == \
        "forward(x, w, b) is wrong: it looks like you forgot the bias"
    assert fails(expect, 2 * right, right, "f", mistakes={"doubled": 2 * right},
                 template="{what}: {mistake}") == "f: doubled"
    # a mistake that equals the right answer on these inputs names nothing
    assert named_mistake(right, right, {"same": right}) == ""
    assert named_mistake(x @ w, right, {"no bias": lambda: x @ w}) == "no bias"
    # no mistake matches: the ordinary comparison speaks
    assert "is wrong at index" in fails(expect, right + 1, right, "f", mistakes={"x": right * 3})
    assert matches([np.ones(2)], np.ones(2)) and not matches("text", np.ones(2))
    nan_answer = np.array([np.nan, 1.0])
    assert named_mistake(nan_answer, np.array([0.5, 0.5]), {"overflow": nan_answer}) == "overflow"


# -- partial credit (no sandbox) ---------------------------------------------------------------
def test_cases_give_the_fraction_that_passed():
    t = Trial("c.k", np.random.default_rng(0), sandbox=None, oracle=None)
    assert t.verdict() == (1.0, "")
    for i in range(4):
        with t.case(f"case {i}"):
            expect(i % 2 == 0, f"odd {i}")
    fraction, message = t.verdict()
    assert fraction == 0.5
    assert message == "case 1: odd 1 (2 of 4 cases failed, so 2 of 4 of the points)"


# -- t.call through the sandbox, on a tiny assignment -------------------------------------------
NAME = "tapi"

YAML = """\
name: tapi
title: "tapi: the authoring API"
seed: 7
solution: solutions/tapi
suite: tapi_suite
submission: {package: null, files: [tapi.py]}
limits: {call_seconds: 2, submission_seconds: 60, memory_mb: 1024}
components:
  - id: api
    title: "tapi.py"
    checks:
      call: {points: 1, title: "value, printed output, inputs"}
      inplace: {points: 1, title: "in-place modification is seen"}
      raises: {points: 1, title: "a function that raises"}
      opaque: {points: 1, title: "a result that cannot cross"}
      hangs: {points: 1, title: "a function that hangs"}
      missing: {points: 1, title: "a function that does not exist"}
      kwargs: {points: 1, title: "keyword arguments, tuples, dicts"}
      partial: {points: 3, title: "partial credit"}
"""

STUDENT = '''\
import numpy as np


def double(x, scale=1.0):
    print("doubling", x.shape)
    return 2 * x * scale


def inplace(x, y):
    x += 1
    return float(x.sum() + y.sum())


def raises(x):
    raise ValueError("bad input")


def opaque(x):
    return object()


def hangs(x):
    while True:
        pass


def structured(pair, table, flag=None):
    return (type(pair).__name__, {"keys": sorted(table), "flag": flag, "sum": table["a"] + 1})


def sometimes(k):
    if k == 1:
        raise RuntimeError("case one")
    return k * k if k != 2 else -1
'''

CHECKS = '''\
import numpy as np

from autograder.authoring import Suite, Trial, expect

SUITE = Suite()


@SUITE.check("api.call")
def call(t: Trial) -> None:
    x = t.rng.normal(size=(2, 3))
    got = t.call("tapi.double", x, scale=0.5)
    expect(got, x, "double(x, scale=0.5)")
    expect(got.printed == "doubling (2, 3)\\n", repr(got.printed))
    expect(got.modified == (), repr(got.modified))


@SUITE.check("api.inplace")
def inplace(t: Trial) -> None:
    x, y = np.zeros((2, 2)), np.ones(3)
    got = t.call("tapi.inplace", x, y)
    expect(got, 7.0, "inplace(x, y)")
    expect(not got.modified, f"inplace(x, y) modified {', '.join(got.modified)} in place")


@SUITE.check("api.raises")
def raises(t: Trial) -> None:
    t.call("tapi.raises", np.zeros(2))


@SUITE.check("api.opaque")
def opaque(t: Trial) -> None:
    expect(t.call("tapi.opaque", np.zeros(2)), np.zeros(2), "opaque(x)")


@SUITE.check("api.hangs")
def hangs(t: Trial) -> None:
    t.call("tapi.hangs", np.zeros(2))


@SUITE.check("api.missing")
def missing(t: Trial) -> None:
    t.call("tapi.nowhere", 1)


@SUITE.check("api.kwargs")
def kwargs(t: Trial) -> None:
    got = t.call("tapi.structured", (1, 2), {"a": np.arange(3.0)}, flag=None).value
    expect(got[0] == "list", f"tuples arrive as lists, got {got[0]}")
    expect(got[1]["keys"] == ["a"] and got[1]["flag"] is None, repr(got[1]))
    expect(got[1]["sum"], np.arange(3.0) + 1, "the sum")


@SUITE.check("api.partial")
def partial(t: Trial) -> None:
    for k in range(3):
        with t.case(f"k = {k}"):
            expect(t.call("tapi.sometimes", k), float(k * k), f"sometimes({k})")
'''


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    files = {f"assignments/{NAME}/assignment.yaml": YAML,
             f"solutions/{NAME}/{NAME}.py": STUDENT,
             f"suites/{NAME}_suite/__init__.py": "from .checks import SUITE\n",
             f"suites/{NAME}_suite/checks.py": CHECKS}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(textwrap.dedent(text))
    assignment = scaffold.load(root, NAME)
    return grade(assignment, assignment.solution)


def check(result, key):
    chk = result.check(f"api.{key}")
    return chk.points, chk.message


def test_call_returns_value_printed_output_and_untouched_inputs(result):
    assert check(result, "call") == (1, "")
    assert "doubling (2, 3)" in result.student_output  # still reaches the staff's output


def test_call_sees_inputs_modified_in_place(result):
    assert check(result, "inplace") == (0, "inplace(x, y) modified x in place")


def test_call_student_errors_become_feedback(result):
    points, message = check(result, "raises")
    assert points == 0 and message.startswith("your code raised ValueError: bad input (at tapi.py:")
    points, message = check(result, "missing")
    assert points == 0 and "tapi has no function 'nowhere'" in message


def test_call_result_that_cannot_cross_is_opaque(result):
    assert check(result, "opaque") == (
        0, "opaque(x) should be a numpy array, got an object of type builtins.object")


def test_call_that_hangs_is_stopped(result):
    points, message = check(result, "hangs")
    assert points == 0 and "tapi.py" in message and "hangs" in message, message


def test_call_arguments_cross_as_data(result):
    assert check(result, "kwargs") == (1, "")


def test_partial_credit_and_valid_gradescope_results(result):
    points, message = check(result, "partial")
    assert points == 1.0, message
    assert message.startswith("k = 1: your code raised RuntimeError: case one")
    assert message.endswith("(2 of 3 cases failed, so 1 of 3 of the points)")
    doc = to_gradescope(result)
    validate(doc)
    [test] = [t for t in doc["tests"] if t.get("name") == "tapi.py"]
    assert test["score"] == result.components[0].score == 3.0


def test_otter_results_get_the_engines_partial_scores(result, tmp_path):
    """Otter scores each check all or nothing; ensure_results puts the engine's score back."""
    (tmp_path / "source").mkdir()
    (tmp_path / "results").mkdir()
    comp = result.components[0]
    otter_bridge.leave_staff_file(tmp_path, "notes", {comp.title: "visible"}, {comp.title: "out"},
                                  {comp.title: comp.score})
    otter_score = sum(c.max_points for c in comp.checks if not c.message)  # 2: partial is 0
    target = tmp_path / "results" / "results.json"
    target.write_text(json.dumps({"score": otter_score, "tests": [
        {"name": comp.title, "score": otter_score, "max_score": comp.max_score,
         "visibility": "visible", "output": "otter"}]}))
    assert otter_bridge.ensure_results(str(target)) == 0
    doc = json.loads(target.read_text())
    assert doc["tests"][0]["score"] == comp.score == 3.0 and doc["score"] == 3.0
    validate(doc)


def test_a_suite_without_probes_runs_the_builtin_probe():
    assert Suite().probes.name == "runner.py" and Suite().probes.is_file()


def test_every_suite_imports_only_the_authoring_api():
    """Suites may change with the course, the engine under them: the one boundary is
    autograder.authoring (no engine, sandbox or build import in any suite module)."""
    import ast

    suites = Path(__file__).resolve().parents[1] / "autograder" / "suites"
    offenders = []
    for path in sorted(suites.glob("*/*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level >= 3 or (
                    isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                        "autograder.")):
                if (node.module or "") not in ("authoring", "autograder.authoring"):
                    offenders.append(f"{path.relative_to(suites)}: from {'.' * node.level}"
                                     f"{node.module} import ...")
    assert offenders == []
