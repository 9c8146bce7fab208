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
    for k, hist in enumerate(histories):
        epochs = range(1, len(hist["train_loss"]) + 1)
        tag = f" (run {k})" if len(histories) > 1 else ""
        ax_loss.plot(epochs, hist["train_loss"], color="C0", alpha=0.8, label="train" + tag)
        ax_loss.plot(epochs, hist["test_loss"], color="C1", alpha=0.8, label="test" + tag)
        ax_acc.plot(epochs, hist["train_acc"], color="C0", alpha=0.8, label="train" + tag)
        ax_acc.plot(epochs, hist["test_acc"], color="C1", alpha=0.8, label="test" + tag)
    ax_loss.set_title("Loss")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean cross-entropy")
    ax_acc.set_title("Accuracy")
    ax_acc.set_xlabel("epoch")
    ax_acc.set_ylabel("accuracy")
    for ax in (ax_loss, ax_acc):
        ax.legend(fontsize="small")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return fig


def plot_bias_variance(sweep, path):
    """Part 3: sweep is a sweep_capacity() result. One axes: bias^2, variance, noise, their sum
    and the directly measured test error against the number of hidden units D."""
    fig, ax = plt.subplots(figsize=(6, 4))
    D = sweep["D"]
    ax.plot(D, sweep["bias2"], "o-", label="bias$^2$")
    ax.plot(D, sweep["variance"], "o-", label="variance")
    ax.plot(D, sweep["noise"], "--", label="noise")
    ax.plot(D, sweep["total"], "o-", label="bias$^2$ + variance + noise")
    ax.plot(D, sweep["test_error"], "x:", label="test error (measured)")
    ax.set_title(f"Bias-variance trade-off (best D = {sweep['best_D']})")
    ax.set_xlabel("hidden units D")
    ax.set_ylabel("squared error")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return fig


def plot_double_descent(results, n_train, path):
    """Part 4: results is a double_descent.sweep() result. Two axes: error (1 - accuracy) and
    loss, train and test, against the number of parameters (log scale), each with a dashed
    vertical line at params = n_train (the interpolation threshold)."""
    fig, (ax_err, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    params = results["params"]
    train_err = [1.0 - a for a in results["train_acc"]]
    test_err = [1.0 - a for a in results["test_acc"]]
    ax_err.plot(params, train_err, "o-", label="train")
    ax_err.plot(params, test_err, "o-", label="test")
    ax_loss.plot(params, results["train_loss"], "o-", label="train")
    ax_loss.plot(params, results["test_loss"], "o-", label="test")
    for ax, name in ((ax_err, "error (1 - accuracy)"), (ax_loss, "mean cross-entropy")):
        ax.axvline(n_train, color="k", linestyle="--", label=f"params = n_train ({n_train})")
        ax.set_xscale("log")
        ax.set_xlabel("number of parameters")
        ax.set_ylabel(name)
        ax.legend(fontsize="small")
    ax_err.set_title("Error")
    ax_loss.set_title("Loss")
    fig.suptitle("Double descent on MNIST-1D (noisy training labels)")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return fig


def plot_validation(candidates, result, path):
    """Part 5: validation score per candidate (a line) and the chosen candidate's test score
    (a single marker)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    positions = list(range(len(candidates)))
    ax.plot(positions, result["val_scores"], "o-", label="validation score")
    best = result["best_index"]
    ax.plot([positions[best]], [result["test_score"]], "r*", markersize=12,
            label=f"test score of the chosen candidate ({candidates[best]})")
    ax.set_xticks(positions)
    ax.set_xticklabels([str(c) for c in candidates])
    ax.set_title("Choosing on validation, testing once")
    ax.set_xlabel("candidate")
    ax.set_ylabel("score (higher is better)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return fig
