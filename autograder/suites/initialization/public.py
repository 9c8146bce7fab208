"""Public checks of the initialization assignment: shipped in the student handout.

Nothing hidden here: `python check.py [part]` in the handout runs these on the student's own
code, with the grader's engine and messages. They are numpy-only (students of this assignment
have no torch) and cheap: the gains, zeros and normal, Kaiming and Xavier draws, init_network
and the plot. The hidden checks (checks.py) register on the same SUITE and are never shipped.
Nothing here may import checks.py.

Initializers are checked on large draws from a seeded rng: mean, variance and kurtosis against
theory with tolerances of six standard errors (`check_distribution`), after naming a classic
mistake whose variance the sample matches. Gains and uniform bounds are torch.nn.init's
(`calculate_gain`; bounds gain * sqrt(3 / fan) and gain * sqrt(6 / (fan_in + fan_out))).
Weights are (fan_out, fan_in), like the notes' Omega and torch's Linear.weight.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from ...authoring import Suite, Trial, as_array, check_distribution, expect, expect_array

SUITE = Suite(probes=Path(__file__).with_name("probes.py"))

SIGMA2S = (0.001, 0.01, 0.02, 0.1, 1.0)


# -- helpers ----------------------------------------------------------------------------------
def _gain(nonlinearity: str, param: float | None = None) -> float:
    """torch.nn.init.calculate_gain for the nonlinearities graded here (the same formulas)."""
    if nonlinearity == "linear":
        return 1.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    raise ValueError(f"no gain for {nonlinearity!r}")


def _shape(t: Trial) -> tuple[int, int]:
    """(fan_out, fan_in) with clearly different fans and about 10^5 entries."""
    return int(t.rng.integers(150, 250)), int(t.rng.integers(350, 500))


def _draw(t: Trial, name: str, shape: tuple[int, ...], what: str, **kwargs: Any) -> np.ndarray:
    got = t.student("init", name=name, shape=list(shape), kwargs=kwargs,
                    seed=int(t.rng.integers(1 << 30)))
    w = as_array(got, what)
    expect(w.shape == tuple(shape), f"{what} should have shape {tuple(shape)}, got {w.shape}")
    expect(bool(np.isfinite(w).all()), f"{what} contains inf or nan")
    return w


def _call(name: str, shape: tuple[int, ...], kwargs: dict[str, Any]) -> str:
    args = ", ".join([str(tuple(shape))] + [f"{k}={v!r}" for k, v in kwargs.items()])
    return f"{name}({args}, rng=...)"


def _uniform_reaches(w: np.ndarray, bound: float, what: str) -> None:
    """U(-b, b) with n draws has max |w| within b * 20 / n of b (failure chance e^-20)."""
    top = float(np.abs(w).max())
    expect(top >= bound * (1 - 20.0 / w.size),
           f"{what}: the largest |value| is {top:.4g}, but draws from U(-b, b) with "
           f"b = {bound:.4g} (torch.nn.init's bound) reach close to b")


# -- gains ------------------------------------------------------------------------------------
@SUITE.check("gains_and_fans.gains")
def gains(t: Trial) -> None:
    slope = float(np.round(t.rng.uniform(0.05, 0.6), 3))
    for nonlinearity, param in (("linear", None), ("relu", None), ("leaky_relu", None),
                                ("leaky_relu", slope), ("leaky_relu", 0.0)):
        want = _gain(nonlinearity, param)
        what = (f"calculate_gain({nonlinearity!r}"
                f"{'' if param is None else f', {param}'})")
        hint = ("gain = sqrt(2 / (1 + a^2)) for leaky_relu with negative slope a (default "
                "a = 0.01); sqrt(2) for relu; 1 for linear")
        got = t.call("initializers.calculate_gain", nonlinearity,
                     *([] if param is None else [param]))
        a = 0.01 if param is None else param
        wrong = math.sqrt(2 / (1 + a))
        expect(got, want, what, rtol=1e-9, hint=hint, template="{what} {mistake}", mistakes={
            f"is {wrong:.6g} = sqrt(2 / (1 + a)); the leaky_relu gain squares the slope: "
            f"sqrt(2 / (1 + a^2)) = {want:.6g}": wrong} if nonlinearity == "leaky_relu" and a > 0
            else {})


# -- zeros and normal ------------------------------------------------------------------------
@SUITE.check("basic.zeros")
def basic_zeros(t: Trial) -> None:
    shape = (int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6)))
    got = t.student("init", name="zeros", shape=list(shape), kwargs={}, seed=0)
    expect_array(got, np.zeros(shape), f"zeros({shape})")


@SUITE.check("basic.normal")
def basic_normal(t: Trial) -> None:
    shape = _shape(t)
    for variance in (float(np.round(t.rng.uniform(0.01, 0.05), 4)),
                     float(np.round(t.rng.uniform(2.0, 4.0), 3))):
        what = _call("normal", shape, {"variance": variance})
        w = _draw(t, "normal", shape, what, variance=variance)
        check_distribution(w, "normal", variance, what, {
            "it looks like the variance was passed where numpy expects the standard deviation "
            "(scale = sqrt(variance))": variance ** 2})


# -- He / Kaiming ----------------------------------------------------------------------------
def _kaiming_case(t: Trial, name: str, kind: str, mode: str, nonlinearity: str,
                  a: float) -> None:
    shape = _shape(t)
    fan_out, fan_in = shape  # a 2-D (fan_out, fan_in) weight: no receptive field
    fan = fan_in if mode == "fan_in" else fan_out
    other = fan_out if mode == "fan_in" else fan_in
    gain = _gain(nonlinearity, a)
    var = gain ** 2 / fan
    kwargs = {"a": a, "mode": mode, "nonlinearity": nonlinearity}
    what = _call(name, shape, kwargs)
    w = _draw(t, name, shape, what, **kwargs)
    mistakes = {
        f"that is gain^2 / {other}: the {'fan_out' if mode == 'fan_in' else 'fan_in'} was "
        f"used, but mode={mode!r} asks for {mode} = {fan} (Omega is (fan_out, fan_in))":
            gain ** 2 / other,
        "that is the variance without the gain (gain = sqrt(2 / (1 + a^2)))": 1.0 / fan,
    }
    if nonlinearity == "leaky_relu" and a > 0:
        mistakes["that uses the gain sqrt(2 / (1 + a)); the leaky_relu gain squares the slope: "
                 "sqrt(2 / (1 + a^2))"] = 2.0 / (1.0 + a) / fan
    if kind == "uniform":
        bound = gain * math.sqrt(3.0 / fan)
        mistakes["the uniform bound is gain * sqrt(3 / fan) (torch.nn.init.kaiming_uniform_); "
                 "a bound of gain * sqrt(6 / fan) doubles the variance"] = 2 * var
        mistakes["the uniform bound is gain * sqrt(3 / fan), not the normal's std "
                 "gain / sqrt(fan)"] = var / 3
        check_distribution(w, "uniform", var, what, mistakes)
        _uniform_reaches(w, bound, what)
    else:
        check_distribution(w, "normal", var, what, mistakes)


@SUITE.check("kaiming.normal_fan_in")
def kaiming_normal_fan_in(t: Trial) -> None:
    _kaiming_case(t, "kaiming_normal", "normal", "fan_in", "relu", 0.0)
    _kaiming_case(t, "kaiming_normal", "normal", "fan_in", "leaky_relu", 0.0)


@SUITE.check("kaiming.uniform")
def kaiming_uniform(t: Trial) -> None:
    _kaiming_case(t, "kaiming_uniform", "uniform", "fan_in", "relu", 0.0)
    _kaiming_case(t, "kaiming_uniform", "uniform", "fan_out", "leaky_relu", 0.0)


# -- Xavier / Glorot ---------------------------------------------------------------------------
def _xavier_case(t: Trial, name: str, kind: str, gain: float) -> None:
    shape = _shape(t)
    fan_out, fan_in = shape  # a 2-D (fan_out, fan_in) weight: no receptive field
    var = gain ** 2 * 2.0 / (fan_in + fan_out)
    what = _call(name, shape, {"gain": gain})
    w = _draw(t, name, shape, what, gain=gain)
    mistakes = {
        "that uses fan_in alone; Xavier averages both fans: 2 / (fan_in + fan_out)":
            gain ** 2 / fan_in,
        "that uses fan_out alone; Xavier averages both fans: 2 / (fan_in + fan_out)":
            gain ** 2 / fan_out,
        "the gain multiplies the standard deviation (or bound), so the variance grows by "
        "gain^2": 2.0 / (fan_in + fan_out),
    }
    if kind == "uniform":
        mistakes["the uniform bound is gain * sqrt(6 / (fan_in + fan_out)) "
                 "(variance bound^2 / 3)"] = 3 * var
        check_distribution(w, "uniform", var, what, mistakes)
        _uniform_reaches(w, gain * math.sqrt(6.0 / (fan_in + fan_out)), what)
    else:
        check_distribution(w, "normal", var, what, mistakes)


@SUITE.check("xavier.normal")
def xavier_normal(t: Trial) -> None:
    _xavier_case(t, "xavier_normal", "normal", 1.0)


@SUITE.check("xavier.uniform")
def xavier_uniform(t: Trial) -> None:
    _xavier_case(t, "xavier_uniform", "uniform", 1.0)


# -- the experiment ---------------------------------------------------------------------------
@SUITE.check("experiment.network")
def experiment_network(t: Trial) -> None:
    n_hidden, width, d_in = int(t.rng.integers(3, 6)), int(t.rng.integers(40, 70)), 30
    sigma2 = float(np.round(t.rng.uniform(0.03, 0.08), 4))
    got = t.student("network", n_hidden=n_hidden, width=width, d_in=d_in, d_out=1,
                    sigma2=sigma2, seed=int(t.rng.integers(1 << 30)))
    sizes = [d_in] + [width] * n_hidden + [1]
    what = f"init_network({n_hidden}, {width}, {d_in}, 1, {sigma2}, rng)"
    ws, bs = got["w"], got["b"]
    expect(isinstance(ws, list) and isinstance(bs, list) and len(ws) == len(bs) == n_hidden + 1,
           f"{what} should return two lists of {n_hidden + 1} arrays (weights, biases)")
    for k, (w, b) in enumerate(zip(ws, bs)):
        shape = (sizes[k + 1], sizes[k])
        expect(isinstance(w, np.ndarray) and w.shape == shape,
               f"{what}: Omega_{k} should have shape {shape} (D_{k + 1}, D_{k}), got "
               f"{getattr(w, 'shape', type(w).__name__)}")
        expect_array(b, np.zeros((sizes[k + 1], 1)), f"{what}: beta_{k}",
                     hint="biases start at zero (the notes' experiment)")
    allw = np.concatenate([as_array(w, "weights").reshape(-1) for w in ws])
    check_distribution(allw, "normal", sigma2, f"{what}: the weights", {
        "it looks like sigma^2 was passed where numpy expects the standard deviation "
        "(scale = sqrt(sigma^2))": sigma2 ** 2})


@SUITE.check("experiment.plot")
def experiment_plot(t: Trial) -> None:
    layers, width = 12, 100
    forward = [(width * s / 2) ** np.arange(1, layers + 1) for s in SIGMA2S]
    backward = [(width * s / 2) ** np.arange(layers, 0, -1) for s in SIGMA2S]
    got = t.student("plot", sigma2s=list(SIGMA2S), forward=forward, backward=backward,
                    filename="variances_check.png")
    what = "plot_variances(results, path)"
    expect(got.get("exists") is True and got.get("png") is True,
           f"{what} should save a PNG file at path")
    axes = got.get("axes")
    expect(isinstance(axes, list), f"{what} should return the matplotlib Figure, got "
           f"{got.get('returned')}")
    used = [ax for ax in axes if ax["lines"] > 0]
    expect(len(used) >= 1 and sum(ax["lines"] for ax in used) >= 2 * len(SIGMA2S),
           f"{what}: expected one line per sigma^2 for the forward and for the backward "
           f"variances ({2 * len(SIGMA2S)} lines), found {sum(ax['lines'] for ax in used)}")
    for i, ax in enumerate(used):
        expect(ax["yscale"] == "log", f"{what}: axes {i} uses a {ax['yscale']} y axis; the "
               "variances span over 100 orders of magnitude, use a log scale "
               "(ax.set_yscale('log'))")
        expect(bool(ax["xlabel"].strip()) and bool(ax["ylabel"].strip()),
               f"{what}: axes {i} needs x and y labels")
        expect(bool(ax["title"].strip()) or bool(got.get("suptitle", "").strip()),
               f"{what}: axes {i} needs a title")
