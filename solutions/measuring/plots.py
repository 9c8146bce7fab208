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
    ### BEGIN SOLUTION
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for i, hist in enumerate(histories):
        epochs = range(1, len(hist["train_loss"]) + 1)
        for ax, key in ((ax_loss, "loss"), (ax_acc, "acc")):
            ax.plot(epochs, hist[f"train_{key}"], color=f"C{i}", label=f"train (run {i})")
            ax.plot(epochs, hist[f"test_{key}"], color=f"C{i}", linestyle="--",
                    label=f"test (run {i})")
    for ax, name in ((ax_loss, "cross-entropy loss"), (ax_acc, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name}: train vs test")
        ax.legend(fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path)
    return fig
    ### END SOLUTION


def plot_bias_variance(sweep, path):
    """Part 3: sweep is a sweep_capacity() result. One axes: bias^2, variance, noise, their sum
    and the directly measured test error against the number of hidden units D."""
    ### BEGIN SOLUTION
    fig, ax = plt.subplots(figsize=(6, 4))
    D = sweep["D"]
    ax.plot(D, sweep["bias2"], "o-", label="bias$^2$")
    ax.plot(D, sweep["variance"], "s-", label="variance")
    ax.plot(D, sweep["noise"], ":", label="noise $\\sigma_y^2$")
    ax.plot(D, sweep["total"], "k-", label="bias$^2$ + variance + noise")
    ax.plot(D, sweep["test_error"], "kx", label="test error (measured)")
    ax.set_xlabel("hidden units D")
    ax.set_ylabel("mean squared error")
    ax.set_yscale("log")
    ax.set_title(f"bias-variance trade-off (best D = {sweep['best_D']})")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    return fig
    ### END SOLUTION


def plot_double_descent(results, n_train, path):
    """Part 4: results is a double_descent.sweep() result. Two axes: error (1 - accuracy) and
    loss, train and test, against the number of parameters (log scale), each with a dashed
    vertical line at params = n_train (the interpolation threshold)."""
    ### BEGIN SOLUTION
    fig, (ax_err, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    params = results["params"]
    ax_err.plot(params, [1 - a for a in results["train_acc"]], "o-", label="train")
    ax_err.plot(params, [1 - a for a in results["test_acc"]], "s-", label="test")
    ax_loss.plot(params, results["train_loss"], "o-", label="train")
    ax_loss.plot(params, results["test_loss"], "s-", label="test")
    for ax, name in ((ax_err, "error (1 - accuracy)"), (ax_loss, "cross-entropy loss")):
        ax.axvline(n_train, color="gray", linestyle="--",
                   label=f"params = training examples ({n_train})")
        ax.set_xscale("log")
        ax.set_xlabel("number of parameters")
        ax.set_ylabel(name)
        ax.set_title(f"double descent: {name}")
        ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    return fig
    ### END SOLUTION


def plot_validation(candidates, result, path):
    """Part 5: validation score per candidate (a line) and the chosen candidate's test score
    (a single marker)."""
    ### BEGIN SOLUTION
    fig, ax = plt.subplots(figsize=(6, 4))
    positions = list(range(len(candidates)))
    ax.plot(positions, result["val_scores"], "o-", label="validation")
    ax.plot([result["best_index"]], [result["test_score"]], "r*", markersize=12,
            label="test (chosen model, measured once)")
    ax.set_xticks(positions, [str(c) for c in candidates])
    ax.set_xlabel("candidate")
    ax.set_ylabel("score")
    ax.set_title("choosing a hyperparameter on the validation set")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    return fig
    ### END SOLUTION
