"""Backpropagation for a ReLU network, in the matrix form of the course notes.

Notation and conventions (every function below follows them; the grader does too)
---------------------------------------------------------------------------------
* Column batches. A batch of I examples is a matrix whose COLUMNS are the examples:
  x has shape (D_i, I). One example is a column vector of shape (D_i, 1).
* The network has K hidden layers. Parameters are two lists of length K + 1:
  weights[k] = Omega_k with shape (D_{k+1}, D_k)   (D_0 = D_i, D_{K+1} = D_o)
  biases[k]  = beta_k  with shape (D_{k+1}, 1)     (a column, broadcast over the batch)
* Forward pass (a = ReLU):
      f_0 = beta_0 + Omega_0 x
      h_k = a[f_{k-1}]                 for k = 1..K
      f_k = beta_k + Omega_k h_k       for k = 1..K
  The output is f_K (no activation on the last layer). We also write h_0 = x, so that
  f_k = beta_k + Omega_k h_k holds for every k = 0..K.
* The loss is AVERAGED over the batch: L = (1 / I) * sum_i l_i. Hence dL/df_K already carries
  the factor 1 / I, and the parameter gradients below are plain sums over the batch:
      dL/dOmega_k = (dL/df_k) h_k^T          dL/dbeta_k = sum over columns of dL/df_k
* The cache that forward() returns is a dict with exactly these two lists:
      cache["f"] = [f_0, f_1, ..., f_K]      (pre-activations, K + 1 arrays)
      cache["h"] = [h_0 = x, h_1, ..., h_K]  (activations,     K + 1 arrays)
  backward() may use only these two entries, and must not modify them.
"""

import numpy as np


def relu(f):
    """ReLU a[f] = max(f, 0), elementwise. Returns a NEW array (never modifies f)."""
    return np.maximum(f, 0.0)


def forward(x, weights, biases):
    """Run the network on a batch of columns.

    x: (D_i, I); weights, biases: lists of K + 1 arrays (see the module docstring).
    Returns (f_K, cache) where f_K has shape (D_o, I) and cache = {"f": [...], "h": [...]}.
    The arrays in the cache must keep their values after the call (no in-place ReLU on f!).
    """
    f_list = []
    h_list = [x]
    h = x
    num_layers = len(weights)
    for k in range(num_layers):
        f = biases[k] + weights[k] @ h
        f_list.append(f)
        if k < num_layers - 1:
            h = relu(f)
            h_list.append(h)
    cache = {"f": f_list, "h": h_list}
    return f_list[-1], cache


# -- losses (averaged over the batch) ----------------------------------------------------------
def least_squares_loss(f, y):
    """L = (1 / I) * sum_i sum_d (f[d, i] - y[d, i])^2 for f, y of shape (D_o, I)."""
    num_examples = f.shape[1]
    total = 0.0
    for i in range(num_examples):
        diff = f[:, i] - y[:, i]
        total += float(np.sum(diff ** 2))
    return total / num_examples


def least_squares_grad(f, y):
    """dL/df for least_squares_loss: an array shaped like f."""
    num_examples = f.shape[1]
    return 2.0 * (f - y) / num_examples


def softmax(f):
    """Softmax of every COLUMN of f (D_o, I): each column of the result sums to 1.

    Must be stable for large logits (e.g. around 1000): subtract each column's maximum first.
    """
    shifted = f - np.max(f, axis=0, keepdims=True)
    exps = np.exp(shifted)
    return exps / np.sum(exps, axis=0, keepdims=True)


def cross_entropy_loss(f, y):
    """Softmax cross-entropy, L = (1 / I) * sum_i -log softmax(f[:, i])[y[i]].

    f: logits (D_o, I); y: integer class labels of shape (I,), values in 0..D_o-1.
    Must stay finite for logits around 1000 (use the log-sum-exp with the maximum shifted out).
    """
    labels = np.asarray(y).reshape(-1).astype(int)
    num_examples = f.shape[1]
    total = 0.0
    for i in range(num_examples):
        column = f[:, i]
        biggest = np.max(column)
        log_sum_exp = biggest + np.log(np.sum(np.exp(column - biggest)))
        total += float(log_sum_exp - column[labels[i]])
    return total / num_examples


def cross_entropy_grad(f, y):
    """dL/df for cross_entropy_loss: (softmax(f) - onehot(y)) / I, shaped like f."""
    labels = np.asarray(y).reshape(-1).astype(int)
    num_examples = f.shape[1]
    onehot = np.zeros(f.shape)
    for i in range(num_examples):
        onehot[labels[i], i] = 1.0
    return (softmax(f) - onehot) / num_examples


LOSSES = {
    "least_squares": (least_squares_loss, least_squares_grad),
    "cross_entropy": (cross_entropy_loss, cross_entropy_grad),
}


# -- the backward pass ---------------------------------------------------------------------
def backward(dl_df_out, weights, cache):
    """Backpropagate dL/df_K through the network.

    dl_df_out: dL/df_K, shape (D_o, I), already including the 1 / I of the batch average.
    weights: [Omega_0, ..., Omega_K]; cache: what forward() returned.
    Returns (dl_dweights, dl_dbiases), two lists of K + 1 arrays shaped like weights / biases:
        dL/dOmega_k = (dL/df_k) h_k^T,   dL/dbeta_k = (dL/df_k) summed over the batch (columns),
        dL/df_{k-1} = I[f_{k-1} > 0] * (Omega_k^T dL/df_k).
    Must not modify the arrays in the cache or dl_df_out.
    """
    f_list = cache["f"]
    h_list = cache["h"]
    num_layers = len(weights)
    dl_dweights = [None] * num_layers
    dl_dbiases = [None] * num_layers

    dl_df = dl_df_out
    for k in reversed(range(num_layers)):
        dl_dweights[k] = dl_df @ h_list[k].T
        dl_dbiases[k] = np.sum(dl_df, axis=1, keepdims=True)
        if k > 0:
            relu_slope = (f_list[k - 1] > 0).astype(float)
            dl_df = relu_slope * (weights[k].T @ dl_df)
    return dl_dweights, dl_dbiases


def loss_and_gradients(x, y, weights, biases, loss="least_squares"):
    """The loss of the batch (x, y) and its gradients: (L, dl_dweights, dl_dbiases).

    loss: "least_squares" (y has shape (D_o, I)) or "cross_entropy" (y: labels of shape (I,)).
    """
    loss_fn, grad_fn = LOSSES[loss]
    f_out, cache = forward(x, weights, biases)
    value = loss_fn(f_out, y)
    dl_df_out = grad_fn(f_out, y)
    dl_dweights, dl_dbiases = backward(dl_df_out, weights, cache)
    return value, dl_dweights, dl_dbiases
