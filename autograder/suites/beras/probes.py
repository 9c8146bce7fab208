"""Beras probes: run INSIDE the sandbox, next to the student's code.

Each probe builds objects from the student's modules, feeds them the inputs the grader sent and
returns raw outputs. No expected values live here. Each probe imports only the modules it needs
(`beras.layers`, ...) so that a broken module costs only its own checks, and isolates the unit
under test where the course API allows (e.g. the tape is exercised with the probe's own layers).
"""

import importlib

import numpy as np


def _m(name):
    return importlib.import_module("beras." + name)


def _a(value):
    """A student value as a plain array if it is array-like; otherwise passed through as is."""
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    return np.asarray(value).view(np.ndarray) if isinstance(value, np.ndarray) else value


# -- core.Diffable composition, with the probe's own layer (only compose_* is the student's) ----
def _probe_layers():
    core = _m("core")

    class MatrixOp(core.Diffable):
        """y = x @ W with a per-sample Jacobian (batch, in, out) and weight Jacobian x[:, :, None]."""

        def __init__(self, w):
            self.w = core.Variable(w)

        @property
        def weights(self):
            return [self.w]

        def forward(self, x):
            return core.Tensor(np.asarray(x) @ np.asarray(self.w))

        def get_input_gradients(self):
            batch = self.inputs[0].shape[0]
            return [core.Tensor(np.broadcast_to(np.asarray(self.w), (batch, *self.w.shape)))]

        def get_weight_gradients(self):
            return [core.Tensor(np.asarray(self.inputs[0])[:, :, None])]

    class Square(core.Diffable):
        """y = x ** 2 elementwise, with a diagonal (batch, n) Jacobian."""

        @property
        def weights(self):
            return []

        def forward(self, x):
            return core.Tensor(np.asarray(x) ** 2)

        def get_input_gradients(self):
            return [core.Tensor(2 * np.asarray(self.inputs[0]))]

        def get_weight_gradients(self):
            return []

    return MatrixOp, Square


def compose_input(x, w, upstream, upstream_x):
    matrix_op, square = _probe_layers()
    op = matrix_op(w)
    op(x)
    sq = square()
    sq(x)
    return {"matrix": _a(op.compose_input_gradients(upstream)),
            "elementwise": _a(sq.compose_input_gradients(upstream_x))}


def compose_weight(x, w, upstream):
    matrix_op, _square = _probe_layers()
    op = matrix_op(w)
    op(x)
    return _a(op.compose_weight_gradients(upstream))


# -- Dense --------------------------------------------------------------------------------------
def _dense(w, b):
    """A Dense layer with the given weights, bypassing the initializers (tested separately)."""
    layers, core = _m("layers"), _m("core")
    layer = layers.Dense.__new__(layers.Dense)
    layer.input_size, layer.output_size = w.shape
    layer.w, layer.b = core.Variable(w), core.Variable(b)
    return layer


def dense_shapes(input_size, output_size):
    layer = _m("layers").Dense(int(input_size), int(output_size), "normal")
    return {"w": list(np.shape(layer.w)), "b": list(np.shape(layer.b)),
            "weights": len(layer.weights)}


def dense_forward(x, w, b):
    return _a(_dense(w, b)(x))


def dense_gradients(x, w, b, upstream):
    layer = _dense(w, b)
    layer(x)
    gw, gb = layer.compose_weight_gradients(upstream)
    return {"input": _a(layer.compose_input_gradients(upstream)), "w": _a(gw), "b": _a(gb)}


def dense_raw(x, w, b):
    """The raw per-sample Jacobians, as the generic Diffable composition would use them."""
    layer = _dense(w, b)
    layer(x)
    return {"input": [_a(j) for j in layer.get_input_gradients()],
            "weights": [_a(j) for j in layer.get_weight_gradients()]}


def dense_init(initializer, fan_in, fan_out, seed):
    np.random.seed(int(seed))
    layer = _m("layers").Dense(int(fan_in), int(fan_out), initializer)
    return {"w": _a(layer.w), "b": _a(layer.b)}


# -- activations, softmax, losses, metrics, one-hot --------------------------------------------
def activation(name, x, alpha=None):
    cls = getattr(_m("activations"), name)
    act = cls() if alpha is None else cls(alpha=float(alpha))
    y = act(x)
    return {"y": _a(y), "jac": _a(act.get_input_gradients())}


def loss(name, y_pred, y_true):
    fn = getattr(_m("losses"), name)()
    value = fn(y_pred, y_true)
    grads = fn.get_input_gradients()
    return {"value": _a(value), "grad": _a(grads[0]) if len(grads) else None}


def accuracy(probs, labels):
    return _a(_m("metrics").CategoricalAccuracy()(probs, labels))


def onehot(fit_labels, labels, rows):
    enc = _m("onehot").OneHotEncoder()
    enc.fit(fit_labels)
    return {"encoded": _a(enc(labels)), "inverse": _a(enc.inverse(rows))}


# -- gradient tape, with the probe's own (correct) layers: only the tape is the student's -------
def _oracle_layers():
    core = _m("core")

    class Linear(core.Diffable):
        def __init__(self, w, b):
            self.w, self.b = core.Variable(w), core.Variable(b)

        @property
        def weights(self):
            return [self.w, self.b]

        def forward(self, x):
            return core.Tensor(np.asarray(x) @ np.asarray(self.w) + np.asarray(self.b))

        def get_input_gradients(self):
            return []

        def get_weight_gradients(self):
            return []

        def compose_input_gradients(self, J=None):
            return [core.Tensor(np.asarray(J) @ np.asarray(self.w).T)]

        def compose_weight_gradients(self, J=None):
            x = np.asarray(self.inputs[0])
            return [core.Tensor(x.T @ np.asarray(J)),
                    core.Tensor(np.asarray(J).sum(axis=0, keepdims=True))]

    class Tanh(core.Diffable):
        @property
        def weights(self):
            return []

        def forward(self, x):
            return core.Tensor(np.tanh(np.asarray(x)))

        def get_input_gradients(self):
            return []

        def get_weight_gradients(self):
            return []

        def compose_input_gradients(self, J=None):
            return [core.Tensor(np.asarray(J) * (1 - np.asarray(self.outputs[0]) ** 2))]

        def compose_weight_gradients(self, J=None):
            return []

    class HalfSquaredError(core.Diffable):
        @property
        def weights(self):
            return []

        def forward(self, y, target):
            return core.Tensor(0.5 * np.sum((np.asarray(y) - np.asarray(target)) ** 2))

        def get_input_gradients(self):
            return []

        def get_weight_gradients(self):
            return []

        def compose_input_gradients(self, J=None):
            diff = np.asarray(self.inputs[0]) - np.asarray(self.inputs[1])
            return [core.Tensor(diff * np.asarray(J)), core.Tensor(np.zeros_like(diff))]

        def compose_weight_gradients(self, J=None):
            return []

    class Add(core.Diffable):
        @property
        def weights(self):
            return []

        def forward(self, a, b):
            return core.Tensor(np.asarray(a) + np.asarray(b))

        def get_input_gradients(self):
            return []

        def get_weight_gradients(self):
            return []

        def compose_input_gradients(self, J=None):
            return [core.Tensor(np.asarray(J)), core.Tensor(np.asarray(J))]

        def compose_weight_gradients(self, J=None):
            return []

    return Linear, Tanh, HalfSquaredError, Add


def tape_gradients(x, target, weights):
    """weights: [[w1, b1], [w2, b2], ...]; tanh between layers; 0.5 * squared error at the end."""
    linear, tanh, loss_cls, _add = _oracle_layers()
    core, tape_mod = _m("core"), _m("gradient_tape")
    layers = [linear(w, b) for w, b in weights]
    x = core.Tensor(x)
    with tape_mod.GradientTape() as tape:
        h = x
        for i, layer in enumerate(layers):
            h = layer(h)
            if i < len(layers) - 1:
                h = tanh()(h)
        value = loss_cls()(h, target)
    sources = [v for layer in layers for v in layer.weights] + [x]
    return {"loss": _a(value), "grads": [_a(g) for g in tape.gradient(value, sources)]}


def tape_branches(x, target, w1, b1, w2, b2, w3, b3):
    """h = tanh(x w1 + b1) feeds two layers whose outputs are added: h has two consumers."""
    linear, tanh, loss_cls, add = _oracle_layers()
    core, tape_mod = _m("core"), _m("gradient_tape")
    l1, l2, l3 = linear(w1, b1), linear(w2, b2), linear(w3, b3)
    x = core.Tensor(x)
    with tape_mod.GradientTape() as tape:
        h = tanh()(l1(x))
        value = loss_cls()(add()(l2(h), l3(h)), target)
    sources = [l1.w, l1.b, l2.w, l2.b, l3.w, l3.b, x]
    return [_a(g) for g in tape.gradient(value, sources)]


# -- optimizers ---------------------------------------------------------------------------------
def optimizer_steps(name, kwargs, params, grads):
    """Apply each step's gradients in turn; return the parameters after every step."""
    core = _m("core")
    opt = getattr(_m("optimizers"), name)(**kwargs)
    variables = [core.Variable(np.array(p, dtype=float)) for p in params]
    history = []
    for step in grads:
        opt.apply_gradients(variables, [np.array(g) for g in step])
        history.append([_a(v).copy() for v in variables])
    return history


# -- model --------------------------------------------------------------------------------------
def model_forward(x, w1, b1, w2, b2):
    act, model = _m("activations"), _m("model")
    seq = model.SequentialModel([_dense(w1, b1), act.Sigmoid(), _dense(w2, b2)])
    return _a(seq(x))


def model_fit(x, y, epochs, batch_size, seed):
    np.random.seed(int(seed))
    layers, act, losses, metrics, opt, model = (_m(n) for n in (
        "layers", "activations", "losses", "metrics", "optimizers", "model"))
    seq = model.SequentialModel([layers.Dense(x.shape[1], 16, "xavier"), act.LeakyReLU(),
                                 layers.Dense(16, y.shape[1], "xavier"), act.Softmax()])
    seq.compile(opt.Adam(0.01), losses.CategoricalCrossEntropy(), metrics.CategoricalAccuracy())
    before = seq.evaluate(x, y, batch_size=int(batch_size))
    seq.fit(x, y, epochs=int(epochs), batch_size=int(batch_size))
    after = seq.evaluate(x, y, batch_size=int(batch_size))

    def metric(d, *names):
        for n in names:
            if isinstance(d, dict) and n in d:
                v = d[n]
                return float(np.mean(v[-1] if isinstance(v, (list, tuple)) else v))
        return None

    return {"loss_before": metric(before, "loss"), "loss_after": metric(after, "loss"),
            "acc_after": metric(after, "acc", "accuracy")}


def model_evaluate(x, y, seed):
    """Weights before and after evaluate(): evaluation must not train."""
    np.random.seed(int(seed))
    layers, act, losses, metrics, opt, model = (_m(n) for n in (
        "layers", "activations", "losses", "metrics", "optimizers", "model"))
    seq = model.SequentialModel([layers.Dense(x.shape[1], y.shape[1], "xavier"), act.Softmax()])
    seq.compile(opt.BasicOptimizer(0.5), losses.CategoricalCrossEntropy(),
                metrics.CategoricalAccuracy())
    before = [np.array(w) for w in seq.weights]
    seq.evaluate(x, y, batch_size=16)
    return {"before": before, "after": [_a(w) for w in seq.weights]}


# -- the training script --------------------------------------------------------------------
def train(seed):
    assignment = importlib.import_module("assignment")
    return {"accuracy": float(assignment.train_and_evaluate(seed=int(seed))),
            "target": float(getattr(assignment, "TARGET_TEST_ACCURACY", float("nan")))}
