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


# -- small helpers of my own ---------------------------------------------------------------------
def _batch_size(f):
    """Number of examples I in a column batch (D, I)."""
    return np.shape(f)[1]


def _labels(y):
    """Integer class labels as a flat (I,) index array."""
    return np.asarray(y).astype(np.intp).reshape(-1)


def _onehot(y, classes, dtype):
    """(classes, I) one-hot matrix whose column i has a 1 in row y[i]."""
    labels = _labels(y)
    out = np.zeros((classes, labels.size), dtype=dtype)
    out[labels, np.arange(labels.size)] = 1
    return out


def _column_max(f):
    """Maximum of every column, kept as a (1, I) row so it broadcasts over f."""
    return np.max(f, axis=0, keepdims=True)


def _log_sum_exp(f):
    """log sum_d exp(f[d, i]) for every column i, stable for large logits: shape (1, I)."""
    m = _column_max(f)
    return m + np.log(np.sum(np.exp(f - m), axis=0, keepdims=True))


def _linear(omega, beta, h):
    """f = beta + Omega h for a batch of columns h."""
    return beta + np.matmul(omega, h)


def relu(f):
    """ReLU a[f] = max(f, 0), elementwise. Returns a NEW array (never modifies f)."""
    return np.maximum(f, 0)  # np.maximum allocates a fresh array; the dtype of f is kept


def forward(x, weights, biases):
    """Run the network on a batch of columns.

    x: (D_i, I); weights, biases: lists of K + 1 arrays (see the module docstring).
    Returns (f_K, cache) where f_K has shape (D_o, I) and cache = {"f": [...], "h": [...]}.
    The arrays in the cache must keep their values after the call (no in-place ReLU on f!).
    """
    f_list, h_list = [], [x]
    for k, (omega, beta) in enumerate(zip(weights, biases)):
        f_list.append(_linear(omega, beta, h_list[k]))
        if k + 1 < len(weights):  # no activation after the last layer
            h_list.append(relu(f_list[k]))
    return f_list[-1], {"f": f_list, "h": h_list}


# -- losses (averaged over the batch) ----------------------------------------------------------
def least_squares_loss(f, y):
    """L = (1 / I) * sum_i sum_d (f[d, i] - y[d, i])^2 for f, y of shape (D_o, I)."""
    r = np.asarray(f) - np.asarray(y)
    return float(np.einsum("di,di->", r, r) / _batch_size(f))


def least_squares_grad(f, y):
    """dL/df for least_squares_loss: an array shaped like f."""
    return 2 * (np.asarray(f) - np.asarray(y)) / _batch_size(f)


def softmax(f):
    """Softmax of every COLUMN of f (D_o, I): each column of the result sums to 1.

    Must be stable for large logits (e.g. around 1000): subtract each column's maximum first.
    """
    e = np.exp(f - _column_max(f))
    return e / np.sum(e, axis=0, keepdims=True)


def cross_entropy_loss(f, y):
    """Softmax cross-entropy, L = (1 / I) * sum_i -log softmax(f[:, i])[y[i]].

    f: logits (D_o, I); y: integer class labels of shape (I,), values in 0..D_o-1.
    Must stay finite for logits around 1000 (use the log-sum-exp with the maximum shifted out).
    """
    f, labels = np.asarray(f), _labels(y)
    picked = f[labels, np.arange(labels.size)]          # the logit of the true class, (I,)
    return float(np.mean(_log_sum_exp(f)[0] - picked))


def cross_entropy_grad(f, y):
    """dL/df for cross_entropy_loss: (softmax(f) - onehot(y)) / I, shaped like f."""
    return (softmax(f) - _onehot(y, np.shape(f)[0], np.result_type(f, np.float32))) / _batch_size(f)


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
    fs, hs = cache["f"], cache["h"]
    n_layers = len(weights)
    dl_dweights, dl_dbiases = [None] * n_layers, [None] * n_layers
    delta = dl_df_out                                       # dL/df_k, never written to
    for k in range(n_layers - 1, -1, -1):
        dl_dweights[k] = np.einsum("ai,bi->ab", delta, hs[k])   # (dL/df_k) h_k^T
        dl_dbiases[k] = np.sum(delta, axis=1, keepdims=True)   # sum over the batch
        if k > 0:
            back = np.dot(np.transpose(weights[k]), delta)      # Omega_k^T dL/df_k
            delta = (fs[k - 1] > 0) * back                     # I[f_{k-1} > 0] * (...)
    return dl_dweights, dl_dbiases


def loss_and_gradients(x, y, weights, biases, loss="least_squares"):
    """The loss of the batch (x, y) and its gradients: (L, dl_dweights, dl_dbiases).

    loss: "least_squares" (y has shape (D_o, I)) or "cross_entropy" (y: labels of shape (I,)).
    """
    loss_fn, grad_fn = LOSSES[loss]
    out, cache = forward(x, weights, biases)
    dl_dweights, dl_dbiases = backward(grad_fn(out, y), weights, cache)
    return loss_fn(out, y), dl_dweights, dl_dbiases
