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
        return Tensor(x @ self.w + self.b)
        ### END SOLUTION

    def get_input_gradients(self):
        """[dy/dx]: w broadcast per sample, shape (batch, input_size, output_size)."""
        ### BEGIN SOLUTION
        batch = self.inputs[0].shape[0]
        return [Tensor(np.broadcast_to(self.w, (batch, *self.w.shape)))]
        ### END SOLUTION

    def get_weight_gradients(self):
        """[dy/dw, dy/db] per sample: x as (batch, input_size, 1) and ones (batch, 1, output_size)."""
        ### BEGIN SOLUTION
        x = self.inputs[0]
        return [Tensor(x[:, :, None]), Tensor(np.ones((x.shape[0], 1, self.output_size)))]
        ### END SOLUTION

    def compose_input_gradients(self, J=None):
        """Fast path: [J @ w.T], shape (batch, input_size). J is None -> raw input gradients."""
        ### BEGIN SOLUTION
        if J is None:
            return self.get_input_gradients()
        return [Tensor(np.asarray(J) @ self.w.T)]
        ### END SOLUTION

    def compose_weight_gradients(self, J=None):
        """Fast path: [x.T @ J, J summed over the batch], shaped like w and b. J is None -> raw."""
        ### BEGIN SOLUTION
        if J is None:
            return self.get_weight_gradients()
        J = np.asarray(J)
        x = np.asarray(self.inputs[0])
        return [Tensor(x.T @ J), Tensor(np.sum(J, axis=0, keepdims=True))]
        ### END SOLUTION
