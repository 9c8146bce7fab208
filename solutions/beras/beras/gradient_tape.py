"""GradientTape: records which Diffable produced each tensor and back-propagates through them.

GIVEN: the constructor and the context manager. YOU WRITE: ``gradient``.
"""
from collections import defaultdict

import numpy as np

from .core import Diffable, Tensor


class GradientTape:
    """Context manager: ``with GradientTape() as tape: ...; tape.gradient(loss, variables)``."""

    def __init__(self):
        # id(output tensor) -> the Diffable layer that produced it (filled in by Diffable.__call__;
        # None for a tensor no recorded layer produced)
        self.previous_layers = defaultdict(lambda: None)

    def __enter__(self):
        if Diffable.gradient_tape is not None:
            raise RuntimeError("Cannot nest gradient tape scopes.")
        Diffable.gradient_tape = self
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        Diffable.gradient_tape = None

    def gradient(self, target, sources):
        """Return the list [d target / d s for s in sources], each shaped like s.

        ``target`` is the output of a loss (a scalar). Walk backwards from it breadth-first
        through ``previous_layers``: for the layer that produced a tensor, ``layer.
        compose_input_gradients(J)`` gives the gradients of its inputs and ``layer.
        compose_weight_gradients(J)`` those of its weights, where J is the list of upstream
        gradients of the layer's output (``None`` for the target itself, so the loss returns its
        own gradient). Keep the gradients in a dict keyed by ``id(tensor)``. A tensor that feeds
        several layers gets the SUM of their contributions. A source that the target does not
        depend on gets zeros (None is accepted too).
        """
        ### BEGIN SOLUTION
        # How many recorded layers (reachable from the target) consume each tensor, so that a
        # tensor is passed on only once all of its consumers have contributed.
        pending = defaultdict(int)
        stack, seen = [target], {id(target)}
        while stack:
            layer = self.previous_layers[id(stack.pop())]
            if layer is None:
                continue
            for inp in layer.inputs:
                pending[id(inp)] += 1
                if id(inp) not in seen:
                    seen.add(id(inp))
                    stack.append(inp)

        grads = {}  # id(tensor) -> gradient of the target with respect to it
        upstream = {id(target): None}
        queue = [target]
        while queue:
            tensor = queue.pop(0)
            J = upstream.pop(id(tensor))
            layer = self.previous_layers[id(tensor)]
            if layer is None:
                continue
            J = None if J is None else [J]
            for weight, g in zip(layer.weights, layer.compose_weight_gradients(J)):
                grads[id(weight)] = grads.get(id(weight), 0) + np.asarray(g)
            for inp, g in zip(layer.inputs, layer.compose_input_gradients(J)):
                total = upstream.get(id(inp))
                upstream[id(inp)] = np.asarray(g) if total is None else total + np.asarray(g)
                grads[id(inp)] = upstream[id(inp)]
                pending[id(inp)] -= 1
                if pending[id(inp)] == 0:
                    queue.append(inp)
        return [Tensor(grads[id(s)]) if id(s) in grads else Tensor(np.zeros(np.shape(s)))
                for s in sources]
        ### END SOLUTION
