"""Initialization probes: run INSIDE the sandbox, next to initializers.py and experiment.py.

Each probe calls the student's functions on the inputs the grader sent (seeds, shapes,
networks) and returns raw outputs. No expected values live here. calculate_gain and
symmetric_gradients need no probe (the checks use t.call).
"""

import importlib
import os

import numpy as np


def _m(name):
    return importlib.import_module(name)


def _a(value):
    if isinstance(value, np.ndarray):
        return np.asarray(value).view(np.ndarray)
    if isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool):
        return np.asarray(value, dtype=float)
    if isinstance(value, (list, tuple)):
        return [_a(v) for v in value]
    return value


# -- initializers ------------------------------------------------------------------------------
def init(name, shape, kwargs, seed):
    fn = getattr(_m("initializers"), name)
    shape = tuple(int(s) for s in shape)
    if name == "zeros":
        return _a(fn(shape))
    return _a(fn(shape, **kwargs, rng=np.random.default_rng(int(seed))))


def fans(shape):
    got = _m("initializers").compute_fans(tuple(int(s) for s in shape))
    try:
        return np.asarray([float(v) for v in got])
    except (TypeError, ValueError):
        return _a(got)


# -- the experiment -------------------------------------------------------------------------
def network(n_hidden, width, d_in, d_out, sigma2, seed):
    ws, bs = _m("experiment").init_network(int(n_hidden), int(width), int(d_in), int(d_out),
                                           float(sigma2), np.random.default_rng(int(seed)))
    return {"w": _a(list(ws)), "b": _a(list(bs))}


def variances(x, weights, biases):
    got = _m("experiment").layer_variances(x, weights, biases)
    return {"forward": _a(got["forward"]), "backward": _a(got["backward"])}


def experiment(sigma2s, n_hidden, width, d_in, n_examples, seed):
    exp = _m("experiment")
    out = []
    for sigma2 in sigma2s:
        got = exp.run_experiment(float(sigma2), n_hidden=int(n_hidden), width=int(width),
                                 d_in=int(d_in), n_examples=int(n_examples), seed=int(seed))
        out.append({"forward": _a(got["forward"]), "backward": _a(got["backward"])})
    return out


def plot(sigma2s, forward, backward, filename):
    """Call plot_variances on the given numbers; describe the figure it returns."""
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(os.getcwd(), ".matplotlib"))
    os.environ["MPLBACKEND"] = "Agg"
    results = {float(s): {"forward": f, "backward": b}
               for s, f, b in zip(sigma2s, forward, backward)}
    path = os.path.join(os.getcwd(), filename)
    fig = _m("experiment").plot_variances(results, path)
    info = {"returned": type(fig).__name__, "exists": os.path.isfile(path)}
    if info["exists"]:
        with open(path, "rb") as fh:
            info["png"] = fh.read(8) == b"\x89PNG\r\n\x1a\n"
    if hasattr(fig, "axes") and hasattr(fig, "get_suptitle"):
        info["suptitle"] = str(fig.get_suptitle())
        info["axes"] = [{"title": str(ax.get_title()), "xlabel": str(ax.get_xlabel()),
                         "ylabel": str(ax.get_ylabel()), "yscale": str(ax.get_yscale()),
                         "lines": len(ax.get_lines())} for ax in fig.axes]
    return info
