"""Part 3: noise, bias and variance of a toy regression model (numpy only).

The notes' toy problem: the true function mu(x) = exp(sin(2 pi x)) on [0, 1]; a training set of
N points, ONE PER STRIP: x_i ~ U(i/N, (i+1)/N), i = 0..N-1, and y_i = mu(x_i) + eps_i with
eps_i ~ N(0, sigma_y^2).

The toy model has D hidden ReLU units whose first layer is FIXED so that the joints sit at
0, 1/D, ..., (D-1)/D: h_j(x) = max(0, x - j/D), j = 0..D-1. Only the second layer (weights
phi_1..phi_D and the output bias phi_0) is fitted: f(x) = phi_0 + sum_j phi_j h_j(x), linear in
phi, so least squares has a closed-form solution (np.linalg.lstsq). The model is piecewise
linear with D regions on [0, 1].

With many training sets D drawn from the same distribution and f_mu(x) = E_D[f(x; phi[D])]
the mean model, the expected test error at x decomposes (least squares):

    E_D E_y[(f(x; phi[D]) - y)^2] = E_D[(f(x; phi[D]) - f_mu(x))^2]   variance
                                  + (f_mu(x) - mu(x))^2                bias^2
                                  + sigma_y^2                          noise

Every quantity below is averaged over an evaluation grid of n_grid points np.linspace(0, 1,
n_grid). Variance is measured around the MEAN MODEL f_mu (not around the true function) and
with ddof = 0 (np.mean over the datasets).

    python bias_variance.py [--datasets 100] [--seed 0] [--out bias_variance.png]
"""

import argparse

import numpy as np


def true_function(x):
    """mu(x) = exp(sin(2 pi x))."""
    return np.exp(np.sin(2.0 * np.pi * np.asarray(x, dtype=float)))


def sample_toy_data(n, sigma_y, rng):
    """(x, y), each of shape (n,): one x per strip, x_i ~ U(i/n, (i+1)/n), in order of i, and
    y = true_function(x) + N(0, sigma_y^2). Draw the n uniforms first, then the n noises."""
    i = np.arange(n)
    x = rng.uniform(i / n, (i + 1) / n)
    y = true_function(x) + rng.normal(0.0, sigma_y, size=n)
    return x, y


def toy_features(x, D):
    """The fixed first layer: an (len(x), D) array with column j = max(0, x - j/D)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    joints = np.arange(D) / D
    return np.maximum(0.0, x[:, None] - joints[None, :])


def fit_toy_model(x, y, D):
    """The least-squares second layer: phi of shape (D + 1,), phi[0] the output bias and
    phi[1:] the weights of h_1..h_D, minimizing sum_i (f(x_i) - y_i)^2 (closed form)."""
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    A = _design_matrix(x, D)
    # minimum-norm least squares through the pseudo-inverse (same cutoff as np.linalg.lstsq,
    # so rank-deficient designs, e.g. an empty region, give lstsq's solution)
    rcond = np.finfo(float).eps * max(A.shape)
    return np.linalg.pinv(A, rcond=rcond) @ y


def _design_matrix(x, D):
    """[1, h_1(x), ..., h_D(x)]: a column of ones for the bias, then the fixed features."""
    return np.hstack([np.ones((len(x), 1)), toy_features(x, D)])


def predict_toy_model(phi, x, D):
    """f(x) = phi[0] + toy_features(x, D) @ phi[1:], shape (len(x),)."""
    phi = np.asarray(phi, dtype=float)
    return phi[0] + toy_features(x, D) @ phi[1:]


def decompose(predictions, f_true, sigma_y):
    """Noise, bias^2 and variance from the predictions of models fitted on many datasets.

    predictions: (n_datasets, n_grid), row k = the model fitted on dataset k, on the grid;
    f_true: (n_grid,) the true function on the grid. Returns a dict of floats:
    "noise" = sigma_y^2, "bias2" = grid mean of (f_mu - mu)^2, "variance" = grid mean of the
    mean over datasets of (f - f_mu)^2, "total" = noise + bias2 + variance.
    """
    predictions = np.asarray(predictions, dtype=float)
    f_true = np.asarray(f_true, dtype=float)
    f_mu = predictions.mean(axis=0)
    bias2 = float(np.mean((f_mu - f_true) ** 2))
    variance = float(np.mean((predictions - f_mu[None, :]) ** 2))
    noise = float(sigma_y ** 2)
    return {"noise": noise, "bias2": bias2, "variance": variance,
            "total": noise + bias2 + variance}


def simulate(D, n_train=15, sigma_y=0.3, n_datasets=100, n_grid=100, seed=0, n_test_draws=10):
    """Refit the toy model on n_datasets resampled training sets and measure the error.

    With rng = np.random.default_rng(seed): draw n_datasets training sets with
    sample_toy_data(n_train, sigma_y, rng), fit each and predict on the grid; then draw fresh
    test targets y = mu(x_grid) + N(0, sigma_y^2), n_test_draws independent draws per dataset
    and grid point (an array of shape (n_datasets, n_test_draws, n_grid)), and measure the
    expected test error directly as the mean of (f - y)^2 over all of them.
    Returns decompose(...)'s dict plus "test_error" (the direct estimate) and "predictions".
    """
    rng = np.random.default_rng(seed)
    x_grid = np.linspace(0, 1, n_grid)
    mu_grid = true_function(x_grid)
    predictions = np.empty((n_datasets, n_grid))
    for k in range(n_datasets):
        x, y = sample_toy_data(n_train, sigma_y, rng)
        phi = fit_toy_model(x, y, D)
        predictions[k] = predict_toy_model(phi, x_grid, D)
    y_test = mu_grid + rng.normal(0.0, sigma_y, size=(n_datasets, n_test_draws, n_grid))
    test_error = float(np.mean((predictions[:, None, :] - y_test) ** 2))
    out = decompose(predictions, mu_grid, sigma_y)
    out["test_error"] = test_error
    out["predictions"] = predictions
    return out


def sweep_capacity(Ds, n_train=15, sigma_y=0.3, n_datasets=100, n_grid=100, seed=0):
    """simulate(D, ...) for every D in Ds (same seed for every D). Returns a dict of arrays
    "D", "noise", "bias2", "variance", "total", "test_error" (one entry per D) and "best_D",
    the D with the smallest total = noise + bias2 + variance."""
    keys = ("noise", "bias2", "variance", "total", "test_error")
    rows = {key: [] for key in keys}
    for D in Ds:
        res = simulate(D, n_train=n_train, sigma_y=sigma_y, n_datasets=n_datasets,
                       n_grid=n_grid, seed=seed)
        for key in keys:
            rows[key].append(res[key])
    out = {"D": np.asarray(list(Ds))}
    for key in keys:
        out[key] = np.asarray(rows[key], dtype=float)
    out["best_D"] = int(out["D"][np.argmin(out["total"])])
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="bias_variance.png")
    args = parser.parse_args(argv)
    Ds = list(range(1, 13))
    for n_train in (15, 30):
        res = sweep_capacity(Ds, n_train=n_train, n_datasets=args.datasets, seed=args.seed)
        print(f"N = {n_train}: best D = {res['best_D']}")
        print("   D   bias^2  variance   noise   sum     test error")
        for i, D in enumerate(Ds):
            print(f"  {D:2d}  {res['bias2'][i]:.4f}  {res['variance'][i]:.4f}   "
                  f"{res['noise'][i]:.3f}  {res['total'][i]:.4f}  {res['test_error'][i]:.4f}")
        if n_train == 15:
            first = res
    from plots import plot_bias_variance

    plot_bias_variance(first, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
