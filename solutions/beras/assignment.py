"""Train a Beras MLP on MNIST-1D (generated offline by the mnist1d package) and report test accuracy."""
import time

import numpy as np
from mnist1d.data import get_dataset_args, make_dataset

from beras import (
    Adam,
    CategoricalAccuracy,
    CategoricalCrossEntropy,
    Dense,
    OneHotEncoder,
    ReLU,
    SequentialModel,
    Softmax,
)

EPOCHS = 40
BATCH_SIZE = 128
# The reference reaches 0.647-0.668 test accuracy (seeds 0, 1, 2) in about 8 s on one CPU core.
TARGET_TEST_ACCURACY = 0.63


def get_data():
    """Return (x_train, y_train, x_test, y_test): x float arrays (n, 40), y one-hot (n, 10)."""
    data = make_dataset(get_dataset_args())  # builds MNIST-1D in memory; no download
    encoder = OneHotEncoder()
    encoder.fit(data["y"])
    x_train = np.asarray(data["x"], dtype=np.float64)
    x_test = np.asarray(data["x_test"], dtype=np.float64)
    return x_train, encoder(data["y"]), x_test, encoder(data["y_test"])


def get_model():
    """Return a compiled SequentialModel mapping (batch, 40) inputs to (batch, 10) probabilities."""
    ### BEGIN SOLUTION
    model = SequentialModel([
        Dense(40, 256, initializer="kaiming"),
        ReLU(),
        Dense(256, 256, initializer="kaiming"),
        ReLU(),
        Dense(256, 10, initializer="kaiming"),
        Softmax(),
    ])
    model.compile(
        optimizer=Adam(learning_rate=2e-3),
        loss_fn=CategoricalCrossEntropy(),
        acc_fn=CategoricalAccuracy(),
    )
    return model
    ### END SOLUTION


def train_and_evaluate(epochs=EPOCHS, seed=0):
    """Train a fresh model from ``get_model()`` for ``epochs`` epochs; return its test accuracy."""
    x_train, y_train, x_test, y_test = get_data()
    np.random.seed(seed)  # after get_data, which seeds numpy itself
    model = get_model()
    model.fit(x_train, y_train, epochs=epochs, batch_size=BATCH_SIZE)
    return model.evaluate(x_test, y_test, batch_size=BATCH_SIZE)["acc"]


def main():
    start = time.perf_counter()
    accuracy = train_and_evaluate()
    print(f"Test accuracy: {accuracy:.4f} ({time.perf_counter() - start:.1f} s)")


if __name__ == "__main__":
    main()
