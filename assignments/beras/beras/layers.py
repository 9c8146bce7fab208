"""Dense (fully connected) layer and its weight initializers.

GIVEN: the constructor and ``weights``. YOU WRITE: ``forward``, the two ``get_*_gradients``
(core.py composes them with the chain rule) and ``_initialize_weight``.
"""
import numpy as np

from .core import Diffable, Tensor, Variable

INITIALIZERS = ("zero", "normal", "xavier", "kaiming", "xavier uniform", "kaiming uniform")


class Dense(Diffable):
    """Fully connected layer: ``y = x @ w + b`` with w (input_size, output_size), b (1, output_size)."""

    def __init__(self, input_size, output_size, initializer="normal"):
        self.w, self.b = self._initialize_weight(initializer, input_size, output_size)

    @property
    def weights(self):
        return [self.w, self.b]

    @staticmethod
    def _initialize_weight(initializer, input_size, output_size):
        """Return ``(w, b)`` as Variables: w (input_size, output_size), b zeros (1, output_size).

        Sample w with the global ``np.random`` (fan_in = input_size, fan_out = output_size),
        from a normal distribution (not truncated) with mean 0 and standard deviation std, or
        uniformly from [-a, a]:
        "zero": all zeros; "normal": std = 1; "xavier": std = sqrt(2 / (fan_in + fan_out));
        "kaiming": std = sqrt(2 / fan_in); "xavier uniform": a = sqrt(6 / (fan_in + fan_out));
        "kaiming uniform": a = sqrt(6 / fan_in). The name is case-insensitive.
        """
        initializer = initializer.lower()
        if initializer not in INITIALIZERS:
            raise ValueError(
                f"Unknown initializer {initializer!r}; expected one of {', '.join(map(repr, INITIALIZERS))}"
            )
        # YOUR CODE HERE
        raise NotImplementedError("Dense._initialize_weight: your code here")

    def forward(self, x):
        """x (batch, input_size) -> x @ w + b, shape (batch, output_size)."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.forward: your code here")

    def get_input_gradients(self):
        """[d y / d x]: the Jacobian of the output with respect to x (see core.py for the shapes:
        shared (input_size, output_size) or per sample (batch, input_size, output_size))."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.get_input_gradients: your code here")

    def get_weight_gradients(self):
        """[d y / d w, d y / d b] as core.py composes them: sample b's gradient for w is
        ``jac_w[b] * J[b]`` (e.g. x as (batch, input_size, 1)), for b ``jac_b * J[b]``
        (e.g. ones (1, output_size), shared by every sample)."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.get_weight_gradients: your code here")
