"""A finite-difference gradient checker (central differences).

Use it on your own backprop.py before submitting: `check_backprop` below compares every analytic
gradient from backprop.loss_and_gradients with a numerical one. The grader runs your
numerical_gradient, relative_error and gradient_check on functions with known gradients and on
correct (and deliberately wrong) backprop gradients of its own.
"""

import numpy as np


def _frobenius(a):
    """Frobenius norm of an array of any shape, computed in float64."""
    v = np.asarray(a, dtype=np.float64).reshape(-1)
    return float(np.sqrt(np.dot(v, v)))


def _value_at(fn, x, index, value):
    """fn(x) with x[index] temporarily set to value (in place)."""
    x[index] = value
    return float(fn(x))


def numerical_gradient(fn, x, eps=1e-6):
    """Central-difference gradient of the scalar function fn at the array x.

    For every entry j of x (any shape), with e_j the array that is 1 at j and 0 elsewhere:
        grad[j] = (fn(x + eps * e_j) - fn(x - eps * e_j)) / (2 * eps)
    fn takes an array shaped like x and returns a number. The result is shaped like x.
    Perturb x IN PLACE, one entry at a time, and call fn(x): then a fn that reads x through a
    closure (as in gradient_check below) sees the perturbation too. x must hold its original
    values again when numerical_gradient returns.
    """
    grad = np.zeros(np.shape(x), dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readonly"])
    for _ in it:
        j = it.multi_index
        original = x[j].copy()
        try:
            plus = _value_at(fn, x, j, original + eps)
            minus = _value_at(fn, x, j, original - eps)
        finally:
            x[j] = original  # restore the exact original value, not original + eps - eps
        grad[j] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) with Frobenius norms; 0.0 when both a and b are all zeros."""
    denom = _frobenius(a) + _frobenius(b)
    if denom == 0.0:
        return 0.0
    return _frobenius(np.subtract(a, b, dtype=np.float64)) / denom


def gradient_check(fn, params, grads, eps=1e-6):
    """Compare analytic gradients with central differences, one parameter array at a time.

    fn: a function of NO arguments returning the loss for the current values of `params`.
    params: a list of arrays that fn reads (perturb them in place, then restore them).
    grads: the analytic gradients, a list shaped like params.
    Returns a list with relative_error(grads[k], numerical gradient of params[k]) for each k.
    """
    return [relative_error(grad, numerical_gradient(lambda _p: fn(), param, eps))
            for param, grad in zip(params, grads)]


def check_backprop(x, y, weights, biases, loss="least_squares", eps=1e-6):
    """Relative errors of backprop.loss_and_gradients for [Omega_0..Omega_K, beta_0..beta_K].

    Small values (below about 1e-6) mean your backward pass agrees with finite differences.
    Keep pre-activations away from 0 when you test (ReLU has a kink there).
    """
    import backprop

    params = [np.array(p, dtype=float) for p in (*weights, *biases)]
    n = len(weights)

    def fn():
        out, _cache = backprop.forward(x, params[:n], params[n:])
        return backprop.LOSSES[loss][0](out, y)

    _value, dws, dbs = backprop.loss_and_gradients(x, y, params[:n], params[n:], loss)
    return gradient_check(fn, params, [*dws, *dbs], eps)
