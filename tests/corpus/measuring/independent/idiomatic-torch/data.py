"""Part 1: MNIST-1D, generated offline and deterministically, and random training labels.

MNIST-1D (Greydanus, "Scaling down Deep Learning", 2020) turns ten fixed length-12 templates
into length-40 signals with six random transformations (padding, translation, shear, scaling,
correlated and i.i.d. noise). `mnist1d.data.make_dataset(args)` builds it in memory from a seed
in about a second: never download it (no network while grading).

    from mnist1d.data import make_dataset, get_dataset_args
    args = get_dataset_args()      # num_samples=5000, train_split=0.8, seed=42, ...
    data = make_dataset(args)      # {"x": (4000, 40), "y": (4000,), "x_test": (1000, 40), ...}

Conventions (graded):
  * every dataset is a dict with "x" (n_train, 40), "y" (n_train,), "x_test" (n_test, 40) and
    "y_test" (n_test,); x float (float32 or float64), y integer class labels 0..9;
  * the values are exactly those of make_dataset with num_samples = n_train + n_test, the
    train/test split at n_train and the given seed (make_dataset normalizes the whole set
    before it splits, so a different total changes every signal slightly);
  * corrupt_labels changes EXACTLY m = round(fraction * n) labels, each to a DIFFERENT class
    drawn uniformly from the other nine (so the fraction of wrong labels is exactly the fraction
    asked for; redrawing each label with probability p from all ten classes would leave a
    tenth of them unchanged and corrupt only about 0.9 p n).
"""

import numpy as np
from mnist1d.data import get_dataset_args, make_dataset

NUM_CLASSES = 10


def load_mnist1d(n_train=4000, n_test=1000, seed=42):
    """MNIST-1D with n_train training and n_test test examples (n_train + n_test a multiple of 10).

    The notes' split is the default (4000 / 1000, seed 42); the double-descent experiment uses
    load_mnist1d(10000, 5000). Set the fields of get_dataset_args() (num_samples, train_split,
    seed) and call make_dataset. Beware: make_dataset splits at int(num_samples * train_split),
    and 15000 * (10000 / 15000) is not exactly 10000 in floating point.
    Returns {"x", "y", "x_test", "y_test"} as numpy arrays.
    """
    total = n_train + n_test
    args = get_dataset_args()
    args.num_samples = total
    args.train_split = n_train / total
    args.seed = seed
    full = make_dataset(args)
    # make_dataset's own split point int(total * train_split) can land one short of n_train in
    # floating point, so put the two halves back together and split at n_train ourselves.
    x = np.concatenate([full["x"], full["x_test"]])
    y = np.concatenate([full["y"], full["y_test"]])
    return {"x": x[:n_train], "y": y[:n_train], "x_test": x[n_train:], "y_test": y[n_train:]}


def corrupt_labels(y, fraction, seed, num_classes=NUM_CLASSES):
    """A copy of y with exactly round(fraction * len(y)) labels changed to a different class.

    Draw with np.random.default_rng(seed): first which positions change (without replacement),
    then, for each, a new class uniformly among the num_classes - 1 other classes. The input
    array is not modified; the same seed gives the same labels.
    """
    rng = np.random.default_rng(seed)
    y = np.asarray(y)
    out = y.copy()
    m = int(round(fraction * len(y)))
    positions = rng.choice(len(y), size=m, replace=False)
    # an offset of 1..num_classes-1 (mod num_classes) is a uniform draw among the other classes
    offsets = rng.integers(1, num_classes, size=m)
    out[positions] = (y[positions] + offsets) % num_classes
    return out


def noisy_mnist1d(n_train=10000, n_test=5000, fraction=0.15, seed=0, data_seed=42):
    """The double-descent data: load_mnist1d(n_train, n_test, data_seed) with a fraction of the
    TRAINING labels replaced by corrupt_labels(y, fraction, seed). The test labels stay clean:
    the test set measures how well the model predicts the true classes."""
    data = load_mnist1d(n_train, n_test, data_seed)
    data["y"] = corrupt_labels(data["y"], fraction, seed)
    return data
