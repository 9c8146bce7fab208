"""Measuring-performance probes: run INSIDE the sandbox, next to the student's data.py,
baseline.py, bias_variance.py, double_descent.py, hyperparams.py and plots.py.

Each probe calls the student's functions on the inputs the grader sent (sizes, seeds, weights,
datasets, the device the grader chose) and returns raw outputs. No expected values live here.
Where a unit must be isolated the probe supplies the other parts itself: evaluate() and
train_full_batch() get a model built here from the grader's weights, count_parameters() gets
models built here, and select_and_test() gets fit/score callables that only record which rows
they were given. Facts observed here (the mode a model ran in, whether autograd was on, which
rows a callable saw) are reported as data; every verdict is reached outside.
"""

import importlib
import os

import numpy as np


def _m(name):
    return importlib.import_module(name)


def _torch():
    import torch

    return torch


def _np(value):
    """A student value as plain data: tensors become arrays, containers are walked."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is installed wherever this runs
        torch = None
    if torch is not None and isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        return np.asarray(value).view(np.ndarray)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.floating, np.integer)):
        return np.asarray(value, dtype=float)
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(v, (int, float, np.floating, np.integer))
                         and not isinstance(v, (bool, np.bool_)) for v in value):
            return np.asarray(value, dtype=float)  # a list of numbers: one array
        return [_np(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _np(v) for k, v in value.items()}
    return value


def device_info():
    """Can student code use CUDA here? (the grader picks the device from this)"""
    torch = _torch()
    info = {"cuda_available": bool(torch.cuda.is_available()), "cuda_works": False,
            "error": ""}
    if info["cuda_available"]:
        try:
            info["cuda_works"] = float((torch.ones(2, device="cuda") * 2).sum().cpu()) == 4.0
        except Exception as exc:  # noqa: BLE001 - e.g. the address-space limit
            info["error"] = f"{type(exc).__name__}: {exc}"[:300]
    return info


# -- part 1: data ------------------------------------------------------------------------------
def dataset(n_train, n_test, seed):
    return _np(_m("data").load_mnist1d(int(n_train), int(n_test), int(seed)))


def corrupt(y, fraction, seed):
    given = np.array(y, copy=True)
    out = _m("data").corrupt_labels(given, float(fraction), int(seed))
    return {"out": _np(out), "input_after": given}


def noisy(n_train, n_test, fraction, seed):
    return _np(_m("data").noisy_mnist1d(int(n_train), int(n_test), float(fraction), int(seed)))


# -- part 2: the baseline MLP --------------------------------------------------------------------
def _linears(model):
    torch = _torch()
    return [mod for mod in model.modules() if isinstance(mod, torch.nn.Linear)]


def mlp(hidden, init, seed, weights, x):
    """make_mlp(hidden, init) after torch.manual_seed(seed): its parameters as built, then the
    output on x with the grader's weights loaded into its Linear layers (in order)."""
    torch = _torch()
    torch.manual_seed(int(seed))
    model = _m("baseline").make_mlp(int(hidden), init)
    out = {"modules": [type(mod).__name__ for mod in model.children()],
           "initial": [_np(p) for p in model.parameters()],
           "names": [name for name, _ in model.named_parameters()]}
    linears = _linears(model)
    out["n_linear"] = len(linears)
    if len(linears) * 2 == len(weights):
        with torch.no_grad():
            for layer, (w, b) in zip(linears, zip(weights[::2], weights[1::2])):
                if tuple(layer.weight.shape) != tuple(w.shape) or layer.bias is None:
                    break
                layer.weight.copy_(torch.as_tensor(w, dtype=layer.weight.dtype))
                layer.bias.copy_(torch.as_tensor(b, dtype=layer.bias.dtype))
            else:
                model.eval()
                out["output"] = _np(model(torch.as_tensor(x, dtype=torch.float32)))
    return out


def _build(spec):
    """An nn.Sequential from a list like [["linear", 40, 30, True, True], ["relu"], ...]:
    linear entries are (in, out, bias, trainable)."""
    torch = _torch()
    layers = []
    for entry in spec:
        if entry[0] == "linear":
            layer = torch.nn.Linear(int(entry[1]), int(entry[2]), bias=bool(entry[3]))
            if not entry[4]:
                for p in layer.parameters():
                    p.requires_grad_(False)
            layers.append(layer)
        elif entry[0] == "relu":
            layers.append(torch.nn.ReLU())
        elif entry[0] == "batchnorm":
            layers.append(torch.nn.BatchNorm1d(int(entry[1])))
    return torch.nn.Sequential(*layers)


def count(specs):
    fn = _m("baseline").count_parameters
    return _np([fn(_build(spec)) for spec in specs])


def evaluate(weights, running_mean, running_var, x, y, device, start_in_train_mode):
    """The student's evaluate() on a model built here: Linear -> BatchNorm1d -> ReLU ->
    Dropout(0.5) -> Linear, with the grader's weights and batch-norm running statistics, so
    training mode changes the result. A forward hook records the mode and autograd state."""
    torch = _torch()
    d_in, hidden = weights[0].shape[1], weights[0].shape[0]
    model = torch.nn.Sequential(torch.nn.Linear(d_in, hidden), torch.nn.BatchNorm1d(hidden),
                                torch.nn.ReLU(), torch.nn.Dropout(0.5),
                                torch.nn.Linear(hidden, weights[2].shape[0]))
    with torch.no_grad():
        model[0].weight.copy_(torch.as_tensor(weights[0]))
        model[0].bias.copy_(torch.as_tensor(weights[1]))
        model[4].weight.copy_(torch.as_tensor(weights[2]))
        model[4].bias.copy_(torch.as_tensor(weights[3]))
        model[1].running_mean.copy_(torch.as_tensor(running_mean))
        model[1].running_var.copy_(torch.as_tensor(running_var))
    model.train(bool(start_in_train_mode))
    seen = []

    def hook(module, inputs, output):
        seen.append({"training": bool(module.training), "grad": bool(torch.is_grad_enabled()),
                     "requires_grad": bool(output.requires_grad)})

    model.register_forward_hook(hook)
    torch.manual_seed(0)
    got = _m("baseline").evaluate(model, torch.as_tensor(x, dtype=torch.float32),
                                  torch.as_tensor(y, dtype=torch.int64), device)
    return {"result": _np(got), "forwards": seen,
            "param_device": str(next(model.parameters()).device)}


def train(data, device, seed, steps, init="default", lr=0.1):
    hist = _m("baseline").train_mlp(data, device, seed=int(seed), steps=int(steps), init=init,
                                    lr=float(lr))
    return _np(hist)


# -- part 3: bias and variance -------------------------------------------------------------------
def toy_sample(n, sigma_y, seed):
    return _np(_m("bias_variance").sample_toy_data(int(n), float(sigma_y),
                                                   np.random.default_rng(int(seed))))


def toy_features(x, D):
    return _np(_m("bias_variance").toy_features(x, int(D)))


def toy_fit(x, y, D, grid):
    bv = _m("bias_variance")
    phi = bv.fit_toy_model(x, y, int(D))
    return {"phi": _np(phi), "pred": _np(bv.predict_toy_model(phi, grid, int(D)))}


def toy_decompose(predictions, f_true, sigma_y):
    return _np(_m("bias_variance").decompose(predictions, f_true, float(sigma_y)))


def toy_simulate(D, n_train, sigma_y, n_datasets, n_grid, seed):
    return _np(_m("bias_variance").simulate(int(D), int(n_train), float(sigma_y),
                                            int(n_datasets), int(n_grid), int(seed)))


def toy_sweep(Ds, n_train, sigma_y, n_datasets, n_grid, seed):
    return _np(_m("bias_variance").sweep_capacity([int(d) for d in Ds], int(n_train),
                                                  float(sigma_y), int(n_datasets), int(n_grid),
                                                  int(seed)))


# -- part 4: double descent ---------------------------------------------------------------------
def dd_counts(widths, n_trains):
    dd = _m("double_descent")
    out = {"formula": _np([dd.parameter_count(int(w)) for w in widths]),
           "threshold": _np([dd.interpolation_width(int(n)) for n in n_trains])}
    models = [dd.make_mlp2(int(w)) for w in widths]
    out["model"] = np.array([sum(p.numel() for p in m.parameters()) for m in models], float)
    out["shapes"] = [[list(p.shape) for p in m.parameters()] for m in models]
    return out


def dd_train(weights, data, steps, lr, device):
    """train_full_batch on a model built here (Linear-ReLU-Linear-ReLU-Linear) from the
    grader's float32 weights; returns the weights after training."""
    torch = _torch()
    model = torch.nn.Sequential(
        torch.nn.Linear(weights[0].shape[1], weights[0].shape[0]), torch.nn.ReLU(),
        torch.nn.Linear(weights[2].shape[1], weights[2].shape[0]), torch.nn.ReLU(),
        torch.nn.Linear(weights[4].shape[1], weights[4].shape[0]))
    with torch.no_grad():
        for p, w in zip(model.parameters(), weights):
            p.copy_(torch.as_tensor(w, dtype=torch.float32))
    got = _m("double_descent").train_full_batch(model, data, int(steps), float(lr), device)
    trained = got if isinstance(got, torch.nn.Module) else model
    return {"weights": [_np(p) for p in trained.parameters()],
            "returned_model": isinstance(got, torch.nn.Module)}


def dd_sweep(data, widths, steps, lr, device, seed):
    return _np(_m("double_descent").sweep(data, [int(w) for w in widths], int(steps),
                                          float(lr), device, int(seed)))


# -- part 5: validation ---------------------------------------------------------------------------
def split(x, y, val_fraction, seed):
    return _np(list(_m("hyperparams").train_validation_split(x, y, float(val_fraction),
                                                             int(seed))))


def _ids(x):
    """Row ids: the grader stores each row's id in column 0 (exact in float32)."""
    arr = _np(x)
    arr = np.asarray(arr, dtype=float).reshape(len(arr), -1)
    return np.rint(arr[:, 0]).astype(np.int64)


class _Model:
    """What the recording fit() returns: remembers which candidate it was trained for."""

    def __init__(self, index):
        self.index = index


def protocol(candidates, data, val_table, test_table, val_fraction, seed):
    """select_and_test with recording fit/score callables. score() answers from the grader's
    tables: test_table[i] on test rows, val_table[i] on any other rows."""
    log = []
    test_ids = set(int(i) for i in _ids(data["x_test"]))

    def fit(candidate, x, y):
        index = candidates.index(candidate) if candidate in candidates else -1
        log.append({"call": "fit", "candidate": index, "rows": _ids(x),
                    "labels_match": bool(np.array_equal(np.asarray(_np(y)).reshape(-1),
                                                        _ids(x) % 10))})
        return _Model(index)

    def score(model, x, y):
        index = model.index if isinstance(model, _Model) else -1
        rows = _ids(x)
        on_test = bool(len(rows)) and all(int(r) in test_ids for r in rows)
        log.append({"call": "score", "candidate": index, "rows": rows})
        if index < 0:
            return float("nan")
        return float((test_table if on_test else val_table)[index])

    result = _m("hyperparams").select_and_test(list(candidates), fit, score, data,
                                               float(val_fraction), int(seed))
    return {"result": _np(result), "log": log}


# -- part 6: plots -------------------------------------------------------------------------------
def plot(kind, args, filename):
    """Call one plot function on the grader's numbers; describe the figure it returns."""
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(os.getcwd(), ".matplotlib"))
    os.environ["MPLBACKEND"] = "Agg"
    path = os.path.join(os.getcwd(), filename)
    plots = _m("plots")
    if kind == "curves":
        fig = plots.plot_training_curves(args["histories"], path)
    elif kind == "bias_variance":
        fig = plots.plot_bias_variance(args["sweep"], path)
    elif kind == "double_descent":
        fig = plots.plot_double_descent(args["results"], int(args["n_train"]), path)
    else:
        fig = plots.plot_validation(args["candidates"], args["result"], path)
    info = {"returned": type(fig).__name__, "exists": os.path.isfile(path)}
    if info["exists"]:
        with open(path, "rb") as fh:
            info["png"] = fh.read(8) == b"\x89PNG\r\n\x1a\n"
    if hasattr(fig, "axes") and hasattr(fig, "get_suptitle"):
        info["suptitle"] = str(fig.get_suptitle())
        axes = []
        for ax in fig.axes:
            lines = []
            for line in ax.get_lines():
                xs = np.asarray(line.get_xdata(), dtype=float).reshape(-1)
                lines.append({"x": xs[:2000], "linestyle": str(line.get_linestyle())})
            axes.append({"title": str(ax.get_title()), "xlabel": str(ax.get_xlabel()),
                         "ylabel": str(ax.get_ylabel()), "xscale": str(ax.get_xscale()),
                         "lines": lines, "legend": ax.get_legend() is not None,
                         "xlim": [float(v) for v in ax.get_xlim()]})
        info["axes"] = axes
    return info
