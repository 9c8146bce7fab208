"""Core building blocks of Beras: Tensor, Variable, Callable, Weighted and Diffable.

GIVEN (read it, do not change it): Tensor, Variable, Callable, Diffable.__call__ and the two
``compose_*`` methods, which apply the chain rule for every layer. YOU WRITE: the three
``Weighted`` properties marked TODO.

Gradient conventions (every Diffable follows them; the grader does too)
----------------------------------------------------------------------
* ``get_input_gradients()`` returns a LIST with one local Jacobian per input. For an input of
  shape (batch, n_in) and an output of shape (batch, n_out), a Jacobian is either
  - shared by every sample: a 2-D array (n_in, n_out), entry [i, o] = d out[o] / d in[i], or
  - per sample: a 3-D array (batch, n_in, n_out).
  ``compose_input_gradients`` multiplies it with each sample's upstream gradient: ``jac @ J[b]``.
  Elementwise layers (activations) override ``compose_input_gradients`` and return the
  elementwise derivative, shaped like the input.
* ``get_weight_gradients()`` returns a LIST with one local Jacobian per weight, either shared
  (2-D, e.g. ones (1, n_out) for a bias) or per sample (3-D, e.g. x as (batch, n_in, 1) for
  a (n_in, n_out) weight). Sample b contributes ``jac[b] * J[b]`` (broadcast, elementwise);
  the gradient of a weight is the SUM of the contributions over the batch.
* ``J`` is a LIST of upstream gradients, one per output of the layer (usually one), each shaped
  like that output; ``J is None`` (or ``J[0] is None``) means "no upstream yet": the layer's raw
  ``get_*_gradients()`` are returned. That is how a loss starts the backward pass.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

import numpy as np


class Tensor(np.ndarray):
    """A numpy array with a ``trainable`` flag (mimics tf.Tensor). Tensor(t) of a Tensor is t."""

    def __new__(cls, input_array):
        if isinstance(input_array, Tensor):
            return input_array
        obj = np.asarray(input_array).view(cls)
        obj.trainable = True
        return obj

    def __array_finalize__(self, obj):
        if obj is not None:
            self.trainable = getattr(obj, "trainable", True)

    def assign(self, value):
        """Overwrite this tensor's values in place (the shape stays the same)."""
        self[...] = value


class Variable(Tensor):
    """A Tensor that holds a model's weights (mimics tf.Variable)."""


class Callable(ABC):
    """Objects that can be called like functions: ``obj(...)`` returns ``Tensor(obj.forward(...))``."""

    def __call__(self, *args, **kwargs):
        return Tensor(self.forward(*args, **kwargs))

    @abstractmethod
    def forward(self, *args, **kwargs):
        """Compute the output from the inputs (each subclass writes its own)."""


class Weighted(ABC):
    """Objects that own weights (Variables)."""

    @property
    @abstractmethod
    def weights(self):
        """List of this object's weights."""

    @property
    def trainable_variables(self):
        """The weights whose ``trainable`` flag is True, in the order of ``weights``."""
        ### BEGIN SOLUTION
        return [w for w in self.weights if w.trainable]
        ### END SOLUTION

    @property
    def non_trainable_variables(self):
        """The weights whose ``trainable`` flag is False, in the order of ``weights``."""
        ### BEGIN SOLUTION
        return [w for w in self.weights if not w.trainable]
        ### END SOLUTION

    @property
    def trainable(self):
        """True if any weight is trainable."""
        ### BEGIN SOLUTION
        return any(w.trainable for w in self.weights)
        ### END SOLUTION

    @trainable.setter
    def trainable(self, trainable):
        """Set the ``trainable`` flag of every weight."""
        ### BEGIN SOLUTION
        for w in self.weights:
            w.trainable = bool(trainable)
        ### END SOLUTION


class Diffable(Callable, Weighted):
    """A differentiable operation that records itself on the active GradientTape."""

    gradient_tape = None  # the active GradientTape (shared by every Diffable), or None

    def __call__(self, *args, **kwargs):
        """Run ``forward``, remember the inputs and outputs, and record the outputs on the tape.

        ``self.inputs`` lists the values passed for ``forward``'s parameters, in the order of its
        signature (positional or keyword); ``self.outputs`` lists what ``forward`` returned. If a
        tape is active, ``tape.previous_layers[id(output)] = self`` for every output. Returns
        ``forward``'s result unchanged (a list/tuple stays a list).
        """
        code = self.forward.__code__
        self.argnames = code.co_varnames[1:code.co_argcount]
        self.input_dict = {**dict(zip(self.argnames, args)), **kwargs}
        self.inputs = [self.input_dict[name] for name in self.argnames if name in self.input_dict]
        self.outputs = self.forward(*args, **kwargs)
        many = isinstance(self.outputs, (list, tuple))
        if not many:
            self.outputs = [self.outputs]
        if Diffable.gradient_tape is not None:
            for out in self.outputs:
                Diffable.gradient_tape.previous_layers[id(out)] = self
        return self.outputs if many else self.outputs[0]

    @abstractmethod
    def get_input_gradients(self):
        """List of local Jacobians, one per input (see the module docstring for shapes)."""

    @abstractmethod
    def get_weight_gradients(self):
        """List of local Jacobians, one per weight (see the module docstring for shapes)."""

    def compose_input_gradients(self, J=None):
        """Chain rule for the inputs: a list with, for each upstream gradient in J and each input,
        the gradient of the target with respect to that input (shaped like the input):
        sample b's gradient is ``jac[b] @ J[b]`` (per-sample jac) or ``jac @ J[b]`` (shared)."""
        if J is None or J[0] is None:
            return self.get_input_gradients()
        J = [J] if isinstance(J, np.ndarray) else J
        composed = []
        for upstream in J:
            upstream = np.asarray(upstream)
            for inp, jac in zip(self.inputs, self.get_input_gradients()):
                jac = np.asarray(jac)
                shape = np.shape(inp)
                try:
                    if jac.ndim == 3 and upstream.ndim == 2:
                        grad = np.einsum("bio,bo->bi", jac, upstream).reshape(shape)
                    elif jac.ndim == 2 and upstream.ndim == 2:
                        grad = (upstream @ jac.T).reshape(shape)
                    else:
                        grad = _per_sample(shape, jac, upstream, np.matmul)
                except ValueError as exc:
                    raise ValueError(
                        f"{type(self).__name__}: cannot compose an input Jacobian of shape "
                        f"{jac.shape} with an upstream gradient of shape {upstream.shape} into a "
                        f"gradient shaped like the input {shape}: {exc}") from None
                composed.append(grad)
        return composed

    def compose_weight_gradients(self, J=None):
        """Chain rule for the weights: a list with, for each upstream gradient in J and each
        weight, the gradient of the target with respect to that weight: the sum over the batch of
        ``jac[b] * J[b]`` (per-sample jac) or ``jac * J[b]`` (shared), broadcast elementwise."""
        if J is None or J[0] is None:
            return self.get_weight_gradients()
        J = [J] if isinstance(J, np.ndarray) else J
        composed = []
        for upstream in J:
            upstream = np.asarray(upstream)
            for weight, jac in zip(self.weights, self.get_weight_gradients()):
                jac = np.asarray(jac)
                shape = np.shape(weight)
                try:
                    if jac.ndim == 3 and jac.shape[-1] == 1 and upstream.ndim == 2:
                        total = jac[..., 0].T @ upstream  # sum_b x[b] (outer) J[b]
                    elif jac.ndim != 3:
                        total = jac * upstream.sum(axis=0)  # a shared jac factors out of the sum
                    else:
                        total = _per_sample((upstream.shape[0], *shape), jac, upstream,
                                            np.multiply).sum(axis=0)
                    total = np.broadcast_to(total, shape).copy()
                except ValueError as exc:
                    raise ValueError(
                        f"{type(self).__name__}: cannot compose a weight Jacobian of shape "
                        f"{jac.shape} with an upstream gradient of shape {upstream.shape} into "
                        f"a gradient shaped like the weight {shape}: {exc}") from None
                composed.append(total)
        return composed


def _per_sample(shape, jac, upstream, op):
    """The chain rule one sample at a time: out[b] = op(jac[b] or jac, upstream[b])."""
    out = np.zeros(shape, dtype=np.result_type(jac, upstream))
    for b in range(upstream.shape[0]):
        out[b] = op(jac[b] if jac.ndim == 3 else jac, upstream[b])
    return out
