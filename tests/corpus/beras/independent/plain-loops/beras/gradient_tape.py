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
        # Pass 1 (breadth-first): find every layer the target depends on and count, for each
        # tensor, how many times a layer consumes it, so that a tensor is only propagated once
        # all of its contributions have been summed.
        consumers = defaultdict(int)  # id(tensor) -> number of (layer, input) uses
        seen_layers = set()
        queue = [target]
        while queue:
            tensor = queue.pop(0)
            layer = self.previous_layers.get(id(tensor))
            if layer is None or id(layer) in seen_layers:
                continue
            seen_layers.add(id(layer))
            for inp in layer.inputs:
                consumers[id(inp)] += 1
                queue.append(inp)

        # Pass 2 (breadth-first): push the gradients back from the target.
        grads = {}  # id(tensor or weight) -> d target / d tensor
        done_layers = set()
        queue = [target]
        while queue:
            tensor = queue.pop(0)
            layer = self.previous_layers.get(id(tensor))
            if layer is None or id(layer) in done_layers:
                continue
            # a layer with several outputs waits until every one of them is complete
            if any(consumers[id(out)] > 0 for out in layer.outputs):
                continue
            done_layers.add(id(layer))

            if any(out is target for out in layer.outputs):
                J = None  # the loss starts the backward pass with its own gradient
            else:
                J = []
                for out in layer.outputs:
                    if id(out) in grads:
                        J.append(grads[id(out)])
                    else:  # an output the target does not use
                        J.append(np.zeros(np.shape(out)))

            input_grads = layer.compose_input_gradients(J)
            weight_grads = layer.compose_weight_gradients(J)
            n_in, n_w = len(layer.inputs), len(layer.weights)
            # the composed lists hold, for each upstream gradient, one entry per input (weight)
            for k, grad in enumerate(input_grads):
                self._accumulate(grads, layer.inputs[k % n_in], grad)
            for k, grad in enumerate(weight_grads):
                self._accumulate(grads, layer.weights[k % n_w], grad)

            for inp in layer.inputs:
                consumers[id(inp)] -= 1
                if consumers[id(inp)] == 0:
                    queue.append(inp)

        result = []
        for source in sources:
            if id(source) in grads:
                result.append(Tensor(np.reshape(grads[id(source)], np.shape(source))))
            else:
                result.append(Tensor(np.zeros(np.shape(source))))
        return result

    @staticmethod
    def _accumulate(grads, tensor, grad):
        """Add ``grad`` to the gradient stored for ``tensor`` (sum over every use of it)."""
        grad = np.asarray(grad, dtype=float).reshape(np.shape(tensor))
        if id(tensor) in grads:
            grads[id(tensor)] = grads[id(tensor)] + grad
        else:
            grads[id(tensor)] = grad
