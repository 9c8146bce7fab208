from collections import defaultdict
from typing import Any, Dict, List, Optional

from beras.core import Diffable, Tensor


class GradientTape:
    """Context manager that records, while active, which Diffable produced each output."""

    def __init__(self) -> None:
        # id(output tensor) -> the Diffable whose call returned it (None when unknown).
        self.previous_layers = defaultdict(lambda: None)

    def __enter__(self) -> 'GradientTape':
        if Diffable.gradient_tape is not None:
            raise RuntimeError("GradientTape scopes may not be nested.")
        Diffable.gradient_tape = self  # every Diffable call now records on this tape
        return self

    def __exit__(self, exc_type: Any, exc_val: Any, exc_tb: Any) -> None:
        Diffable.gradient_tape = None  # stop recording

    def gradient(self, target: Tensor, sources: List[Tensor]) -> List[Tensor]:
        """Gradients of `target` with respect to each tensor in `sources`, in the same order."""
        queue = [target]                   # tensors whose producing layer still has to be back-propagated
        grads = defaultdict(lambda: None)  # id(tensor) -> [gradient of target w.r.t. it], None until set

        def accumulate(key: int, gradient: Tensor) -> None:
            ## A tensor (or weight) that feeds several recorded operations receives the sum of their gradients
            grads[key] = [gradient] if grads[key] is None else [grads[key][0] + gradient]

        ## Pass 1: walk the recorded graph back from the target and count, for every tensor, how many recorded
        ##  operations consume it. A tensor's gradient is only sent further back once all of its consumers have
        ##  contributed (for a purely sequential model every count is 1, so this is plain breadth-first search).
        pending = defaultdict(int)
        seen = {id(target)}
        stack = [target]
        while stack:
            tensor = stack.pop()
            layer = self.previous_layers.get(id(tensor))
            if layer is None:
                continue
            for inp in layer.inputs:
                pending[id(inp)] += 1
                if id(inp) not in seen:
                    seen.add(id(inp))
                    stack.append(inp)

        ## Pass 2: breadth-first backpropagation from the target.
        while queue:
            current = queue.pop(0)
            layer = self.previous_layers.get(id(current))
            if layer is None:
                ## Not produced by a recorded Diffable (e.g. the model inputs or the labels): nothing to propagate
                continue

            ## Upstream jacobian for this tensor; None for the target itself, in which case the layer's
            ##  compose methods fall back to its own input/weight gradients.
            upstream = grads[id(current)]

            ## Gradients of the target w.r.t. this layer's weights
            for weight, weight_grad in zip(layer.weights, layer.compose_weight_gradients(upstream)):
                accumulate(id(weight), weight_grad)

            ## Gradients of the target w.r.t. this layer's inputs; keep going backwards through them
            for inp, inp_grad in zip(layer.inputs, layer.compose_input_gradients(upstream)):
                accumulate(id(inp), inp_grad)
                pending[id(inp)] -= 1
                if pending[id(inp)] == 0:
                    queue.append(inp)

        ## One gradient per source, in order (None when the target does not depend on that source, like TF)
        return [None if grads[id(source)] is None else grads[id(source)][0] for source in sources]
