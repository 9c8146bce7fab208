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
        ### BEGIN SOLUTION
        self.classes = np.unique(np.asarray(data).ravel())
        self.label_to_index = {label: i for i, label in enumerate(self.classes.tolist())}
        return self
        ### END SOLUTION

    def forward(self, data):
        """data (batch,) labels -> (batch, n_classes) float one-hot rows. Fits first if not yet fitted."""
        if self.classes is None:
            self.fit(data)
        ### BEGIN SOLUTION
        labels = np.asarray(data).ravel().tolist()
        unknown = sorted({label for label in labels if label not in self.label_to_index})
        if unknown:
            raise ValueError(f"Labels not seen by fit: {unknown}")
        rows = np.zeros((len(labels), len(self.classes)))
        rows[np.arange(len(labels)), [self.label_to_index[label] for label in labels]] = 1.0
        return Tensor(rows)
        ### END SOLUTION

    def inverse(self, data):
        """data (batch, n_classes) one-hot rows or probabilities -> (batch,) labels via argmax."""
        ### BEGIN SOLUTION
        return self.classes[np.argmax(np.asarray(data), axis=-1)]
        ### END SOLUTION
