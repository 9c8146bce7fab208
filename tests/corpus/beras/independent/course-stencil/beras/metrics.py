import numpy as np

from beras.core import Callable, Tensor


class CategoricalAccuracy(Callable):
    """Fraction of rows whose predicted class (argmax) matches the labelled class."""

    def forward(self, probs: Tensor, labels: Tensor) -> float:
        predicted = np.argmax(np.asarray(probs), axis=-1)
        actual = np.argmax(np.asarray(labels), axis=-1)
        return float(np.mean(predicted == actual))
