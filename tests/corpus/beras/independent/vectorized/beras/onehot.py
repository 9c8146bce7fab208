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
        self.label_to_index = {label: i for i, label in enumerate(self.classes.tolist())}

    def forward(self, data):
        """data (batch,) labels -> (batch, n_classes) float one-hot rows. Fits first if not yet fitted."""
        if self.classes is None:
            self.fit(data)
        data = np.asarray(data).reshape(-1)
        index = np.searchsorted(self.classes, data)
        index = np.clip(index, 0, len(self.classes) - 1)
        unknown = self.classes[index] != data
        if np.any(unknown):
            raise ValueError(f"labels not seen by fit: {np.unique(data[unknown]).tolist()}")
        return np.eye(len(self.classes), dtype=np.float64)[index]

    def inverse(self, data):
        """data (batch, n_classes) one-hot rows or probabilities -> (batch,) labels via argmax."""
        return self.classes[np.argmax(np.asarray(data), axis=-1)]
