"""Activation functions.

GIVEN: the ``Activation`` base class, ``ReLU`` and the elementwise ``compose_input_gradients``
of LeakyReLU and Sigmoid. YOU WRITE: each ``forward`` and ``get_input_gradients``.
LeakyReLU and Sigmoid are elementwise: ``get_input_gradients()`` returns ``[d]`` where d, shaped
like the input, holds each element's derivative. Softmax is not: its Jacobian is (batch, n, n)
and Diffable's matrix chain rule composes it.
"""
import numpy as np

from .core import Diffable, Tensor


class Activation(Diffable):
    """Base class for activations: no weights, so no weight gradients."""

    @property
    def weights(self):
        return []

    def get_weight_gradients(self):
        return []


def _compose_elementwise(layer, J):
    """The chain rule of an elementwise layer: its derivative times each upstream gradient."""
    if J is None or J[0] is None:
        return layer.get_input_gradients()
    J = [J] if isinstance(J, np.ndarray) else J
    derivative = np.asarray(layer.get_input_gradients()[0])
    return [derivative * np.asarray(upstream) for upstream in J]


class LeakyReLU(Activation):
    """f(x) = x if x > 0 else alpha * x."""

    def __init__(self, alpha=0.3):
        self.alpha = alpha

    def forward(self, x):
        """Apply Leaky ReLU elementwise; same shape as x."""
        x = np.asarray(x)
        return np.where(x > 0, x, self.alpha * x)

    def get_input_gradients(self):
        """[diagonal Jacobian] shaped like the input: 1 where x > 0, alpha where x <= 0."""
        x = np.asarray(self.inputs[0])
        return [np.where(x > 0, 1.0, float(self.alpha))]

    def compose_input_gradients(self, J=None):
        return _compose_elementwise(self, J)


class ReLU(LeakyReLU):
    """ReLU is Leaky ReLU with alpha = 0."""

    def __init__(self):
        super().__init__(alpha=0.0)


class Sigmoid(Activation):
    """f(x) = 1 / (1 + exp(-x))."""

    def forward(self, x):
        """Apply the sigmoid elementwise (without overflow warnings for large |x|)."""
        x = np.asarray(x, dtype=np.float64)
        e = np.exp(-np.abs(x))  # never overflows: exponent <= 0
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def get_input_gradients(self):
        """[diagonal Jacobian] shaped like the input, computed from the OUTPUT s: s * (1 - s)."""
        s = np.asarray(self.outputs[0])
        return [s * (1.0 - s)]

    def compose_input_gradients(self, J=None):
        return _compose_elementwise(self, J)


class Softmax(Activation):
    """Row-wise softmax over the last axis."""

    def forward(self, x):
        """x (batch, n) -> probabilities (batch, n); subtract each row's max before exp."""
        x = np.asarray(x, dtype=np.float64)
        shifted = np.exp(x - np.max(x, axis=-1, keepdims=True))
        return shifted / np.sum(shifted, axis=-1, keepdims=True)

    def get_input_gradients(self):
        """[Jacobian] shaped (batch, n, n): diag(s) - s s^T for each sample's output s."""
        s = np.asarray(self.outputs[0])
        s = s.reshape(-1, s.shape[-1])  # (batch, n)
        eye = np.eye(s.shape[-1])
        diag = np.einsum("bi,ij->bij", s, eye)
        outer = np.einsum("bi,bj->bij", s, s)
        return [diag - outer]
