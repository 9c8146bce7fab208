"""Audit fixture: three small functions with solution fences."""
import numpy as np


def double(x):
    """2 x, elementwise."""
    ### BEGIN SOLUTION
    return x * 2
    ### END SOLUTION


def softmax(z):
    """Row-wise softmax of z (batch, n), shifted by each row's max."""
    ### BEGIN SOLUTION
    shifted = z - np.max(z, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)
    ### END SOLUTION


def mse(pred, target):
    """Mean of the squared differences."""
    ### BEGIN SOLUTION
    return np.mean((pred - target) ** 2)
    ### END SOLUTION
