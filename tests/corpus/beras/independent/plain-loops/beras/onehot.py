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
        self.classes = np.unique(np.asarray(data))  # np.unique sorts
        self.label_to_index = {}
        for i, label in enumerate(self.classes):
            self.label_to_index[label] = i

    def forward(self, data):
        """data (batch,) labels -> (batch, n_classes) float one-hot rows. Fits first if not yet fitted."""
        if self.classes is None:
            self.fit(data)
        data = np.asarray(data)
        out = np.zeros((len(data), len(self.classes)))
        for row, label in enumerate(data):
            out[row, self.label_to_index[label]] = 1.0
        return out

    def inverse(self, data):
        """data (batch, n_classes) one-hot rows or probabilities -> (batch,) labels via argmax."""
        columns = np.argmax(np.asarray(data), axis=-1)
        return self.classes[columns]
