"""Optimizers. ``apply_gradients(params, grads)`` updates each param in place with ``param.assign``.

Per-parameter state is kept by POSITION: pass the parameters in the same order on every call.
"""
import math

import numpy as np


class Optimizer:
    """Base class: validates the learning rate."""

    def __init__(self, learning_rate):
        valid = isinstance(learning_rate, (int, float)) and not isinstance(learning_rate, bool)
        if not valid or not math.isfinite(learning_rate) or learning_rate <= 0:
            raise ValueError(f"learning_rate must be a positive finite number, got {learning_rate!r}")
        self.learning_rate = float(learning_rate)

    def apply_gradients(self, trainable_params, grads):
        raise NotImplementedError


class BasicOptimizer(Optimizer):
    """Plain SGD: p <- p - learning_rate * g."""

    def apply_gradients(self, trainable_params, grads):
        # YOUR CODE HERE
        raise NotImplementedError("BasicOptimizer.apply_gradients: your code here")


class RMSProp(Optimizer):
    """v <- beta v + (1 - beta) g^2;  p <- p - learning_rate * g / (sqrt(v) + epsilon)."""

    def __init__(self, learning_rate, beta=0.9, epsilon=1e-6):
        super().__init__(learning_rate)
        self.beta = beta
        self.epsilon = epsilon
        self.v = {}  # position -> running average of g^2

    def apply_gradients(self, trainable_params, grads):
        # YOUR CODE HERE
        raise NotImplementedError("RMSProp.apply_gradients: your code here")


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias correction; one time step t per apply_gradients call.

    amsgrad=True keeps the running maximum of the bias-corrected v_hat and uses it instead.
    """

    def __init__(self, learning_rate, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
        super().__init__(learning_rate)
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.t = 0
        self.m = {}  # position -> first moment
        self.v = {}  # position -> second raw moment
        self.v_hat = {}  # position -> max of v_hat so far (amsgrad only)

    def apply_gradients(self, trainable_params, grads):
        # YOUR CODE HERE
        raise NotImplementedError("Adam.apply_gradients: your code here")
