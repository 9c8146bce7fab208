"""Model base class (compile / fit / evaluate) and SequentialModel.

GIVEN: ``print_stats``, ``update_metric_dict``, the constructor, ``compile`` and ``__call__``.
YOU WRITE: ``weights``, ``fit``, ``evaluate``, ``SequentialModel.forward`` and
``SequentialModel.batch_step``. Metric dicts use the keys "loss" and "acc".
"""
from collections import defaultdict

import numpy as np

from .core import Diffable
from .gradient_tape import GradientTape


def print_stats(stat_dict, batch_num=None, num_batches=None, epoch=None, avg=False):
    """Print a one-line summary of ``stat_dict`` (averages of its lists if ``avg``)."""
    title = " - "
    if epoch is not None:
        title += f"Epoch {epoch + 1:2}: "
    if batch_num is not None:
        title += f"Batch {batch_num + 1:3}" + (f"/{num_batches}" if num_batches else "")
    if avg:
        title += "Average Stats"
    values = {k: round(float(np.mean(v) if avg else v), 4) for k, v in stat_dict.items()}
    print(f"\r{title} : {values}", end="\n" if avg else "   ")


def update_metric_dict(super_dict, sub_dict):
    """Append the mean of each of ``sub_dict``'s values to the list of the same key in
    ``super_dict`` (a ``defaultdict(list)``)."""
    for key, value in sub_dict.items():
        super_dict[key].append(float(np.mean(value)))


class Model(Diffable):
    """A network made of ``layers``, trained with the optimizer, loss and metric of ``compile``."""

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, *args, **kwargs):
        """Run ``forward``. The model itself is not recorded on the tape (its layers are), so
        ``self(x)`` inside a GradientTape records exactly the layers' operations."""
        return self.forward(*args, **kwargs)

    @property
    def weights(self):
        """Every layer's weights, in layer order."""
        # YOUR CODE HERE
        raise NotImplementedError("Model.weights: your code here")

    def compile(self, optimizer, loss_fn, acc_fn):
        """Keep the optimizer, the loss and the accuracy metric for fit and evaluate."""
        self.optimizer = optimizer
        self.compiled_loss = loss_fn
        self.compiled_acc = acc_fn

    def fit(self, x, y, epochs, batch_size):
        """Train for ``epochs`` passes over (x, y) in batches of ``batch_size`` (the last batch may
        be smaller), calling ``batch_step(..., training=True)``. Return the per-epoch averages of
        the batch metrics as a dict of lists: {"loss": [epoch 1, ...], "acc": [...]}.
        """
        # YOUR CODE HERE
        raise NotImplementedError("Model.fit: your code here")

    def evaluate(self, x, y, batch_size):
        """Evaluate on (x, y) in batches, WITHOUT training (``batch_step(..., training=False)``).
        Return ``(metrics, predictions)``: the metrics over the whole set as a dict of floats
        {"loss": ..., "acc": ...} (the mean of the batch metrics, weighted by batch size or not:
        both are accepted), and the model's outputs for every example, in order, as one array
        (n, n_classes) (predicted class indices (n,) are accepted too)."""
        # YOUR CODE HERE
        raise NotImplementedError("Model.evaluate: your code here")

    def get_input_gradients(self):
        return super().get_input_gradients()

    def get_weight_gradients(self):
        return super().get_weight_gradients()

    def batch_step(self, x, y, training=True):
        """One batch; see SequentialModel.batch_step."""
        raise NotImplementedError("batch_step is written in the subclass")


class SequentialModel(Model):
    """Applies its layers one after another."""

    def forward(self, inputs):
        """Pass ``inputs`` through every layer in order and return the final output."""
        # YOUR CODE HERE
        raise NotImplementedError("SequentialModel.forward: your code here")

    def batch_step(self, x, y, training=True):
        """Loss and accuracy of one batch. Run the forward pass and the loss under a
        GradientTape; if ``training``, take the gradients of the loss with respect to
        ``self.trainable_variables`` and apply them with ``self.optimizer``.

        Returns {"loss": float, "acc": float} when training, and
        ``({"loss": float, "acc": float}, predictions)`` when not (predictions: the model's
        outputs for x).
        """
        # YOUR CODE HERE
        raise NotImplementedError("SequentialModel.batch_step: your code here")
