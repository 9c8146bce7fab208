"""Public checks of the backprop assignment: shipped in the student handout (nothing hidden here).

`python check.py [part]` in the handout runs these on the student's own code, with the
grader's engine and messages. They are numpy-only (students of this assignment have no torch)
and cheap: the forward pass and its cache, the least-squares loss, softmax, softmax and
cross-entropy on logits near +-1000 (a numpy log-sum-exp oracle) and relative_error.
The hidden checks (checks.py: backward, loss_and_gradients, cross-entropy, the gradient checker,
all against torch autograd) register on the same SUITE and are never shipped. Nothing here may
import checks.py.

Conventions graded (stated in the skeleton's docstrings): examples are COLUMNS (x is (D_i, I)),
Omega_k is (D_{k+1}, D_k), beta_k is (D_{k+1}, 1), and the loss is AVERAGED over the batch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...authoring import CheckFailed, Suite, Trial, as_array, expect, expect_array, expect_scalar

SUITE = Suite(probes=Path(__file__).with_name("probes.py"))

Net = tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]


# -- networks ---------------------------------------------------------------------------------
def _draw_net(t: Trial, widths: list[int], batch: int, bias_mean: float = 0.0) -> Net:
    """x (widths[0], batch) and K + 1 layers mapping widths[k] -> widths[k + 1]."""
    x = t.rng.normal(size=(widths[0], batch))
    ws = [t.rng.normal(size=(b, a)) * np.sqrt(2.0 / a) for a, b in zip(widths, widths[1:])]
    bs = [t.rng.normal(bias_mean, 0.5, size=(b, 1)) for b in widths[1:]]
    return x, ws, bs


def _np_forward(x: np.ndarray, ws: list[np.ndarray], bs: list[np.ndarray]):
    fs, hs = [], [x]
    for k, (w, b) in enumerate(zip(ws, bs)):
        if k > 0:
            hs.append(np.maximum(fs[-1], 0.0))
        fs.append(b + w @ hs[-1])
    return fs, hs


def _live_net(t: Trial, widths: list[int], batch: int, bias_mean: float = 0.0,
              margin: float = 0.0) -> Net:
    """A network in which every hidden layer has an active unit (so every gradient is tested)
    and, with margin > 0, no pre-activation within `margin` of the ReLU kink."""
    for _ in range(200):
        x, ws, bs = _draw_net(t, widths, batch, bias_mean)
        fs, _ = _np_forward(x, ws, bs)
        hidden = fs[:-1]
        if all((f > 0).any() for f in hidden) and all(
                np.abs(f).min() > margin for f in hidden):
            return x, ws, bs
    raise RuntimeError(f"could not draw a live network for widths {widths}")

def _matches(got: Any, want: np.ndarray) -> bool:
    try:
        arr = as_array(got, "value")
    except CheckFailed:
        return False
    return arr.shape == np.shape(want) and bool(np.allclose(arr, want, rtol=1e-6, atol=1e-9))


# -- forward ----------------------------------------------------------------------------------
@SUITE.check("forward.relu")
def forward_relu(t: Trial) -> None:
    f = t.rng.normal(size=(int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6))))
    got = t.call("backprop.relu", f)
    expect(got, np.maximum(f, 0.0), "relu(f)")
    expect(not got.modified, "relu(f) modified f in place: return a new array "
           "(np.maximum(f, 0)); in-place modification of cached activations breaks backprop")


def _shapes(t: Trial) -> list[tuple[list[int], int]]:
    """Random networks, then batch 1, width 1 and deep-and-narrow ones."""
    depth = int(t.rng.integers(1, 4))
    rand = [int(v) for v in t.rng.integers(2, 7, size=depth + 2)]
    return [(rand, int(t.rng.integers(2, 6))),
            ([int(t.rng.integers(2, 5)), int(t.rng.integers(2, 6)), 3], 1),
            ([3, 1, 1, 2], 5),
            ([2] + [2] * 8 + [1], 3)]


@SUITE.check("forward.output")
def forward_output(t: Trial) -> None:
    for widths, batch in _shapes(t):
        x, ws, bs = _live_net(t, widths, batch, bias_mean=0.3)
        fs, _ = _np_forward(x, ws, bs)
        got = t.student("forward", x=x, weights=ws, biases=bs)
        expect_array(got["out"], fs[-1], f"forward(x, weights, biases)[0] for widths {widths} "
                     f"and batch I = {batch}", hint="f_0 = beta_0 + Omega_0 x, h_k = relu(f_{k-1}),"
                     " f_k = beta_k + Omega_k h_k; no activation on the output")
        expect(got["x_unchanged"] is True, "forward() modified x in place")


@SUITE.check("forward.cache")
def forward_cache(t: Trial) -> None:
    widths = [int(v) for v in t.rng.integers(2, 6, size=4)]
    batch = int(t.rng.integers(2, 5))
    x, ws, bs = _live_net(t, widths, batch)
    fs, hs = _np_forward(x, ws, bs)
    upstream = t.rng.normal(size=(widths[-1], batch))
    got = t.student("cache_lifetime", x=x, weights=ws, biases=bs, upstream=upstream)
    n = len(ws)
    for key, want_list, name in (("f", fs, "pre-activations f_0..f_K"),
                                 ("h", hs, "activations h_0 = x, h_1..h_K")):
        have = got[f"{key}_forward"]
        expect(isinstance(have, list) and len(have) == n,
               f"cache['{key}'] should be a list of the {n} {name}, got "
               f"{len(have) if isinstance(have, list) else type(have).__name__} entries")
        for k, (g, w) in enumerate(zip(have, want_list)):
            if key == "f" and _matches(g, np.maximum(w, 0.0)) and not _matches(g, w):
                raise CheckFailed(
                    f"cache['f'][{k}] holds max(f_{k}, 0) instead of f_{k}: the ReLU was applied "
                    "in place to a cached pre-activation (in-place modification of cached "
                    "activations); compute h with a new array, e.g. np.maximum(f, 0)")
            expect_array(g, w, f"cache['{key}'][{k}] after forward()",
                         hint=f"cache['{key}'] holds the {name}")
    if not got.get("backward_ran"):
        return  # backward() raised: its own checks say why
    for key in ("f", "h"):
        for k, (before, after) in enumerate(zip(got[f"{key}_forward"], got[f"{key}_backward"])):
            expect(_matches(after, before),
                   f"backward() changed cache['{key}'][{k}]: in-place modification of cached "
                   "activations (use new arrays, e.g. mask = f > 0; d = mask * (...))")


# -- losses -------------------------------------------------------------------------------------
def _loss_value_diagnosis(got: Any, want: float, batch: int, d_out: int, what: str) -> None:
    try:
        value = float(as_array(got, what).reshape(-1)[0])
    except (CheckFailed, IndexError):
        return
    if np.isclose(value, want, rtol=1e-6):
        return
    if batch > 1 and np.isclose(value, want * batch, rtol=1e-6):
        raise CheckFailed(f"{what} is {value:.6g}, I = {batch} times the expected {want:.6g}: "
                          "the loss must be averaged over the batch (divide by I), not summed")
    if d_out > 1 and np.isclose(value, want / d_out, rtol=1e-6):
        raise CheckFailed(f"{what} is {value:.6g}, expected {want:.6g}: sum the squared errors "
                          "over the output dimensions and average only over the batch")


def _batch_mistakes(want: np.ndarray, batch: int) -> dict[str, np.ndarray]:
    """The loss gradient summed over the batch, or divided by I twice (for `expect`)."""
    return {} if batch == 1 else {
        f"is exactly I = {batch} times too large: the loss is averaged over the batch, so its "
        "gradient needs the factor 1/I (gradients summed vs averaged inconsistently with the "
        "loss)": want * batch,
        f"is exactly I = {batch} times too small: divide by I once": want / batch}


def _loss(t: Trial, name: str, f: np.ndarray, y: np.ndarray) -> tuple[Any, Any, bool]:
    """The student's <name>_loss and <name>_grad of (f, y): value, gradient, f left alone."""
    value, grad = (t.call(f"backprop.{name}_{part}", f, y) for part in ("loss", "grad"))
    return value.value, grad.value, not (value.modified or grad.modified)


@SUITE.check("losses.least_squares")
def losses_least_squares(t: Trial) -> None:
    d_out, batch = int(t.rng.integers(2, 5)), int(t.rng.integers(3, 7))
    f, y = t.rng.normal(size=(d_out, batch)), t.rng.normal(size=(d_out, batch))
    got_value, got_grad, unchanged = _loss(t, "least_squares", f, y)
    want = float(np.sum((f - y) ** 2) / batch)
    grad = 2.0 * (f - y) * (1.0 / batch)  # 2 (f - y) / I, in autograd's order of operations
    _loss_value_diagnosis(got_value, want, batch, d_out, "least_squares_loss(f, y)")
    expect_scalar(got_value, want, "least_squares_loss(f, y)",
                  hint="L = (1/I) * sum over examples and outputs of (f - y)^2")
    expect(got_grad, grad, "least_squares_grad(f, y)", hint="2 (f - y) / I",
           mistakes=_batch_mistakes(grad, batch), template="{what} {mistake}")
    expect(unchanged, "least_squares_* modified f in place")


def _softmax_cols(f: np.ndarray) -> np.ndarray:
    e = np.exp(f - f.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


@SUITE.check("losses.softmax")
def losses_softmax(t: Trial) -> None:
    d_out, batch = int(t.rng.integers(3, 6)), int(t.rng.integers(2, 6))
    if d_out == batch:
        batch += 1
    f = t.rng.normal(size=(d_out, batch)) * 2
    expect(t.call("backprop.softmax", f), _softmax_cols(f), "softmax(f)",
           template="{what} {mistake}", hint="exp(f) / sum of exp(f) over each column", mistakes={
               "normalizes the rows; each COLUMN is an example (x is (D, I)), so each column "
               "must sum to 1": _softmax_cols(f.T).T})


def _labels(t: Trial, d_out: int, batch: int) -> np.ndarray:
    return t.rng.integers(0, d_out, size=batch).astype(np.int64)


def _ce_numpy(f: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Cross-entropy averaged over the columns and its gradient, with a per-column log-sum-exp
    (float64; the hidden cross_entropy check uses torch autograd instead)."""
    batch = f.shape[1]
    shifted = f - f.max(axis=0, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
    onehot = np.zeros_like(f)
    onehot[y, np.arange(batch)] = 1.0
    return float(-log_probs[y, np.arange(batch)].mean()), (np.exp(log_probs) - onehot) / batch


@SUITE.check("losses.large_logits")
def losses_large_logits(t: Trial) -> None:
    # Columns around +1000, 0 and -1000: a shift by one value for the whole matrix overflows or
    # gives 0/0; and one column spanning -400..400: a shift by the minimum overflows.
    d_out, batch = int(t.rng.integers(3, 6)), int(t.rng.integers(3, 6))
    offsets = t.rng.permutation(np.resize([1000.0, 0.0, -1000.0], batch))
    f = offsets[None, :] + 3.0 * t.rng.normal(size=(d_out, batch))
    y = _labels(t, d_out, batch)
    hint = ("exp(1000) is inf and exp(-1000) is 0 in float64; subtract each column's own "
            "maximum (np.max(f, axis=0, keepdims=True)) before exponentiating")
    f[:, int(t.rng.integers(batch))] = t.rng.permutation(np.linspace(-400.0, 400.0, d_out))
    what = "for columns of logits near +1000, 0 and -1000, one spanning -400..400"
    expect(t.call("backprop.softmax", f), _softmax_cols(f), f"softmax(f) {what}", hint=hint)
    got_value, got_grad, _unchanged = _loss(t, "cross_entropy", f, y)
    want, grad = _ce_numpy(f, y)
    expect_scalar(got_value, want, f"cross_entropy_loss(f, y) {what}", rtol=1e-6, atol=1e-9,
                  hint=hint)
    expect_array(got_grad, grad, f"cross_entropy_grad(f, y) {what}", hint=hint)


# -- the gradient checker's relative error ---------------------------------------------------
def _rel_err(a: np.ndarray, b: np.ndarray) -> float:
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


@SUITE.check("gradcheck.relative_error")
def gradcheck_relative_error(t: Trial) -> None:
    shape = tuple(int(v) for v in t.rng.integers(2, 5, size=2))
    a, b = t.rng.normal(size=shape), t.rng.normal(size=shape)
    c = a + 1e-4 * t.rng.normal(size=shape)
    for x, y, label in ((a, b, "two random arrays"), (a, c, "two nearly equal arrays"),
                        (a, a.copy(), "equal arrays"),
                        (np.zeros(shape), np.zeros(shape), "two zero arrays")):
        expect_scalar(t.call("gradcheck.relative_error", x, y).value, _rel_err(x, y),
                      f"relative_error(a, b) for {label}", rtol=1e-8, atol=1e-14,
                      hint="||a - b|| / (||a|| + ||b||) with Frobenius norms, 0 when both are 0")
