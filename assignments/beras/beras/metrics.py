"""Metrics (not differentiated)."""
import numpy as np

from .core import Callable, Tensor


class CategoricalAccuracy(Callable):
    """Fraction of samples whose predicted class (argmax) equals the true class (argmax)."""

    def forward(self, probs, labels):
        """probs (batch, n) scores/probabilities, labels (batch, n) one-hot -> scalar accuracy in [0, 1]."""
        # YOUR CODE HERE
        raise NotImplementedError("CategoricalAccuracy.forward: your code here")
