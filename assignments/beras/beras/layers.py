"""Dense (fully connected) layer and its weight initializers."""
import numpy as np

from .core import Diffable, Tensor, Variable

INITIALIZERS = ("zero", "normal", "xavier", "kaiming", "xavier uniform", "kaiming uniform")


class Dense(Diffable):
    """Fully connected layer: ``y = x @ w + b`` with w (input_size, output_size), b (1, output_size)."""

    def __init__(self, input_size, output_size, initializer="normal"):
        self.input_size = input_size
        self.output_size = output_size
        self.w, self.b = self._initialize_weight(initializer, input_size, output_size)

    @property
    def weights(self):
        return [self.w, self.b]

    @staticmethod
    def _initialize_weight(initializer, input_size, output_size):
        """Return ``(w, b)`` as Variables: w (input_size, output_size), b zeros (1, output_size).

        Sample w with the global ``np.random`` (fan_in = input_size, fan_out = output_size):
        "zero": zeros; "normal": N(0, 1); "xavier": N(0, sqrt(2 / (fan_in + fan_out)));
        "kaiming": N(0, sqrt(2 / fan_in)); "xavier uniform": U(-a, a), a = sqrt(6 / (fan_in + fan_out));
        "kaiming uniform": U(-a, a), a = sqrt(6 / fan_in).
        """
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
        """[dy/dx]: w broadcast per sample, shape (batch, input_size, output_size)."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.get_input_gradients: your code here")

    def get_weight_gradients(self):
        """[dy/dw, dy/db] per sample: x as (batch, input_size, 1) and ones (batch, 1, output_size)."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.get_weight_gradients: your code here")

    def compose_input_gradients(self, J=None):
        """Fast path: [J @ w.T], shape (batch, input_size). J is None -> raw input gradients."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.compose_input_gradients: your code here")

    def compose_weight_gradients(self, J=None):
        """Fast path: [x.T @ J, J summed over the batch], shaped like w and b. J is None -> raw."""
        # YOUR CODE HERE
        raise NotImplementedError("Dense.compose_weight_gradients: your code here")
