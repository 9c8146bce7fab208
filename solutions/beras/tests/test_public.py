"""Public tests for Beras: run `python -m pytest tests/` in your assignment folder (numpy only).

They use small examples from the lecture notes and finite differences of your own forward
passes, so they check your gradients without any other framework. The hidden grader checks
more (random shapes, torch autograd as the oracle, training), so passing these is necessary,
not sufficient.

For the grader's own checks and messages on your code, run `python check.py [part]` in the
handout folder (`python check.py --list` lists the parts); `tests/test_public_checks.py`
runs them under pytest.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beras.activations import LeakyReLU, ReLU, Sigmoid, Softmax  # noqa: E402
from beras.core import Tensor  # noqa: E402
from beras.gradient_tape import GradientTape  # noqa: E402
from beras.layers import Dense  # noqa: E402
from beras.losses import CategoricalCrossEntropy, MeanSquaredError  # noqa: E402
from beras.metrics import CategoricalAccuracy  # noqa: E402
from beras.onehot import OneHotEncoder  # noqa: E402
from beras.model import SequentialModel  # noqa: E402
from beras.optimizers import Adam, BasicOptimizer  # noqa: E402

RNG = np.random.default_rng(0)


def numerical_gradient(f, x, eps=1e-6):
    """Central differences of the scalar f at x (x is restored afterwards)."""
    grad = np.zeros_like(x, dtype=float)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        up = f()
        x[idx] = old - eps
        down = f()
        x[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def dense(w, b):
    layer = Dense(*w.shape, initializer="zero")
    layer.w.assign(w)
    layer.b.assign(b)
    return layer


def test_dense_shapes_and_forward():
    layer = Dense(3, 2, initializer="normal")
    assert np.shape(layer.w) == (3, 2) and np.shape(layer.b) == (1, 2)
    layer = dense(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), np.array([[0.5, -0.5]]))
    out = layer(np.array([[1.0, 0.0, 1.0]]))
    np.testing.assert_allclose(out, [[6.5, 7.5]])


def test_dense_gradients_match_finite_differences():
    x, w, b = RNG.normal(size=(4, 3)), RNG.normal(size=(3, 2)), RNG.normal(size=(1, 2))
    upstream = RNG.normal(size=(4, 2))
    layer = dense(w, b)
    layer(x)
    # J is a list of upstream gradients (one per output), as the gradient tape passes it
    (gx,) = layer.compose_input_gradients([upstream])
    gw, gb = layer.compose_weight_gradients([upstream])

    def objective():
        return float(np.sum(dense(w, b)(x) * upstream))

    np.testing.assert_allclose(gx, numerical_gradient(objective, x), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gw, numerical_gradient(objective, w), rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(gb, numerical_gradient(objective, b), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("make", [lambda: LeakyReLU(0.3), ReLU, Sigmoid])
def test_elementwise_jacobians_match_finite_differences(make):
    x = RNG.normal(size=(3, 4)) + 0.05  # stay away from the kink at 0
    act = make()
    act(x)
    (jac,) = act.get_input_gradients()
    for idx in np.ndindex(x.shape):
        def value(idx=idx):
            return float(make()(x)[idx])
        np.testing.assert_allclose(jac[idx], numerical_gradient(value, x)[idx], rtol=1e-5,
                                   atol=1e-7)


def test_softmax_examples_from_the_notes():
    out = Softmax()(np.array([[1.0, 2.0], [10.0, 20.0], [1000.0, 1001.0]]))
    np.testing.assert_allclose(out[0], [0.2689414, 0.7310586], rtol=1e-6)
    np.testing.assert_allclose(out[1], [4.539787e-05, 0.9999546], rtol=1e-6)
    np.testing.assert_allclose(out[2], out[0], rtol=1e-9)  # shifting logits changes nothing
    np.testing.assert_allclose(np.sum(out, axis=1), 1.0)


def test_softmax_jacobian_is_diag_minus_outer():
    s = Softmax()
    probs = s(np.array([[0.5, -1.0, 2.0]]))[0]
    (jac,) = s.get_input_gradients()
    np.testing.assert_allclose(jac[0], np.diag(probs) - np.outer(probs, probs), atol=1e-12)


@pytest.mark.parametrize("classes, value", [(2, 0.693), (10, 2.303), (100, 4.605)])
def test_cross_entropy_of_a_uniform_guess_is_log_n(classes, value):
    y_pred = np.full((4, classes), 1.0 / classes)
    y_true = np.eye(classes)[[0, 1, 1, 0]]
    assert float(CategoricalCrossEntropy()(y_pred, y_true)) == pytest.approx(value, abs=1e-3)


def test_cross_entropy_clips_zero_probabilities():
    loss = CategoricalCrossEntropy()(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0]]))
    assert np.isfinite(float(loss)) and float(loss) == pytest.approx(-np.log(1e-12))


def test_mse_averages_over_every_element():
    loss = MeanSquaredError()
    assert float(loss(np.array([[1.0, 2.0], [3.0, 4.0]]), np.zeros((2, 2)))) == 7.5


def test_accuracy_uses_argmax():
    probs = np.array([[0.6, 0.4], [0.3, 0.7], [0.8, 0.2]])
    labels = np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]])
    assert float(CategoricalAccuracy()(probs, labels)) == pytest.approx(2 / 3)


def test_one_hot_columns_follow_sorted_labels():
    enc = OneHotEncoder()
    enc.fit(np.array([7, 3, 5, 3]))
    np.testing.assert_array_equal(enc(np.array([5, 7])), [[0, 1, 0], [0, 0, 1]])
    np.testing.assert_array_equal(enc.inverse(np.array([[1.0, 0, 0]])), [3])


def test_gradient_tape_matches_finite_differences_through_two_layers():
    x, target = RNG.normal(size=(5, 3)), np.eye(2)[RNG.integers(0, 2, size=5)]
    w1, b1 = RNG.normal(size=(3, 4)), RNG.normal(size=(1, 4))
    w2, b2 = RNG.normal(size=(4, 2)), RNG.normal(size=(1, 2))

    def forward():
        l1, l2 = dense(w1, b1), dense(w2, b2)
        return l1, l2, CategoricalCrossEntropy()(Softmax()(l2(Sigmoid()(l1(x)))), target)

    with GradientTape() as tape:
        l1, l2, loss = forward()
    grads = tape.gradient(loss, [l1.w, l1.b, l2.w, l2.b])
    for got, param in zip(grads, (w1, b1, w2, b2)):
        want = numerical_gradient(lambda: float(forward()[2]), param)
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-7)


def test_basic_optimizer_takes_one_step():
    param = Tensor(np.array([[1.0, 2.0]]))
    BasicOptimizer(0.1).apply_gradients([param], [np.array([[10.0, -10.0]])])
    np.testing.assert_allclose(param, [[0.0, 3.0]])


def test_weighted_lists_trainable_and_frozen_variables():
    layer = Dense(3, 2, initializer="zero")
    layer.b.trainable = False
    assert [id(v) for v in layer.trainable_variables] == [id(layer.w)]
    assert [id(v) for v in layer.non_trainable_variables] == [id(layer.b)]
    layer.trainable = False
    assert not layer.w.trainable and not layer.b.trainable and not layer.trainable


def test_gradient_of_a_worked_example():
    # y = 3 * 2 + 1 = 7, L = (10 - 7)^2 = 9, dL/dy = -6, dL/dw = -6 * 3, dL/db = -6
    layer = Dense(1, 1, initializer="zero")
    layer.w.assign([[2.0]])
    layer.b.assign([[1.0]])
    with GradientTape() as tape:
        loss = MeanSquaredError()(layer(Tensor([[3.0]])), Tensor([[10.0]]))
    grad_w, grad_b = tape.gradient(loss, layer.trainable_variables)
    assert float(loss) == pytest.approx(9.0)
    assert np.shape(grad_w) == (1, 1) and np.shape(grad_b) == (1, 1)
    assert float(np.asarray(grad_w)[0, 0]) == pytest.approx(-18.0)
    assert float(np.asarray(grad_b)[0, 0]) == pytest.approx(-6.0)


def test_fit_returns_per_epoch_lists_and_evaluate_metrics_and_predictions():
    np.random.seed(0)
    labels = RNG.integers(0, 2, size=40)
    x = np.eye(2)[labels] * 3 + RNG.normal(size=(40, 2)) * 0.3
    y = np.eye(2)[labels]
    model = SequentialModel([Dense(2, 2, initializer="xavier"), Softmax()])
    model.compile(Adam(0.05), CategoricalCrossEntropy(), CategoricalAccuracy())
    history = model.fit(x, y, epochs=5, batch_size=8)
    assert isinstance(history, dict) and len(history["loss"]) == 5 and len(history["acc"]) == 5
    assert history["loss"][-1] < history["loss"][0]
    metrics, predictions = model.evaluate(x, y, batch_size=8)
    assert set(metrics) >= {"loss", "acc"} and metrics["acc"] >= 0.9
    np.testing.assert_allclose(predictions, model(x), rtol=1e-6)


def test_assignment_model_maps_mnist1d_inputs_to_ten_classes():
    import assignment

    assert np.shape(assignment.get_model()(np.zeros((353, 40)))) == (353, 10)
