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
        depend on gets zeros.
        """
        order = self._topological_order(target)
        grads = {}  # id(tensor) -> accumulated d target / d tensor
        for layer in order:
            upstream = self._upstream(layer, target, grads)
            n_in, n_w = len(layer.inputs), len(layer.weights)
            _accumulate(grads, layer.inputs, layer.compose_input_gradients(upstream), n_in)
            if n_w:
                _accumulate(grads, layer.weights, layer.compose_weight_gradients(upstream), n_w)
        result = []
        for source in sources:
            if id(source) == id(target):
                result.append(np.ones(np.shape(source)))
            elif id(source) in grads:
                result.append(np.asarray(grads[id(source)]).reshape(np.shape(source)))
            else:
                result.append(np.zeros(np.shape(source)))
        return result

    def _producer(self, tensor):
        """The recorded layer that produced ``tensor`` (None for leaves); never inserts keys."""
        return self.previous_layers.get(id(tensor))

    def _topological_order(self, target):
        """Layers the target depends on, each listed before every layer that produced one of its
        inputs (consumers first), found by an iterative depth-first search from the target."""
        start = self._producer(target)
        if start is None:
            return []
        visited, post_order = {id(start)}, []
        stack = [(start, iter(start.inputs))]
        while stack:
            layer, pending = stack[-1]
            for inp in pending:
                parent = self._producer(inp)
                if parent is not None and id(parent) not in visited:
                    visited.add(id(parent))
                    stack.append((parent, iter(parent.inputs)))
                    break
            else:
                stack.pop()
                post_order.append(layer)
        return post_order[::-1]

    @staticmethod
    def _upstream(layer, target, grads):
        """The list J of upstream gradients of ``layer``'s outputs (None for the loss itself)."""
        if any(id(out) == id(target) for out in layer.outputs):
            return None
        return [grads[id(out)] if id(out) in grads else np.zeros(np.shape(out))
                for out in layer.outputs]


def _accumulate(grads, tensors, composed, n):
    """Add ``composed`` into ``grads``: entry u * n + i belongs to tensors[i] (one block of n per
    upstream gradient, as core.py's compose_* return them)."""
    for k, grad in enumerate(composed):
        tensor = tensors[k % n]
        grad = np.asarray(grad)
        if id(tensor) in grads:
            grads[id(tensor)] = grads[id(tensor)] + grad
        else:
            grads[id(tensor)] = grad
