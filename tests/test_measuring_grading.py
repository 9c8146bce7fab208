"""The measuring assignment: the reference reproduces the issue's numbers, the hidden checks name
the classic mistakes on the trusted side, and grading stays within its CPU budget.

The generic contract (reference full marks, skeleton 0, every corpus bug partial credit in its
component with its message) is tests/test_assignment_graders.py; here a few bugs are graded
check by check (each must cost exactly the checks it breaks), marked slow like every full
grading (about 40 s each on one core).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from autograder.engine import CheckFailed, Trial, grade
from autograder.engine.oracle import TorchOracle
from autograder.experiments.reference import reference_module
from autograder.paths import CoursePaths
from autograder.suites.measuring import checks
from helpers import apply_bug, load_bugs

PATHS = CoursePaths()
ASSIGNMENT = PATHS.load("measuring")
SOLUTION = ASSIGNMENT.solution
BUGS = {b["id"]: b for b in load_bugs(Path(__file__).parent / "corpus" / "measuring" /
                                      "bugs.yaml")}


def reference(name: str):
    """A module of the reference solution (its siblings importable)."""
    return reference_module(SOLUTION, name)


# -- the reference against the issue's numbers (fast, in process) -------------------------------
def test_toy_model_reproduces_the_issue_numbers():
    bv = reference("bias_variance")
    for seed in (0, 1, 2):
        res = bv.sweep_capacity(range(1, 13), n_train=15, sigma_y=0.3, n_datasets=100, seed=seed)
        bias2, var = res["bias2"], res["variance"]
        assert np.allclose(res["noise"], 0.09)
        assert abs(bias2[0] - 0.308) < 0.003 and abs(bias2[2] - 0.060) < 0.002
        assert abs(bias2[3] - 0.005) < 0.0015 and bias2[4] > bias2[3]  # rises D = 4 -> 5
        assert abs(bias2[1] / bias2[0] - 1) < 0.01                      # flat D = 1 -> 2
        assert 0.01 < var[0] < 0.02 and 0.15 < var[-1] < 1.2
        assert res["best_D"] == 4
        assert np.max(np.abs(res["total"] - res["test_error"])) < 0.004
        more = bv.sweep_capacity([3, 4], n_train=30, sigma_y=0.3, n_datasets=100, seed=seed)
        assert np.all((0.35 < more["variance"] / var[2:4]) & (more["variance"] / var[2:4] < 0.65))
        assert abs(more["bias2"][0] / bias2[2] - 1) < 0.05


def test_data_matches_make_dataset_and_the_grader():
    data = reference("data")
    got = data.load_mnist1d()
    want = checks.mnist(4000, 1000, 42)
    for key in ("x", "y", "x_test", "y_test"):
        assert np.array_equal(got[key], want[key]), key
    small = data.load_mnist1d(220, 80, seed=3)
    assert small["x"].shape == (220, 40) and small["x_test"].shape == (80, 40)
    y = np.arange(5000) % 10
    out = data.corrupt_labels(y, 0.15, seed=0)
    assert (out != y).sum() == 750 and np.array_equal(out, data.corrupt_labels(y, 0.15, 0))


def test_parameter_counts_and_threshold():
    dd = reference("double_descent")
    assert dd.parameter_count(100) == 15210 == checks._count(100)
    assert dd.interpolation_width(10000) == 78 == checks._threshold(10000)
    assert checks._count(77) < 10000 <= checks._count(78)


# -- the trusted side names mistakes without running student code --------------------------------
def _trial(seed: int = 0) -> Trial:
    return Trial("test", np.random.default_rng(seed), sandbox=None, oracle=TorchOracle())


def test_decomposition_check_names_variance_around_the_truth_and_a_swap():
    rng = np.random.default_rng(0)
    grid = np.linspace(0, 1, 40)
    f_true = checks._mu(grid)
    pred = f_true + 0.3 + rng.normal(0, 0.2, size=(25, 40))
    want = checks._decomposition(pred, f_true, 0.3)
    checks._check_decomposition(dict(want), want, "decompose", pred, f_true)  # the truth passes
    around_truth = dict(want, variance=float(np.mean((pred - f_true) ** 2)))
    with pytest.raises(CheckFailed, match="TRUE function"):
        checks._check_decomposition(around_truth, want, "decompose", pred, f_true)
    swapped = dict(want, variance=want["bias2"], bias2=want["variance"])
    with pytest.raises(CheckFailed, match="swapped"):
        checks._check_decomposition(swapped, want, "decompose", pred, f_true)


def test_adam_replay_matches_float32_training_and_separates_sgd():
    torch = pytest.importorskip("torch")
    dd = reference("double_descent")
    t = _trial()
    data = checks.mnist(1000, 1000, 42)
    x, y = np.array(data["x"][:200]), np.array(data["y"][:200])
    torch.manual_seed(0)
    model = dd.make_mlp2(12).float()
    init = [p.detach().double().numpy().copy() for p in model.parameters()]
    dd.train_full_batch(model, {"x": x, "y": y}, steps=25, lr=0.005, device="cpu")
    got = [p.detach().double().numpy() for p in model.parameters()]
    assert checks._weight_error(got, checks._replay(t, init, x, y, 25, 0.005)) < 1e-5
    assert checks._weight_error(got, checks._replay(t, init, x, y, 25, 0.005, "sgd")) > 1e-2


class _Box:
    """Stands in for a sandbox (a weak-referenceable key)."""


def test_per_device_sizes_come_from_the_yaml():
    spec = ASSIGNMENT.component("double_descent").checks
    peak = next(c for c in spec if c.id == "sweep_peak")
    t = Trial("double_descent.sweep_peak", np.random.default_rng(0), sandbox=_Box(),
              oracle=TorchOracle(), params=peak.params)
    checks._DEVICE[t.sandbox] = ("cpu", "")
    cfg = checks.sizes(t, checks.DD_DEFAULTS)
    assert cfg["n_train"] == 500 and cfg["widths"][-1] == 96 and "cuda" not in cfg
    checks._DEVICE[t.sandbox] = ("cuda", "")
    assert checks.sizes(t, checks.DD_DEFAULTS)["n_train"] == 2000


# -- full gradings (slow) ------------------------------------------------------------------------
@pytest.mark.slow
def test_reference_full_marks_within_the_cpu_budget(shared_grade):
    result = shared_grade(ASSIGNMENT, SOLUTION)  # shared with test_assignment_graders
    assert result.score == result.max_score == ASSIGNMENT.points
    expected = "cuda" if TorchOracle(ASSIGNMENT.torch_device).device == "cuda" else "cpu"
    assert result.device == expected
    # the issue's budget: the whole suite under 10 minutes on 2 CPU cores (about 40 s here)
    assert result.seconds < 300, result.seconds


# Each bug must cost exactly these checks (and nothing else): precise feedback, no collateral.
PRECISE = {
    "evaluate_in_train_mode": {"baseline.evaluate"},
    "parameter_count_without_biases": {"double_descent.parameter_count"},
    "select_on_test_set": {"validation.selection", "validation.test_once"},
}


@pytest.mark.slow
@pytest.mark.parametrize("bug_id", sorted(PRECISE))
def test_bug_costs_exactly_its_checks(bug_id, tmp_path):
    bug = BUGS[bug_id]
    result = grade(ASSIGNMENT, apply_bug(SOLUTION, bug, tmp_path / "sub"))
    failed = {c.key for comp in result.components for c in comp.checks if c.message}
    assert failed == PRECISE[bug_id], (bug_id, failed)
    messages = [c.message for comp in result.components for c in comp.checks if c.message]
    assert any(bug["message"] in m for m in messages)


@pytest.mark.gpu
@pytest.mark.slow
def test_reference_full_marks_on_a_gpu_grader():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    result = grade(ASSIGNMENT, SOLUTION)
    assert result.score == result.max_score
