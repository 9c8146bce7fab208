"""Loss functions. Inputs are (y_pred, y_true); the output is a scalar (0-d Tensor).

Only y_pred is differentiated: the gradient returned for y_true is all zeros.
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
        grads = self.get_input_gradients()
        if J is None:
            return grads
        return [Tensor(g * np.asarray(J)) for g in grads]

    def compose_weight_gradients(self, J=None):
        return []


class MeanSquaredError(Loss):
    """Mean of (y_pred - y_true)^2 over ALL elements."""

    def forward(self, y_pred, y_true):
        """y_pred, y_true: same shape -> scalar mean squared error."""
        ### BEGIN SOLUTION
        return Tensor(np.mean((y_pred - y_true) ** 2))
        ### END SOLUTION

    def get_input_gradients(self):
        """[dL/dy_pred, zeros for y_true]: dL/dy_pred = 2 (y_pred - y_true) / N, N = number of elements."""
        ### BEGIN SOLUTION
        y_pred, y_true = self.inputs
        grad = 2.0 * (y_pred - y_true) / y_pred.size
        return [Tensor(grad), Tensor(np.zeros_like(y_true, dtype=float))]
        ### END SOLUTION


class CategoricalCrossEntropy(Loss):
    """Mean over the batch of -sum_k y_true[k] * log(p[k]), p = y_pred clipped to [eps, 1 - eps]."""

    eps = 1e-12

    def forward(self, y_pred, y_true):
        """y_pred probabilities (batch, n), y_true one-hot (batch, n) -> scalar mean cross entropy."""
        ### BEGIN SOLUTION
        p = np.clip(y_pred, self.eps, 1.0 - self.eps)
        per_sample = -np.sum(y_true * np.log(p), axis=-1)
        return Tensor(np.mean(per_sample))
        ### END SOLUTION

    def get_input_gradients(self):
        """[dL/dy_pred, zeros for y_true], each (batch, n).

        dL/dy_pred = -y_true / (batch * p) where y_pred lies inside [eps, 1 - eps], and 0 where
        the clip is active (the derivative of the clipped formula).
        """
        ### BEGIN SOLUTION
        y_pred, y_true = self.inputs
        p = np.clip(y_pred, self.eps, 1.0 - self.eps)
        inside = (y_pred >= self.eps) & (y_pred <= 1.0 - self.eps)
        grad = np.where(inside, -y_true / (y_pred.shape[0] * p), 0.0)
        return [Tensor(grad), Tensor(np.zeros_like(y_true, dtype=float))]
        ### END SOLUTION
