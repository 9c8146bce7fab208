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
    std = np.sqrt(sigma2)
    in_sizes = [d_in] + [width] * n_hidden
    out_sizes = [width] * n_hidden + [d_out]
    weights, biases = [], []
    for k in range(n_hidden + 1):
        weights.append(rng.normal(loc=0.0, scale=std, size=(out_sizes[k], in_sizes[k])))
        biases.append(np.zeros((out_sizes[k], 1)))
    return weights, biases


def forward(x, weights, biases):
    """(f_K, fs, hs) with fs = [f_0, ..., f_K] and hs = [h_0 = x, h_1, ..., h_K]."""
    fs = []
    hs = [x]
    h = x
    for k in range(len(weights)):
        if k > 0:
            h = np.maximum(fs[k - 1], 0.0)  # h_k = ReLU(f_{k-1})
            hs.append(h)
        f = biases[k] + weights[k] @ h      # f_k = beta_k + Omega_k h_k
        fs.append(f)
    return fs[-1], fs, hs


def hidden_gradients(dl_dout, weights, fs):
    """[dl/dh_1, ..., dl/dh_K] given dl/df_K (one column per example), by backpropagation:
    dl/dh_k = Omega_k^T dl/df_k and dl/df_{k-1} = I[f_{k-1} > 0] * dl/dh_k."""
    K = len(weights) - 1
    dl_df = dl_dout                           # dl/df_K
    grads = [None] * K                        # grads[k - 1] = dl/dh_k
    for k in range(K, 0, -1):
        dl_dh = weights[k].T @ dl_df          # dl/dh_k = Omega_k^T dl/df_k
        grads[k - 1] = dl_dh
        dl_df = (fs[k - 1] > 0) * dl_dh       # dl/df_{k-1} = I[f_{k-1} > 0] * dl/dh_k
    return grads


def layer_variances(x, weights, biases):
    """Per hidden layer k = 1..K: {"forward": var(h_k), "backward": var(dl_i/dh_k)}.

    Both are arrays of length K = len(weights) - 1. The loss of example i is
    l_i = (f_K[:, i] - 0)^2 summed over outputs (target y = 0), NOT averaged over the batch,
    so that every column of dl/dh_k is the gradient of one example's loss: dl/df_K = 2 f_K.
    """
    f_out, fs, hs = forward(x, weights, biases)
    dl_dout = 2.0 * f_out                     # l_i = sum over outputs of (f_K,i - 0)^2
    grads = hidden_gradients(dl_dout, weights, fs)
    K = len(weights) - 1
    forward_var = np.zeros(K)
    backward_var = np.zeros(K)
    for k in range(1, K + 1):
        forward_var[k - 1] = np.var(hs[k])
        backward_var[k - 1] = np.var(grads[k - 1])
    return {"forward": forward_var, "backward": backward_var}


def run_experiment(sigma2, n_hidden=50, width=100, d_in=100, n_examples=1000, seed=0):
    """One sigma^2 of the notes' experiment: layer_variances of a fresh network and input.

    rng = np.random.default_rng(seed); draw the network with init_network(..., d_out=1, rng)
    first, then x ~ N(0, 1) of shape (d_in, n_examples) from the same rng.
    """
    rng = np.random.default_rng(seed)
    weights, biases = init_network(n_hidden, width, d_in, 1, sigma2, rng)
    x = rng.standard_normal((d_in, n_examples))
    return layer_variances(x, weights, biases)


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
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    n_examples = x.shape[1]
    weights = [np.full((d_out, d_in), float(value)) for d_in, d_out in zip(widths[:-1], widths[1:])]
    biases = [np.zeros((d_out, 1)) for d_out in widths[1:]]
    f_out, fs, hs = forward(x, weights, biases)
    dL_df = 2.0 * (f_out - y) / n_examples    # dL/df_K for L = (1/I) sum (f_K - y)^2
    K = len(weights) - 1
    grads = [None] * (K + 1)
    for k in range(K, -1, -1):
        grads[k] = dL_df @ hs[k].T            # dL/dOmega_k = dL/df_k h_k^T
        if k > 0:
            dL_dh = weights[k].T @ dL_df
            dL_df = (fs[k - 1] > 0) * dL_dh
    return grads


def plot_variances(results, path):
    """Plot the sweep on a log scale and save it as a PNG at `path`; return the Figure.

    results: {sigma2: {"forward": array, "backward": array}} as returned by sweep().
    Two axes side by side: forward (activation variance per layer) and backward (gradient
    variance per layer); one line per sigma^2 with a legend; y axis on a log scale; every axis
    has a title and x/y labels, and the figure has an overall title.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 4.5))
    ax_fwd, ax_bwd = fig.subplots(1, 2)
    for sigma2, res in results.items():
        layers = np.arange(1, len(res["forward"]) + 1)
        ax_fwd.plot(layers, res["forward"], marker=".", label=rf"$\sigma^2$ = {sigma2:g}")
        ax_bwd.plot(layers, res["backward"], marker=".", label=rf"$\sigma^2$ = {sigma2:g}")
    ax_fwd.set_title("Forward: activation variance")
    ax_fwd.set_ylabel("variance of $h_k$")
    ax_bwd.set_title("Backward: gradient variance")
    ax_bwd.set_ylabel(r"variance of $\partial l_i / \partial h_k$")
    for ax in (ax_fwd, ax_bwd):
        ax.set_yscale("log")
        ax.set_xlabel("hidden layer $k$")
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(title="weight variance")
    fig.suptitle(r"ReLU network at initialization: weights ~ N(0, $\sigma^2$), biases 0")
    fig.tight_layout()
    fig.savefig(path, format="png")
    return fig


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
