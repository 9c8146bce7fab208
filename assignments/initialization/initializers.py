"""Weight initializers (course notes, lecture 08: He/Kaiming; Xavier/Glorot from the Beras notes).

Conventions (the grader uses the same ones, and so does torch.nn.init)
---------------------------------------------------------------------
* A weight matrix Omega maps D_k inputs to D_{k+1} outputs, so it has shape
  (fan_out, fan_in) = (D_{k+1}, D_k): f = beta + Omega h. For arrays with more than two
  dimensions (convolution kernels), fan_in = shape[1] * r and fan_out = shape[0] * r, where r is
  the product of the remaining dimensions (the receptive field).
* Every random initializer draws from the numpy Generator `rng` it is given
  (e.g. np.random.default_rng(0)); with rng=None use a fresh np.random.default_rng().
* "variance" always means sigma^2, the square of the standard deviation.

Formulas
--------
gain:            linear -> 1, relu -> sqrt(2), leaky_relu with negative slope a -> sqrt(2 / (1 + a^2))
He normal:       N(0, std^2),  std   = gain / sqrt(fan)           (fan = fan_in or fan_out, by mode)
He uniform:      U(-b, b),     b     = gain * sqrt(3 / fan)        (same variance as He normal)
Xavier normal:   N(0, std^2),  std   = gain * sqrt(2 / (fan_in + fan_out))
Xavier uniform:  U(-b, b),     b     = gain * sqrt(6 / (fan_in + fan_out))
A uniform U(-b, b) has variance b^2 / 3.
"""

import math

import numpy as np

NONLINEARITIES = ("linear", "relu", "leaky_relu")


def _rng(rng):
    return np.random.default_rng() if rng is None else rng


def compute_fans(shape):
    """(fan_in, fan_out) of a weight array of the given shape (at least 2-D, see above)."""
    # YOUR CODE HERE
    raise NotImplementedError("compute_fans: your code here")


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity: "linear", "relu" or "leaky_relu".

    For "leaky_relu", param is the negative slope a (default 0.01, as in torch.nn.init):
    gain = sqrt(2 / (1 + a^2)). Raise ValueError for anything else.
    """
    # YOUR CODE HERE
    raise NotImplementedError("calculate_gain: your code here")


def zeros(shape):
    """An all-zero array of the given shape (float64)."""
    # YOUR CODE HERE
    raise NotImplementedError("zeros: your code here")


def normal(shape, variance, rng=None):
    """Draws from N(0, variance): mean 0, VARIANCE `variance` (standard deviation its root)."""
    # YOUR CODE HERE
    raise NotImplementedError("normal: your code here")


def _fan(shape, mode):
    fan_in, fan_out = compute_fans(shape)
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")
    return fan_in if mode == "fan_in" else fan_out


def kaiming_normal(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None):
    """He/Kaiming normal: N(0, std^2) with std = gain / sqrt(fan).

    gain = calculate_gain(nonlinearity, a); fan = fan_in (keeps the forward variance) or
    fan_out (keeps the backward variance), chosen by mode. With the defaults (leaky_relu, a = 0)
    the gain is sqrt(2), i.e. variance 2 / fan_in: the notes' sigma^2 = 2 / D_h.
    """
    # YOUR CODE HERE
    raise NotImplementedError("kaiming_normal: your code here")


def kaiming_uniform(shape, a=0.0, mode="fan_in", nonlinearity="leaky_relu", rng=None):
    """He/Kaiming uniform: U(-b, b) with b = gain * sqrt(3 / fan) (torch.nn.init's bound)."""
    # YOUR CODE HERE
    raise NotImplementedError("kaiming_uniform: your code here")


def xavier_normal(shape, gain=1.0, rng=None):
    """Xavier/Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    # YOUR CODE HERE
    raise NotImplementedError("xavier_normal: your code here")


def xavier_uniform(shape, gain=1.0, rng=None):
    """Xavier/Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out))."""
    # YOUR CODE HERE
    raise NotImplementedError("xavier_uniform: your code here")
