"""Checks the Beras reference solution (solutions/beras) against torch autograd in float64, and
checks that every bug in tests/corpus/beras/bugs.yaml applies cleanly and is caught by the checks
of its component.

Each ``check_*`` function takes an imported ``beras`` package and raises on any discrepancy; the
same checks run on the reference (must pass) and on each buggy copy (some check of the bug's
component must fail).
"""
import ast
import contextlib
import importlib
import io
import re
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml

ROOT = Path(__file__).resolve().parents[1]
REF_DIR = ROOT / "solutions" / "beras"
BUGS_FILE = ROOT / "tests" / "corpus" / "beras" / "bugs.yaml"
COMPONENTS = {
    "core", "dense", "initializers", "activations", "softmax", "losses",
    "gradient_tape", "optimizers", "onehot", "metrics", "model",
}
REFERENCE_FILES = [
    "beras/__init__.py", "beras/core.py", "beras/layers.py", "beras/activations.py",
    "beras/losses.py", "beras/metrics.py", "beras/onehot.py", "beras/gradient_tape.py",
    "beras/optimizers.py", "beras/model.py", "assignment.py",
]


# --------------------------------------------------------------------------- loading helpers

def _purge_beras():
    for name in list(sys.modules):
        if name == "beras" or name.startswith("beras.") or name == "assignment":
            del sys.modules[name]


@contextlib.contextmanager
def _load_beras(directory):
    """Import ``beras`` from ``directory`` (a copy of solutions/beras); undo everything afterwards."""
    directory = str(directory)
    _purge_beras()
    importlib.invalidate_caches()
    sys.path.insert(0, directory)
    try:
        module = importlib.import_module("beras")
        assert Path(module.__file__).resolve().parent == (Path(directory) / "beras").resolve()
        yield module
    finally:
        sys.path.remove(directory)
        _purge_beras()


@pytest.fixture
def beras_pkg():
    with _load_beras(REF_DIR) as module:
        yield module


# --------------------------------------------------------------------------- numeric helpers

CHECKS = {}


def check(component):
    def register(fn):
        CHECKS[fn.__name__] = (component, fn)
        return fn
    return register


def tt(a):
    """float64 torch leaf tensor with gradients."""
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def close(actual, expected, rtol=1e-7, atol=1e-10):
    actual = np.asarray(actual, dtype=np.float64)
    if isinstance(expected, torch.Tensor):
        expected = expected.detach().numpy()
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.shape == expected.shape, f"shape {actual.shape} != {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def make_dense(b, rng, n_in, n_out):
    dense = b.Dense(n_in, n_out)
    dense.w.assign(rng.normal(size=(n_in, n_out)))
    dense.b.assign(rng.normal(size=(1, n_out)))
    return dense


def one_hot(rng, batch, n):
    return np.eye(n)[rng.integers(0, n, size=batch)]


# --------------------------------------------------------------------------- core

@check("core")
def check_tensor_and_weighted(b):
    t = b.Tensor([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(t, np.ndarray) and t.trainable is True and issubclass(b.Variable, b.Tensor)
    assert b.Tensor(t) is t
    same = t
    t.assign(np.full((2, 2), 5.0))
    assert same is t and np.all(t == 5.0)
    t.trainable = False
    assert t[0].trainable is False
    dense = b.Dense(3, 2)
    assert dense.trainable and len(dense.trainable_variables) == 2
    dense.trainable = False
    assert not dense.trainable and dense.trainable_variables == [] and len(dense.non_trainable_variables) == 2
    dense.trainable = True
    assert all(w.trainable for w in dense.weights)
    assert b.Diffable.gradient_tape is None
    x = np.ones((4, 3))
    out = dense(x)
    assert isinstance(out, b.Tensor) and out is dense.outputs[0]
    assert len(dense.inputs) == 1 and dense.inputs[0] is x


@check("core")
def check_generic_compose(b):
    rng = np.random.default_rng(1)
    batch, n_in, n_out = rng.integers(2, 6), rng.integers(3, 6), rng.integers(7, 10)
    dense = make_dense(b, rng, n_in, n_out)
    x = rng.normal(size=(batch, n_in))
    J = rng.normal(size=(batch, n_out))
    dense(x)
    X, W, B = tt(x), tt(dense.w), tt(dense.b)
    (X @ W + B).backward(torch.tensor(J))
    # the course's convention: J is a list of upstream gradients, one per output
    (gx,) = b.Diffable.compose_input_gradients(dense, [J])
    gw, gb = b.Diffable.compose_weight_gradients(dense, [J])
    close(gx, X.grad)
    close(gw, W.grad)
    close(gb, B.grad)
    assert len(b.Diffable.compose_input_gradients(dense, None)) == 1
    assert len(b.Diffable.compose_input_gradients(dense, [None])) == 1

    class Shared(b.Diffable):  # one (in, out) matrix for every sample, as in the course
        weights = []

        def __init__(self, m):
            self.m = m

        def forward(self, v):
            return v @ self.m

        def get_input_gradients(self):
            return [self.m]

        def get_weight_gradients(self):
            return []

    class RowMatrix(b.Diffable):  # per-sample matrix Jacobian (batch, in, out)
        weights = []

        def __init__(self, m):
            self.m = m

        def forward(self, v):
            return np.einsum("bi,bio->bo", v, self.m)

        def get_input_gradients(self):
            return [self.m]

        def get_weight_gradients(self):
            return []

    shared = Shared(rng.normal(size=(n_in, n_out)))
    shared(x)
    V = tt(x)
    (V @ torch.tensor(shared.m)).backward(torch.tensor(J))
    close(shared.compose_input_gradients([J])[0], V.grad)
    m = rng.normal(size=(batch, n_in, n_out))
    row = RowMatrix(m)
    row(x)
    V = tt(x)
    torch.einsum("bi,bio->bo", V, torch.tensor(m)).backward(torch.tensor(J))
    close(row.compose_input_gradients([J])[0], V.grad)
    assert shared.compose_weight_gradients([J]) == []
    # two upstream gradients (a layer with two outputs) give one gradient per (upstream, input)
    assert len(row.compose_input_gradients([J, 2 * J])) == 2


# --------------------------------------------------------------------------- dense

@check("dense")
def check_dense_forward_and_local_gradients(b):
    rng = np.random.default_rng(2)
    batch, n_in, n_out = rng.integers(2, 7), rng.integers(3, 6), rng.integers(7, 10)
    dense = make_dense(b, rng, n_in, n_out)
    assert dense.weights[0] is dense.w and dense.weights[1] is dense.b
    x = rng.normal(size=(batch, n_in))
    out = dense(x)
    close(out, x @ dense.w + dense.b)
    (jx,) = dense.get_input_gradients()
    close(np.broadcast_to(jx, (batch, n_in, n_out)), np.broadcast_to(dense.w, (batch, n_in, n_out)))
    jw, jb = dense.get_weight_gradients()
    J = rng.normal(size=(batch, n_out))
    close(np.sum(np.asarray(jw) * J[:, None, :], axis=0), x.T @ J)
    close(np.sum(np.asarray(jb) * J[:, None, :], axis=0).reshape(1, n_out), J.sum(0, keepdims=True))


@check("dense")
def check_dense_composed_gradients(b):
    rng = np.random.default_rng(3)
    for _ in range(3):
        batch, n_in, n_out = rng.integers(2, 9), rng.integers(2, 6), rng.integers(6, 10)
        dense = make_dense(b, rng, n_in, n_out)
        x = rng.normal(size=(batch, n_in))
        J = rng.normal(size=(batch, n_out))
        out = dense(x)
        X, W, B = tt(x), tt(dense.w), tt(dense.b)
        Y = X @ W + B
        close(out, Y)
        Y.backward(torch.tensor(J))
        close(dense.compose_input_gradients([J])[0], X.grad)
        gw, gb = dense.compose_weight_gradients([J])
        close(gw, W.grad)
        close(gb, B.grad)


@check("dense")
def check_dense_through_tape(b):
    rng = np.random.default_rng(4)
    batch, n_in, n_hid, n_out = 6, 5, 8, 3
    d1, d2 = make_dense(b, rng, n_in, n_hid), make_dense(b, rng, n_hid, n_out)
    x, y = b.Tensor(rng.normal(size=(batch, n_in))), rng.normal(size=(batch, n_out))
    with b.GradientTape() as tape:
        loss = b.MeanSquaredError()(d2(d1(x)), y)
    grads = tape.gradient(loss, [d1.w, d1.b, d2.w, d2.b, x])
    T = [tt(v) for v in (d1.w, d1.b, d2.w, d2.b, x)]
    tloss = torch.mean(((T[4] @ T[0] + T[1]) @ T[2] + T[3] - torch.tensor(y)) ** 2)
    tloss.backward()
    close(loss, tloss)
    for got, ref in zip(grads, T):
        close(got, ref.grad)


# --------------------------------------------------------------------------- initializers

@check("initializers")
def check_initializers(b):
    n_in, n_out = 300, 500
    fan_avg = n_in + n_out
    normal = {"normal": 1.0, "xavier": np.sqrt(2 / fan_avg), "kaiming": np.sqrt(2 / n_in)}
    uniform = {"xavier uniform": np.sqrt(6 / fan_avg), "kaiming uniform": np.sqrt(6 / n_in)}
    np.random.seed(0)
    for name in b.layers.INITIALIZERS:
        dense = b.Dense(n_in, n_out, initializer=name)
        w, bias = dense.w, dense.b
        assert isinstance(w, b.Tensor) and isinstance(bias, b.Tensor)
        assert w.shape == (n_in, n_out) and bias.shape == (1, n_out)
        assert np.all(bias == 0), f"{name}: bias must start at zero"
        if name == "zero":
            assert np.all(w == 0)
            continue
        std = normal.get(name, uniform.get(name, 0) / np.sqrt(3))
        assert abs(w.mean()) < 5 * std / np.sqrt(w.size), name
        assert abs(w.std() / std - 1) < 0.03, f"{name}: std {w.std():.4f}, expected {std:.4f}"
        if name in uniform:
            assert np.abs(w).max() <= uniform[name] and np.abs(w).max() > 0.99 * uniform[name], name
    np.random.seed(7)
    first = np.array(b.Dense(4, 3, "xavier").w)
    np.random.seed(7)
    close(b.Dense(4, 3, "xavier").w, first)
    with pytest.raises(ValueError) as err:
        b.Dense(2, 2, initializer="glorot")
    assert all(name in str(err.value) for name in b.layers.INITIALIZERS)


# --------------------------------------------------------------------------- activations

def _compare_elementwise(b, layer, torch_fn, rng, scale=2.0):
    x = rng.normal(scale=scale, size=(rng.integers(2, 7), rng.integers(2, 9)))
    x[0, 0] = 0.0  # the convention at exactly 0 must match torch too
    J = rng.normal(size=x.shape)
    out = layer(x)
    X = tt(x)
    Y = torch_fn(X)
    close(out, Y)
    Y.backward(torch.tensor(J))
    (jac,) = layer.get_input_gradients()
    assert np.shape(jac) == x.shape
    close(layer.compose_input_gradients(J)[0], X.grad)
    assert layer.weights == [] and layer.get_weight_gradients() == []


@check("activations")
def check_leaky_relu_and_relu(b):
    rng = np.random.default_rng(5)
    assert b.LeakyReLU().alpha == 0.3 and b.ReLU().alpha == 0
    for alpha in (0.3, 0.05):
        _compare_elementwise(b, b.LeakyReLU(alpha), lambda t: torch.nn.functional.leaky_relu(t, alpha), rng)
    _compare_elementwise(b, b.LeakyReLU(), lambda t: torch.nn.functional.leaky_relu(t, 0.3), rng)
    _compare_elementwise(b, b.ReLU(), torch.relu, rng)


@check("activations")
def check_sigmoid(b):
    rng = np.random.default_rng(6)
    _compare_elementwise(b, b.Sigmoid(), torch.sigmoid, rng, scale=3.0)
    out = b.Sigmoid()(np.array([[-800.0, 0.0, 800.0]]))
    close(out, [[0.0, 0.5, 1.0]], atol=1e-300)


# --------------------------------------------------------------------------- softmax

@check("softmax")
def check_softmax(b):
    rng = np.random.default_rng(7)
    for scale, shift in ((1.0, 0.0), (5.0, 0.0), (3.0, 1000.0)):
        batch, n = rng.integers(2, 6), rng.integers(2, 8)
        x = rng.normal(scale=scale, size=(batch, n)) + shift
        layer = b.Softmax()
        out = layer(x)
        X = tt(x)
        Y = torch.softmax(X, dim=-1)
        assert np.all(np.isfinite(out))
        close(out, Y)
        close(np.sum(out, axis=-1), np.ones(batch))
        (jac,) = layer.get_input_gradients()
        assert np.shape(jac) == (batch, n, n)
        for i in range(batch):
            ref = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, -1), X[i].detach())
            close(jac[i], ref)
        J = rng.normal(size=(batch, n))
        Y.backward(torch.tensor(J))
        close(layer.compose_input_gradients(J)[0], X.grad)
    # rows far apart: each row must be shifted by its own maximum, not the batch's
    x = rng.normal(size=(3, 5)) + np.array([[1000.0], [0.0], [-1000.0]])
    out = b.Softmax()(x)
    assert np.all(np.isfinite(out))
    close(out, torch.softmax(tt(x), dim=-1))


# --------------------------------------------------------------------------- losses

@check("losses")
def check_mse(b):
    rng = np.random.default_rng(8)
    for _ in range(3):
        shape = (rng.integers(2, 7), rng.integers(2, 6))
        y_pred, y_true = rng.normal(size=shape), rng.normal(size=shape)
        loss_fn = b.MeanSquaredError()
        loss = loss_fn(y_pred, y_true)
        P = tt(y_pred)
        ref = torch.nn.functional.mse_loss(P, torch.tensor(y_true))
        ref.backward()
        assert np.ndim(loss) == 0
        close(loss, ref)
        g_pred, g_true = loss_fn.get_input_gradients()
        close(g_pred, P.grad)
        close(g_true, np.zeros(shape))
        close(loss_fn.compose_input_gradients(2.0)[0], 2 * P.grad.numpy())


@check("losses")
def check_categorical_cross_entropy(b):
    rng = np.random.default_rng(9)
    eps = 1e-12
    for case in range(3):
        batch, n = rng.integers(3, 7), rng.integers(3, 6)
        logits = rng.normal(scale=2.0, size=(batch, n))
        y_pred = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        y_true = one_hot(rng, batch, n)
        if case == 2:  # clipped entries: an exact 0 for a true class and a wrong class, an exact 1
            y_pred[0] = y_true[0] * 0.0 + (1 - y_true[0]) / (n - 1)
            y_pred[1] = y_true[1]
            y_pred[2, np.argmin(y_true[2])] = 0.0
        loss_fn = b.CategoricalCrossEntropy()
        loss = loss_fn(y_pred, y_true)
        P = tt(y_pred)
        ref = -(torch.tensor(y_true) * torch.log(torch.clamp(P, eps, 1 - eps))).sum(-1).mean()
        ref.backward()
        assert np.ndim(loss) == 0 and np.isfinite(loss)
        close(loss, ref)
        g_pred, g_true = loss_fn.get_input_gradients()
        close(g_pred, P.grad, atol=1e-8)
        close(g_true, np.zeros((batch, n)))
    close(b.CategoricalCrossEntropy()(np.array([[0.5, 0.5]]), np.array([[1.0, 0.0]])), np.log(2))


# --------------------------------------------------------------------------- metrics / onehot

@check("metrics")
def check_categorical_accuracy(b):
    rng = np.random.default_rng(10)
    for _ in range(3):
        batch, n = rng.integers(5, 30), rng.integers(2, 6)
        scores = rng.normal(size=(batch, n))
        labels = one_hot(rng, batch, n)
        expected = np.mean(scores.argmax(-1) == labels.argmax(-1))
        acc = b.CategoricalAccuracy()(scores, labels)
        close(acc, expected)
    probs = np.array([[0.6, 0.4], [0.4, 0.6], [0.9, 0.1]])
    close(b.CategoricalAccuracy()(probs, np.array([[1.0, 0], [1, 0], [1, 0]])), 2 / 3)


@check("onehot")
def check_one_hot_encoder(b):
    labels = np.array([7, 3, 5, 3, 7, 9])
    enc = b.OneHotEncoder()
    enc.fit(labels)
    assert list(enc.classes) == [3, 5, 7, 9]
    rows = enc(labels)
    assert isinstance(rows, b.Tensor) and rows.dtype.kind == "f"
    close(rows, np.eye(4)[[2, 0, 1, 0, 2, 3]])
    assert list(enc.inverse(rows)) == list(labels)
    assert list(enc.inverse(np.array([[0.1, 0.2, 0.6, 0.1], [0.7, 0.1, 0.1, 0.1]]))) == [7, 3]
    fresh = b.OneHotEncoder()
    close(fresh(np.array(["cat", "ant", "bee", "ant"])), np.eye(3)[[2, 0, 1, 0]])
    with pytest.raises(ValueError):
        enc(np.array([4]))


# --------------------------------------------------------------------------- gradient tape

@check("gradient_tape")
def check_tape_context(b):
    assert b.Diffable.gradient_tape is None
    with b.GradientTape() as tape:
        assert b.Diffable.gradient_tape is tape
        with pytest.raises(RuntimeError):
            with b.GradientTape():
                pass
        dense = b.Dense(3, 2)
        out = dense(np.ones((2, 3)))
        assert tape.previous_layers[id(out)] is dense
    assert b.Diffable.gradient_tape is None
    with pytest.raises(KeyError):
        with b.GradientTape():
            raise KeyError("boom")
    assert b.Diffable.gradient_tape is None


@check("gradient_tape")
def check_tape_deep_chain(b):
    rng = np.random.default_rng(11)
    batch, sizes = 5, (4, 7, 6, 3)
    d1, d2, d3 = (make_dense(b, rng, i, o) for i, o in zip(sizes, sizes[1:]))
    x = b.Tensor(rng.normal(size=(batch, sizes[0])))
    y = one_hot(rng, batch, sizes[-1])
    unused = b.Variable(np.ones((2, 2)))
    chain = [d1, b.LeakyReLU(0.2), d2, b.Sigmoid(), d3, b.Softmax()]
    with b.GradientTape() as tape:
        h = x
        for layer in chain:
            h = layer(h)
        loss = b.CategoricalCrossEntropy()(h, y)
    sources = [d1.w, d1.b, d2.w, d2.b, d3.w, d3.b, x, unused]
    grads = tape.gradient(loss, sources)
    T = [tt(v) for v in sources[:7]]
    th = torch.nn.functional.leaky_relu(T[6] @ T[0] + T[1], 0.2)
    th = torch.softmax(torch.sigmoid(th @ T[2] + T[3]) @ T[4] + T[5], -1)
    tloss = -(torch.tensor(y) * torch.log(th)).sum(-1).mean()
    tloss.backward()
    close(loss, tloss)
    assert len(grads) == len(sources)
    for got, ref in zip(grads, T):
        close(got, ref.grad)
    close(grads[7], np.zeros((2, 2)))


@check("gradient_tape")
def check_tape_shared_input(b):
    """x feeds two layers whose outputs are added: its gradient must accumulate both paths."""

    class Add(b.Diffable):
        weights = []

        def forward(self, u, v):
            return u + v

        def get_input_gradients(self):
            n = np.shape(self.inputs[0])[-1]  # d(u + v)/du = I, shared by every sample
            return [np.eye(n), np.eye(n)]

        def get_weight_gradients(self):
            return []

    rng = np.random.default_rng(12)
    d1, d2 = make_dense(b, rng, 4, 3), make_dense(b, rng, 4, 3)
    x, y = b.Tensor(rng.normal(size=(5, 4))), rng.normal(size=(5, 3))
    with b.GradientTape() as tape:
        loss = b.MeanSquaredError()(Add()(d1(x), d2(x)), y)
    grads = tape.gradient(loss, [x, d1.w, d2.b])
    X, W1, B1, W2, B2 = (tt(v) for v in (x, d1.w, d1.b, d2.w, d2.b))
    torch.mean((X @ W1 + B1 + X @ W2 + B2 - torch.tensor(y)) ** 2).backward()
    for got, ref in zip(grads, (X, W1, B2)):
        close(got, ref.grad)


# --------------------------------------------------------------------------- optimizers

def _run_optimizer(b, make_beras, make_torch, steps=6, seed=13, grad_scale=1.0):
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (1, 4), (5,)]
    params = [b.Variable(rng.normal(size=s)) for s in shapes]
    originals = list(params)
    tparams = [torch.tensor(np.array(p), requires_grad=True) for p in params]
    opt, topt = make_beras(), make_torch(tparams)
    for step in range(steps):
        grads = [rng.normal(scale=grad_scale / (1 + step), size=s) for s in shapes]
        opt.apply_gradients(params, grads)
        for tp, g in zip(tparams, grads):
            tp.grad = torch.tensor(g)
        topt.step()
        for p, tp in zip(params, tparams):
            close(p, tp, rtol=1e-9)
    assert all(p is o for p, o in zip(params, originals))
    return params


def _numpy_rmsprop(params, grads_seq, lr, beta, eps):
    params = [p.copy() for p in params]
    v = [np.zeros_like(p) for p in params]
    for grads in grads_seq:
        for i, g in enumerate(grads):
            v[i] = beta * v[i] + (1 - beta) * g**2
            params[i] = params[i] - lr * g / (np.sqrt(v[i]) + eps)
    return params


def _numpy_amsgrad(params, grads_seq, lr, b1, b2, eps):
    params = [p.copy() for p in params]
    m, v, vmax = ([np.zeros_like(p) for p in params] for _ in range(3))
    for t, grads in enumerate(grads_seq, start=1):
        for i, g in enumerate(grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g**2
            v_hat = v[i] / (1 - b2**t)
            vmax[i] = v_hat if t == 1 else np.maximum(vmax[i], v_hat)
            params[i] = params[i] - lr * (m[i] / (1 - b1**t)) / (np.sqrt(vmax[i]) + eps)
    return params


@check("optimizers")
def check_sgd(b):
    _run_optimizer(b, lambda: b.BasicOptimizer(0.05), lambda p: torch.optim.SGD(p, lr=0.05))


@check("optimizers")
def check_rmsprop(b):
    # torch's RMSprop adds eps outside the square root, as in the course formula.
    _run_optimizer(
        b, lambda: b.RMSProp(0.01, beta=0.8, epsilon=1e-3),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.8, eps=1e-3), grad_scale=1e-3,
    )
    rng = np.random.default_rng(14)
    start = [rng.normal(size=(4, 3)), rng.normal(size=(1, 3))]
    grads_seq = [[rng.normal(scale=1e-3, size=p.shape) for p in start] for _ in range(5)]
    params = [b.Variable(p.copy()) for p in start]
    opt = b.RMSProp(0.02)
    assert (opt.beta, opt.epsilon) == (0.9, 1e-6)
    for grads in grads_seq:
        opt.apply_gradients(params, grads)
    for got, ref in zip(params, _numpy_rmsprop(start, grads_seq, 0.02, 0.9, 1e-6)):
        close(got, ref, rtol=1e-9)


@check("optimizers")
def check_adam(b):
    _run_optimizer(
        b, lambda: b.Adam(0.01, beta_1=0.8, beta_2=0.95, epsilon=1e-4),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.95), eps=1e-4), grad_scale=1e-2,
    )
    _run_optimizer(b, lambda: b.Adam(0.003), lambda p: torch.optim.Adam(p, lr=0.003, eps=1e-7))
    opt = b.Adam(0.1)
    assert (opt.beta_1, opt.beta_2, opt.epsilon, opt.amsgrad) == (0.9, 0.999, 1e-7, False)
    rng = np.random.default_rng(15)
    start = [rng.normal(size=(3, 2)), rng.normal(size=(2,))]
    grads_seq = [[rng.normal(scale=10.0 ** -k, size=p.shape) for p in start] for k in range(5)]
    params = [b.Variable(p.copy()) for p in start]
    opt = b.Adam(0.01, beta_2=0.9, amsgrad=True)
    for grads in grads_seq:
        opt.apply_gradients(params, grads)
    for got, ref in zip(params, _numpy_amsgrad(start, grads_seq, 0.01, 0.9, 0.9, 1e-7)):
        close(got, ref, rtol=1e-9)


@check("optimizers")
def check_learning_rate_validation(b):
    for cls in (b.BasicOptimizer, b.RMSProp, b.Adam):
        for bad in (-0.5, 0, float("nan"), "0.1"):
            with pytest.raises(ValueError, match=re.escape(repr(bad))):
                cls(bad)


# --------------------------------------------------------------------------- model

def _small_model(b, rng):
    d1, d2 = make_dense(b, rng, 4, 6), make_dense(b, rng, 6, 3)
    model = b.SequentialModel([d1, b.ReLU(), d2, b.Softmax()])
    model.compile(b.BasicOptimizer(0.1), b.CategoricalCrossEntropy(), b.CategoricalAccuracy())
    return model, d1, d2


@check("model")
def check_model_forward_and_step(b):
    rng = np.random.default_rng(16)
    model, d1, d2 = _small_model(b, rng)
    assert isinstance(model, b.Diffable)
    assert [id(w) for w in model.weights] == [id(d1.w), id(d1.b), id(d2.w), id(d2.b)]
    x, y = rng.normal(size=(8, 4)), one_hot(rng, 8, 3)
    T = [tt(v) for v in (d1.w, d1.b, d2.w, d2.b)]
    probs = torch.softmax(torch.relu(torch.tensor(x) @ T[0] + T[1]) @ T[2] + T[3], -1)
    tloss = -(torch.tensor(y) * torch.log(probs)).sum(-1).mean()
    tloss.backward()
    close(model(x), probs)
    before = [np.array(w) for w in model.weights]
    stats, predictions = model.batch_step(x, y, training=False)
    close(stats["loss"], tloss)
    close(stats["acc"], np.mean(probs.detach().numpy().argmax(-1) == y.argmax(-1)))
    close(predictions, probs)
    for w, old in zip(model.weights, before):
        close(w, old)
    stats = model.batch_step(x, y, training=True)
    assert set(stats) == {"loss", "acc"}
    close(stats["loss"], tloss)
    for w, old, t in zip(model.weights, before, T):
        close(w, old - 0.1 * t.grad.numpy())


@check("model")
def check_model_fit_and_evaluate(b):
    rng = np.random.default_rng(17)
    np.random.seed(0)
    model, _, _ = _small_model(b, rng)
    model.compile(b.Adam(0.05), b.CategoricalCrossEntropy(), b.CategoricalAccuracy())
    centers = rng.normal(scale=3.0, size=(3, 4))
    labels = rng.integers(0, 3, size=120)
    x, y = centers[labels] + rng.normal(size=(120, 4)), np.eye(3)[labels]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        history = model.fit(x, y, epochs=6, batch_size=16)
    assert set(history) == {"loss", "acc"} and all(len(v) == 6 for v in history.values())
    assert printed.getvalue().count("\n") == 6
    assert history["loss"][-1] < history["loss"][0] and history["acc"][-1] > 0.8
    result, predictions = model.evaluate(x, y, batch_size=32)
    assert set(result) >= {"loss", "acc"} and result["acc"] > 0.8
    close(predictions, model(x))
    close(model.evaluate(x, y, batch_size=7)[0]["loss"], result["loss"])


# --------------------------------------------------------------------------- reference tests

@pytest.mark.parametrize("name", sorted(CHECKS))
def test_reference(beras_pkg, name):
    CHECKS[name][1](beras_pkg)


def test_reference_layout_and_numpy_only():
    for rel in REFERENCE_FILES:
        assert (REF_DIR / rel).is_file(), rel
    forbidden = {"torch", "tensorflow", "jax", "autograd", "keras"}
    for path in REF_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                roots = {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                roots = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not roots & forbidden, f"{path}: imports {roots & forbidden}"


FENCE = re.compile(r"^( *)### BEGIN SOLUTION\n.*?^\1### END SOLUTION\n", re.S | re.M)


def test_solution_fences_make_an_importable_skeleton(tmp_path):
    """Replacing every fenced region by ``raise NotImplementedError`` must leave importable code."""
    skeleton = tmp_path / "skeleton"
    shutil.copytree(REF_DIR, skeleton, ignore=shutil.ignore_patterns("__pycache__"))
    total = 0
    for path in skeleton.rglob("*.py"):
        text = path.read_text()
        assert text.count("### BEGIN SOLUTION") == text.count("### END SOLUTION"), path
        new, count = FENCE.subn(lambda m: f'{m.group(1)}raise NotImplementedError("your code here")\n', text)
        assert "### BEGIN SOLUTION" not in new and "### END SOLUTION" not in new, f"unbalanced fence in {path}"
        assert all(m.group(1) for m in FENCE.finditer(text)), f"fence outside a function body in {path}"
        total += count
        path.write_text(new)
    assert total >= 20
    with _load_beras(skeleton) as skel:
        with pytest.raises(NotImplementedError):
            skel.Dense(3, 2)
        with pytest.raises(NotImplementedError):
            skel.Softmax()(np.ones((2, 3)))
        assert skel.ReLU().alpha == 0 and skel.Diffable.gradient_tape is None


def test_assignment_trains(beras_pkg):
    sys.path.insert(0, str(REF_DIR))
    try:
        assignment = importlib.import_module("assignment")
        preprocess = importlib.import_module("preprocess")
        state = np.random.get_state()
        x_train, y_train, x_test, y_test = preprocess.load_and_preprocess_data()
        assert all(a == b for a, b in zip(np.random.get_state(), state) if not hasattr(a, "shape"))
        assert x_train.shape == (4000, 40) and y_train.shape == (4000,)
        assert x_test.shape == (1000, 40) and y_test.shape == (1000,)
        assert 0.5 < assignment.TARGET_TEST_ACCURACY < 1
        np.random.seed(0)
        model = assignment.get_model()
        model.compile(assignment.get_optimizer(), assignment.get_loss_fn(),
                      assignment.get_acc_fn())
        with contextlib.redirect_stdout(io.StringIO()):
            model.fit(x_train, np.eye(10)[y_train], epochs=3, batch_size=128)
            metrics, predictions = model.evaluate(x_test, np.eye(10)[y_test], batch_size=128)
        assert 0.35 < metrics["acc"] <= 1 and predictions.shape == (1000, 10)
    finally:
        sys.path.remove(str(REF_DIR))


# --------------------------------------------------------------------------- bug corpus

BUGS = yaml.safe_load(BUGS_FILE.read_text())


def test_bug_corpus_format():
    assert isinstance(BUGS, list) and len(BUGS) >= 14
    ids = [bug["id"] for bug in BUGS]
    assert len(ids) == len(set(ids))
    for bug in BUGS:
        assert set(bug) - {"message"} == {"id", "component", "description", "edits"}, \
            bug.get("id")  # message (optional): words the failing check's feedback must hold
        assert isinstance(bug.get("message", ""), str), bug["id"]
        assert re.fullmatch(r"[a-z][a-z0-9_]*", bug["id"]), bug["id"]
        assert bug["component"] in COMPONENTS, bug["id"]
        assert isinstance(bug["description"], str) and bug["description"].strip()
        assert bug["edits"], bug["id"]
        for edit in bug["edits"]:
            assert set(edit) == {"file", "old", "new"}, bug["id"]
            assert (REF_DIR / edit["file"]).is_file() and edit["old"] != edit["new"], bug["id"]


@pytest.mark.parametrize("bug", BUGS, ids=[bug["id"] for bug in BUGS])
def test_bug_applies_and_is_caught(bug, tmp_path):
    copy = tmp_path / "beras_copy"
    shutil.copytree(REF_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    for edit in bug["edits"]:
        path = copy / edit["file"]
        text = path.read_text()
        assert text.count(edit["old"]) == 1, f"{bug['id']}: `old` must occur exactly once in {edit['file']}"
        text = text.replace(edit["old"], edit["new"])
        compile(text, str(path), "exec")
        path.write_text(text)
    checks = {name: fn for name, (component, fn) in CHECKS.items() if component == bug["component"]}
    assert checks, bug["component"]
    failed = []
    with _load_beras(copy) as mutated, np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, fn in checks.items():
            try:
                fn(mutated)
            except (Exception, pytest.fail.Exception):  # any failure (assertion, crash) counts
                failed.append(name)
    assert failed, f"{bug['id']}: no '{bug['component']}' check notices the bug"
