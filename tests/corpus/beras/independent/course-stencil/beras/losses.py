import numpy as np
from typing import List

from beras.core import Diffable, Tensor


class Loss(Diffable):
    """Base for losses: Diffables without weights."""

    @property
    def weights(self) -> List[Tensor]:
        return []

    def get_weight_gradients(self) -> List[Tensor]:
        return []


class MeanSquaredError(Loss):
    def forward(self, y_pred: Tensor, y_true: Tensor) -> Tensor:
        ## Mean over every entry (all examples and all outputs), a scalar
        y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
        return np.mean((y_pred - y_true) ** 2)

    def get_input_gradients(self) -> List[Tensor]:
        y_pred, y_true = (np.asarray(t) for t in self.inputs)
        ## d/dy_pred mean((y_pred - y_true)^2) = 2 (y_pred - y_true) / (number of entries)
        grad_pred = 2.0 * (y_pred - y_true) / y_pred.size
        ## One gradient per input (y_pred, y_true); the labels' gradient is just the negative
        return [grad_pred, -grad_pred]


class CategoricalCrossEntropy(Loss):
    def __init__(self, epsilon: float = 1e-12) -> None:
        self.epsilon = epsilon  # probabilities are kept inside [epsilon, 1 - epsilon]

    def forward(self, y_pred: Tensor, y_true: Tensor) -> Tensor:
        y_pred, y_true = np.asarray(y_pred), np.asarray(y_true)
        ## Clip so that log never sees 0 (or exactly 1)
        clipped = np.clip(y_pred, self.epsilon, 1 - self.epsilon)
        ## Sum over the classes, mean over the batch
        return -np.mean(np.sum(y_true * np.log(clipped), axis=-1))

    def get_input_gradients(self) -> List[Tensor]:
        y_pred, y_true = (np.asarray(t) for t in self.inputs)
        num_examples = y_pred.size // y_pred.shape[-1] if y_pred.ndim > 0 else 1
        clipped = np.clip(y_pred, self.epsilon, 1 - self.epsilon)
        ## The clip is part of the forward pass: where it is active the prediction has no effect on the loss
        ##  (same as tf.clip_by_value's gradient, which passes the gradient only inside [eps, 1 - eps])
        in_range = (y_pred >= self.epsilon) & (y_pred <= 1 - self.epsilon)
        grad_pred = np.where(in_range, -y_true / clipped, 0.0) / num_examples
        ## One gradient per input (y_pred, y_true)
        grad_true = -np.log(clipped) / num_examples
        return [grad_pred, grad_true]
