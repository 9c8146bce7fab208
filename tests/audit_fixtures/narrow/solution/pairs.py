"""Audit fixture: two small functions with solution fences."""
import numpy as np


def halves(x):
    """A pair (first half, second half) of the rows of x."""
    ### BEGIN SOLUTION
    middle = len(x) // 2
    return [x[:middle], x[middle:]]
    ### END SOLUTION


def total(x):
    """The sum of every entry of x."""
    ### BEGIN SOLUTION
    return np.sum(x)
    ### END SOLUTION
