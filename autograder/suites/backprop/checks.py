"""Hidden checks of the backprop assignment (trusted side: never visible to student code).

Conventions graded (stated in solutions/backprop/backprop.py and the YAML titles): examples are
COLUMNS (x is (D_i, I)), Omega_k is (D_{k+1}, D_k), beta_k is (D_{k+1}, 1), and the loss is
AVERAGED over the batch, so dL/df_K carries 1/I and parameter gradients sum over the batch.

The public checks (forward pass, least squares, softmax, large logits, relative_error:
numpy-only, shipped in the handout) live in public.py, which creates SUITE; the checks here
register on it too.
Every expected gradient here comes from torch autograd in float64 (`t.oracle`). When a result is
wrong, the check also recomputes the classic mistakes (missing transpose, ReLU mask of another
layer, batch sums vs averages, unreduced bias gradient, unshifted softmax, in-place ReLU on the
cache, forward differences) with numpy and names the one the student's numbers match.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ...authoring import (CheckFailed, StudentFault, Trial, as_array, describe_fault, expect,
                          expect_array, expect_scalar)
from .public import (SUITE, _batch_mistakes, _labels, _live_net, _loss, _loss_value_diagnosis,
                     _matches, _np_forward, _rel_err, _softmax_cols)

# Conventions these checks rely on; tests/test_docs.py keeps each one stated in the handout
# (the skeleton's docstrings).
HANDOUT_CONVENTIONS = (
    "whose columns are the examples",
    "the loss is averaged over the batch",
    "cache[\"f\"] = [f_0, f_1, ..., f_k]",
    "must not modify them",
)


# -- the torch oracle -------------------------------------------------------------------------
def _torch_forward(t: Trial, x: np.ndarray, ws: list[np.ndarray], bs: list[np.ndarray]):
    """(output, [weight tensors], [bias tensors]) with gradients enabled on the parameters."""
    torch = t.torch()
    wt = [t.oracle.tensor(w, grad=True) for w in ws]
    bt = [t.oracle.tensor(b, grad=True) for b in bs]
    h = t.oracle.tensor(x)
    for k, (w, b) in enumerate(zip(wt, bt)):
        if k > 0:
            h = torch.relu(h)
        h = b + w @ h
    return h, wt, bt


def _oracle_grads(t: Trial, x, ws, bs, upstream: np.ndarray):
    """Autograd gradients of sum(f_K * upstream), i.e. backprop of dL/df_K = upstream."""
    out, wt, bt = _torch_forward(t, x, ws, bs)
    (out * t.oracle.tensor(upstream)).sum().backward()
    return [t.oracle.numpy(w.grad) for w in wt], [t.oracle.numpy(b.grad) for b in bt]


def _oracle_loss(t: Trial, x, ws, bs, y, loss: str):
    """(L, dL/dOmega_k, dL/dbeta_k) by autograd, L averaged over the batch."""
    torch = t.torch()
    out, wt, bt = _torch_forward(t, x, ws, bs)
    if loss == "least_squares":
        value = ((out - t.oracle.tensor(y)) ** 2).sum() / out.shape[1]
    else:
        labels = torch.tensor(np.asarray(y), dtype=torch.long, device=t.oracle.device)
        value = torch.nn.functional.cross_entropy(out.T, labels, reduction="mean")
    value.backward()
    return (float(value.detach().cpu()), [t.oracle.numpy(w.grad) for w in wt],
            [t.oracle.numpy(b.grad) for b in bt])


# -- the classic mistakes, recomputed with numpy for diagnosis ---------------------------------
def _np_backward(ws, fs, hs, upstream, *, transpose: bool = True,
                 mask: str = "f_prev") -> tuple[list[np.ndarray], list[np.ndarray]] | None:
    """Backprop with one deliberate mistake; None where the mistake does not even run."""
    try:
        n = len(ws)
        gw, gb = [None] * n, [None] * n
        d = upstream
        for k in range(n - 1, -1, -1):
            gw[k] = d @ hs[k].T
            gb[k] = d.sum(axis=1, keepdims=True)
            if k > 0:
                m = {"f_prev": fs[k - 1], "h_prev": hs[k - 1], "f_same": fs[k]}[mask] > 0
                d = m * ((ws[k].T if transpose else ws[k]) @ d)
        return gw, gb  # type: ignore[return-value]
    except ValueError:
        return None


def _all_match(got: list, want: list) -> bool:
    return isinstance(got, list) and len(got) == len(want) and all(
        _matches(g, w) for g, w in zip(got, want))


def _gradient_list(got: Any, n: int, what: str) -> list:
    expect(isinstance(got, list) and len(got) == n,
           f"{what} should be a list of {n} arrays (one per layer, Omega_0 first), got "
           f"{type(got).__name__}{'' if not isinstance(got, list) else f' of length {len(got)}'}")
    return got


BATCH_SUM_HINT = ("the loss is averaged over the batch, so dL/df_K = (per-example gradient) / I "
                  "and every parameter gradient then sums over the I columns")


def _compare_grads(got: dict, want_w: list, want_b: list, what: str, batch: int,
                   variants: dict[str, tuple[list, list]] | None = None,
                   batch_role: str = "backward") -> None:
    """Compare dL/dOmega_k and dL/dbeta_k; name a classic mistake if the numbers match one."""
    n = len(want_w)
    gw = _gradient_list(got.get("w"), n, f"{what}: the weight gradients")
    gb = _gradient_list(got.get("b"), n, f"{what}: the bias gradients")
    if _all_match(gw, want_w) and _all_match(gb, want_b):
        return
    # the bias gradient left per example: (D, I) instead of (D, 1)
    for k, (g, w) in enumerate(zip(gb, want_b)):
        if batch > 1 and isinstance(g, np.ndarray) and g.shape == (w.shape[0], batch):
            raise CheckFailed(
                f"{what}: dL/dbeta_{k} has shape {g.shape}, one column per example; the bias "
                f"gradient must be summed over the batch (the columns) to shape {w.shape}: "
                "the bias gradient is not reduced over the batch")
    if batch > 1 and _all_match(gw, [w * batch for w in want_w]) and _all_match(
            gb, [b * batch for b in want_b]):
        where = ("your loss gradient" if batch_role == "loss" else "somewhere")
        raise CheckFailed(
            f"{what}: every gradient is exactly I = {batch} times too large: the gradients are "
            f"summed over the batch while the loss is averaged ({where} misses the 1/I); "
            + BATCH_SUM_HINT)
    if batch > 1 and _all_match(gw, [w / batch for w in want_w]) and _all_match(
            gb, [b / batch for b in want_b]):
        raise CheckFailed(
            f"{what}: every gradient is exactly I = {batch} times too small: the gradients are "
            "averaged over the batch twice (dL/df_K already holds the 1/I; backward() must "
            "sum over the columns, not average)")
    for message, (vw, vb) in (variants or {}).items():
        same_as_right = _all_match(vw, want_w) and _all_match(vb, want_b)
        if not same_as_right and _all_match(gw, vw) and _all_match(gb, vb):
            raise CheckFailed(f"{what}: {message}")
    for k in range(n - 1, -1, -1):
        expect_array(gw[k], want_w[k], f"{what}: dL/dOmega_{k}",
                     hint="dL/dOmega_k = (dL/df_k) h_k^T, shaped like Omega_k")
        expect_array(gb[k], want_b[k], f"{what}: dL/dbeta_{k}",
                     hint="dL/dbeta_k = dL/df_k summed over the batch columns, shape (D, 1)")


TRANSPOSE_MSG = ("your gradients match backprop with Omega_k instead of its transpose: "
                 "missing transpose, dL/dh_k = Omega_k^T dL/df_k")
MASK_MSG = ("your gradients match backprop with the ReLU mask from the wrong layer (h instead "
            "of f): the mask for dL/df_{k-1} is I[f_{k-1} > 0], the pre-activation that fed "
            "h_k (cache['f'][k-1], not cache['h'][k-1] or f_k)")


def _variants(ws, fs, hs, upstream) -> dict[str, tuple[list, list]]:
    out = {}
    for message, kwargs in ((TRANSPOSE_MSG, {"transpose": False}),
                            (MASK_MSG, {"mask": "h_prev"}), (MASK_MSG, {"mask": "f_same"})):
        v = _np_backward(ws, fs, hs, upstream, **kwargs)
        if v is not None and message not in out:
            out[message] = v
    return out


SHAPE_HINT = ("a shape mismatch in the backward pass usually means a missing transpose "
              "(dL/dh_k = Omega_k^T dL/df_k) or a ReLU mask taken from the wrong layer "
              "(use I[f_{k-1} > 0])")


def _student_backprop(t: Trial, probe: str, **kwargs: Any) -> Any:
    """t.student for probes that run backward(): shape errors get a hint about the usual cause."""
    try:
        return t.student(probe, **kwargs)
    except StudentFault as fault:
        text = str(fault)
        if fault.info.get("type") == "ValueError" and ("mismatch" in text or "broadcast" in text
                                                      or "shape" in text):
            raise CheckFailed(f"{describe_fault(fault)}. Hint: {SHAPE_HINT}") from None
        raise


def _backward_case(t: Trial, widths: list[int], batch: int, bias_mean: float = 0.0) -> None:
    x, ws, bs = _live_net(t, widths, batch, bias_mean)
    upstream = t.rng.normal(size=(widths[-1], batch))
    got = _student_backprop(t, "backward", upstream=upstream, x=x, weights=ws, biases=bs)
    want_w, want_b = _oracle_grads(t, x, ws, bs, upstream)
    fs, hs = _np_forward(x, ws, bs)
    label = f"backward() on a network with widths {widths} and batch I = {batch}"
    _compare_grads(got, want_w, want_b, label, batch, _variants(ws, fs, hs, upstream))
    expect(got.get("inputs_unchanged") is True,
           f"{label}: backward() modified its inputs in place (the cache lists or dL/df_K); "
           "in-place modification of cached activations breaks later uses of the cache")


# -- losses -------------------------------------------------------------------------------------
def _ce_oracle(t: Trial, f: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    torch = t.torch()
    ft = t.oracle.tensor(f, grad=True)
    labels = torch.tensor(y, dtype=torch.long, device=t.oracle.device)
    value = torch.nn.functional.cross_entropy(ft.T, labels, reduction="mean")
    value.backward()
    return float(value.detach().cpu()), t.oracle.numpy(ft.grad)


@SUITE.check("losses.cross_entropy")
def losses_cross_entropy(t: Trial) -> None:
    d_out, batch = int(t.rng.integers(3, 6)), int(t.rng.integers(3, 7))
    f, y = t.rng.normal(size=(d_out, batch)) * 2, _labels(t, d_out, batch)
    got_value, got_grad, unchanged = _loss(t, "cross_entropy", f, y)
    want, grad = _ce_oracle(t, f, y)
    _loss_value_diagnosis(got_value, want, batch, 1, "cross_entropy_loss(f, y)")
    expect_scalar(got_value, want, "cross_entropy_loss(f, y)",
                  hint="L = (1/I) * sum_i -log softmax(f[:, i])[y_i]")
    expect(got_grad, grad, "cross_entropy_grad(f, y)", mistakes=_batch_mistakes(grad, batch),
           hint="(softmax(f) - onehot(y)) / I, with one column per example",
           template="{what} {mistake}")
    expect(unchanged, "cross_entropy_* modified f in place")


# -- backward ---------------------------------------------------------------------------------
@SUITE.check("backward.output_layer")
def backward_output_layer(t: Trial) -> None:
    d_in, d_out, batch = (int(v) for v in t.rng.integers(2, 6, size=3))
    _backward_case(t, [d_in, d_out], batch + 1)


@SUITE.check("backward.square_network")
def backward_square_network(t: Trial) -> None:
    width, depth = int(t.rng.integers(3, 6)), int(t.rng.integers(2, 4))
    _backward_case(t, [width] * (depth + 2), int(t.rng.integers(3, 6)))


@SUITE.check("backward.random_shapes")
def backward_random_shapes(t: Trial) -> None:
    for _ in range(2):
        depth = int(t.rng.integers(1, 4))
        widths = [int(v) for v in t.rng.integers(2, 8, size=depth + 2)]
        _backward_case(t, widths, int(t.rng.integers(2, 7)))


@SUITE.check("backward.edge_shapes")
def backward_edge_shapes(t: Trial) -> None:
    _backward_case(t, [int(t.rng.integers(2, 5)), int(t.rng.integers(2, 6)), 2], 1)  # batch 1
    _backward_case(t, [3, 1, 1, 2], 6, bias_mean=0.3)  # width 1
    _backward_case(t, [2] + [2] * 8 + [1], 4, bias_mean=0.3)  # deep and narrow


# -- end to end ---------------------------------------------------------------------------------
def _end_to_end(t: Trial, loss: str) -> None:
    depth = int(t.rng.integers(1, 4))
    widths = [int(v) for v in t.rng.integers(2, 7, size=depth + 2)]
    batch = int(t.rng.integers(3, 7))
    x, ws, bs = _live_net(t, widths, batch)
    y = (t.rng.normal(size=(widths[-1], batch)) if loss == "least_squares"
         else _labels(t, widths[-1], batch))
    got = _student_backprop(t, "loss_and_gradients", x=x, y=y, weights=ws, biases=bs, loss=loss)
    value, want_w, want_b = _oracle_loss(t, x, ws, bs, y, loss)
    what = f"loss_and_gradients(..., loss={loss!r}) with widths {widths}, batch I = {batch}"
    _loss_value_diagnosis(got["value"], value, batch, widths[-1] if loss == "least_squares"
                          else 1, f"{what}: the loss")
    expect_scalar(got["value"], value, f"{what}: the loss")
    _compare_grads(got, want_w, want_b, what, batch, batch_role="loss")


@SUITE.check("end_to_end.least_squares")
def end_to_end_least_squares(t: Trial) -> None:
    _end_to_end(t, "least_squares")


@SUITE.check("end_to_end.cross_entropy")
def end_to_end_cross_entropy(t: Trial) -> None:
    _end_to_end(t, "cross_entropy")


# -- the gradient checker ---------------------------------------------------------------------
def _known(name: str, params: dict[str, np.ndarray]) -> Callable[[np.ndarray], float]:
    """The trusted twins of probes._known_function (same formulas)."""
    if name == "quadratic":
        a, b = params["A"], params["b"]
        return lambda x: float(np.sum(x * (a @ x)) + np.sum(b * x))
    if name == "trig":
        c = params["c"]
        return lambda x: float(np.sum(np.sin(c * x) * x) + np.sum(np.cos(x)) ** 2)
    w = params["w"]
    return lambda x: float(np.log(np.sum(np.exp(w * x))))


def central_differences(fn: Callable[[np.ndarray], float], x: np.ndarray,
                        eps: float) -> np.ndarray:
    """The grader's own central-difference gradient (on copies, never in place)."""
    grad = np.zeros(x.size)
    for j in range(x.size):
        plus, minus = x.copy().reshape(-1), x.copy().reshape(-1)
        plus[j] += eps
        minus[j] -= eps
        grad[j] = (fn(plus.reshape(x.shape)) - fn(minus.reshape(x.shape))) / (2 * eps)
    return grad.reshape(x.shape)


def _forward_differences(fn, x: np.ndarray, eps: float) -> np.ndarray:
    base, grad = fn(x), np.zeros(x.size)
    for j in range(x.size):
        plus = x.copy().reshape(-1)
        plus[j] += eps
        grad[j] = (fn(plus.reshape(x.shape)) - base) / eps
    return grad.reshape(x.shape)


def _torch_known(t: Trial, name: str, params: dict[str, np.ndarray], x: np.ndarray):
    torch = t.torch()
    xt = t.oracle.tensor(x, grad=True)
    p = {k: t.oracle.tensor(v) for k, v in params.items()}
    if name == "quadratic":
        value = (xt * (p["A"] @ xt)).sum() + (p["b"] * xt).sum()
    elif name == "trig":
        value = (torch.sin(p["c"] * xt) * xt).sum() + torch.cos(xt).sum() ** 2
    else:
        value = torch.logsumexp((p["w"] * xt).reshape(-1), dim=0)
    value.backward()
    return t.oracle.numpy(xt.grad)


@SUITE.check("gradcheck.numerical_gradient")
def gradcheck_numerical_gradient(t: Trial) -> None:
    n, m = int(t.rng.integers(2, 5)), int(t.rng.integers(2, 4))
    cases = [("quadratic", {"A": t.rng.normal(size=(n, n)), "b": t.rng.normal(size=(n, m))},
              t.rng.normal(size=(n, m))),
             ("trig", {"c": t.rng.uniform(0.5, 2.0, size=(n,))}, t.rng.normal(size=(n,))),
             ("logsumexp", {"w": t.rng.normal(size=(2, 3, 2))}, t.rng.normal(size=(2, 3, 2)))]
    eps = 0.01  # large enough that forward differences and other steps differ visibly
    for name, params, x in cases:
        fn = _known(name, params)
        want = central_differences(fn, x, eps)
        exact = _torch_known(t, name, params, x)
        if not np.allclose(want, exact, rtol=1e-2, atol=1e-2):  # our own sanity check
            raise RuntimeError(f"central differences disagree with autograd on {name}")
        got = t.student("numerical_gradient", function=name, params=params, x=x, eps=eps)
        what = f"numerical_gradient(fn, x, eps={eps}) for the {name} function with x of " \
               f"shape {x.shape}"
        grad = got["grad"]
        expect_array(got["x_after"], x, f"{what}: x after the call", rtol=1e-12, atol=1e-14,
                     hint="numerical_gradient must restore every entry of x after perturbing it")
        if _matches(grad, _forward_differences(fn, x, eps)):
            raise CheckFailed(f"{what} matches forward differences (f(x + eps) - f(x)) / eps; "
                              "use central differences (f(x + eps) - f(x - eps)) / (2 eps)")
        if _matches(grad, 2 * want):
            raise CheckFailed(f"{what} is twice the central difference: divide by 2 eps")
        if not _matches(grad, want) and _matches_loosely(grad, exact):
            raise CheckFailed(f"{what} is close to the true gradient but is not the central "
                              f"difference with step eps = {eps}: use the eps argument")
        expect_array(grad, want, what, rtol=1e-7, atol=1e-9,
                     hint="grad[j] = (fn(x + eps e_j) - fn(x - eps e_j)) / (2 eps)")


def _matches_loosely(got: Any, want: np.ndarray) -> bool:
    try:
        arr = as_array(got, "value")
    except CheckFailed:
        return False
    return arr.shape == want.shape and bool(np.allclose(arr, want, rtol=1e-3, atol=1e-5))


def _checker_case(t: Trial, loss: str):
    """A small network, away from ReLU kinks, whose every gradient array has norm > 1e-2 (so
    that the rounding error of finite differences stays far below the 1e-6 threshold)."""
    depth = int(t.rng.integers(1, 3))
    widths = [int(v) for v in t.rng.integers(2, 5, size=depth + 2)]
    batch = int(t.rng.integers(2, 4))
    for _ in range(100):
        x, ws, bs = _live_net(t, widths, batch, margin=1e-3)
        y = (t.rng.normal(size=(widths[-1], batch)) if loss == "least_squares"
             else _labels(t, widths[-1], batch))
        _value, gw, gb = _oracle_loss(t, x, ws, bs, y, loss)
        grads = [*gw, *gb]
        if min(np.linalg.norm(g) for g in grads) > 1e-2:
            break
    fn = _trusted_loss(x, y, ws, bs, loss)
    for k, g in enumerate(grads):  # the grader's own checker vouches for the oracle
        numeric = central_differences(lambda p, k=k: fn(k, p), ([*ws, *bs])[k], 1e-6)
        if _rel_err(numeric, g) > 1e-7:
            raise RuntimeError(f"autograd and central differences disagree on parameter {k}")
    return x, y, ws, bs, grads, widths


def _trusted_loss(x, y, ws, bs, loss):
    """loss(k, p): the averaged loss with parameter k ([*ws, *bs]) replaced by p."""
    def fn(k: int, p: np.ndarray) -> float:
        params = [*ws, *bs]
        params[k] = p
        out = _np_forward(x, params[:len(ws)], params[len(ws):])[0][-1]
        if loss == "least_squares":
            return float(np.sum((out - y) ** 2) / out.shape[1])
        shifted = out - out.max(axis=0, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        return float(-np.mean(logp[np.asarray(y, dtype=int), np.arange(out.shape[1])]))
    return fn


def _run_checker(t: Trial, x, y, ws, bs, loss, grads, what):
    got = t.student("gradient_check", x=x, y=y, weights=ws, biases=bs, loss=loss, grads=grads,
                    eps=1e-6)
    errors = got["errors"]
    expect(isinstance(errors, list) and len(errors) == len(grads),
           f"{what}: gradient_check should return a list with one relative error per parameter "
           f"({len(grads)}), got {errors if not isinstance(errors, list) else len(errors)}")
    values = []
    for k, e in enumerate(errors):
        arr = as_array(e, f"{what}: error {k}")
        expect(arr.size == 1, f"{what}: error {k} should be a single number")
        values.append(float(arr.reshape(())))
    expect(got["params_unchanged"] is True, f"{what}: gradient_check left the parameters "
           "modified; restore every entry after perturbing it")
    return values


@SUITE.check("gradcheck.agrees_with_backprop")
def gradcheck_agrees(t: Trial) -> None:
    for loss in ("least_squares", "cross_entropy"):
        x, y, ws, bs, grads, widths = _checker_case(t, loss)
        what = f"gradient_check on correct {loss} gradients (widths {widths})"
        errors = _run_checker(t, x, y, ws, bs, loss, grads, what)
        worst = int(np.argmax(errors))
        expect(all(np.isfinite(errors)) and max(errors) < 1e-6,
               f"{what}: reported relative error {errors[worst]:.3g} for parameter {worst}; "
               "correct gradients should give less than 1e-6 with central differences")


@SUITE.check("gradcheck.detects_bugs")
def gradcheck_detects_bugs(t: Trial) -> None:
    x, y, ws, bs, grads, widths = _checker_case(t, "least_squares")
    nonzero = [k for k, g in enumerate(grads) if np.linalg.norm(g) > 1e-8]
    scaled, flipped = (int(k) for k in t.rng.choice(nonzero, size=2, replace=False))
    bad = [g.copy() for g in grads]
    bad[scaled] = 1.1 * bad[scaled]
    bad[flipped] = -bad[flipped]
    what = f"gradient_check with two wrong gradients (widths {widths})"
    errors = _run_checker(t, x, y, ws, bs, "least_squares", bad, what)
    for k, (g, b) in enumerate(zip(grads, bad)):
        want = _rel_err(b, g)
        if k in (scaled, flipped):
            expect(abs(errors[k] - want) <= 0.05 * want + 1e-6,
                   f"{what}: parameter {k} has a gradient that is "
                   f"{'10% too large' if k == scaled else 'of the wrong sign'}; the relative "
                   f"error should be about {want:.4g}, got {errors[k]:.4g}")
        else:
            expect(errors[k] < 1e-6, f"{what}: reported {errors[k]:.3g} for a correct gradient")
