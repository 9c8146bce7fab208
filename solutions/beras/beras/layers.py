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
        ### BEGIN SOLUTION
        shape = (input_size, output_size)
        fan_in, fan_out = input_size, output_size
        if initializer == "zero":
            w = np.zeros(shape)
        elif initializer == "normal":
            w = np.random.normal(0.0, 1.0, size=shape)
        elif initializer == "xavier":
            w = np.random.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), size=shape)
        elif initializer == "kaiming":
            w = np.random.normal(0.0, np.sqrt(2.0 / fan_in), size=shape)
        elif initializer == "xavier uniform":
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = np.random.uniform(-limit, limit, size=shape)
        else:  # "kaiming uniform"
            limit = np.sqrt(6.0 / fan_in)
            w = np.random.uniform(-limit, limit, size=shape)
        return Variable(w), Variable(np.zeros((1, output_size)))
        ### END SOLUTION

    def forward(self, x):
        """x (batch, input_size) -> x @ w + b, shape (batch, output_size)."""
        ### BEGIN SOLUTION
        return Tensor(np.asarray(x) @ self.w + self.b)
        ### END SOLUTION

    def get_input_gradients(self):
        """[d y / d x]: the Jacobian of the output with respect to x (see core.py for the shapes:
        shared (input_size, output_size) or per sample (batch, input_size, output_size))."""
        ### BEGIN SOLUTION
        return [Tensor(self.w)]
        ### END SOLUTION

    def get_weight_gradients(self):
        """[d y / d w, d y / d b] as core.py composes them: sample b's gradient for w is
        ``jac_w[b] * J[b]`` (e.g. x as (batch, input_size, 1)), for b ``jac_b * J[b]``
        (e.g. ones (1, output_size), shared by every sample)."""
        ### BEGIN SOLUTION
        x = np.asarray(self.inputs[0])
        return [Tensor(x[:, :, None]), Tensor(np.ones((1, self.b.shape[-1])))]
        ### END SOLUTION
