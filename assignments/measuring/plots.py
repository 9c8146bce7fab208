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
    # YOUR CODE HERE
    raise NotImplementedError("plot_training_curves: your code here")


def plot_bias_variance(sweep, path):
    """Part 3: sweep is a sweep_capacity() result. One axes: bias^2, variance, noise, their sum
    and the directly measured test error against the number of hidden units D."""
    # YOUR CODE HERE
    raise NotImplementedError("plot_bias_variance: your code here")


def plot_double_descent(results, n_train, path):
    """Part 4: results is a double_descent.sweep() result. Two axes: error (1 - accuracy) and
    loss, train and test, against the number of parameters (log scale), each with a dashed
    vertical line at params = n_train (the interpolation threshold)."""
    # YOUR CODE HERE
    raise NotImplementedError("plot_double_descent: your code here")


def plot_validation(candidates, result, path):
    """Part 5: validation score per candidate (a line) and the chosen candidate's test score
    (a single marker)."""
    # YOUR CODE HERE
    raise NotImplementedError("plot_validation: your code here")
