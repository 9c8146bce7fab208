"""Public tests for the backprop assignment: run `pytest tests/` in your handout folder.

They use numpy only: small examples you can check by hand (course notes, lecture 08) and
finite-difference checks of YOUR backward pass with YOUR gradcheck.py. Passing them is a good
sign, not a guarantee: the grader uses other shapes and compares with torch autograd.

For the grader's own checks and messages on your code, run `python check.py [part]` in the
handout folder (`python check.py --list` lists the parts); `tests/test_public_checks.py`
runs them under pytest.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import backprop  # noqa: E402
import gradcheck  # noqa: E402


# A tiny network you can follow on paper: D_i = 2, one hidden layer of 2 units, D_o = 1.
X = np.array([[1.0], [2.0]])                       # one example, as a column
W0, B0 = np.array([[1.0, -1.0], [2.0, 0.0]]), np.array([[0.0], [1.0]])
W1, B1 = np.array([[1.0, 2.0]]), np.array([[0.5]])


def test_relu_returns_a_new_array():
    f = np.array([[-1.0, 0.0, 2.0]])
    out = backprop.relu(f)
    assert np.array_equal(out, [[0.0, 0.0, 2.0]])
    assert np.array_equal(f, [[-1.0, 0.0, 2.0]]), "relu must not modify its input"


def test_forward_by_hand():
    out, cache = backprop.forward(X, [W0, W1], [B0, B1])
    # f_0 = beta_0 + Omega_0 x = [-1, 3];  h_1 = relu(f_0) = [0, 3];  f_1 = 0.5 + 1*0 + 2*3
    assert np.allclose(cache["f"][0], [[-1.0], [3.0]])
    assert np.allclose(cache["h"][0], X)
    assert np.allclose(cache["h"][1], [[0.0], [3.0]])
    assert np.allclose(out, [[6.5]]) and np.allclose(cache["f"][1], [[6.5]])


def test_backward_by_hand():
    _out, cache = backprop.forward(X, [W0, W1], [B0, B1])
    dws, dbs = backprop.backward(np.array([[1.0]]), [W0, W1], cache)
    # dL/dOmega_1 = dL/df_1 h_1^T = [0, 3];  dL/dh_1 = Omega_1^T [1] = [1, 2]
    # dL/df_0 = I[f_0 > 0] * [1, 2] = [0, 2];  dL/dOmega_0 = dL/df_0 x^T = [[0, 0], [2, 4]]
    assert np.allclose(dws[1], [[0.0, 3.0]]) and np.allclose(dbs[1], [[1.0]])
    assert np.allclose(dws[0], [[0.0, 0.0], [2.0, 4.0]]) and np.allclose(dbs[0], [[0.0], [2.0]])
    assert np.allclose(cache["f"][0], [[-1.0], [3.0]]), "backward must not modify the cache"


def test_least_squares_is_averaged_over_the_batch():
    f, y = np.array([[1.0, 2.0]]), np.zeros((1, 2))      # two examples (columns)
    assert backprop.least_squares_loss(f, y) == pytest.approx((1 + 4) / 2)
    assert np.allclose(backprop.least_squares_grad(f, y), [[1.0, 2.0]])  # 2 (f - y) / I


def test_cross_entropy_of_uniform_logits_is_log_of_the_class_count():
    # the notes' values: log 2 = 0.693 for 2 classes, log 10 = 2.3 for 10 classes
    for classes in (2, 10):
        f = np.zeros((classes, 3))
        assert backprop.cross_entropy_loss(f, np.array([0, 1, 1])) == pytest.approx(
            np.log(classes))
    grad = backprop.cross_entropy_grad(np.zeros((2, 2)), np.array([0, 1]))
    assert np.allclose(grad, [[-0.25, 0.25], [0.25, -0.25]])  # (softmax - onehot) / I


def test_softmax_columns_sum_to_one_even_for_large_logits():
    f = np.array([[1000.0, 0.0], [1001.0, 1.0], [999.0, -1.0]])
    s = backprop.softmax(f)
    assert np.all(np.isfinite(s)) and np.allclose(s.sum(axis=0), 1.0)
    assert np.allclose(s[:, 0], s[:, 1])  # softmax ignores a constant shift of a column
    assert np.isfinite(backprop.cross_entropy_loss(f, np.array([0, 2])))


def test_bias_gradients_are_summed_over_the_batch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 5))
    ws, bs = [rng.normal(size=(4, 3)), rng.normal(size=(2, 4))], [np.zeros((4, 1)),
                                                                  np.zeros((2, 1))]
    _loss, dws, dbs = backprop.loss_and_gradients(x, rng.normal(size=(2, 5)), ws, bs)
    assert [d.shape for d in dws] == [(4, 3), (2, 4)]
    assert [d.shape for d in dbs] == [(4, 1), (2, 1)]


def test_numerical_gradient_is_central_and_restores_x():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = gradcheck.numerical_gradient(lambda v: float(np.sum(v ** 3)), x, eps=1e-3)
    # central differences are exact up to eps^2 for a cubic: 3 x^2 + eps^2
    assert np.allclose(grad, 3 * x ** 2 + 1e-6, rtol=0, atol=1e-9)
    assert np.array_equal(x, [[1.0, -2.0], [0.5, 3.0]])


def test_relative_error():
    a = np.array([3.0, 4.0])
    assert gradcheck.relative_error(a, a) == 0.0
    assert gradcheck.relative_error(np.zeros(2), np.zeros(2)) == 0.0
    assert gradcheck.relative_error(a, -a) == pytest.approx(1.0)


def _network(rng, widths, batch):
    """Random parameters whose pre-activations stay away from the ReLU kink at 0."""
    while True:
        x = rng.normal(size=(widths[0], batch))
        ws = [rng.normal(size=(b, a)) / np.sqrt(a) for a, b in zip(widths, widths[1:])]
        bs = [rng.normal(size=(b, 1)) for b in widths[1:]]
        _out, cache = backprop.forward(x, ws, bs)
        if all(np.abs(f).min() > 1e-3 for f in cache["f"][:-1]):
            return x, ws, bs


@pytest.mark.parametrize("widths, batch", [([3, 4, 2], 5), ([2, 3, 3, 1], 1), ([4, 1, 2], 3),
                                           ([2, 2, 2, 2, 2, 2], 2)])
@pytest.mark.parametrize("loss", ["least_squares", "cross_entropy"])
def test_backprop_agrees_with_finite_differences(widths, batch, loss):
    rng = np.random.default_rng(sum(widths) * 10 + batch)
    x, ws, bs = _network(rng, widths, batch)
    y = (rng.normal(size=(widths[-1], batch)) if loss == "least_squares"
         else rng.integers(0, widths[-1], size=batch))
    errors = gradcheck.check_backprop(x, y, ws, bs, loss)
    assert len(errors) == 2 * len(ws)
    assert max(errors) < 1e-6, f"relative errors per parameter: {np.round(errors, 8)}"


def test_gradient_check_flags_a_wrong_gradient():
    rng = np.random.default_rng(1)
    x, ws, bs = _network(rng, [3, 4, 2], 4)
    y = rng.normal(size=(2, 4))
    _loss, dws, dbs = backprop.loss_and_gradients(x, y, ws, bs)
    params = [w.copy() for w in ws] + [b.copy() for b in bs]

    def fn():
        out, _cache = backprop.forward(x, params[:2], params[2:])
        return backprop.least_squares_loss(out, y)

    wrong = [dws[0].T.reshape(dws[0].shape), dws[1], dbs[0], 2 * dbs[1]]
    errors = gradcheck.gradient_check(fn, params, wrong)
    assert errors[0] > 1e-3 and errors[3] > 1e-3
    assert errors[1] < 1e-6 and errors[2] < 1e-6
