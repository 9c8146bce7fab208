import numpy as np
from typing import List

from beras.core import Diffable, Tensor


class Activation(Diffable):
    """Base for activations: no weights, hence no weight gradients."""

    @property
    def weights(self) -> List[Tensor]:
        return []

    def get_weight_gradients(self) -> List[Tensor]:
        return []


# Hidden-layer activations ------------------------------------------------------

class LeakyReLU(Activation):

    def __init__(self, alpha: float = 0.3) -> None:
        self.alpha = alpha  # slope used for non-positive inputs

    def forward(self, x: Tensor) -> Tensor:
        x = np.asarray(x)
        return np.where(x > 0, x, self.alpha * x)

    def get_input_gradients(self) -> List[Tensor]:
        x = np.asarray(self.inputs[0])
        ## Elementwise derivative: 1 where x > 0, alpha elsewhere (x == 0 takes the alpha branch, like TF)
        return [np.where(x > 0, 1.0, float(self.alpha)).astype(np.result_type(x, float))]

    def compose_input_gradients(self, J: Tensor) -> Tensor:
        # Elementwise activation: scale the upstream gradient by the local derivative.
        local = self.get_input_gradients()[0]
        return local * J


class ReLU(LeakyReLU):
    """LeakyReLU with a zero slope for non-positive inputs."""

    def __init__(self) -> None:
        super().__init__(alpha=0)


# Output activations (map scores into [0, 1]) -----------------------------------

class Sigmoid(Activation):

    def forward(self, x: Tensor) -> Tensor:
        x = np.asarray(x)
        ## Numerically stable sigmoid: only ever exponentiate non-positive numbers
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def get_input_gradients(self) -> List[Tensor]:
        y = np.asarray(self.outputs[0])
        ## d sigmoid(x) / dx = sigmoid(x) * (1 - sigmoid(x)), elementwise
        return [y * (1.0 - y)]

    def compose_input_gradients(self, J: Tensor) -> Tensor:
        # Elementwise activation: scale the upstream gradient by the local derivative.
        local = self.get_input_gradients()[0]
        return local * J


class Softmax(Activation):

    def forward(self, x: Tensor) -> Tensor:
        x = np.asarray(x)
        exps = np.exp(x - np.max(x, axis=-1, keepdims=True))
        outs = exps / np.sum(exps, axis=-1, keepdims=True)
        return outs

    def get_input_gradients(self) -> List[Tensor]:
        # One (n, n) Jacobian per example, stacked into a zero-initialised (batch, n, n) array of x's dtype.
        x, y = [*self.inputs, *self.outputs]
        num_examples, n = x.shape
        grad = np.zeros((num_examples, n, n), dtype=x.dtype)

        ## For each example b: d y_i / d x_j = y_i * (delta_ij - y_j)  ->  diag(y) - y y^T
        ## (symmetric, so it does not matter which side compose_input_gradients multiplies on)
        grad[:] = -y[:, :, None] * y[:, None, :]
        diag = np.arange(n)
        grad[:, diag, diag] += y
        return [grad]