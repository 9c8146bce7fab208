"""Core building blocks of Beras: Tensor, Callable, Weighted and Diffable.

Jacobian conventions (used by every Diffable):

* ``get_input_gradients()`` returns one local Jacobian per input, either
  - per-sample matrices shaped ``(batch, in, out)`` with ``jac[b, i, o] = d out[b, o] / d in[b, i]``, or
  - for elementwise operations, the diagonals shaped ``(batch, n)`` (same shape as the input).
* ``get_weight_gradients()`` returns one per-sample Jacobian per weight, shaped
  ``(batch, *s)`` such that ``jac[b] * J[b]`` (``J[b]`` broadcast along the last axis)
  is sample b's gradient for that weight (e.g. ``(batch, in, 1)`` for a ``(in, out)`` weight).
* ``J`` is the upstream gradient of the (scalar) target w.r.t. this layer's output, shaped like the output.
"""
from abc import ABC, abstractmethod

import numpy as np


class Tensor(np.ndarray):
    """A numpy array with a ``trainable`` flag (mimics tf.Tensor / tf.Variable)."""

    def __new__(cls, input_array):
        obj = np.asarray(input_array).view(cls)
        obj.trainable = True
        return obj

    def __array_finalize__(self, obj):
        if obj is not None:
            self.trainable = getattr(obj, "trainable", True)

    def assign(self, value):
        """Overwrite this tensor's values in place (the shape stays the same)."""
        self[...] = np.asarray(value)
        return self


Variable = Tensor


class Callable(ABC):
    """Objects that can be called like functions: ``obj(...)`` runs ``obj.forward(...)`` and
    returns its result as a Tensor (a result that is already a Tensor is returned as is)."""

    def __call__(self, *args, **kwargs):
        out = self.forward(*args, **kwargs)
        return out if isinstance(out, Tensor) else Tensor(out)

    @abstractmethod
    def forward(self, *args, **kwargs):
        """Compute the output from the inputs."""


class Weighted(ABC):
    """Objects that own weights (Variables)."""

    @property
    @abstractmethod
    def weights(self):
        """List of this object's weights."""

    @property
    def trainable_variables(self):
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_variables(self):
        return [w for w in self.weights if not w.trainable]

    @property
    def trainable(self):
        return len(self.trainable_variables) > 0

    @trainable.setter
    def trainable(self, value):
        for w in self.weights:
            w.trainable = bool(value)


class Diffable(Callable, Weighted):
    """A differentiable operation that records itself on the active GradientTape."""

    gradient_tape = None  # the active GradientTape (shared by every Diffable), or None

    def __call__(self, *args, **kwargs):
        """Run ``forward``; remember inputs/outputs; register the outputs on the active tape.

        Positional arguments are the differentiable inputs; keyword arguments are options.
        """
        self.inputs = [a if isinstance(a, Tensor) else Tensor(a) for a in args]
        out = self.forward(*self.inputs, **kwargs)
        many = isinstance(out, (list, tuple))
        outs = list(out) if many else [out]
        self.outputs = [o if isinstance(o, Tensor) else Tensor(o) for o in outs]
        if Diffable.gradient_tape is not None:
            for o in self.outputs:
                Diffable.gradient_tape.previous_layers[id(o)] = self
        return self.outputs if many else self.outputs[0]

    @abstractmethod
    def get_input_gradients(self):
        """List of local Jacobians, one per input (see the module docstring for shapes)."""

    @abstractmethod
    def get_weight_gradients(self):
        """List of per-sample local Jacobians, one per weight (see the module docstring)."""

    def compose_input_gradients(self, J=None):
        """Chain rule for the inputs: return one gradient per input, each shaped like that input.

        J: upstream gradient shaped like the output, e.g. (batch, out). If J is None, return the
        raw ``get_input_gradients()``. A per-sample matrix Jacobian (batch, in, out) gives
        ``out[b] = jac[b] @ J[b]`` -> (batch, in); an elementwise Jacobian (batch, n) gives ``jac * J``.
        """
        ### BEGIN SOLUTION
        if J is None:
            return self.get_input_gradients()
        J = np.asarray(J)
        grads = []
        for jac in self.get_input_gradients():
            jac = np.asarray(jac)
            if jac.ndim == J.ndim + 1:
                grads.append(Tensor(np.matmul(jac, J[..., None])[..., 0]))
            else:
                grads.append(Tensor(jac * J))
        return grads
        ### END SOLUTION

    def compose_weight_gradients(self, J=None):
        """Chain rule for the weights: return one gradient per weight, each shaped like the weight.

        J: upstream gradient (batch, out). Sample b contributes ``jac[b] * J[b]``; the result is
        the SUM of the contributions over the batch. If J is None, return ``get_weight_gradients()``.
        """
        ### BEGIN SOLUTION
        if J is None:
            return self.get_weight_gradients()
        J = np.asarray(J)
        grads = []
        for w, jac in zip(self.weights, self.get_weight_gradients()):
            jac = np.asarray(jac)
            upstream = J.reshape(J.shape[0], *([1] * (jac.ndim - 2)), J.shape[-1])
            grads.append(Tensor(np.sum(jac * upstream, axis=0).reshape(w.shape)))
        return grads
        ### END SOLUTION
