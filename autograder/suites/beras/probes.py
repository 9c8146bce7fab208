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


def _first(value, like=None):
    """The first gradient of the list the course's API returns. A bare array is taken as it is,
    unless it stacks one gradient shaped `like` (numpy's ``grad * [J]`` gives (1, *like))."""
    if isinstance(value, (list, tuple)):
        return value[0] if len(value) else None
    shape = np.shape(value) if isinstance(value, np.ndarray) else None
    if like is not None and shape == (1, *tuple(like)):
        return value[0]
    return value


# -- core.Weighted ------------------------------------------------------------------------------
def weighted(shapes, frozen):
    """A Diffable with the given weight shapes; weight `frozen` is marked not trainable.
    {"missing": [...]} when core.Weighted lacks one of the stencil's properties (the grader's own
    subclass would otherwise raise an AttributeError naming that subclass)."""
    core = _m("core")
    missing = [name for name in ("trainable_variables", "non_trainable_variables", "trainable")
               if not hasattr(core.Diffable, name)]
    if missing:
        return {"missing": missing}

    class Holder(core.Diffable):
        def __init__(self):
            self.params = [core.Variable(np.full(s, float(i))) for i, s in enumerate(shapes)]

        @property
        def weights(self):
            return self.params

        def forward(self, x):
            return x

        def get_input_gradients(self):
            return []

        def get_weight_gradients(self):
            return []

    holder = Holder()
    for i in frozen:
        holder.params[int(i)].trainable = False
    index = {id(w): i for i, w in enumerate(holder.params)}
    out = {"trainable": [index.get(id(w), -1) for w in holder.trainable_variables],
           "non_trainable": [index.get(id(w), -1) for w in holder.non_trainable_variables],
           "any_trainable": bool(holder.trainable)}
    holder.trainable = False
    out["after_false"] = [bool(w.trainable) for w in holder.params]
    out["any_after_false"] = bool(holder.trainable)
    holder.params[0].trainable = True  # only the first weight trainable
    out["only_first"] = bool(holder.trainable)
    holder.trainable = True
    out["after_true"] = [bool(w.trainable) for w in holder.params]
    return out


# -- Dense --------------------------------------------------------------------------------------
def _dense(w, b):
    """A Dense layer holding the given weights (its initializers are tested separately)."""
    layers, core = _m("layers"), _m("core")
    try:
        layer = layers.Dense(int(w.shape[0]), int(w.shape[1]), "zero")
    except Exception:  # a broken initializer must not cost the other Dense checks
        layer = layers.Dense.__new__(layers.Dense)
    layer.w, layer.b = core.Variable(np.array(w)), core.Variable(np.array(b))
    return layer


def dense_shapes(input_size, output_size):
    layer = _m("layers").Dense(int(input_size), int(output_size), "normal")
    return {"w": list(np.shape(layer.w)), "b": list(np.shape(layer.b)),
            "weights": len(layer.weights)}


def dense_forward(x, w, b):
    return _a(_dense(w, b)(x))


def dense_gradients(x, w, b, upstream):
    """Composed by the layer's own chain rule (Diffable's, given), J as a list."""
    layer = _dense(w, b)
    layer(x)
    out = {"input": _a(_first(layer.compose_input_gradients([upstream]), np.shape(x)))}
    weight_grads = list(layer.compose_weight_gradients([upstream]))
    out["w"] = _a(weight_grads[0]) if len(weight_grads) > 0 else None
    out["b"] = _a(weight_grads[1]) if len(weight_grads) > 1 else None
    out["count"] = len(weight_grads)
    return out


def dense_init(initializer, fan_in, fan_out, seed):
    np.random.seed(int(seed))
    layer = _m("layers").Dense(int(fan_in), int(fan_out), initializer)
    return {"w": _a(layer.w), "b": _a(layer.b)}


# -- activations, softmax, losses, metrics, one-hot --------------------------------------------
def activation(name, x, alpha=None, upstream=None):
    cls = getattr(_m("activations"), name)
    act = cls() if alpha is None else cls(alpha=float(alpha))
    y = act(x)
    out = {"y": _a(y), "jac": _a(_first(act.get_input_gradients()))}
    if upstream is not None:
        out["composed"] = _a(_first(act.compose_input_gradients([upstream]), np.shape(x)))
    return out


def loss(name, y_pred, y_true):
    fn = getattr(_m("losses"), name)()
    value = fn(y_pred, y_true)
    grads = fn.get_input_gradients()
    return {"value": _a(value), "grad": _a(_first(grads))}


def accuracy(probs, labels):
    return _a(_m("metrics").CategoricalAccuracy()(probs, labels))


def onehot(fit_labels, labels, rows):
    enc = _m("onehot").OneHotEncoder()
    enc.fit(fit_labels)
    return {"encoded": _a(enc(labels)), "inverse": _a(enc.inverse(rows))}


# -- gradient tape, with the probe's own (correct) layers: only the tape is the student's -------
def _upstreams(J):
    """The course's J: None (no upstream yet) or a list of upstream gradients (a bare array is
    accepted as a list of one)."""
    if J is None:
        return None
    if isinstance(J, np.ndarray) and not isinstance(J, (list, tuple)):
        J = [J]
    if len(J) == 0 or J[0] is None:
        return None
    return [np.asarray(j) for j in J]


def _oracle_layers():
    """Layers that follow the course's conventions exactly (local Jacobians from get_*, and
    compose_* taking J as a list), written here so that only the student's tape is graded."""
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
            return [core.Tensor(np.asarray(self.w))]

        def get_weight_gradients(self):
            x = np.asarray(self.inputs[0])
            return [core.Tensor(x[:, :, None]), core.Tensor(np.ones((1, self.b.shape[-1])))]

        def compose_input_gradients(self, J=None):
            ups = _upstreams(J)
            if ups is None:
                return self.get_input_gradients()
            return [core.Tensor(u @ np.asarray(self.w).T) for u in ups]

        def compose_weight_gradients(self, J=None):
            ups = _upstreams(J)
            if ups is None:
                return self.get_weight_gradients()
            x = np.asarray(self.inputs[0])
            out = []
            for u in ups:
                out += [core.Tensor(x.T @ u), core.Tensor(u.sum(axis=0, keepdims=True))]
            return out

    class Elementwise(core.Diffable):
        @property
        def weights(self):
            return []

        def get_weight_gradients(self):
            return []

        def compose_input_gradients(self, J=None):
            ups = _upstreams(J)
            if ups is None:
                return self.get_input_gradients()
            return [core.Tensor(np.asarray(d) * u) for u in ups
                    for d in self.get_input_gradients()]

        def compose_weight_gradients(self, J=None):
            return []

    class Tanh(Elementwise):
        def forward(self, x):
            return core.Tensor(np.tanh(np.asarray(x)))

        def get_input_gradients(self):
            return [core.Tensor(1 - np.asarray(self.outputs[0]) ** 2)]

    class Add(Elementwise):
        def forward(self, a, b):
            return core.Tensor(np.asarray(a) + np.asarray(b))

        def get_input_gradients(self):
            ones = np.ones(np.shape(self.inputs[0]))
            return [core.Tensor(ones), core.Tensor(ones)]

    class HalfSquaredError(Elementwise):
        """A loss: with no upstream it returns its own gradient; an upstream scalar scales it."""

        def forward(self, y_pred, y_true):
            return core.Tensor(0.5 * np.sum((np.asarray(y_pred) - np.asarray(y_true)) ** 2))

        def get_input_gradients(self):
            diff = np.asarray(self.inputs[0]) - np.asarray(self.inputs[1])
            return [core.Tensor(diff), core.Tensor(np.zeros_like(diff))]

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
    out = {"loss": _a(value), "grads": [_a(g) for g in tape.gradient(value, sources)]}
    # a source the target does not depend on: zeros, None, or (the course never asks for one)
    # an error are all accepted; anything else is a wrong gradient
    try:
        extra = tape.gradient(value, [core.Variable(np.ones((2, 3)))])
        out["unused"] = _a(extra[0]) if len(extra) == 1 else "not one gradient"
    except Exception as exc:  # noqa: BLE001 - any error is an accepted answer here
        out["unused"] = None
        out["unused_error"] = type(exc).__name__
    return out


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
def _metric(d, *names):
    """A metric from a dict the course's API returns (a float, or the last of a list)."""
    if not isinstance(d, dict):
        return None
    for name in names:
        if name in d:
            v = d[name]
            v = v[-1] if isinstance(v, (list, tuple)) and len(v) else v
            try:
                return float(np.mean(np.asarray(v, dtype=float)))
            except (TypeError, ValueError):
                return None
    return None


def _describe(value):
    return type(value).__name__


def model_forward(x, w1, b1, w2, b2):
    act, model = _m("activations"), _m("model")
    first, second = _dense(w1, b1), _dense(w2, b2)
    seq = model.SequentialModel([first, act.Sigmoid(), second])
    index = {id(first.w): 0, id(first.b): 1, id(second.w): 2, id(second.b): 3}
    return {"y": _a(seq(x)), "weights": [index.get(id(w), -1) for w in seq.weights]}


def _compiled_model(x, y, optimizer, hidden=16):
    layers, act, losses, metrics, opt, model = (_m(n) for n in (
        "layers", "activations", "losses", "metrics", "optimizers", "model"))
    parts = [layers.Dense(x.shape[1], hidden, "xavier"), act.LeakyReLU(),
             layers.Dense(hidden, y.shape[1], "xavier"), act.Softmax()]
    seq = model.SequentialModel(parts)
    name, rate = optimizer
    seq.compile(getattr(opt, name)(rate), losses.CategoricalCrossEntropy(),
                metrics.CategoricalAccuracy())
    return seq


def _evaluated(result):
    """(metrics, predictions) from evaluate's result, or the reason it is not that."""
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        return None, None, f"a {_describe(result)}" + (
            f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
    return result[0], result[1], None


def _recording(seq, x):
    """Make `seq.batch_step` record which rows of x each batch holds (rows are unique)."""
    index = {np.asarray(row, dtype=float).tobytes(): i for i, row in enumerate(x)}
    seen, original = [], seq.batch_step

    def batch_step(xb, yb, training=True):
        if training:
            seen.append([index.get(np.asarray(r, dtype=float).tobytes(), -1) for r in xb])
        return original(xb, yb, training=training)

    seq.batch_step = batch_step
    return seen


def model_fit(x, y, epochs, batch_size, seed):
    np.random.seed(int(seed))
    seq = _compiled_model(x, y, ("Adam", 0.01))
    seen = _recording(seq, x)
    before, _, _ = _evaluated(seq.evaluate(x, y, batch_size=int(batch_size)))
    history = seq.fit(x, y, epochs=int(epochs), batch_size=int(batch_size))
    after, _, _ = _evaluated(seq.evaluate(x, y, batch_size=int(batch_size)))
    lengths = {}
    if isinstance(history, dict):
        for key, value in history.items():
            lengths[str(key)] = len(value) if isinstance(value, (list, tuple, np.ndarray)) else -1
    counts = np.bincount([i for batch in seen for i in batch if i >= 0], minlength=len(x))
    return {"history_type": _describe(history), "lengths": lengths,
            "batches": len(seen), "largest_batch": max((len(b) for b in seen), default=0),
            "row_counts": [int(counts.min()), int(counts.max())],
            "loss_history": [float(v) for v in history.get("loss", [])]
            if isinstance(history, dict) and lengths.get("loss", -1) >= 0 else None,
            "loss_before": _metric(before, "loss"), "loss_after": _metric(after, "loss"),
            "acc_after": _metric(after, "acc", "accuracy")}


def model_evaluate(x, y, batch_size, seed):
    """What evaluate returns, and the model's own outputs to compare the predictions with."""
    np.random.seed(int(seed))
    seq = _compiled_model(x, y, ("BasicOptimizer", 0.5))
    metrics, predictions, wrong = _evaluated(seq.evaluate(x, y, batch_size=int(batch_size)))
    out = {"wrong": wrong, "outputs": _a(seq(x))}
    if wrong is None:
        out.update(metrics_type=_describe(metrics), loss=_metric(metrics, "loss"),
                   acc=_metric(metrics, "acc", "accuracy"), predictions=_a(predictions)
                   if isinstance(predictions, (np.ndarray, list, tuple)) else None)
    return out


def model_evaluate_weights(x, y, seed):
    """Weights before and after evaluate(): evaluation must not train."""
    np.random.seed(int(seed))
    seq = _compiled_model(x, y, ("BasicOptimizer", 0.5))
    before = [np.array(w) for w in seq.weights]
    seq.evaluate(x, y, batch_size=16)
    return {"before": before, "after": [_a(w) for w in seq.weights]}


# -- the training script --------------------------------------------------------------------
def train(seed, epochs, batch_size):
    """get_model() compiled with the student's getters, trained with their fit on MNIST-1D."""
    assignment = importlib.import_module("assignment")
    preprocess = importlib.import_module("preprocess")
    x_train, y_train, x_test, y_test = preprocess.load_and_preprocess_data()
    classes = np.unique(np.asarray(y_train))
    one_hot = {"train": (np.asarray(y_train)[:, None] == classes).astype(float),
               "test": (np.asarray(y_test)[:, None] == classes).astype(float)}
    epochs = int(getattr(assignment, "EPOCHS", epochs))
    batch_size = int(getattr(assignment, "BATCH_SIZE", batch_size))
    np.random.seed(int(seed))
    model = assignment.get_model()
    model.compile(assignment.get_optimizer(), assignment.get_loss_fn(), assignment.get_acc_fn())
    model.fit(x_train, one_hot["train"], epochs=epochs, batch_size=batch_size)
    outputs = np.asarray(model(x_test))
    predicted = outputs.argmax(axis=-1) if outputs.ndim == 2 else None
    accuracy = float(np.mean(predicted == one_hot["test"].argmax(axis=-1))) \
        if predicted is not None and len(predicted) == len(x_test) else None
    return {"accuracy": accuracy, "shape": list(outputs.shape), "epochs": epochs,
            "batch_size": batch_size,
            "target": float(getattr(assignment, "TARGET_TEST_ACCURACY", float("nan")))}
