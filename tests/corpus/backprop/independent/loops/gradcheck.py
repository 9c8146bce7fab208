"""A finite-difference gradient checker (central differences).

Use it on your own backprop.py before submitting: `check_backprop` below compares every analytic
gradient from backprop.loss_and_gradients with a numerical one. The grader runs your
numerical_gradient, relative_error and gradient_check on functions with known gradients and on
correct (and deliberately wrong) backprop gradients of its own.
"""

import numpy as np


def numerical_gradient(fn, x, eps=1e-6):
    """Central-difference gradient of the scalar function fn at the array x.

    For every entry j of x (any shape), with e_j the array that is 1 at j and 0 elsewhere:
        grad[j] = (fn(x + eps * e_j) - fn(x - eps * e_j)) / (2 * eps)
    fn takes an array shaped like x and returns a number. The result is shaped like x.
    Perturb x IN PLACE, one entry at a time, and call fn(x): then a fn that reads x through a
    closure (as in gradient_check below) sees the perturbation too. x must hold its original
    values again when numerical_gradient returns.
    """
    grad = np.zeros(x.shape)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + eps
        loss_plus = float(fn(x))
        x[index] = original - eps
        loss_minus = float(fn(x))
        x[index] = original
        grad[index] = (loss_plus - loss_minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """||a - b|| / (||a|| + ||b||) with Frobenius norms; 0.0 when both a and b are all zeros."""
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    denominator = np.linalg.norm(a) + np.linalg.norm(b)
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(a - b) / denominator)


def gradient_check(fn, params, grads, eps=1e-6):
    """Compare analytic gradients with central differences, one parameter array at a time.

    fn: a function of NO arguments returning the loss for the current values of `params`.
    params: a list of arrays that fn reads (perturb them in place, then restore them).
    grads: the analytic gradients, a list shaped like params.
    Returns a list with relative_error(grads[k], numerical gradient of params[k]) for each k.
    """
    errors = []
    for param, grad in zip(params, grads):
        numeric = numerical_gradient(lambda _p: fn(), param, eps=eps)
        errors.append(relative_error(grad, numeric))
    return errors


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
