"""Beras: a small Keras-like deep-learning framework written with numpy only."""
from . import activations, core, gradient_tape, layers, losses, metrics, model, onehot, optimizers
from .activations import Activation, LeakyReLU, ReLU, Sigmoid, Softmax
from .core import Callable, Diffable, Tensor, Variable, Weighted
from .gradient_tape import GradientTape
from .layers import INITIALIZERS, Dense
from .losses import CategoricalCrossEntropy, Loss, MeanSquaredError
from .metrics import CategoricalAccuracy
from .model import Model, SequentialModel
from .onehot import OneHotEncoder
from .optimizers import Adam, BasicOptimizer, Optimizer, RMSProp

__all__ = [
    "Activation", "Adam", "BasicOptimizer", "Callable", "CategoricalAccuracy",
    "CategoricalCrossEntropy", "Dense", "Diffable", "GradientTape", "INITIALIZERS", "LeakyReLU",
    "Loss", "MeanSquaredError", "Model", "OneHotEncoder", "Optimizer", "RMSProp", "ReLU",
    "SequentialModel", "Sigmoid", "Softmax", "Tensor", "Variable", "Weighted",
]
