"""Core building blocks: the Tensor/Variable array types and the Callable/Weighted/Diffable bases."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Optional, Tuple, TypedDict, Union

import numpy as np

if TYPE_CHECKING:
    from beras.gradient_tape import GradientTape


class Tensor(np.ndarray):
    """An ndarray view that carries a `trainable` flag (default True)."""

    def __new__(cls, input_array: Union[np.ndarray, List, Tuple, 'Tensor']) -> 'Tensor':
        if isinstance(input_array, Tensor):
            return input_array  # already a Tensor: hand back the very same object
        obj = np.asarray(a=input_array).view(type=cls)
        obj.trainable = True
        return obj

    def __array_finalize__(self, obj: Optional[Any]) -> None:
        # Views and results derived from another array inherit its flag.
        if obj is not None:
            self.trainable = getattr(obj, "trainable", True)

    def assign(self, value: Union[Tensor, np.ndarray]) -> None:
        self[:] = value


class Variable(Tensor):
    """A Tensor meant to hold model parameters (updated in place with assign)."""

    def assign(self, value: Union[Tensor, np.ndarray]) -> None:
        self[:] = value


class Callable(ABC):
    """Something with a `forward`; calling it runs forward and wraps the result in a Tensor."""

    def __call__(self, *args: Any, **kwargs: Any) -> Tensor:
        result = self.forward(*args, **kwargs)
        return Tensor(result)

    @abstractmethod
    def forward(self, *args: Any, **kwargs: Any) -> Tensor:
        pass


class Weighted(ABC):
    """Something that owns a list of weight tensors."""

    @property
    @abstractmethod
    def weights(self) -> List[Tensor]:
        pass

    @property
    def trainable_variables(self) -> List[Tensor]:
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_variables(self) -> List[Tensor]:
        return [w for w in self.weights if not w.trainable]

    @property
    def trainable(self) -> bool:
        return any(w.trainable for w in self.weights)

    @trainable.setter
    def trainable(self, trainable: bool) -> None:
        for w in self.weights:
            w.trainable = trainable


def _fill_per_sample(out, local, upstream, batch, combine, symbol):
    """Set out[b] = combine(local_b, upstream[b]) for b in range(batch).

    `local` is a 3-D stack holding one Jacobian per sample, or any other array shared by every sample.
    """
    for b in range(batch):
        local_b = local[b] if len(local.shape) == 3 else local
        try:
            out[b] = combine(local_b, upstream[b])
        except ValueError as err:
            raise ValueError(
                f"cannot compute `local {symbol} upstream[b]` for sample {b}: "
                f"shapes {local_b.shape} and {upstream[b].shape}:\n{err}"
            )


class Diffable(Callable, Weighted):
    """A Callable whose calls are recorded on the active GradientTape, and that can back-propagate."""

    # The tape currently recording (shared by every Diffable); None outside a `with GradientTape()` block.
    gradient_tape: Optional['GradientTape'] = None

    def __call__(self, *args: Any, **kwargs: Any) -> Union[Tensor, List[Tensor]]:
        # Parameter names of forward after `self` (co_varnames also lists its local variables).
        self.argnames = self.forward.__code__.co_varnames[1:]

        # Name the positional arguments, then let keyword arguments add to / override them.
        by_name = {}
        for position, value in enumerate(args):
            by_name[self.argnames[position]] = value
        by_name.update(kwargs)
        self.input_dict = by_name

        # Input values in forward's parameter order (only those that were actually passed).
        self.inputs = [by_name[name] for name in self.argnames if name in by_name]

        self.outputs = self.forward(*args, **kwargs)

        # Treat a single output as a one-element list; list/tuple outputs are kept as they are.
        several = isinstance(self.outputs, (list, tuple))
        if not several:
            self.outputs = [self.outputs]

        tape = Diffable.gradient_tape
        if tape is not None:
            # Remember which layer produced each output, keyed by the output object's id.
            for out in self.outputs:
                tape.previous_layers[id(out)] = self

        if several:
            return self.outputs
        return self.outputs[0]

    @abstractmethod
    def get_input_gradients(self) -> List[Tensor]:
        """Local Jacobians of the output w.r.t. each input (one list entry per input)."""
        return []

    @abstractmethod
    def get_weight_gradients(self) -> List[Tensor]:
        """Local Jacobians of the output w.r.t. each weight (one list entry per weight)."""
        return []

    def compose_input_gradients(self, J: Optional[List[Tensor]] = None) -> List[Tensor]:
        """Chain rule for the inputs: per sample b, local_b @ upstream[b], for every upstream in J.

        Without an upstream gradient (J is None or J[0] is None) the local input gradients are returned.
        """
        if J is None or J[0] is None:
            return self.get_input_gradients()
        composed = []
        for upstream in J:
            batch = upstream.shape[0]
            for inp, local in zip(self.inputs, self.get_input_gradients()):
                result = np.zeros(inp.shape, dtype=local.dtype)
                _fill_per_sample(result, local, upstream, batch, lambda g, u: g @ u, "@")
                composed.append(result)
        return composed

    def compose_weight_gradients(self, J: Optional[List[Tensor]] = None) -> List[Tensor]:
        """Chain rule for the weights: per sample b, local_b * upstream[b] (broadcast), summed over the batch.

        Without an upstream gradient (J is None or J[0] is None) the local weight gradients are returned.
        """
        if J is None or J[0] is None:
            return self.get_weight_gradients()
        composed = []
        for upstream in J:
            for weight, local in zip(self.weights, self.get_weight_gradients()):
                batch = upstream.shape[0]
                per_sample = np.zeros((batch, *weight.shape), dtype=local.dtype)
                _fill_per_sample(per_sample, local, upstream, batch, lambda g, u: g * u, "*")
                composed.append(np.sum(per_sample, axis=0))
        return composed
