"""Metrics (not differentiated)."""
import numpy as np

from .core import Callable, Tensor


class CategoricalAccuracy(Callable):
    """Fraction of samples whose predicted class (argmax) equals the true class (argmax)."""

    def forward(self, probs, labels):
        """probs (batch, n) scores/probabilities, labels (batch, n) one-hot -> scalar accuracy in [0, 1]."""
        predicted = np.argmax(np.asarray(probs), axis=-1)
        true = np.argmax(np.asarray(labels), axis=-1)
        return np.mean(predicted == true)
