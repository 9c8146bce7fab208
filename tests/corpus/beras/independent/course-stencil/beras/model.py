from abc import abstractmethod
from collections import defaultdict
from typing import Any, Dict, List, Optional, Tuple, Union

from beras.core import Callable, Diffable, Tensor, Variable
from beras.gradient_tape import GradientTape
import numpy as np


def print_stats(stat_dict: Dict[str, float], batch_num: Optional[int] = None, num_batches: Optional[int] = None, epoch: Optional[int] = None, avg: bool = False) -> None:
    """Print a progress line such as ` - Epoch  1: Batch  3/10 : {'loss': ...}` over the current line.

    With avg=True each statistic is averaged first and the line is ended with a newline.
    """
    parts = [" - "]
    if epoch is not None:
        parts.append(f"Epoch {epoch + 1:2}: ")
    if batch_num is not None:
        parts.append(f"Batch {batch_num + 1:3}")
        if num_batches is not None:
            parts.append(f"/{num_batches}")
    if avg:
        parts.append("Average Stats")
    print("\r" + "".join(parts) + " : ", end="")
    summarize = np.mean if avg else (lambda value: value)
    rounded = {name: np.round(summarize(value), 4) for name, value in stat_dict.items()}
    print(rounded, end="")
    print("   ", end="\n" if avg else "")


def update_metric_dict(super_dict: Dict[str, List[float]], sub_dict: Dict[str, float]) -> None:
    """Append the mean of each metric in sub_dict to that metric's list in super_dict."""
    for name, values in sub_dict.items():
        super_dict[name] += [np.mean(values)]


class Model(Diffable):
    """A Diffable made of a list of layers, trained with an optimizer, a loss and an accuracy metric."""

    def __init__(self, layers: List[Diffable]) -> None:
        self.layers = layers

    @property
    def weights(self) -> List[Tensor]:
        return [weight for layer in self.layers for weight in layer.weights]

    def compile(self, optimizer: Diffable, loss_fn: Diffable, acc_fn: Callable) -> None:
        """Attach the optimizer, the loss and the accuracy metric used by fit/evaluate."""
        self.optimizer = optimizer
        self.compiled_loss = loss_fn
        self.compiled_acc = acc_fn

    def fit(self, x: Tensor, y: Union[Tensor, np.ndarray], epochs: int, batch_size: int) -> Dict[str, List[float]]:
        """Train for `epochs` epochs in batches of `batch_size`; returns each metric's per-epoch values."""
        agg_metrics = defaultdict(list)         ## {metric: [epoch 1 average, epoch 2 average, ...]}
        num_examples = x.shape[0]
        num_batches = int(np.ceil(num_examples / batch_size))
        for epoch in range(epochs):
            ## Shuffle the training set every epoch (like Keras' fit does by default)
            order = np.random.permutation(num_examples)
            epoch_metrics = defaultdict(list)
            for batch_num in range(num_batches):
                idx = order[batch_num * batch_size:(batch_num + 1) * batch_size]
                batch_metrics = self.batch_step(x[idx], y[idx], training=True)
                update_metric_dict(epoch_metrics, batch_metrics)
                print_stats(batch_metrics, batch_num, num_batches, epoch)
            update_metric_dict(agg_metrics, epoch_metrics)
            print_stats(epoch_metrics, epoch=epoch, avg=True)
        return dict(agg_metrics)

    def evaluate(self, x: Tensor, y: Union[Tensor, np.ndarray], batch_size: int) -> Tuple[Dict[str, float], np.ndarray]:
        """Run over (x, y) in batches without updating the weights; returns (metrics, predictions)."""
        num_examples = x.shape[0]
        num_batches = int(np.ceil(num_examples / batch_size))
        batch_metrics_list, batch_sizes, predictions = defaultdict(list), [], []
        for batch_num in range(num_batches):
            ## No shuffling and no gradient updates when testing
            x_batch = x[batch_num * batch_size:(batch_num + 1) * batch_size]
            y_batch = y[batch_num * batch_size:(batch_num + 1) * batch_size]
            batch_metrics, batch_preds = self.batch_step(x_batch, y_batch, training=False)
            update_metric_dict(batch_metrics_list, batch_metrics)
            batch_sizes.append(x_batch.shape[0])
            predictions.append(np.asarray(batch_preds))
            print_stats(batch_metrics, batch_num, num_batches)
        ## Average over examples (a smaller last batch counts for less), so e.g. "acc" is the test-set accuracy
        metrics = {k: float(np.average(v, weights=batch_sizes)) for k, v in batch_metrics_list.items()}
        print_stats(metrics, avg=True)
        ## predictions: the model's outputs (class probabilities) for every example, in order
        return metrics, np.concatenate(predictions, axis=0)

    def get_input_gradients(self) -> List[Tensor]:
        return super().get_input_gradients()

    def get_weight_gradients(self) -> List[Tensor]:
        return super().get_weight_gradients()

    @abstractmethod
    def batch_step(self, x: Tensor, y: Tensor, training: bool = True) -> Union[Dict[str, float], Tuple[Dict[str, float], Tensor]]:
        """One batch: forward pass, loss and accuracy, plus a weight update when `training`."""
        raise NotImplementedError("subclasses of Model must define batch_step")


class SequentialModel(Model):
    """Applies its layers one after another."""

    def forward(self, inputs: Tensor) -> Tensor:
        x = inputs
        for layer in self.layers:
            x = layer(x)
        return x

    def batch_step(self, x: Tensor, y: Tensor, training: bool = True) -> Union[Dict[str, float], Tuple[Dict[str, float], Tensor]]:
        """Metrics for one batch (returned with the predictions when not training); updates weights when training."""
        with GradientTape() as tape:
            ## Use self.forward, not self(x): calling the model itself would record the *model* as the layer that
            ##  produced the predictions, and the model has no input/weight gradients of its own.
            predictions = self.forward(x)
            loss = self.compiled_loss(predictions, y)
        acc = self.compiled_acc(predictions, y)

        if training:
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(self.trainable_variables, grads)

        loss, acc = float(loss), float(acc)
        if training:
            return {"loss": loss, "acc": acc}
        else:
            return {"loss": loss, "acc": acc}, predictions
