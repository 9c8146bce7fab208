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
        ### BEGIN SOLUTION
        position = {id(s): i for i, s in enumerate(sources)}
        grads = [np.zeros(np.shape(s)) for s in sources]

        # How many recorded layers (reachable from target) consume each tensor.
        pending = {}
        stack, seen = [target], {id(target)}
        while stack:
            layer = self.previous_layers.get(id(stack.pop()))
            if layer is None:
                continue
            for inp in layer.inputs:
                pending[id(inp)] = pending.get(id(inp), 0) + 1
                if id(inp) not in seen:
                    seen.add(id(inp))
                    stack.append(inp)

        upstream = {id(target): np.ones(np.shape(target))}
        queue = deque([target])
        while queue:
            tensor = queue.popleft()
            J = upstream.pop(id(tensor))
            if id(tensor) in position:
                grads[position[id(tensor)]] += J
            layer = self.previous_layers.get(id(tensor))
            if layer is None:
                continue
            for w, g in zip(layer.weights, layer.compose_weight_gradients(J)):
                if id(w) in position:
                    grads[position[id(w)]] += g
            for inp, g in zip(layer.inputs, layer.compose_input_gradients(J)):
                upstream[id(inp)] = upstream.get(id(inp), 0) + np.asarray(g)
                pending[id(inp)] -= 1
                if pending[id(inp)] == 0:
                    queue.append(inp)
        return [Tensor(g) for g in grads]
        ### END SOLUTION
