"""Loss functions. Inputs are (y_pred, y_true); the output is a scalar.

GIVEN: the ``Loss`` base class and CategoricalCrossEntropy's constructor. YOU WRITE: each
``forward`` and ``get_input_gradients``. A loss starts the backward pass: the tape calls its
``compose_input_gradients(None)``, which returns ``get_input_gradients()`` itself, so that list
must start with dL/dy_pred (shaped like y_pred). A second entry for y_true is optional (zeros).
"""
import numpy as np

from .core import Diffable, Tensor


class Loss(Diffable):
    """Base class for losses: no weights; upstream J (a scalar) simply scales the gradients."""

    @property
    def weights(self):
        return []

    def get_weight_gradients(self):
        return []

    def compose_input_gradients(self, J=None):
        """The loss's own gradients, scaled by an upstream scalar if one is given."""
        grads = self.get_input_gradients()
        if J is None or J[0] is None:
            return grads
        scale = np.asarray(J[0] if isinstance(J, (list, tuple)) else J)
        return [Tensor(np.asarray(g) * scale) for g in grads]

    def compose_weight_gradients(self, J=None):
        return []


class MeanSquaredError(Loss):
    """Mean of (y_pred - y_true)^2 over ALL elements."""

    def forward(self, y_pred, y_true):
        """y_pred, y_true: same shape -> scalar mean squared error."""
        diff = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
        return np.mean(diff ** 2)

    def get_input_gradients(self):
        """[dL/dy_pred, zeros for y_true]: dL/dy_pred = 2 (y_pred - y_true) / N, N = number of elements."""
        y_pred, y_true = (np.asarray(t, dtype=np.float64) for t in self.inputs[:2])
        grad = 2.0 * (y_pred - y_true) / y_pred.size
        return [grad, np.zeros_like(y_true)]


class CategoricalCrossEntropy(Loss):
    """Mean over the batch of -sum_k y_true[k] * log(p[k]), p = y_pred clipped to
    [epsilon, 1 - epsilon]."""

    def __init__(self, epsilon=1e-12):
        self.epsilon = epsilon

    def forward(self, y_pred, y_true):
        """y_pred probabilities (batch, n), y_true one-hot (batch, n) -> scalar mean cross entropy."""
        p = np.clip(np.asarray(y_pred, dtype=np.float64), self.epsilon, 1.0 - self.epsilon)
        y_true = np.asarray(y_true, dtype=np.float64)
        per_sample = -np.sum(y_true * np.log(p), axis=-1)
        return np.mean(per_sample)

    def get_input_gradients(self):
        """[dL/dy_pred, zeros for y_true], each (batch, n).

        dL/dy_pred = -y_true / (batch * p) where y_pred lies inside [epsilon, 1 - epsilon].
        Where the clip is active, both conventions are accepted: 0 (the derivative of the clipped
        formula, used here) or -y_true / (batch * p) with the clipped p.
        """
        y_pred, y_true = (np.asarray(t, dtype=np.float64) for t in self.inputs[:2])
        n_rows = y_pred.size // y_pred.shape[-1] if y_pred.ndim else 1  # the batch
        p = np.clip(y_pred, self.epsilon, 1.0 - self.epsilon)
        inside = (y_pred >= self.epsilon) & (y_pred <= 1.0 - self.epsilon)
        grad = np.where(inside, -y_true / (n_rows * p), 0.0)
        return [grad, np.zeros_like(y_true)]
