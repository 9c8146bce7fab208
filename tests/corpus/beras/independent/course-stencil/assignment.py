import numpy as np

from beras.activations import LeakyReLU, ReLU, Softmax
from beras.layers import Dense
from beras.losses import CategoricalCrossEntropy, MeanSquaredError
from beras.metrics import CategoricalAccuracy
from beras.model import SequentialModel
from beras.onehot import OneHotEncoder
from beras.optimizers import Adam
from preprocess import load_and_preprocess_data
from visualize import visualize_predictions


def get_model() -> SequentialModel:
    """The network to train: its layers, in order."""
    layers = [
           # MNIST-1D: 40 input features, 10 classes
           Dense(40, 256, initializer="kaiming"),
           ReLU(),
           Dense(256, 256, initializer="kaiming"),
           ReLU(),
           Dense(256, 10, initializer="xavier"),
           Softmax(),
    ]
    return SequentialModel(layers)


def get_optimizer():
    """The optimizer used for training."""
    return Adam(learning_rate=2e-3)


def get_loss_fn():
    """The loss minimised during training."""
    return CategoricalCrossEntropy()


def get_acc_fn():
    """The accuracy metric reported during training and testing."""
    return CategoricalAccuracy()


if __name__ == '__main__':
    # Manual end-to-end run: build, compile, train, test and plot.
    np.random.seed(1470)

    model = get_model()

    model.compile(optimizer=get_optimizer(), loss_fn=get_loss_fn(), acc_fn=get_acc_fn())

    x_train, y_train, x_test, y_test = load_and_preprocess_data()
    ohe = OneHotEncoder()
    ohe.fit(np.concatenate([y_train, y_test]))
    y_train_oh, y_test_oh = ohe(y_train), ohe(y_test)

    train_metrics = model.fit(x_train, y_train_oh, epochs=40, batch_size=128)

    test_metrics, test_preds = model.evaluate(x_test, y_test_oh, batch_size=128)
    print(f"Final training stats: loss {train_metrics['loss'][-1]:.4f}, acc {train_metrics['acc'][-1]:.4f}")
    print(f"Test loss: {test_metrics['loss']:.4f}  Test accuracy: {test_metrics['acc']:.4f}")

    visualize_predictions(model, x_test, y_test_oh, path="predictions.png")
