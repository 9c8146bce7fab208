"""The notes' initialization experiment (lecture 08, Figure 7.4), and zero-init symmetry.

A ReLU network with n_hidden = 50 hidden layers of D_h = 100 units, a 100-dimensional input
drawn from a standard normal, one output with target y = 0, least-squares loss, zero biases and
weights drawn from N(0, sigma^2) for sigma^2 in {0.001, 0.01, 0.02, 0.1, 1.0}. For each sigma^2
we measure, per hidden layer k = 1..n_hidden,
  forward:  the variance of the activations h_k = ReLU(f_{k-1}),
  backward: the variance of the gradients dl_i/dh_k of the per-example loss l_i = (f_K,i - y_i)^2,
and plot both on a log scale. sigma^2 = 2 / D_h = 0.02 (He) keeps both roughly constant.

Run: python experiment.py --out figure.png

Conventions (as in the backprop assignment): examples are COLUMNS (x is (D_i, I)),
weights[k] = Omega_k has shape (D_{k+1}, D_k), biases[k] = beta_k has shape (D_{k+1}, 1),
f_0 = beta_0 + Omega_0 x, h_k = ReLU(f_{k-1}), f_k = beta_k + Omega_k h_k, output f_K.
"Variance" of a layer = np.var over all its entries (units and examples together, ddof = 0).
"""

import argparse
import sys
import time

import numpy as np

SIGMA2S = (0.001, 0.01, 0.02, 0.1, 1.0)


def init_network(n_hidden, width, d_in, d_out, sigma2, rng):
    """Weights ~ N(0, sigma2) (variance sigma2), biases 0: lists of n_hidden + 1 arrays.

    Omega_0 is (width, d_in), Omega_1..Omega_{n_hidden-1} are (width, width) and
    Omega_{n_hidden} is (d_out, width). Draw them in that order from rng.
    """
    ### BEGIN SOLUTION
    sizes = [d_in] + [width] * n_hidden + [d_out]
    std = np.sqrt(sigma2)
    weights = [rng.normal(0.0, std, size=(b, a)) for a, b in zip(sizes, sizes[1:])]
    biases = [np.zeros((b, 1)) for b in sizes[1:]]
    return weights, biases
    ### END SOLUTION


def forward(x, weights, biases):
    """(f_K, fs, hs) with fs = [f_0, ..., f_K] and hs = [h_0 = x, h_1, ..., h_K]."""
    ### BEGIN SOLUTION
    fs, hs = [], [x]
    for k, (omega, beta) in enumerate(zip(weights, biases)):
        if k > 0:
            hs.append(np.maximum(fs[-1], 0.0))
        fs.append(beta + omega @ hs[-1])
    return fs[-1], fs, hs
    ### END SOLUTION


def hidden_gradients(dl_dout, weights, fs):
    """[dl/dh_1, ..., dl/dh_K] given dl/df_K (one column per example), by backpropagation:
    dl/dh_k = Omega_k^T dl/df_k and dl/df_{k-1} = I[f_{k-1} > 0] * dl/dh_k."""
    ### BEGIN SOLUTION
    grads = []
    dl_df = dl_dout
    for k in range(len(weights) - 1, 0, -1):
        dl_dh = weights[k].T @ dl_df
        grads.append(dl_dh)
        dl_df = (fs[k - 1] > 0) * dl_dh
    return grads[::-1]
    ### END SOLUTION


def layer_variances(x, weights, biases):
    """Per hidden layer k = 1..K: {"forward": var(h_k), "backward": var(dl_i/dh_k)}.

    Both are arrays of length K = len(weights) - 1. The loss of example i is
    l_i = (f_K[:, i] - 0)^2 summed over outputs (target y = 0), NOT averaged over the batch,
    so that every column of dl/dh_k is the gradient of one example's loss: dl/df_K = 2 f_K.
    """
    ### BEGIN SOLUTION
    out, fs, hs = forward(x, weights, biases)
    grads = hidden_gradients(2.0 * out, weights, fs)
    return {"forward": np.array([np.var(h) for h in hs[1:]]),
            "backward": np.array([np.var(g) for g in grads])}
    ### END SOLUTION


def run_experiment(sigma2, n_hidden=50, width=100, d_in=100, n_examples=1000, seed=0):
    """One sigma^2 of the notes' experiment: layer_variances of a fresh network and input.

    rng = np.random.default_rng(seed); draw the network with init_network(..., d_out=1, rng)
    first, then x ~ N(0, 1) of shape (d_in, n_examples) from the same rng.
    """
    ### BEGIN SOLUTION
    rng = np.random.default_rng(seed)
    weights, biases = init_network(n_hidden, width, d_in, 1, sigma2, rng)
    x = rng.normal(size=(d_in, n_examples))
    return layer_variances(x, weights, biases)
    ### END SOLUTION


def sweep(sigma2s=SIGMA2S, **kwargs):
    """{sigma2: run_experiment(sigma2, **kwargs)} for every sigma2."""
    return {s: run_experiment(s, **kwargs) for s in sigma2s}


def symmetric_gradients(x, y, widths, value=0.0):
    """The notes' zero-initialization argument, made concrete.

    Build a ReLU network with the given widths [D_i, D_1, ..., D_o] whose weights are ALL equal
    to `value` (value = 0.0 is zero initialization) and whose biases are 0, and return
    [dL/dOmega_0, ..., dL/dOmega_K] for the least-squares loss averaged over the batch,
    L = (1/I) * sum (f_K - y)^2. Every unit of a hidden layer computes the same function, so
    the rows of each dL/dOmega_k (one row per unit of layer k + 1) come out identical: the
    units get identical updates and never become different.
    """
    ### BEGIN SOLUTION
    weights = [np.full((b, a), float(value)) for a, b in zip(widths, widths[1:])]
    biases = [np.zeros((b, 1)) for b in widths[1:]]
    out, fs, hs = forward(x, weights, biases)
    dl_df = 2.0 * (out - y) / x.shape[1]
    grads = [None] * len(weights)
    for k in range(len(weights) - 1, -1, -1):
        grads[k] = dl_df @ hs[k].T
        if k > 0:
            dl_df = (fs[k - 1] > 0) * (weights[k].T @ dl_df)
    return grads
    ### END SOLUTION


def plot_variances(results, path):
    """Plot the sweep on a log scale and save it as a PNG at `path`; return the Figure.

    results: {sigma2: {"forward": array, "backward": array}} as returned by sweep().
    Two axes side by side: forward (activation variance per layer) and backward (gradient
    variance per layer); one line per sigma^2 with a legend; y axis on a log scale; every axis
    has a title and x/y labels, and the figure has an overall title.
    """
    ### BEGIN SOLUTION
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4.5))
    for sigma2, res in sorted(results.items()):
        for ax, key in zip(axes, ("forward", "backward")):
            values = np.asarray(res[key])
            ax.plot(np.arange(1, len(values) + 1), values, label=f"$\\sigma^2_\\Omega$ = {sigma2:g}")
    for ax, title, ylabel in ((axes[0], "Forward pass: activations", "variance of h_k"),
                              (axes[1], "Backward pass: gradients", "variance of dl/dh_k")):
        ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("hidden layer k")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
    fig.suptitle("Initialization: variance per hidden layer of a ReLU network with weights "
                 "drawn from $N(0, \\sigma^2_\\Omega)$ and zero biases")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return fig
    ### END SOLUTION


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="figure.png", help="where to save the PNG")
    parser.add_argument("--layers", type=int, default=50, help="number of hidden layers")
    parser.add_argument("--width", type=int, default=100, help="units per hidden layer, D_h")
    parser.add_argument("--examples", type=int, default=1000, help="inputs per sigma^2")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    results = sweep(n_hidden=args.layers, width=args.width, d_in=args.width,
                    n_examples=args.examples, seed=args.seed)
    seconds = time.perf_counter() - start
    print(f"{'sigma^2':>8} {'log10 var h_1':>14} {'log10 var h_K':>14} "
          f"{'log10 var dl/dh_1':>18} {'log10 var dl/dh_K':>18}")
    for sigma2, res in results.items():
        fwd, bwd = np.log10(res["forward"]), np.log10(res["backward"])
        print(f"{sigma2:>8g} {fwd[0]:>14.2f} {fwd[-1]:>14.2f} {bwd[0]:>18.2f} {bwd[-1]:>18.2f}")
    print(f"({args.layers} layers x {args.width} units, {args.examples} inputs, "
          f"{seconds:.2f} s for the sweep)")
    plot_variances(results, args.out)
    print(f"figure saved to {args.out}")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
