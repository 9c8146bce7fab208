"""Model base class (compile / fit / evaluate) and SequentialModel."""
import numpy as np

from .core import Callable, Diffable
from .gradient_tape import GradientTape


class Model(Diffable):
    """A network made of ``layers``. Gradients are taken through its layers, not the model itself."""

    def __init__(self, layers):
        self.layers = list(layers)
        self.optimizer = self.loss_fn = self.acc_fn = None

    @property
    def weights(self):
        return [w for layer in self.layers for w in layer.weights]

    def __call__(self, *args, **kwargs):
        # The model is not recorded on the tape (its layers are), so it needs no Jacobians.
        return Callable.__call__(self, *args, **kwargs)

    def get_input_gradients(self):
        raise NotImplementedError("Models are differentiated through their layers by the GradientTape.")

    def get_weight_gradients(self):
        raise NotImplementedError("Models are differentiated through their layers by the GradientTape.")

    def compile(self, optimizer, loss_fn, acc_fn):
        self.optimizer, self.loss_fn, self.acc_fn = optimizer, loss_fn, acc_fn

    def batch_step(self, x, y, training=True):
        """One batch: forward pass and loss under a GradientTape, accuracy; if training, compute the
        gradients of the loss w.r.t. ``self.trainable_variables`` and apply them with the optimizer.
        Returns ``(loss, acc)`` as floats.
        """
        ### BEGIN SOLUTION
        with GradientTape() as tape:
            probs = self(x)
            loss = self.loss_fn(probs, y)
        acc = self.acc_fn(probs, y)
        if training:
            params = self.trainable_variables
            grads = tape.gradient(loss, params)
            self.optimizer.apply_gradients(params, grads)
        return float(loss), float(acc)
        ### END SOLUTION

    def _run_epoch(self, x, y, batch_size, training):
        order = np.random.permutation(len(x)) if training else np.arange(len(x))
        totals = np.zeros(2)
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            totals += len(idx) * np.array(self.batch_step(x[idx], y[idx], training=training))
        loss, acc = totals / len(x)
        return {"loss": float(loss), "acc": float(acc)}

    def fit(self, x, y, epochs, batch_size):
        """Train (shuffling each epoch); return {"loss": [...], "acc": [...]} per-epoch averages."""
        history = {"loss": [], "acc": []}
        for epoch in range(epochs):
            stats = self._run_epoch(x, y, batch_size, training=True)
            for key in history:
                history[key].append(stats[key])
            print(f"Epoch {epoch + 1}/{epochs}: loss={stats['loss']:.4f} acc={stats['acc']:.4f}")
        return history

    def evaluate(self, x, y, batch_size):
        """Return {"loss": average, "acc": average} over (x, y) without training."""
        return self._run_epoch(x, y, batch_size, training=False)


class SequentialModel(Model):
    """Applies its layers one after another."""

    def forward(self, inputs):
        """Pass ``inputs`` through every layer in order and return the final output."""
        ### BEGIN SOLUTION
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x
        ### END SOLUTION
