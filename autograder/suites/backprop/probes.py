"""Backprop probes: run INSIDE the sandbox, next to the student's backprop.py and gradcheck.py.

Each probe calls the student's functions on the inputs the grader sent and returns raw outputs
(plus copies taken before and after, so the grader can see in-place modifications). No expected
values live here. Where a unit must be isolated, the probe supplies the other parts itself:
`backward` gets a cache built here (the documented {"f": [...], "h": [...]} layout), and the
gradient checker is run on a loss computed here.
"""

import importlib

import numpy as np


def _m(name):
    return importlib.import_module(name)


def _a(value):
    """A student value as a plain array if it is array-like; otherwise passed through as is."""
    if isinstance(value, np.ndarray):
        return np.asarray(value).view(np.ndarray)
    if isinstance(value, (int, float, np.floating, np.integer)):
        return np.asarray(value, dtype=float)
    return value


def _list(values):
    if isinstance(values, (list, tuple)):
        return [_a(v) for v in values]
    return _a(values)


def _copies(arrays):
    return [np.array(a, dtype=float, copy=True) for a in arrays]


def _cache(x, weights, biases):
    """The documented cache, computed here: f = [f_0..f_K], h = [x, h_1..h_K]."""
    fs, hs = [], [x]
    for k, (omega, beta) in enumerate(zip(weights, biases)):
        if k > 0:
            hs.append(np.maximum(fs[-1], 0.0))
        fs.append(beta + omega @ hs[-1])
    return {"f": fs, "h": hs}


def _same(before, after):
    return all(np.array_equal(a, np.asarray(b)) for a, b in zip(before, after))


# -- forward (relu, the losses, softmax and relative_error need no probe: t.call) ---------------
def forward(x, weights, biases):
    x_before = x.copy()
    out, cache = _m("backprop").forward(x, weights, biases)
    return {"out": _a(out), "f": _list(cache["f"]), "h": _list(cache["h"]),
            "x_unchanged": bool(np.array_equal(x_before, x))}


def cache_lifetime(x, weights, biases, upstream):
    """The student's cache right after forward(), and again after backward() used it."""
    bp = _m("backprop")
    _out, cache = bp.forward(x, weights, biases)
    f_fwd, h_fwd = _copies(cache["f"]), _copies(cache["h"])
    try:
        bp.backward(upstream, weights, cache)
    except Exception:  # noqa: BLE001 - backward's own checks report its errors
        return {"f_forward": f_fwd, "h_forward": h_fwd, "backward_ran": False}
    return {"f_forward": f_fwd, "h_forward": h_fwd, "backward_ran": True,
            "f_backward": _list(cache["f"]), "h_backward": _list(cache["h"])}


# -- backward -------------------------------------------------------------------------------
def backward(upstream, x, weights, biases):
    """The student's backward() on a cache built here (the documented layout)."""
    cache = _cache(x, weights, biases)
    f_before, h_before = _copies(cache["f"]), _copies(cache["h"])
    up_before = upstream.copy()
    dws, dbs = _m("backprop").backward(upstream, weights, cache)
    return {"w": _list(dws), "b": _list(dbs),
            "inputs_unchanged": bool(_same(f_before, cache["f"]) and _same(h_before, cache["h"])
                                     and np.array_equal(up_before, upstream))}


def loss_and_gradients(x, y, weights, biases, loss):
    value, dws, dbs = _m("backprop").loss_and_gradients(x, y, weights, biases, loss)
    return {"value": _a(value), "w": _list(dws), "b": _list(dbs)}


# -- the gradient checker -----------------------------------------------------------------------
def _known_function(name, params):
    """Scalar test functions of an array x; the grader knows their gradients."""
    if name == "quadratic":      # sum(x * (A @ x)) + sum(b * x)
        a, b = params["A"], params["b"]
        return lambda x: float(np.sum(x * (a @ x)) + np.sum(b * x))
    if name == "trig":           # sum(sin(c * x) * x) + sum(cos(x))**2
        c = params["c"]
        return lambda x: float(np.sum(np.sin(c * x) * x) + np.sum(np.cos(x)) ** 2)
    if name == "logsumexp":      # log(sum(exp(w * x)))
        w = params["w"]
        return lambda x: float(np.log(np.sum(np.exp(w * x))))
    raise ValueError(name)


def numerical_gradient(function, params, x, eps):
    calls = [0]
    fn = _known_function(function, params)

    def counted(v):
        calls[0] += 1
        return fn(v)

    before = x.copy()
    grad = _m("gradcheck").numerical_gradient(counted, x, eps)
    return {"grad": _a(grad), "x_after": _a(x), "x_unchanged": bool(np.array_equal(before, x)),
            "calls": calls[0]}


def gradient_check(x, y, weights, biases, loss, grads, eps):
    """The student's gradient_check on a loss computed here, with the grader's gradients."""
    n = len(weights)
    params = [np.array(p, dtype=float) for p in (*weights, *biases)]

    def fn():
        out = _cache(x, params[:n], params[n:])["f"][-1]
        if loss == "least_squares":
            return float(np.sum((out - y) ** 2) / out.shape[1])
        shifted = out - out.max(axis=0, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))
        return float(-np.mean(logp[np.asarray(y, dtype=int), np.arange(out.shape[1])]))

    before = _copies(params)
    errors = _m("gradcheck").gradient_check(fn, params, list(grads), eps)
    return {"errors": _list(list(errors)) if isinstance(errors, (list, tuple)) else _a(errors),
            "params_unchanged": bool(_same(before, params))}
