"""GradientTape: records which Diffable produced each tensor and back-propagates through them."""
from collections import deque

import numpy as np

from .core import Diffable, Tensor


class GradientTape:
    """Context manager: ``with GradientTape() as tape: ...; tape.gradient(loss, variables)``."""

    def __init__(self):
        # id(output tensor) -> the Diffable layer that produced it (filled in by Diffable.__call__)
        self.previous_layers = {}

    def __enter__(self):
        if Diffable.gradient_tape is not None:
            raise RuntimeError("A GradientTape is already active; tapes cannot be nested.")
        Diffable.gradient_tape = self
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        Diffable.gradient_tape = None

    def gradient(self, target, sources):
        """Return [d sum(target) / d s for s in sources], each shaped like s (zeros if s is unreachable).

        Breadth-first walk back from ``target`` through ``previous_layers``: keep a queue of tensors
        and a dict id(tensor) -> upstream gradient (target starts with ones). For each tensor's
        producing layer, add ``compose_weight_gradients(J)`` into the matching sources and
        ``compose_input_gradients(J)`` into its inputs' upstream gradients. A tensor is processed
        only once all the layers that consume it have contributed (so shared tensors work too).
        """
        # YOUR CODE HERE
        raise NotImplementedError("GradientTape.gradient: your code here")
