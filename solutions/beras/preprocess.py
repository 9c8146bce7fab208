"""GIVEN: load MNIST-1D for Beras (generated in memory by the mnist1d package; no download).

The course's version of this file loads MNIST with tensorflow; Beras is numpy only, so this
assignment uses MNIST-1D (10 classes, 40 features per example) from the course notes.
"""
import numpy as np
from mnist1d.data import get_dataset_args, make_dataset

from beras.core import Tensor


def load_and_preprocess_data():
    """Return (x_train, y_train, x_test, y_test): inputs as float Tensors (4000, 40) and
    (1000, 40), labels as integer arrays (4000,) and (1000,) (one-hot encode them yourself)."""
    state = np.random.get_state()  # make_dataset seeds numpy's global generator: put it back
    data = make_dataset(get_dataset_args())
    np.random.set_state(state)
    return (Tensor(np.asarray(data["x"], dtype=np.float64)), np.asarray(data["y"]),
            Tensor(np.asarray(data["x_test"], dtype=np.float64)), np.asarray(data["y_test"]))
