"""Public tests for the initialization assignment: run `pytest tests/` in your handout folder.

They use numpy (and matplotlib for the plot) only: formulas from the notes checked on small
cases and on large draws with loose tolerances, the variance experiment on a small network you
can follow by hand, and a finite-difference check of symmetric_gradients. The grader uses other
shapes and seeds, tolerances derived from the sampling distribution, and torch as the oracle.

For the grader's own checks and messages on your code, run `python check.py [part]` in the
handout folder (`python check.py --list` lists the parts); `tests/test_public_checks.py`
runs them under pytest.
"""

import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import experiment  # noqa: E402
import initializers as init  # noqa: E402

SHAPE = (200, 500)  # (fan_out, fan_in): 100 000 draws
FAN_OUT, FAN_IN = SHAPE


def rng(seed=0):
    return np.random.default_rng(seed)


def test_fans_follow_the_omega_convention():
    assert tuple(init.compute_fans((3, 5))) == (5, 3)           # Omega is (fan_out, fan_in)
    assert tuple(init.compute_fans((8, 4, 3, 3))) == (36, 72)   # kernels: times 3 * 3


def test_gains():
    assert init.calculate_gain("linear") == pytest.approx(1.0)
    assert init.calculate_gain("relu") == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu", 0.0) == pytest.approx(math.sqrt(2))
    assert init.calculate_gain("leaky_relu", 1.0) == pytest.approx(1.0)   # a = 1 is linear
    assert init.calculate_gain("leaky_relu", 0.5) == pytest.approx(math.sqrt(2 / 1.25))
    with pytest.raises(ValueError):
        init.calculate_gain("swish")


def test_zeros():
    assert np.array_equal(init.zeros((2, 3)), np.zeros((2, 3)))


def assert_stats(w, var, uniform_bound=None):
    assert w.shape == SHAPE
    assert abs(w.mean()) < 5 * math.sqrt(var / w.size)
    assert w.var() == pytest.approx(var, rel=0.03)
    if uniform_bound is not None:
        assert np.abs(w).max() <= uniform_bound
        assert np.abs(w).max() > 0.999 * uniform_bound


def test_normal_takes_a_variance():
    assert_stats(init.normal(SHAPE, 0.04, rng=rng()), 0.04)   # std 0.2


def test_he_normal_keeps_the_forward_variance():
    # the notes: sigma^2 = 2 / D_h with D_h the number of units feeding the layer (fan_in)
    assert_stats(init.kaiming_normal(SHAPE, rng=rng()), 2 / FAN_IN)
    assert_stats(init.kaiming_normal(SHAPE, mode="fan_out", rng=rng()), 2 / FAN_OUT)
    a = 0.2
    assert_stats(init.kaiming_normal(SHAPE, a=a, rng=rng()), 2 / (1 + a * a) / FAN_IN)


def test_he_uniform_uses_torch_bound():
    bound = math.sqrt(2) * math.sqrt(3 / FAN_IN)   # gain * sqrt(3 / fan) = sqrt(6 / fan_in)
    assert_stats(init.kaiming_uniform(SHAPE, rng=rng()), 2 / FAN_IN, uniform_bound=bound)


def test_xavier_matches_the_notes():
    # the notes: uniform in [-x, x] with x = sqrt(6 / (n_in + n_out)); normal std sqrt(2 / (...))
    x = math.sqrt(6 / (FAN_IN + FAN_OUT))
    assert_stats(init.xavier_uniform(SHAPE, rng=rng()), x * x / 3, uniform_bound=x)
    assert_stats(init.xavier_normal(SHAPE, rng=rng()), 2 / (FAN_IN + FAN_OUT))
    assert_stats(init.xavier_normal(SHAPE, gain=2.0, rng=rng()), 8 / (FAN_IN + FAN_OUT))


def test_the_rng_makes_draws_reproducible():
    assert np.array_equal(init.kaiming_uniform((3, 4), rng=rng(7)),
                          init.kaiming_uniform((3, 4), rng=rng(7)))


def test_layer_variances_by_hand():
    x = np.array([[1.0, -1.0]])                   # d_in = 1, two examples
    weights = [np.array([[1.0], [2.0]]), np.array([[1.0, 1.0]])]
    biases = [np.zeros((2, 1)), np.zeros((1, 1))]
    got = experiment.layer_variances(x, weights, biases)
    # h_1 = relu([[1, -1], [2, -2]]) = [[1, 0], [2, 0]]: mean 0.75, mean square 1.25
    assert np.allclose(got["forward"], [1.25 - 0.75 ** 2])
    # f_1 = [3, 0], dl/df_1 = 2 f_1 = [6, 0], dl/dh_1 = Omega_1^T [6, 0] = [[6, 0], [6, 0]]
    assert np.allclose(got["backward"], [18.0 - 9.0])


def test_network_shapes_and_zero_biases():
    ws, bs = experiment.init_network(3, 10, 4, 1, 0.02, rng())
    assert [w.shape for w in ws] == [(10, 4), (10, 10), (10, 10), (1, 10)]
    assert [b.shape for b in bs] == [(10, 1)] * 3 + [(1, 1)]
    assert all(not b.any() for b in bs)


def test_he_value_keeps_variances_stable_and_others_do_not():
    res = experiment.sweep(n_hidden=15, width=100, d_in=100, n_examples=100, seed=1)
    for sigma2, r in res.items():
        change = np.log10(r["forward"][-1] / r["forward"][0])
        back = np.log10(r["backward"][0] / r["backward"][-1])
        expected = 14 * np.log10(100 * sigma2 / 2)   # x (D_h sigma^2 / 2) per layer
        assert abs(change - expected) < 2, (sigma2, change, expected)
        assert abs(back - expected) < 2, (sigma2, back, expected)
    assert abs(np.log10(res[0.02]["forward"][-1] / res[0.02]["forward"][0])) < 1


def _loss(x, y, weights):
    h = x
    for k, w in enumerate(weights):
        h = w @ (np.maximum(h, 0) if k > 0 else h)
    return float(np.sum((h - y) ** 2) / x.shape[1])


@pytest.mark.parametrize("value", [0.0, 0.3])
def test_symmetric_gradients_are_identical_per_unit_and_match_finite_differences(value):
    r = rng(3)
    widths, x, y = [3, 4, 4, 2], r.normal(size=(3, 5)), r.normal(size=(2, 5))
    grads = experiment.symmetric_gradients(x, y, widths, value)
    weights = [np.full((b, a), value) for a, b in zip(widths, widths[1:])]
    for k in range(len(weights)):
        if k < len(weights) - 1:   # hidden units: every row (unit) identical
            assert np.allclose(grads[k], grads[k][:1]), f"units of layer {k + 1} differ"
        numeric = np.zeros_like(weights[k])
        for idx in np.ndindex(*weights[k].shape):
            eps = 1e-6
            weights[k][idx] += eps
            plus = _loss(x, y, weights)
            weights[k][idx] -= 2 * eps
            minus = _loss(x, y, weights)
            weights[k][idx] += eps
            numeric[idx] = (plus - minus) / (2 * eps)
        if value == 0.0 and k < len(weights) - 1:
            continue  # ReLU'(0): finite differences straddle the kink; the gradient there is 0
        assert np.allclose(grads[k], numeric, rtol=1e-5, atol=1e-7), k
    if value == 0.0:
        assert all(not g.any() for g in grads[:-1]), "zero init: hidden gradients are all 0"


def test_plot_is_a_log_scale_png(tmp_path):
    res = experiment.sweep(n_hidden=5, width=20, d_in=20, n_examples=10, seed=0)
    fig = experiment.plot_variances(res, tmp_path / "figure.png")
    assert (tmp_path / "figure.png").read_bytes()[:4] == b"\x89PNG"
    axes = [ax for ax in fig.axes if ax.get_lines()]
    assert axes and all(ax.get_yscale() == "log" for ax in axes)
    assert all(ax.get_xlabel() and ax.get_ylabel() for ax in axes)
