import numpy as np

from typing import List, Literal, Tuple
from beras.core import Diffable, Tensor, Variable

# Accepted values for Dense's `initializer` argument (matched case-insensitively).
DENSE_INITIALIZERS = Literal["zero", "normal", "xavier", "kaiming", "xavier uniform", "kaiming uniform"]


class Dense(Diffable):
    """Fully connected layer: weight matrix w of shape (input_size, output_size) plus bias b."""

    def __init__(self, input_size: int, output_size: int, initializer: DENSE_INITIALIZERS = "normal") -> None:
        w, b = self._initialize_weight(initializer, input_size, output_size)
        self.w, self.b = w, b

    @property
    def weights(self) -> List[Tensor]:
        return [self.w, self.b]

    def forward(self, x: Tensor) -> Tensor:
        ## (batch, input_size) @ (input_size, output_size) + (1, output_size) -> (batch, output_size)
        return x @ self.w + self.b

    def get_input_gradients(self) -> List[Tensor]:
        ## d out_j / d x_i = w_ij for every example; compose_input_gradients computes w @ J[b]
        return [self.w]

    def get_weight_gradients(self) -> List[Tensor]:
        x = np.asarray(self.inputs[0])
        ## d out_j / d w_ij = x_i: one (input_size, 1) column per example, which compose_weight_gradients
        ##  broadcasts against J[b] of shape (output_size,) into an (input_size, output_size) outer product.
        ## d out_j / d b_j = 1 (same for every example, shape of the bias)
        return [np.expand_dims(x, axis=-1).astype(np.result_type(x, self.w)), np.ones_like(self.b)]

    @staticmethod
    def _initialize_weight(initializer: DENSE_INITIALIZERS, input_size: int, output_size: int) -> Tuple[Variable, Variable]:
        """Return freshly initialised (weights, bias) Variables for the named scheme."""
        initializer = initializer.lower()
        known = {"zero", "normal", "xavier", "kaiming", "xavier uniform", "kaiming uniform"}
        assert initializer in known, f"Dense: no initializer called '{initializer}'"

        shape = (input_size, output_size)
        if initializer == "zero":
            weights = np.zeros(shape)
        elif initializer == "normal":
            weights = np.random.normal(0.0, 1.0, size=shape)
        elif initializer == "xavier":
            weights = np.random.normal(0.0, np.sqrt(2.0 / (input_size + output_size)), size=shape)
        elif initializer == "kaiming":
            weights = np.random.normal(0.0, np.sqrt(2.0 / input_size), size=shape)
        elif initializer == "xavier uniform":
            limit = np.sqrt(6.0 / (input_size + output_size))
            weights = np.random.uniform(-limit, limit, size=shape)
        else:  # "kaiming uniform"
            limit = np.sqrt(6.0 / input_size)
            weights = np.random.uniform(-limit, limit, size=shape)

        ## Bias always starts at zero; shape (1, output_size) so it broadcasts over the batch
        bias = np.zeros((1, output_size))
        return Variable(weights), Variable(bias)
