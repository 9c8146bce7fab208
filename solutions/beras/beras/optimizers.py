"""Optimizers. ``apply_gradients(trainable_params, grads)`` updates each parameter IN PLACE
(``param.assign(...)``), using the i-th gradient for the i-th parameter.

GIVEN: the constructors. YOU WRITE: each ``apply_gradients``. Keep per-parameter state (v, m)
in the dicts the constructors create, keyed by the parameter's position (or its id); the same
parameters are passed in the same order on every call.
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
        ### BEGIN SOLUTION
        for param, grad in zip(trainable_params, grads):
            param.assign(param - self.learning_rate * np.asarray(grad))
        ### END SOLUTION


class RMSProp(Optimizer):
    """v <- beta v + (1 - beta) g^2;  p <- p - learning_rate * g / (sqrt(v) + epsilon),
    v starting at 0 (epsilon outside the square root)."""

    def __init__(self, learning_rate, beta=0.9, epsilon=1e-6):
        super().__init__(learning_rate)
        self.beta = beta
        self.epsilon = epsilon
        self.v = {}  # position -> running average of g^2

    def apply_gradients(self, trainable_params, grads):
        ### BEGIN SOLUTION
        for i, (param, grad) in enumerate(zip(trainable_params, grads)):
            grad = np.asarray(grad)
            v = self.v.get(i, np.zeros_like(grad))
            v = self.beta * v + (1 - self.beta) * grad**2
            self.v[i] = v
            param.assign(param - self.learning_rate * grad / (np.sqrt(v) + self.epsilon))
        ### END SOLUTION


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias correction; t counts apply_gradients calls (1, 2, ...):

        m <- beta_1 m + (1 - beta_1) g           m_hat = m / (1 - beta_1^t)
        v <- beta_2 v + (1 - beta_2) g^2         v_hat = v / (1 - beta_2^t)
        p <- p - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    amsgrad=True replaces v_hat by its running maximum. Both common forms are accepted: the
    maximum of the bias-corrected v_hat (used here), or the maximum of the raw v, bias-corrected
    afterwards (torch, Keras). epsilon is always added outside the square root.
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
        ### BEGIN SOLUTION
        self.t += 1
        for i, (param, grad) in enumerate(zip(trainable_params, grads)):
            grad = np.asarray(grad)
            m = self.beta_1 * self.m.get(i, np.zeros_like(grad)) + (1 - self.beta_1) * grad
            v = self.beta_2 * self.v.get(i, np.zeros_like(grad)) + (1 - self.beta_2) * grad**2
            self.m[i], self.v[i] = m, v
            m_hat = m / (1 - self.beta_1**self.t)
            v_hat = v / (1 - self.beta_2**self.t)
            if self.amsgrad:
                v_hat = np.maximum(self.v_hat.get(i, v_hat), v_hat)
                self.v_hat[i] = v_hat
            param.assign(param - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon))
        ### END SOLUTION
