"""Part 6: one figure per experiment (matplotlib, Agg backend, saved as PNG).

Every function draws on a NEW figure, gives every axes a title (or the figure a suptitle) and
x / y labels, adds a legend, saves the PNG at `path` and returns the Figure (do not plt.show()).
The auto-grader checks the file and these properties; the content of your figures and your
written answers are graded by hand (see the handout).
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def plot_training_curves(histories, path, title="MNIST-1D MLP"):
    """Part 2: histories is a list of train_mlp() results (one per seed). Two axes side by
    side: loss (train and test, one line each per seed) and accuracy (the same), against the
    epoch."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for i, hist in enumerate(histories):
        epochs = range(1, len(hist["train_loss"]) + 1)
        label = f"seed {i}" if len(histories) > 1 else ""
        for ax, key in ((ax_loss, "loss"), (ax_acc, "acc")):
            train_line, = ax.plot(epochs, hist[f"train_{key}"], label=f"train {label}".strip())
            ax.plot(epochs, hist[f"test_{key}"], linestyle="--", color=train_line.get_color(),
                    label=f"test {label}".strip())
    ax_loss.set(title="Loss", xlabel="epoch", ylabel="mean cross-entropy")
    ax_acc.set(title="Accuracy", xlabel="epoch", ylabel="accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend(fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig


def plot_bias_variance(sweep, path):
    """Part 3: sweep is a sweep_capacity() result. One axes: bias^2, variance, noise, their sum
    and the directly measured test error against the number of hidden units D."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    D = sweep["D"]
    ax.plot(D, sweep["bias2"], "o-", label="bias$^2$")
    ax.plot(D, sweep["variance"], "s-", label="variance")
    ax.plot(D, sweep["noise"], ":", label="noise $\\sigma_y^2$")
    ax.plot(D, sweep["total"], "k-", label="bias$^2$ + variance + noise")
    ax.plot(D, sweep["test_error"], "x--", color="tab:red", label="measured test error")
    ax.axvline(sweep["best_D"], color="gray", linewidth=0.8, label=f"best D = {sweep['best_D']}")
    ax.set(title="Bias-variance decomposition of the toy model",
           xlabel="number of hidden units D", ylabel="expected squared error")
    ax.set_yscale("log")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig


def plot_double_descent(results, n_train, path):
    """Part 4: results is a double_descent.sweep() result. Two axes: error (1 - accuracy) and
    loss, train and test, against the number of parameters (log scale), each with a dashed
    vertical line at params = n_train (the interpolation threshold)."""
    params = results["params"]
    fig, (ax_err, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    ax_err.plot(params, [1 - a for a in results["train_acc"]], "o-", label="train")
    ax_err.plot(params, [1 - a for a in results["test_acc"]], "s-", label="test")
    ax_loss.plot(params, results["train_loss"], "o-", label="train")
    ax_loss.plot(params, results["test_loss"], "s-", label="test")
    for ax, what in ((ax_err, "error (1 - accuracy)"), (ax_loss, "mean cross-entropy")):
        ax.axvline(n_train, color="gray", linestyle="--",
                   label=f"params = n_train ({n_train})")
        ax.set_xscale("log")
        ax.set(xlabel="number of parameters", ylabel=what)
        ax.legend(fontsize="small")
    ax_err.set_title("Error vs. model size")
    ax_loss.set_title("Loss vs. model size")
    fig.suptitle("Double descent on MNIST-1D (noisy training labels)")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig


def plot_validation(candidates, result, path):
    """Part 5: validation score per candidate (a line) and the chosen candidate's test score
    (a single marker)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(candidates, result["val_scores"], "o-", label="validation score")
    best = candidates[result["best_index"]]
    ax.plot([best], [result["test_score"]], "r*", markersize=14,
            label=f"test score of the chosen candidate ({best})")
    ax.set(title="Choosing on the validation set, testing once", xlabel="candidate",
           ylabel="score")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return fig
