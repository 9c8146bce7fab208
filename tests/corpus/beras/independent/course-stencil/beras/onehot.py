import numpy as np
from typing import Dict

from beras.core import Callable, Tensor


class OneHotEncoder(Callable):
    """Maps labels to one-hot rows; `fit` learns the label set, `inverse` maps rows back to labels."""

    def fit(self, data: np.ndarray) -> None:
        ## Sorted unique labels; label uniq[i] is encoded as the i-th row of the identity matrix
        self.uniq = np.unique(np.asarray(data).reshape(-1))
        eye = np.eye(len(self.uniq))
        self.uniq2oh = {label: eye[i] for i, label in enumerate(self.uniq)}

    def forward(self, data: np.ndarray) -> np.ndarray:
        data = np.asarray(data)
        if getattr(self, "uniq", None) is None:
            self.fit(data)
        missing = set(np.unique(data).tolist()) - set(self.uniq2oh)
        if missing:
            raise ValueError(f"OneHotEncoder was not fit on the labels {sorted(missing)}")
        return np.array([self.uniq2oh[label] for label in data.reshape(-1)]).reshape(*data.shape, len(self.uniq))

    def inverse(self, data: np.ndarray) -> np.ndarray:
        ## Back from one-hot (or probability) rows to the original labels
        return self.uniq[np.argmax(np.asarray(data), axis=-1)]
