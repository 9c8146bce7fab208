from collections import defaultdict
import numpy as np
from typing import List

from beras.core import Tensor


class BasicOptimizer:
    """Plain gradient descent."""

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = learning_rate

    def apply_gradients(self, trainable_params: List[Tensor], grads: List[Tensor]) -> None:
        for param, grad in zip(trainable_params, grads):
            if grad is None:
                continue
            ## Plain gradient descent, updated in place so the layers keep the same Variable objects
            param.assign(param - self.learning_rate * grad)


class RMSProp:
    """Gradient descent scaled by a running average of squared gradients (state in `v`)."""

    def __init__(self, learning_rate: float, beta: float = 0.9, epsilon: float = 1e-6) -> None:
        self.learning_rate, self.beta, self.epsilon = learning_rate, beta, epsilon
        self.v = defaultdict(lambda: 0)  # per-parameter running average, starts at 0

    def apply_gradients(self, trainable_params: List[Tensor], grads: List[Tensor]) -> None:
        for param, grad in zip(trainable_params, grads):
            if grad is None:
                continue
            ## Optimizer state is keyed by the parameter's object id (the Variables are updated in place)
            key = id(param)
            self.v[key] = self.beta * self.v[key] + (1 - self.beta) * grad ** 2
            param.assign(param - self.learning_rate * grad / (np.sqrt(self.v[key]) + self.epsilon))


class Adam:
    """Adam: running first (`m`) and second (`v`) moments, bias-corrected with the step count `t`."""

    def __init__(self, learning_rate: float, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False) -> None:
        self.learning_rate = learning_rate
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        # Per-parameter moment estimates (start at 0) and the number of steps taken so far.
        self.m = defaultdict(lambda: 0)
        self.v = defaultdict(lambda: 0)
        self.t = 0
        self.amsgrad = amsgrad                  # (added: the stencil does not keep the flag)
        self.v_max = defaultdict(lambda: 0)     # running maximum of v (amsgrad)

    def apply_gradients(self, trainable_params: List[Tensor], grads: List[Tensor]) -> None:
        self.t += 1                             # one time step per call (per batch), shared by all parameters
        for param, grad in zip(trainable_params, grads):
            if grad is None:
                continue
            ## Optimizer state is keyed by the parameter's object id (the Variables are updated in place)
            key = id(param)
            self.m[key] = self.beta_1 * self.m[key] + (1 - self.beta_1) * grad
            self.v[key] = self.beta_2 * self.v[key] + (1 - self.beta_2) * grad ** 2
            m_hat = self.m[key] / (1 - self.beta_1 ** self.t)
            if self.amsgrad:  # the maximum of the raw second moment, then bias correction
                self.v_max[key] = np.maximum(self.v_max[key], self.v[key])
                v_hat = self.v_max[key] / (1 - self.beta_2 ** self.t)
            else:
                v_hat = self.v[key] / (1 - self.beta_2 ** self.t)
            param.assign(param - self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon))
