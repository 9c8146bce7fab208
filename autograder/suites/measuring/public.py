"""Public checks of the measuring-performance assignment: shipped in the student handout, where
`python check.py [part]` (or `check("data")` in the notebook) runs them on the student's own code
and prints exactly the grader's message. Nothing hidden here: the hidden checks are in checks.py
and register on this module's SUITE.

Each public check is cheap (well under a second on one core), deterministic for the grader's seed
and independent of MNIST-1D: corrupt_labels, the MLP's layers and parameter count, the toy
model's features and bias-variance decomposition, the double-descent parameter count, the
validation split and the training-curves figure.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import numpy as np

from ...authoring import CheckFailed, Suite, Trial, as_array, expect, expect_array, expect_scalar

SUITE = Suite(probes=Path(__file__).with_name("probes.py"))

N_CLASSES = 10
D_IN = 40


def _seed(t: Trial) -> int:
    return int(t.rng.integers(1, 1 << 20))


def _arr(value: Any, what: str, ndim: int | None = None) -> np.ndarray:
    return as_array(value, what, ndim)


# -- part 1: MNIST-1D (random labels) -----------------------------------------------------------
def _corrupt(t: Trial, y: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    what = f"corrupt_labels(y, {fraction}, seed={seed}) on {len(y)} labels"
    got = t.student("corrupt", y=y, fraction=fraction, seed=seed)
    out = _arr(got["out"], what)
    expect(out.shape == y.shape, f"{what} should return {y.shape} labels, got {out.shape}")
    expect(np.array_equal(got["input_after"], y), f"{what} modified its input array; return "
           "a corrupted copy and leave y unchanged")
    expect(bool(np.all((out >= 0) & (out < N_CLASSES) & (out == np.rint(out)))),
           f"{what} returned values that are not class labels 0..9")
    return out.astype(np.int64)


@SUITE.check("data.random_labels")
def data_random_labels(t: Trial) -> None:
    n = 20000
    y = t.rng.integers(0, N_CLASSES, size=n)
    seed = _seed(t)
    outs = {}
    for fraction in (0.15, 0.5):
        m = int(round(fraction * n))
        out = outs[fraction] = _corrupt(t, y, fraction, seed)
        changed = out != y
        what = f"corrupt_labels(y, {fraction}, seed)"
        if abs(changed.sum() - 0.9 * m) < 6 * math.sqrt(0.9 * 0.1 * m):
            raise CheckFailed(
                f"{what} changed {changed.sum()} of {n} labels, about 0.9 * {m}: it looks like "
                "each chosen label is redrawn from all 10 classes (a tenth stay the same). "
                f"Change exactly round(p * n) = {m} labels, each to one of the 9 OTHER classes")
        expect(int(changed.sum()) == m,
               f"{what} changed {int(changed.sum())} of {n} labels; exactly round(p * n) = {m} "
               "must change (choose the positions without replacement, then a different class "
               "for each)")
        # which positions: 10 blocks of n/10 get about m/10 each (chi-square, 9 dof; 60 is
        # beyond the 1e-9 quantile)
        blocks = changed.reshape(10, -1).sum(axis=1)
        chi_pos = float(((blocks - m / 10) ** 2 / (m / 10)).sum())
        expect(chi_pos < 60, f"{what}: the changed positions are not spread uniformly over "
               f"the array (per tenth: {blocks.tolist()}); draw them at random")
        # the shift to the new class is uniform over 1..9 (chi-square, 8 dof, 60 as above)
        shift = ((out - y) % N_CLASSES)[changed]
        counts = np.bincount(shift, minlength=N_CLASSES)[1:]
        chi = float(((counts - m / 9) ** 2 / (m / 9)).sum())
        expect(chi < 60, f"{what}: the new labels are not uniform over the 9 other classes "
               f"(counts of (new - old) mod 10 = 1..9: {counts.tolist()})")
    again = _corrupt(t, y, 0.15, seed)
    expect(np.array_equal(again, outs[0.15]), "corrupt_labels is not reproducible: the same "
           "seed must give the same labels (draw with np.random.default_rng(seed))")
    other = _corrupt(t, y, 0.15, seed + 1)
    expect(not np.array_equal(other, again), "corrupt_labels gave the same labels for two "
           "different seeds; draw with np.random.default_rng(seed)")
    for fraction, m in ((0.0, 0), (1.0, n)):
        changed = int((_corrupt(t, y, fraction, seed) != y).sum())
        expect(changed == m, f"corrupt_labels(y, {fraction}) changed {changed} labels, "
               f"expected {m}")


# -- part 2: the baseline MLP ---------------------------------------------------------------------
def _relu(v: np.ndarray) -> np.ndarray:
    return np.maximum(v, 0.0)


@SUITE.check("baseline.architecture")
def baseline_architecture(t: Trial) -> None:
    for hidden in (100, int(t.rng.integers(20, 60))):
        shapes = [(hidden, D_IN), (hidden,), (hidden, hidden), (hidden,), (N_CLASSES, hidden),
                  (N_CLASSES,)]
        weights = [t.rng.normal(0, 1 / math.sqrt(s[-1]), size=s) for s in shapes]
        x = t.rng.normal(size=(7, D_IN))
        got = t.student("mlp", hidden=hidden, init="default", seed=_seed(t), weights=weights,
                        x=x)
        what = f"make_mlp({hidden})"
        got_shapes = [tuple(np.shape(p)) for p in got["initial"]]
        expect(got_shapes == shapes, f"{what} should have parameters of shapes {shapes} "
               f"(Linear(40, {hidden}), Linear({hidden}, {hidden}), Linear({hidden}, 10)), got "
               f"{got_shapes}")
        expect("output" in got, f"{what}: could not load weights into its Linear layers")
        h = _relu(x @ weights[0].T + weights[1])
        h = _relu(h @ weights[2].T + weights[3])
        want = h @ weights[4].T + weights[5]
        # float32 forward of O(1) values through 3 layers: 1e-4 is ~1000 float32 ulps
        expect_array(got["output"], want, f"{what}(x) with given weights", rtol=1e-4,
                     atol=1e-4, hint="Linear -> ReLU -> Linear -> ReLU -> Linear (no activation "
                     "on the output: CrossEntropyLoss takes logits)")


@SUITE.check("baseline.count_parameters")
def baseline_count(t: Trial) -> None:
    h = int(t.rng.integers(20, 80))
    specs = [
        [["linear", 40, 100, True, True], ["relu"], ["linear", 100, 100, True, True], ["relu"],
         ["linear", 100, 10, True, True]],
        [["linear", 40, h, True, True], ["relu"], ["linear", h, 10, False, True]],
        [["linear", 40, h, True, False], ["relu"], ["linear", h, h, True, True],
         ["batchnorm", h], ["relu"], ["linear", h, 10, True, True]],
    ]
    want = [15210, 40 * h + h + 10 * h, (h * h + h) + 2 * h + (10 * h + 10)]
    got = t.student("count", specs=specs)
    if isinstance(got, np.ndarray) and got.shape == (3,):
        got = list(got)
    expect(isinstance(got, list) and len(got) == 3, "count_parameters should return a number "
           f"for each model, got {got!r:.80}")
    descriptions = ["the notes' 40-100-100-10 MLP", f"40-{h}-10 with no bias in the last layer",
                    f"a 40-{h}-{h}-10 MLP whose first layer is frozen (requires_grad=False), "
                    "with BatchNorm1d"]
    for value, expected, desc in zip(got, want, descriptions):
        arr = _arr(value, "count_parameters(model)")
        if desc.startswith("the notes") and arr.size == 1 and float(arr.reshape(-1)[0]) == 15000:
            raise CheckFailed("count_parameters counts only the weights (15,000 for the notes' "
                              "MLP); biases are parameters too: 15,210")
        expect_scalar(arr, expected, f"count_parameters of {desc}",
                      hint="sum p.numel() over model.parameters() with p.requires_grad "
                      "(weights AND biases; buffers such as batch-norm running statistics are "
                      "not parameters)")


# -- part 3: bias and variance --------------------------------------------------------------------
def _mu(x: np.ndarray) -> np.ndarray:
    return np.exp(np.sin(2 * np.pi * x))


def _features(x: np.ndarray, D: int) -> np.ndarray:
    return np.maximum(x[:, None] - np.arange(D)[None, :] / D, 0.0)


@SUITE.check("bias_variance.features")
def bv_features(t: Trial) -> None:
    for D in (1, int(t.rng.integers(3, 9)), 12):
        x = np.sort(t.rng.uniform(0, 1, size=15))
        want = _features(x, D)
        got = t.student("toy_features", x=x, D=D)
        arr = _arr(got, f"toy_features(x, {D})")
        if arr.shape == want.shape and np.allclose(
                arr, np.maximum(x[:, None] - np.arange(1, D + 1)[None, :] / D, 0)):
            raise CheckFailed(f"toy_features(x, {D}): the joints are at 1/D..D/D; they sit at "
                              "0, 1/D, ..., (D-1)/D")
        expect_array(arr, want, f"toy_features(x, {D})",
                     hint="column j = max(0, x - j/D), j = 0..D-1, one row per x")


def _decomposition(pred: np.ndarray, f_true: np.ndarray, sigma: float) -> dict[str, float]:
    f_mu = pred.mean(axis=0)
    variance = float(np.mean((pred - f_mu) ** 2))
    bias2 = float(np.mean((f_mu - f_true) ** 2))
    return {"noise": sigma ** 2, "bias2": bias2, "variance": variance,
            "total": sigma ** 2 + bias2 + variance}


def _check_decomposition(got: Any, want: dict[str, float], what: str, pred: np.ndarray,
                         f_true: np.ndarray) -> None:
    expect(isinstance(got, dict) and all(k in got for k in want),
           f"{what} should return a dict with keys {sorted(want)}")
    vals = {k: float(_arr(got[k], f"{what}['{k}']").reshape(-1)[0]) for k in want}
    close = functools.partial(math.isclose, rel_tol=1e-6, abs_tol=1e-12)
    around_truth = float(np.mean((pred - f_true) ** 2))
    if close(vals["variance"], around_truth):
        raise CheckFailed(f"{what}['variance'] = {vals['variance']:.6g} is measured around the "
                          "TRUE function; variance is measured around the mean model f_mu "
                          f"(expected {want['variance']:.6g}; around mu it is variance + bias^2)")
    if close(vals["bias2"], want["variance"]) and close(vals["variance"], want["bias2"]):
        raise CheckFailed(f"{what}: bias^2 and variance are swapped (bias^2 = (f_mu - mu)^2, "
                          "variance = E_D[(f - f_mu)^2])")
    n = pred.shape[0]
    if n > 1 and close(vals["variance"], want["variance"] * n / (n - 1)):
        raise CheckFailed(f"{what}['variance'] uses ddof=1; average over the datasets (ddof=0)")
    if close(vals["noise"], math.sqrt(want["noise"])):
        raise CheckFailed(f"{what}['noise'] is sigma_y; the noise term is sigma_y^2")
    for key in ("noise", "bias2", "variance", "total"):
        expect_scalar(vals[key], want[key], f"{what}['{key}']", rtol=1e-6, atol=1e-12,
                      hint="noise = sigma_y^2; bias^2 = mean over the grid of (f_mu - mu)^2; "
                      "variance = mean over grid and datasets of (f - f_mu)^2; total = their sum")


@SUITE.check("bias_variance.decomposition")
def bv_decomposition(t: Trial) -> None:
    n_sets, n_grid = int(t.rng.integers(20, 40)), int(t.rng.integers(30, 60))
    grid = np.linspace(0, 1, n_grid)
    f_true = _mu(grid)
    pred = f_true + 0.4 * np.sin(3 * grid) + t.rng.normal(0, 0.3, size=(n_sets, n_grid))
    sigma = float(np.round(t.rng.uniform(0.2, 0.5), 2))
    got = t.student("toy_decompose", predictions=pred, f_true=f_true, sigma_y=sigma)
    _check_decomposition(got, _decomposition(pred, f_true, sigma),
                         f"decompose(predictions ({n_sets} x {n_grid}), f_true, {sigma})", pred,
                         f_true)


# -- part 4: double descent ---------------------------------------------------------------------
def _count(w: int) -> int:
    return (D_IN + 1) * w + (w + 1) * w + (w + 1) * N_CLASSES


def _threshold(n: int) -> int:
    w = 1
    while _count(w) < n:
        w += 1
    return w


@SUITE.check("double_descent.parameter_count")
def dd_parameter_count(t: Trial) -> None:
    widths = [1, int(t.rng.integers(5, 40)), 78, 100, 300]
    n_trains = [1000, int(t.rng.integers(2000, 8000)), 10000]
    got = t.student("dd_counts", widths=widths, n_trains=n_trains)
    want = np.array([_count(w) for w in widths], dtype=float)
    model = _arr(got["model"], "parameters of make_mlp2(w)").reshape(-1)
    expect_array(model, want, f"number of parameters of make_mlp2(w) for w = {widths}",
                 hint="40 -> w -> w -> 10 with biases: (40 + 1) w + (w + 1) w + (w + 1) 10")
    formula = _arr(got["formula"], "parameter_count(w)").reshape(-1)
    no_bias = np.array([D_IN * w + w * w + w * N_CLASSES for w in widths], dtype=float)
    if formula.shape == want.shape and np.array_equal(formula, no_bias):
        raise CheckFailed(f"parameter_count(w) forgot the biases: {formula.astype(int).tolist()}"
                          f" for w = {widths}; with biases {want.astype(int).tolist()}")
    expect_array(formula, want, f"parameter_count(w) for w = {widths}",
                 hint="every weight and every bias: (40 + 1) w + (w + 1) w + (w + 1) 10")
    expect_array(_arr(got["threshold"], "interpolation_width(n)").reshape(-1),
                 np.array([_threshold(n) for n in n_trains], dtype=float),
                 f"interpolation_width(n) for n = {n_trains}",
                 hint="the smallest width whose parameter count reaches n (78 for 10,000)")


# -- part 5: validation -------------------------------------------------------------------------
def _id_data(t: Trial, n: int, n_test: int, offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose first column is a unique id (exact in float32) and labels id % 10."""
    ids = np.arange(offset, offset + n)
    x = np.column_stack([ids.astype(float), t.rng.normal(size=(n, 3))])
    return x, ids % N_CLASSES


@SUITE.check("validation.split")
def val_split(t: Trial) -> None:
    n, fraction, seed = int(t.rng.integers(200, 400)), 0.2, _seed(t)
    x, y = _id_data(t, n, 0)
    got = t.student("split", x=x, y=y, val_fraction=fraction, seed=seed)
    what = f"train_validation_split(x, y, {fraction}, seed) with {n} rows"
    expect(isinstance(got, list) and len(got) == 4, f"{what} should return (x_train, y_train, "
           "x_val, y_val)")
    x_tr, y_tr, x_val, y_val = (_arr(v, f"{what}[{i}]") for i, v in enumerate(got))
    n_val = int(round(fraction * n))
    expect(len(x_val) == n_val and len(x_tr) == n - n_val, f"{what}: {len(x_tr)} training and "
           f"{len(x_val)} validation rows; expected {n - n_val} and round({fraction} * {n}) = "
           f"{n_val}")
    ids_tr, ids_val = np.rint(x_tr[:, 0]).astype(int), np.rint(x_val[:, 0]).astype(int)
    expect(not set(ids_tr) & set(ids_val), f"{what}: {len(set(ids_tr) & set(ids_val))} rows are "
           "in both the training and the validation set")
    expect(sorted(np.concatenate([ids_tr, ids_val]).tolist()) == list(range(n)),
           f"{what}: the two sets together should hold every row exactly once")
    expect(np.array_equal(y_tr.reshape(-1), ids_tr % 10) and np.array_equal(
        y_val.reshape(-1), ids_val % 10), f"{what}: the labels no longer belong to their rows")
    perm = np.random.default_rng(seed).permutation(n)
    expect(np.array_equal(ids_val, perm[:n_val]), f"{what}: the validation rows should be the "
           "first round(val_fraction * n) indices of np.random.default_rng(seed).permutation(n)"
           " (a random subset, not the last rows)")


# -- part 6: plots (auto-graded: file, labels, lines; content is graded by hand) ----------------
def _plot(t: Trial, kind: str, args: dict[str, Any], what: str, min_lines: int) -> list[dict]:
    got = t.student("plot", kind=kind, args=args, filename=f"{kind}_check.png")
    expect(got.get("exists") is True and got.get("png") is True,
           f"{what} should save a PNG file at path")
    axes = got.get("axes")
    expect(isinstance(axes, list), f"{what} should return the matplotlib Figure, got "
           f"{got.get('returned')}")
    used = [ax for ax in axes if ax["lines"]]
    expect(sum(len(ax["lines"]) for ax in used) >= min_lines,
           f"{what}: expected at least {min_lines} lines, found "
           f"{sum(len(ax['lines']) for ax in used)}")
    for i, ax in enumerate(used):
        expect(bool(ax["xlabel"].strip()) and bool(ax["ylabel"].strip()),
               f"{what}: axes {i} needs x and y labels")
        expect(bool(ax["title"].strip()) or bool(str(got.get("suptitle", "")).strip()),
               f"{what}: axes {i} needs a title")
        expect(ax["legend"], f"{what}: axes {i} needs a legend (ax.legend())")
    return used


@SUITE.check("plots.training_curves")
def plot_curves(t: Trial) -> None:
    epochs = 12
    hist = {"train_loss": list(np.linspace(2.2, 1.0, epochs)),
            "test_loss": list(np.linspace(2.2, 1.2, epochs)),
            "train_acc": list(np.linspace(0.2, 0.6, epochs)),
            "test_acc": list(np.linspace(0.2, 0.52, epochs)), "lr": [0.1] * epochs}
    _plot(t, "curves", {"histories": [hist, hist]}, "plot_training_curves(histories, path)", 4)
