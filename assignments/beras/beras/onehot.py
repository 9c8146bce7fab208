"""One-hot encoding of class labels."""
import numpy as np

from .core import Callable, Tensor


class OneHotEncoder(Callable):
    """Maps labels to one-hot rows; column k stands for the k-th smallest label seen by ``fit``."""

    def __init__(self):
        self.classes = None  # sorted unique labels, set by fit
        self.label_to_index = None  # {label: column}, set by fit

    def fit(self, data):
        """Record the unique labels of ``data`` in SORTED order (self.classes, self.label_to_index)."""
        # YOUR CODE HERE
        raise NotImplementedError("OneHotEncoder.fit: your code here")

    def forward(self, data):
        """data (batch,) labels -> (batch, n_classes) float one-hot rows. Fits first if not yet fitted."""
        if self.classes is None:
            self.fit(data)
        # YOUR CODE HERE
        raise NotImplementedError("OneHotEncoder.forward: your code here")

    def inverse(self, data):
        """data (batch, n_classes) one-hot rows or probabilities -> (batch,) labels via argmax."""
        # YOUR CODE HERE
        raise NotImplementedError("OneHotEncoder.inverse: your code here")
