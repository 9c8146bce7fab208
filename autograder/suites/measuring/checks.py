"""Hidden checks of the measuring-performance assignment (trusted side: never visible to
student code). They register on the SUITE of public.py, which holds the public checks (the
ones shipped in the student handout) and the helpers both sides share.

Where the answer is deterministic the grader computes it itself and compares: MNIST-1D from
mnist1d.make_dataset, the toy model's closed-form fit (np.linalg.lstsq), the noise / bias^2 /
variance formulas on given predictions, the parameter count, evaluate() on a model with known
weights, and full-batch Adam replayed in float64 from the same initial weights. Where the
answer is a training run or a simulation, the checks use properties that held for every seed of
the reference (calibration in the comments: 100 seeds for the toy model, 10-20 seeds for the
training runs), never single values: bands around the reference, monotone trends, where a
peak sits, and statistical tests with tolerances of 6 standard errors.

Student torch code runs on the device the grader chose: "cuda" when the grader sees a GPU and
the sandbox can use it, "cpu" otherwise; failure messages name it. A check's `params` in
assignment.yaml may hold per-device sizes: {cpu: {...}, cuda: {...}} (the GPU may run larger
configurations).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import weakref
from typing import Any

import numpy as np

from ...authoring import CheckFailed, StudentFault, Trial, expect, expect_array, expect_scalar
# the suite and the helpers shared with the public checks (_threshold only for the tests)
from .public import (D_IN, N_CLASSES, SUITE, _arr, _check_decomposition, _count,  # noqa: F401
                     _decomposition, _features, _id_data, _mu, _plot, _relu, _seed, _threshold)

# -- the device, per-device sizes and cached calls --------------------------------------------
_DEVICE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CALLS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def device(t: Trial) -> str:
    """'cuda' if the grader sees a GPU and student code in the sandbox can use it, else 'cpu'.

    Asked once per submission. The sandbox's address-space limit can keep CUDA from starting
    even where torch.cuda.is_available() says True, hence the probe that really uses it.
    """
    if t.sandbox not in _DEVICE:
        chosen, note = "cpu", ""
        if t.oracle.device == "cuda":
            info = t.student("device_info")
            if isinstance(info, dict) and info.get("cuda_works") is True:
                chosen = "cuda"
            else:
                note = "; the GPU could not be used from the sandbox"
        _DEVICE[t.sandbox] = (chosen, note)
    return _DEVICE[t.sandbox][0]


def on(t: Trial) -> str:
    """' (run on cpu)' for feedback."""
    dev = device(t)
    return f" (your code ran on {dev}{_DEVICE[t.sandbox][1]})"


def sizes(t: Trial, defaults: dict[str, Any]) -> dict[str, Any]:
    """The check's configuration for the chosen device: defaults < params < params[device]."""
    params = dict(t.params or {})
    per_device = {k: params.pop(k) for k in ("cpu", "cuda") if k in params}
    return {**defaults, **params, **(per_device.get(device(t)) or {})}


def _key(probe: str, kwargs: dict[str, Any]) -> str:
    def enc(value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return ["nd", value.dtype.str, value.shape,
                    hashlib.sha256(np.ascontiguousarray(value).tobytes()).hexdigest()]
        if isinstance(value, dict):
            return {str(k): enc(v) for k, v in sorted(value.items())}
        if isinstance(value, (list, tuple)):
            return [enc(v) for v in value]
        if isinstance(value, (np.integer, np.floating)):
            return value.item()
        return value

    return probe + json.dumps(enc(kwargs), sort_keys=True, default=str)


def cached(t: Trial, probe: str, **kwargs: Any) -> Any:
    """t.student(probe, **kwargs), run once per submission even when several checks need it
    (a training run feeds several checks); a fault is replayed to every check that asks."""
    calls = _CALLS.setdefault(t.sandbox, {})
    key = _key(probe, kwargs)
    if key not in calls:
        try:
            calls[key] = ("ok", t.student(probe, **kwargs))
        except StudentFault as fault:
            calls[key] = ("fault", fault)
    kind, value = calls[key]
    if kind == "fault":
        raise value
    return value


def _field(got: Any, key: str, what: str, n: int | None = None) -> np.ndarray:
    expect(isinstance(got, dict) and key in got, f"{what} should return a dict with key "
           f"'{key}', got {sorted(got) if isinstance(got, dict) else type(got).__name__}")
    arr = _arr(got[key], f"{what}['{key}']").reshape(-1)
    if n is not None:
        expect(arr.size == n, f"{what}['{key}'] should hold {n} values, got {arr.size}")
    expect(bool(np.isfinite(arr).all()), f"{what}['{key}'] contains inf or nan")
    return arr


# -- part 1: MNIST-1D ---------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def mnist(n_train: int, n_test: int, seed: int) -> dict[str, np.ndarray]:
    """MNIST-1D exactly as make_dataset builds it for this total, split at n_train."""
    from mnist1d.data import get_dataset_args, make_dataset

    args = get_dataset_args()
    args.num_samples = n_train + n_test
    args.train_split = 1.0  # split here, exactly at n_train (make_dataset normalizes first)
    args.seed = seed
    full = make_dataset(args)
    out = {"x": full["x"][:n_train], "y": full["y"][:n_train], "x_test": full["x"][n_train:],
           "y_test": full["y"][n_train:]}
    for value in out.values():
        value.flags.writeable = False
    return out


def _check_dataset(got: Any, n_train: int, n_test: int, seed: int) -> None:
    want = mnist(n_train, n_test, seed)
    what = f"load_mnist1d({n_train}, {n_test}, seed={seed})"
    expect(isinstance(got, dict), f"{what} should return a dict with x, y, x_test, y_test")
    missing = [k for k in want if k not in got]
    expect(not missing, f"{what} is missing the key(s) {missing}")
    for key, n in (("x", n_train), ("x_test", n_test)):
        arr = _arr(got[key], f"{what}['{key}']")
        if arr.shape != (n, D_IN) and arr.ndim == 2 and abs(arr.shape[0] - n) == 1:
            raise CheckFailed(
                f"{what}['{key}'] has {arr.shape[0]} rows instead of {n}: make_dataset splits "
                f"at int(num_samples * train_split), and {n_train + n_test} * "
                f"({n_train} / {n_train + n_test}) = {(n_train + n_test) * (n_train / (n_train + n_test))!r}"
                " in floating point; choose train_split so that the split lands exactly on "
                "n_train")
        expect(arr.shape == (n, D_IN), f"{what}['{key}'] should have shape {(n, D_IN)}, got "
               f"{arr.shape}")
    # float32 is fine: rtol 1e-6 is 8 float32 ulps; the values are O(1)
    for key in want:
        expect_array(got[key], want[key], f"{what}['{key}']", rtol=1e-6, atol=1e-6,
                     hint="make_dataset(args) with args.num_samples = n_train + n_test, the "
                     "split at n_train and args.seed = seed (other fields at their defaults)")


@SUITE.check("data.default_split")
def data_default_split(t: Trial) -> None:
    _check_dataset(cached(t, "dataset", n_train=4000, n_test=1000, seed=42), 4000, 1000, 42)


@SUITE.check("data.variants")
def data_variants(t: Trial) -> None:
    # 220 / 80: 300 * (220 / 300) = 219.99999999999997, the floating-point trap of train_split
    seed = int(t.rng.integers(1, 1000))
    for n_train, n_test, s in ((10000, 5000, 42), (220, 80, seed)):
        _check_dataset(t.student("dataset", n_train=n_train, n_test=n_test, seed=s),
                       n_train, n_test, s)


@SUITE.check("data.noisy_training_only")
def data_noisy_training_only(t: Trial) -> None:
    n_train, n_test, fraction = 700, 300, 0.15
    seed = _seed(t)
    got = t.student("noisy", n_train=n_train, n_test=n_test, fraction=fraction, seed=seed)
    want = mnist(n_train, n_test, 42)
    what = f"noisy_mnist1d({n_train}, {n_test}, {fraction}, seed={seed})"
    expect(isinstance(got, dict) and all(k in got for k in want),
           f"{what} should return a dict with x, y, x_test, y_test")
    y_test = _arr(got["y_test"], f"{what}['y_test']")
    expect(y_test.shape == (n_test,), f"{what}['y_test'] should have shape ({n_test},)")
    wrong_test = int((y_test != want["y_test"]).sum())
    expect(wrong_test == 0, f"{what}: {wrong_test} TEST labels differ from MNIST-1D's; label "
           "noise is applied to the training labels only: the test set measures how well the "
           "model predicts the true classes")
    for key in ("x", "x_test"):
        expect_array(got[key], want[key], f"{what}['{key}']", rtol=1e-6, atol=1e-6,
                     hint="the inputs are load_mnist1d's, unchanged")
    y = _arr(got["y"], f"{what}['y']")
    expect(y.shape == (n_train,), f"{what}['y'] should have shape ({n_train},)")
    changed, m = int((y != want["y"]).sum()), int(round(fraction * n_train))
    expect(changed == m, f"{what} changed {changed} training labels; expected exactly "
           f"round({fraction} * {n_train}) = {m}")


# -- part 2: the baseline MLP ---------------------------------------------------------------------
def _variance_ok(w: np.ndarray, var: float, kurtosis: float) -> bool:
    """Sample variance within 6 standard errors of var (SE = var sqrt((kurt - 1) / n))."""
    return abs(float(np.mean(w ** 2)) - var) <= 6 * var * math.sqrt((kurtosis - 1) / w.size)


@SUITE.check("baseline.init")
def baseline_init(t: Trial) -> None:
    shapes = [(100, D_IN), (100, 100), (N_CLASSES, 100)]
    for init in ("he", "default"):
        got = t.student("mlp", hidden=100, init=init, seed=_seed(t), weights=[], x=np.zeros(
            (1, D_IN)))
        params = [_arr(p, "parameter") for p in got["initial"]]
        what = f"make_mlp(100, init={init!r})"
        expect(len(params) == 6, f"{what} should have 6 parameter tensors, got {len(params)}")
        for k, (w, b) in enumerate(zip(params[::2], params[1::2])):
            fan_in = shapes[k][1]
            if init == "he":
                var = 2.0 / fan_in
                if _variance_ok(w, 1.0 / (3 * fan_in), 1.8):
                    raise CheckFailed(f"{what}: layer {k} still has PyTorch's default "
                                      "initialization; init='he' must re-draw the weights")
                expect(_variance_ok(w, var, 3.0),
                       f"{what}: layer {k} weights have variance {np.mean(w ** 2):.4g}, "
                       f"expected 2 / fan_in = {var:.4g} (kaiming_normal_, nonlinearity='relu', "
                       "mode='fan_in')")
                expect(bool(np.all(b == 0)), f"{what}: layer {k} biases should be zero")
            else:
                # PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), variance 1 / (3 fan_in)
                expect(_variance_ok(w, 1.0 / (3 * fan_in), 1.8) and float(np.abs(w).max())
                       <= 1 / math.sqrt(fan_in) + 1e-6,
                       f"{what}: layer {k} weights do not look like PyTorch's default "
                       "initialization; init='default' keeps nn.Linear's own initialization")


@SUITE.check("baseline.evaluate")
def baseline_evaluate(t: Trial) -> None:
    hidden, n = 24, 400
    x = t.rng.normal(size=(n, D_IN))
    w0, b0 = t.rng.normal(0, 0.3, size=(hidden, D_IN)), t.rng.normal(0, 0.1, size=hidden)
    w1, b1 = t.rng.normal(0, 0.5, size=(N_CLASSES, hidden)), t.rng.normal(0, 0.1, N_CLASSES)
    running_mean, running_var = t.rng.normal(0, 0.5, hidden), t.rng.uniform(0.5, 2.0, hidden)
    h = x @ w0.T + b0
    h = _relu((h - running_mean) / np.sqrt(running_var + 1e-5))
    logits = h @ w1.T + b1
    top2 = np.sort(logits, axis=1)[:, -2:]
    keep = (top2[:, 1] - top2[:, 0]) > 1e-3  # no near-ties: float32 must agree on the argmax
    x, logits = x[keep], logits[keep]
    y = t.rng.integers(0, N_CLASSES, size=len(x))
    y[: len(y) // 2] = logits[: len(y) // 2].argmax(axis=1)  # accuracy well inside (0, 1)
    shifted = logits - logits.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss, acc = float(-logp[np.arange(len(y)), y].mean()), float((logits.argmax(1) == y).mean())
    dev = device(t)
    got = t.student("evaluate", weights=[w0, b0, w1, b1], running_mean=running_mean,
                    running_var=running_var, x=x, y=y, device=dev, start_in_train_mode=True)
    what = "evaluate(model, x, y, device)"
    forwards = got.get("forwards") or []
    expect(len(forwards) >= 1, f"{what} never ran the model")
    expect(not any(f["training"] for f in forwards),
           f"{what} ran the model in training mode (dropout active, batch norm using batch "
           f"statistics): call model.eval() before measuring{on(t)}")
    expect(not any(f["grad"] or f["requires_grad"] for f in forwards),
           f"{what} built an autograd graph while measuring: wrap the forward pass in "
           f"torch.no_grad() (or torch.inference_mode()){on(t)}")
    result = got.get("result")
    if isinstance(result, np.ndarray) and result.shape == (2,):
        result = [result[0], result[1]]
    expect(isinstance(result, list) and len(result) == 2,
           f"{what} should return (loss, accuracy)")
    if np.isclose(float(_arr(result[0], "loss")), float(-logp[np.arange(len(y)), y].sum()),
                  rtol=1e-4):
        raise CheckFailed(f"{what}: the loss is summed over the examples; report the mean "
                          "cross-entropy")
    # float32 on either device: 1e-4 relative covers the accumulated rounding
    expect_scalar(result[0], loss, f"{what}: mean cross-entropy", rtol=1e-4, atol=1e-5)
    expect_scalar(result[1], acc, f"{what}: accuracy", rtol=0, atol=0.5 / len(y),
                  hint="the fraction of examples whose largest logit is the label")


def _baseline_run(t: Trial) -> tuple[Any, int, int, str]:
    """The reduced training run shared by the schedule and curves checks (one call):
    (history, steps, epochs of 40 batches, how messages name the call)."""
    cfg = sizes(t, {"steps": 800, "seed": 3})
    steps = int(cfg["steps"])
    data = mnist(4000, 1000, 42)
    hist = cached(t, "train", data=dict(data), device=device(t), seed=int(cfg["seed"]),
                  steps=steps)
    return hist, steps, math.ceil(steps / 40), f"train_mlp(data, device, steps={steps})"


def _history(hist: Any, n_epochs: int, what: str) -> dict[str, np.ndarray]:
    keys = ("train_loss", "train_acc", "test_loss", "test_acc", "lr")
    return {key: _field(hist, key, what, n_epochs) for key in keys}


@SUITE.check("baseline.schedule")
def baseline_schedule(t: Trial) -> None:
    hist, steps, epochs, what = _baseline_run(t)
    lr = _field(hist, "lr", what)
    expect(lr.size == epochs, f"{what}: expected one entry per epoch ({steps} steps of 100 "
           f"examples = {epochs} epochs of 40 batches), got {lr.size} learning rates")
    want = 0.1 * 0.5 ** (np.arange(epochs) // 10)
    if lr[-1] < 1e-6 and lr[0] == 0.1:
        raise CheckFailed(f"{what}: the learning rate fell to {lr[-1]:.2g} by epoch {epochs}: "
                          "StepLR is stepped every batch; call scheduler.step() once per epoch")
    expect_array(lr, want, f"{what}['lr'] (the rate during each epoch)", rtol=1e-9,
                 hint="StepLR(optimizer, step_size=10, gamma=0.5) stepped after each epoch: "
                 "0.1 for epochs 0-9, 0.05 for 10-19, ...")
    expect_scalar(_field(hist, "steps", what), steps, f"{what}['steps']")


# Reference, 800 steps (20 epochs) on the 4000 / 1000 split, default init, seeds 0-9 (CPU):
# final train accuracy 0.51-0.57, test 0.46-0.52, train loss 2.11-2.19 after the first epoch
# and 1.19-1.27 after the last. The bands below are about twice as wide as that spread.
CURVE_BANDS = {"train_acc": (0.42, 0.68), "test_acc": (0.38, 0.62)}


@SUITE.check("baseline.curves")
def baseline_curves(t: Trial) -> None:
    hist, steps, epochs, what = _baseline_run(t)
    h = _history(hist, epochs, what)
    dev = device(t)
    got_dev = str(hist.get("device", "")) if isinstance(hist, dict) else ""
    expect(got_dev.split(":")[0] == dev, f"{what}: the model ended on {got_dev!r}, but the "
           f"grader passed device={dev!r}; move the model and the data with .to(device)")
    for key, (lo, hi) in CURVE_BANDS.items():
        final = float(h[key][-1])
        expect(lo <= final <= hi,
               f"{what}: final {key.replace('_', ' ')} {final:.3f}, expected {lo}-{hi} (the "
               f"reference reaches 0.51-0.57 train and 0.46-0.52 test after {steps} steps of "
               f"SGD lr 0.1, batch 100){on(t)}")
    expect(h["train_loss"][-1] < 0.8 * h["train_loss"][0],
           f"{what}: the training loss went from {h['train_loss'][0]:.3f} (epoch 1) to "
           f"{h['train_loss'][-1]:.3f}; it should fall by far more{on(t)}")
    expect(bool(np.all(h["train_acc"] >= 0) and np.all(h["train_acc"] <= 1)),
           f"{what}: accuracies should be fractions in [0, 1]")
    expect(h["train_acc"][-1] >= h["test_acc"][-1] - 0.03,
           f"{what}: test accuracy {h['test_acc'][-1]:.3f} above train accuracy "
           f"{h['train_acc'][-1]:.3f}: are the two swapped?")


@SUITE.check("baseline.seeded")
def baseline_seeded(t: Trial) -> None:
    steps, seed = 120, _seed(t)
    data = mnist(4000, 1000, 42)
    dev = device(t)
    runs = [t.student("train", data=dict(data), device=dev, seed=s, steps=steps)
            for s in (seed, seed, seed + 1)]
    what = f"train_mlp(data, device, seed, steps={steps})"
    curves = [_field(r, "train_loss", what, 3) for r in runs]
    # bitwise on the CPU; GPU kernels may reorder sums (1e-4 covers it)
    tol = 0.0 if dev == "cpu" else 1e-4
    expect(bool(np.allclose(curves[0], curves[1], rtol=0, atol=tol)),
           f"{what}: two runs with the same seed gave different training losses "
           f"({curves[0][-1]:.6f} vs {curves[1][-1]:.6f}); seed the initialization and the "
           f"shuffling from `seed` (torch.manual_seed, a torch.Generator){on(t)}")
    expect(not np.allclose(curves[0], curves[2], rtol=0, atol=1e-7),
           f"{what}: seeds {seed} and {seed + 1} gave identical curves; use the seed")


# The test set is replaced by 100 tight clusters of 10 points (centres N(0, I) in 40-d, spread
# 0.05) with one uniform random label per cluster. A model that never saw them predicts each
# point from x alone, so each cluster matches its label with probability 1/10 independently:
# accuracy 0.10 +/- 0.03 at worst (all 10 points of a cluster alike), and 0.3 is 6.7 standard
# deviations away. Training on the test set too fits the clusters: 0.92-0.99 in the reference
# after 800 steps (0.05-0.12 without the leak, seeds 0-3).
@SUITE.check("baseline.test_isolation")
def baseline_test_isolation(t: Trial) -> None:
    steps, k, per = 800, 100, 10
    data = dict(mnist(4000, 1000, 42))
    centres = t.rng.normal(size=(k, D_IN))
    data["x_test"] = np.repeat(centres, per, axis=0) + 0.05 * t.rng.normal(size=(k * per, D_IN))
    data["y_test"] = np.repeat(t.rng.integers(0, N_CLASSES, size=k), per)
    hist = t.student("train", data=data, device=device(t), seed=_seed(t), steps=steps)
    what = f"train_mlp(data, device, steps={steps})"
    acc = _field(hist, "test_acc", what)
    expect(float(acc[-1]) <= 0.3,
           f"{what} scores {acc[-1]:.3f} on a test set of {k} clusters with random labels (a "
           f"model that never saw them scores about 0.10): the test set leaked into training. "
           f"Train on data['x'], data['y'] only{on(t)}")


# -- part 3: bias and variance --------------------------------------------------------------------
@SUITE.check("bias_variance.sampling")
def bv_sampling(t: Trial) -> None:
    n, sigma = 20000, float(np.round(t.rng.uniform(0.2, 0.5), 2))
    got = t.student("toy_sample", n=n, sigma_y=sigma, seed=_seed(t))
    what = f"sample_toy_data({n}, {sigma}, rng)"
    expect(isinstance(got, list) and len(got) == 2, f"{what} should return (x, y)")
    x, y = _arr(got[0], f"{what} x").reshape(-1), _arr(got[1], f"{what} y").reshape(-1)
    expect(x.size == n and y.size == n, f"{what} should return {n} x and {n} y values")
    strip = np.floor(x * n)
    expect(bool(np.all(np.abs(strip - np.arange(n)) <= 1) and np.all(
        (x * n - np.arange(n) >= -1e-9) & (x * n - np.arange(n) <= 1 + 1e-9))),
           f"{what}: x_i should lie in the i-th strip [i/n, (i+1)/n), in order of i (one "
           "training point per strip)")
    frac = x * n - np.arange(n)
    # U(0, 1) positions inside the strips: mean 1/2 (SE sqrt(1/12 / n)), variance 1/12
    expect(abs(frac.mean() - 0.5) < 6 * math.sqrt(1 / 12 / n) and abs(frac.var() - 1 / 12)
           < 6 * math.sqrt(1 / 180 / n), f"{what}: the positions inside the strips are not "
           "uniform (x_i = (i + u_i) / n with u_i ~ U(0, 1))")
    resid = y - _mu(x)
    se = sigma ** 2 * math.sqrt(2 / n)
    if abs(resid.var() - sigma ** 4) < 6 * sigma ** 4 * math.sqrt(2 / n):
        raise CheckFailed(f"{what}: the noise has variance sigma_y^4; rng.normal takes the "
                          "standard deviation sigma_y")
    expect(abs(resid.mean()) < 6 * sigma / math.sqrt(n) and abs(resid.var() - sigma ** 2)
           < 6 * se, f"{what}: y - exp(sin(2 pi x)) has mean {resid.mean():.4f} and variance "
           f"{resid.var():.4f}; expected N(0, sigma_y^2) noise with sigma_y^2 = {sigma ** 2:.4f}")


@SUITE.check("bias_variance.closed_form_fit")
def bv_fit(t: Trial) -> None:
    n = 15
    grid = np.linspace(0, 1, 50)
    for D in (1, int(t.rng.integers(2, 8)), n - 1):
        x = (np.arange(n) + t.rng.uniform(size=n)) / n
        y = _mu(x) + 0.3 * t.rng.normal(size=n)
        design = np.column_stack([np.ones(n), _features(x, D)])
        phi, *_ = np.linalg.lstsq(design, y, rcond=None)
        want = np.column_stack([np.ones(len(grid)), _features(grid, D)]) @ phi
        got = t.student("toy_fit", x=x, y=y, D=D, grid=grid)
        what = f"predict_toy_model(fit_toy_model(x, y, {D}), grid, {D}) on {n} points"
        phi_got = _arr(got["phi"], f"fit_toy_model(x, y, {D})").reshape(-1)
        expect(phi_got.size == D + 1, f"fit_toy_model(x, y, {D}) should return D + 1 = {D + 1} "
               f"numbers (output bias, then one weight per hidden unit), got {phi_got.size}")
        no_bias, *_ = np.linalg.lstsq(_features(x, D), y, rcond=None)
        pred = _arr(got["pred"], what)
        if D > 1 and pred.shape == want.shape and np.allclose(
                pred, _features(grid, D) @ no_bias, rtol=1e-6):
            raise CheckFailed(f"{what}: the fit has no output bias phi_0; add a column of ones")
        # the least-squares solution is unique (full column rank): normal equations agree with
        # lstsq to ~cond^2 * 1e-16 < 1e-8 here
        expect_array(pred, want, what, rtol=1e-6, atol=1e-8,
                     hint="least squares of y on [1, toy_features(x, D)] (np.linalg.lstsq)")


def _closure_se(pred: np.ndarray, f_true: np.ndarray, sigma: float, draws: int) -> float:
    """Standard error of the direct test-error estimate: (f - y)^2 with y = mu + sigma eps has
    variance 2 sigma^4 + 4 sigma^2 (f - mu)^2 for each of n_sets x draws x n_grid draws."""
    var = 2 * sigma ** 4 + 4 * sigma ** 2 * (pred - f_true) ** 2
    return float(math.sqrt(var.mean() / (pred.size * draws)))


# Reference (N = 15, sigma_y = 0.3, 100-point grid, 100 datasets), 100 seeds: bias^2 at D = 3 is
# 0.0598-0.0612 and variance 0.0225-0.0301; the direct test error differs from the sum by at
# most 0.0034 (3 standard errors). The bands are ~3x the observed spread.
@SUITE.check("bias_variance.simulation")
def bv_simulation(t: Trial) -> None:
    D, n_train, sigma, n_sets, n_grid, seed = 3, 15, 0.3, 100, 100, _seed(t)
    got = t.student("toy_simulate", D=D, n_train=n_train, sigma_y=sigma, n_datasets=n_sets,
                    n_grid=n_grid, seed=seed)
    what = f"simulate(D={D}, n_train={n_train}, sigma_y={sigma}, n_datasets={n_sets})"
    expect(isinstance(got, dict) and "predictions" in got, f"{what} should return a dict with "
           "'predictions' (n_datasets x n_grid) and the decomposition")
    pred = _arr(got["predictions"], f"{what}['predictions']")
    expect(pred.shape == (n_sets, n_grid), f"{what}['predictions'] should have shape "
           f"{(n_sets, n_grid)}, got {pred.shape}")
    grid = np.linspace(0, 1, n_grid)
    f_true = _mu(grid)
    want = _decomposition(pred, f_true, sigma)
    _check_decomposition({k: got.get(k) for k in want}, want, what, pred, f_true)
    bias2, variance = want["bias2"], want["variance"]
    expect(0.050 <= bias2 <= 0.070, f"{what}: bias^2 = {bias2:.4f}; with 3 joints the best fit "
           "misses exp(sin(2 pi x)) by about 0.060 (reference 0.0598-0.0612): are the datasets "
           "drawn one point per strip and fitted by least squares?")
    expect(0.012 <= variance <= 0.045, f"{what}: variance = {variance:.4f}; the reference gives "
           "0.0225-0.0301")
    test_error = float(_arr(got.get("test_error"), f"{what}['test_error']").reshape(-1)[0])
    se = _closure_se(pred, f_true, sigma, 10)
    expect(abs(test_error - want["total"]) <= 6 * se,
           f"{what}: the measured test error {test_error:.4f} and bias^2 + variance + noise = "
           f"{want['total']:.4f} differ by more than 6 standard errors ({6 * se:.4f}): the test "
           "targets are mu(x_grid) + N(0, sigma_y^2), fresh for every dataset (10 draws each)")


# Reference sweep D = 1..12 (100 seeds): bias^2(D=1) 0.3074-0.3092; bias^2 <= 0.0123 from D = 4
# on; variance 0.012-0.019 at D = 1 and 0.16-1.1 at D = 12; best D = 4 for every seed.
@SUITE.check("bias_variance.capacity_sweep")
def bv_sweep(t: Trial) -> None:
    Ds = list(range(1, 13))
    got = t.student("toy_sweep", Ds=Ds, n_train=15, sigma_y=0.3, n_datasets=100, n_grid=100,
                    seed=_seed(t))
    what = "sweep_capacity(D = 1..12, n_train=15, sigma_y=0.3, n_datasets=100)"
    bias2, var = _field(got, "bias2", what, 12), _field(got, "variance", what, 12)
    total = _field(got, "total", what, 12)
    noise = _field(got, "noise", what, 12)
    expect(bool(np.allclose(noise, 0.09)), f"{what}['noise'] should be sigma_y^2 = 0.09")
    expect(bool(np.allclose(total, bias2 + var + noise, rtol=1e-9)),
           f"{what}['total'] should be bias2 + variance + noise")
    expect(0.29 <= bias2[0] <= 0.33, f"{what}: bias^2 at D = 1 is {bias2[0]:.4f}; a single "
           "joint gives a straight line, which misses exp(sin(2 pi x)) by about 0.308")
    expect(bool(np.all(bias2[3:] < 0.03)), f"{what}: bias^2 should be small (< 0.03) from D = 4 "
           f"on, got {np.round(bias2[3:], 4).tolist()}")
    expect(var[-1] > 5 * var[0], f"{what}: the variance should grow with capacity (D = 1: "
           f"{var[0]:.4f}, D = 12: {var[-1]:.4f})")
    expect(0.008 <= var[0] <= 0.03, f"{what}: variance at D = 1 is {var[0]:.4f}, the reference "
           "0.012-0.019")
    best = int(_arr(got.get("best_D"), f"{what}['best_D']").reshape(-1)[0])
    expect(best == Ds[int(np.argmin(total))], f"{what}['best_D'] = {best}, but the smallest "
           f"total is at D = {Ds[int(np.argmin(total))]}")
    expect(best in (3, 4, 5), f"{what}: best D = {best}; bias^2 + variance is smallest at "
           "D = 4 in the reference (every seed)")


# Reference, N = 30 vs N = 15 (100 datasets, 100 seeds): the variance ratio at D = 3 and 4 is
# 0.39-0.58 and the bias^2 ratio at D = 3 is 0.98-1.01.
@SUITE.check("bias_variance.more_data")
def bv_more_data(t: Trial) -> None:
    Ds, seed = [3, 4], _seed(t)
    runs = {n: t.student("toy_sweep", Ds=Ds, n_train=n, sigma_y=0.3, n_datasets=100,
                         n_grid=100, seed=seed) for n in (15, 30)}
    what = "sweep_capacity([3, 4], n_train={15, 30})"
    var = {n: _field(r, "variance", what, 2) for n, r in runs.items()}
    bias2 = {n: _field(r, "bias2", what, 2) for n, r in runs.items()}
    ratio = var[30] / var[15]
    expect(bool(np.all((0.25 <= ratio) & (ratio <= 0.8))), f"{what}: doubling the training "
           f"set should roughly halve the variance; got ratios {np.round(ratio, 3).tolist()} "
           "at D = 3, 4 (reference 0.39-0.58)")
    expect(0.85 <= bias2[30][0] / bias2[15][0] <= 1.15, f"{what}: bias^2 at D = 3 should barely "
           f"change with more data ({bias2[15][0]:.4f} -> {bias2[30][0]:.4f}); more data "
           "reduces variance, not bias")


# -- part 4: double descent ---------------------------------------------------------------------
def _replay(t: Trial, init: list[np.ndarray], x: np.ndarray, y: np.ndarray, steps: int,
            lr: float, variant: str = "adam") -> list[np.ndarray]:
    """Full-batch training replayed in float64 on the oracle's device."""
    torch = t.torch()
    ps = [t.oracle.tensor(a, grad=True) for a in init]
    opt = (torch.optim.SGD(ps, lr=lr) if variant == "sgd" else torch.optim.Adam(ps, lr=lr))
    xt, yt = t.oracle.tensor(x), torch.as_tensor(y, device=t.oracle.device)
    for _ in range(steps):
        if variant != "no_zero_grad":
            opt.zero_grad()
        h = torch.relu(xt @ ps[0].T + ps[1])
        h = torch.relu(h @ ps[2].T + ps[3])
        torch.nn.functional.cross_entropy(h @ ps[4].T + ps[5], yt).backward()
        opt.step()
    return [t.oracle.numpy(p) for p in ps]


def _weight_error(got: list[np.ndarray], want: list[np.ndarray]) -> float:
    """99th percentile of |got - want| over all entries (a few sign flips of tiny gradients
    in float32 may move single entries; the bulk must agree)."""
    return float(np.quantile(np.concatenate([np.abs(g - w).ravel() for g, w in zip(got, want)]),
                             0.99))


# The student's float32 training and this float64 replay agree to 1e-6 after 25 steps (measured:
# 5e-7 at worst); SGD, a missing zero_grad, another learning rate or mini-batches move the bulk
# of the weights by 0.05-0.4, so 1e-3 separates them by two orders of magnitude.
@SUITE.check("double_descent.full_batch_adam")
def dd_full_batch_adam(t: Trial) -> None:
    width, steps, lr, n = int(t.rng.integers(10, 20)), 25, 0.005, 300
    data = mnist(1000, 1000, 42)
    x, y = np.array(data["x"][:n]), np.array(data["y"][:n])
    shapes = [(width, D_IN), (width,), (width, width), (width,), (N_CLASSES, width),
              (N_CLASSES,)]
    init = [t.rng.uniform(-1, 1, size=s).astype(np.float32) / math.sqrt(
        s[-1] if len(s) == 2 else shapes[i - 1][-1]) for i, s in enumerate(shapes)]
    got = t.student("dd_train", weights=init, data={"x": x, "y": y, "x_test": x[:10],
                                                     "y_test": y[:10]},
                    steps=steps, lr=lr, device=device(t))
    what = f"train_full_batch(model, data, steps={steps}, lr={lr}, device) on {n} examples"
    weights = [_arr(w, "weight") for w in got.get("weights", [])]
    expect(len(weights) == 6 and all(w.shape == s for w, s in zip(weights, shapes)),
           f"{what}: the model's parameters changed shape")
    init64 = [a.astype(np.float64) for a in init]
    expect(_weight_error(weights, init64) > 1e-4, f"{what} did not change the weights of the "
           "model it was given; train that model in place (and return it)")
    err = _weight_error(weights, _replay(t, init64, x, y, steps, lr))
    if err > 1e-3:
        for variant, message in (
                ("sgd", "this is plain SGD; the experiment uses torch.optim.Adam(lr=0.005)"),
                ("no_zero_grad", "the gradients are never zeroed, so they accumulate over "
                 "steps: call optimizer.zero_grad() every step")):
            if _weight_error(weights, _replay(t, init64, x, y, steps, lr, variant)) < 1e-3:
                raise CheckFailed(f"{what}: {message}")
        raise CheckFailed(f"{what}: after {steps} steps the weights differ from full-batch Adam "
                          f"(lr {lr}, mean cross-entropy of ALL training examples every step) "
                          f"by {err:.3g} (99th percentile; at most 1e-3 expected){on(t)}")


# Reduced sweep for the CPU (the notes' 10,000 / 5,000, 4,000 steps take ~30 min): 500 train /
# 1,000 test, 15 % noisy labels, 1,000 full-batch Adam steps, widths 3-96 (about 7 s on one
# core). Reference, seeds 0-9 (noise and init): every width with params >= 2n fits the noisy
# training set (train accuracy 1.000) and the smallest fits 0.36-0.41; the test loss peaks at
# w = 12 (params 1.56 n; w = 16, 2.2 n, for one seed) at 19-23; the widest model's test loss is
# 0.33-0.39 of the peak and its test accuracy 0.05-0.10 above the worst model near the threshold
# (params 0.5 n - 3 n). The checks use 0.6 and 0.02.
DD_DEFAULTS = {"n_train": 500, "n_test": 1000, "steps": 1000, "noise": 0.15,
               "widths": [3, 6, 8, 10, 12, 16, 24, 96]}


def _dd_run(t: Trial) -> tuple[dict[str, np.ndarray], dict[str, Any], str]:
    cfg = sizes(t, DD_DEFAULTS)
    n_train, widths = int(cfg["n_train"]), [int(w) for w in cfg["widths"]]
    clean = mnist(n_train, int(cfg["n_test"]), 42)
    seed = int(cfg.get("seed", 5))
    rng = np.random.default_rng(seed)
    y = np.array(clean["y"])
    idx = rng.choice(n_train, size=int(round(cfg["noise"] * n_train)), replace=False)
    y[idx] = (y[idx] + rng.integers(1, N_CLASSES, size=len(idx))) % N_CLASSES
    data = {"x": np.array(clean["x"]), "y": y, "x_test": np.array(clean["x_test"]),
            "y_test": np.array(clean["y_test"])}
    got = cached(t, "dd_sweep", data=data, widths=widths, steps=int(cfg["steps"]), lr=0.005,
                 device=device(t), seed=seed)
    what = (f"sweep(data, widths={widths}, steps={cfg['steps']}) on {n_train} examples with "
            f"{int(cfg['noise'] * 100)} % noisy labels")
    res = {key: _field(got, key, what, len(widths)) for key in
           ("train_loss", "train_acc", "test_loss", "test_acc")}
    # the parameter counts are graded by double_descent.parameter_count; here the grader's own
    # counts place the widths, so a wrong count costs only that check
    res["params"] = np.array([_count(w) for w in widths], dtype=float)
    dev = str(got.get("device", "")) if isinstance(got, dict) else ""
    expect(dev.split(":")[0] == device(t), f"{what}: the models ran on {dev!r}, but the grader "
           f"passed device={device(t)!r}; move models and data with .to(device)")
    return res, cfg, what


@SUITE.check("double_descent.sweep_memorizes")
def dd_sweep_memorizes(t: Trial) -> None:
    res, cfg, what = _dd_run(t)
    n = int(cfg["n_train"])
    big = res["params"] >= 2 * n
    expect(bool(np.all(res["train_acc"][big] >= 0.99)),
           f"{what}: models with at least twice as many parameters as training examples should "
           f"fit the training set, noisy labels included (train accuracy "
           f"{np.round(res['train_acc'][big], 3).tolist()}); full-batch Adam, lr 0.005{on(t)}")
    expect(res["train_acc"][0] < 0.9, f"{what}: the smallest model (params "
           f"{int(res['params'][0])} < {n}) reached train accuracy {res['train_acc'][0]:.3f}; "
           "with 15 % random labels it cannot fit them all: are the training labels noisy?")


@SUITE.check("double_descent.sweep_peak")
def dd_sweep_peak(t: Trial) -> None:
    res, cfg, what = _dd_run(t)
    n = int(cfg["n_train"])
    peak = int(np.argmax(res["test_loss"]))
    params = res["params"]
    expect(0.5 * n <= params[peak] <= 3 * n,
           f"{what}: the test loss peaks at {int(params[peak])} parameters; it should peak near "
           f"the interpolation threshold (params = training examples = {n}){on(t)}")
    expect(res["test_loss"][-1] < 0.6 * res["test_loss"][peak],
           f"{what}: past the threshold the test loss should come down again (second descent): "
           f"{res['test_loss'][peak]:.3f} at the peak, {res['test_loss'][-1]:.3f} for the widest")
    near = (params >= 0.5 * n) & (params <= 3 * n)
    worst = float(res["test_acc"][near].min()) if near.any() else float(res["test_acc"][peak])
    expect(res["test_acc"][-1] > worst + 0.02,
           f"{what}: the widest model's test accuracy {res['test_acc'][-1]:.3f} should beat the "
           f"worst one near the threshold ({worst:.3f}): accuracy descends again too")


# -- part 5: validation -------------------------------------------------------------------------
def _protocol(t: Trial) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    candidates = [10, 25, 50, 100, 200]
    n, n_test = 250, 100
    x, y = _id_data(t, n, 0)
    x_test, y_test = _id_data(t, n_test, 0, offset=10000)
    # the best candidate on validation, on the test set and on the training rows all differ
    order = t.rng.permutation(len(candidates))
    val_table = np.round(np.linspace(0.5, 0.8, 5)[np.argsort(order)], 3)
    test_table = np.round(np.roll(val_table, 2) - 0.05, 3)
    cfg = {"candidates": candidates, "val_table": val_table, "test_table": test_table,
           "n": n, "test_ids": set(range(10000, 10000 + n_test)), "val_fraction": 0.2,
           "seed": 11}
    got = cached(t, "protocol", candidates=candidates,
                 data={"x": x, "y": y, "x_test": x_test, "y_test": y_test},
                 val_table=val_table.tolist(), test_table=test_table.tolist(), val_fraction=0.2,
                 seed=11)
    expect(isinstance(got, dict) and isinstance(got.get("log"), list),
           "select_and_test failed")
    log = [{**e, "rows": set(np.asarray(e["rows"]).astype(int).reshape(-1).tolist())}
           for e in got["log"]]
    return got["result"], log, cfg


WHAT_SEL = "select_and_test(candidates, fit, score, data)"


@SUITE.check("validation.selection")
def val_selection(t: Trial) -> None:
    result, log, cfg = _protocol(t)
    val_table, test_table = cfg["val_table"], cfg["test_table"]
    expect(isinstance(result, dict), f"{WHAT_SEL} should return a dict")
    scores = _field(result, "val_scores", WHAT_SEL, len(cfg["candidates"]))
    best = int(_arr(result.get("best_index"), f"{WHAT_SEL}['best_index']").reshape(-1)[0])
    right = int(np.argmax(val_table))
    if best == int(np.argmax(test_table)) and best != right:
        raise CheckFailed(f"{WHAT_SEL} chose candidate {cfg['candidates'][best]}, the best on "
                          "the TEST set: choose on the validation set; the test set is only "
                          "for the final report")
    expect_array(scores, val_table, f"{WHAT_SEL}['val_scores']",
                 hint="score(model, x_val, y_val) for each candidate, in order")
    expect(best == right, f"{WHAT_SEL} chose index {best}; the highest validation score is at "
           f"index {right}")
    chosen = _arr(result.get("best"), f"{WHAT_SEL}['best']").reshape(-1)
    expect(chosen.size == 1 and int(chosen[0]) == cfg["candidates"][right],
           f"{WHAT_SEL}['best'] should be the chosen candidate {cfg['candidates'][right]}")
    fits = [e for e in log if e["call"] == "fit"]
    expect(len(fits) == len(cfg["candidates"]), f"{WHAT_SEL} should call fit once per "
           f"candidate ({len(cfg['candidates'])}), it called it {len(fits)} times")


@SUITE.check("validation.test_once")
def val_test_once(t: Trial) -> None:
    result, log, cfg = _protocol(t)
    test_ids = cfg["test_ids"]
    fits = [e for e in log if e["call"] == "fit"]
    leaked = [e for e in fits if e["rows"] & test_ids]
    expect(not leaked, f"{WHAT_SEL}: fit() was given {len(leaked[0]['rows'] & test_ids) if leaked else 0}"
           " TEST rows: the test set leaked into training. Fit on the training split only")
    expect(all(e.get("labels_match", True) for e in fits), f"{WHAT_SEL}: fit() got labels "
           "that do not belong to its rows")
    fit_rows = set().union(*[e["rows"] for e in fits]) if fits else set()
    scores = [e for e in log if e["call"] == "score"]
    on_test = [e for e in scores if e["rows"] and e["rows"] <= test_ids]
    val = [e for e in scores if e["rows"] and not e["rows"] & test_ids]
    overlap = [e for e in val if e["rows"] & fit_rows]
    expect(not overlap, f"{WHAT_SEL}: score() on the validation set was given rows the models "
           "were fitted on; validation rows must be held out from fit()")
    expect(len(fit_rows) < cfg["n"], f"{WHAT_SEL}: fit() saw all {cfg['n']} rows of data['x']; "
           "hold out a validation split")
    expect(len(val) >= len(cfg["candidates"]), f"{WHAT_SEL}: expected one validation score per "
           f"candidate, found {len(val)}")
    expect(len(on_test) == 1, f"{WHAT_SEL} scored on the test set {len(on_test)} times; measure "
           "the test score exactly once, for the chosen model")
    right = int(np.argmax(cfg["val_table"]))
    expect(on_test[0]["candidate"] == right, f"{WHAT_SEL} measured the test score of candidate "
           f"index {on_test[0]['candidate']}, not of the chosen one ({right})")
    expect_scalar(result.get("test_score"), float(cfg["test_table"][right]),
                  f"{WHAT_SEL}['test_score']", hint="the test score of the chosen model")


# -- part 6: plots (auto-graded: file, labels, lines; content is graded by hand) ----------------
@SUITE.check("plots.bias_variance")
def plot_bv(t: Trial) -> None:
    D = np.arange(1, 13)
    sweep = {"D": D, "bias2": 0.3 / D ** 2, "variance": 0.014 * D, "noise": np.full(12, 0.09)}
    sweep["total"] = sweep["bias2"] + sweep["variance"] + sweep["noise"]
    sweep["test_error"] = sweep["total"] + 0.001
    sweep["best_D"] = 4
    _plot(t, "bias_variance", {"sweep": sweep}, "plot_bias_variance(sweep, path)", 3)


@SUITE.check("plots.double_descent")
def plot_dd(t: Trial) -> None:
    widths = [4, 8, 16, 32, 64]
    n_train = 1000
    res = {"width": widths, "params": [_count(w) for w in widths],
           "train_acc": [0.4, 0.6, 0.95, 1.0, 1.0], "test_acc": [0.3, 0.29, 0.25, 0.3, 0.33],
           "train_loss": [1.6, 1.2, 0.3, 0.0, 0.0], "test_loss": [1.9, 2.8, 13.0, 15.0, 9.0]}
    what = "plot_double_descent(results, n_train, path)"
    used = _plot(t, "double_descent", {"results": res, "n_train": n_train}, what, 2)
    for i, ax in enumerate(used):
        marks = [ln for ln in ax["lines"] if np.asarray(ln["x"]).size >= 1
                 and np.allclose(np.asarray(ln["x"], dtype=float), n_train)]
        expect(bool(marks) and any(ln["linestyle"] in ("--", "dashed") for ln in marks),
               f"{what}: axes {i} should mark the interpolation threshold with a dashed "
               f"vertical line at params = n_train = {n_train} (ax.axvline(n_train, "
               "linestyle='--'))")


@SUITE.check("plots.validation")
def plot_val(t: Trial) -> None:
    candidates = [10, 25, 50, 100, 200]
    result = {"val_scores": [0.5, 0.6, 0.65, 0.62, 0.6], "best_index": 2, "best": 50,
              "test_score": 0.61}
    _plot(t, "validation", {"candidates": candidates, "result": result},
          "plot_validation(candidates, result, path)", 2)
