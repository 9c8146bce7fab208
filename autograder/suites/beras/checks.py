"""Hidden checks of the Beras assignment (trusted side: never visible to student code); the
public ones, shipped in the handout, are in public.py and share its SUITE.

Every expected value is computed here: gradients by torch autograd in float64 (on the GPU when
present), everything else by short numpy formulas from the course notes. Shapes and inputs are
drawn from each check's seeded rng, so grading is deterministic and not tuned to known bugs.
"""

from __future__ import annotations

import numpy as np

from ...authoring import CheckFailed, Trial, as_array, expect, expect_array, expect_scalar
from .public import SUITE, _dense_inputs, _dims, _probabilities

# Conventions these checks rely on; tests/test_docs.py keeps each one stated in the handout
# (assignments/beras/HANDOUT.md and the skeleton's docstrings).
HANDOUT_CONVENTIONS = (
    "a jacobian may be shared by every sample",
    "compose_input_gradients(j) computes jac[b] @ j[b] per sample",
    "compose_weight_gradients(j) sums jac[b] * j[b] over the batch",
    "both take j as a list of upstream gradients",
    "softmax subtracts each row's own maximum",
    "mse averages over every element",
    "where cce's clip is active, either gradient is accepted",
    "a tensor consumed by several layers gets the sum of their contributions",
    "epsilon outside the square root",
    "both are accepted",
    "biases start at zero",
    'metric dicts use the keys "loss" and "acc"',
    "fit returns per-epoch lists",
    "evaluate returns (metrics, predictions)",
    "never updates weights",
    "test accuracy ≥ target_test_accuracy",
)



def _torch_grads(t: Trial, fn, *arrays: np.ndarray) -> list[np.ndarray]:
    """Gradients of the scalar fn(*tensors) with respect to each input, by autograd."""
    oracle = t.oracle
    tensors = [oracle.tensor(a, grad=True) for a in arrays]
    fn(*tensors).backward()
    return [oracle.numpy(x.grad) for x in tensors]


# -- core ---------------------------------------------------------------------------------------


# -- Dense ----------------------------------------------------------------------------------------






_RAW_HINT = ("core.py composes Dense's local Jacobians: sample b's input gradient is jac[b] @ J[b] "
             "(or jac @ J[b] for a shared (input_size, output_size) jac such as w), its weight "
             "gradients jac[b] * J[b] summed over the batch (e.g. x as (batch, input_size, 1) "
             "for w, ones (1, output_size) for b)")


@SUITE.check("dense.input_gradient")
def dense_input_gradient(t: Trial) -> None:
    x, w, b, up = _dense_inputs(t)
    got = t.student("dense_gradients", x=x, w=w, b=b, upstream=up)
    gx, = _torch_grads(t, lambda xt: ((xt @ t.oracle.tensor(w) + t.oracle.tensor(b))
                                      * t.oracle.tensor(up)).sum(), x)
    expect_array(got["input"], gx, "Dense.compose_input_gradients([J])[0], the gradient for x "
                 "(from your get_input_gradients)", hint=_RAW_HINT)


@SUITE.check("dense.weight_gradients")
def dense_weight_gradients(t: Trial) -> None:
    x, w, b, up = _dense_inputs(t)
    got = t.student("dense_gradients", x=x, w=w, b=b, upstream=up)
    expect(got["count"] == 2, "Dense.compose_weight_gradients([J]) should give 2 gradients "
           f"(for w and b, from your get_weight_gradients), got {got['count']}")
    gw, gb = _torch_grads(t, lambda wt, bt: ((t.oracle.tensor(x) @ wt + bt)
                                             * t.oracle.tensor(up)).sum(), w, b)
    expect_array(got["w"], gw, "Dense gradient for w (your get_weight_gradients()[0] composed "
                 "by core.py)", hint="it is x.T @ J summed over the batch, shaped like w; "
                 + _RAW_HINT)
    expect_array(got["b"], gb, "Dense gradient for b (your get_weight_gradients()[1] composed "
                 "by core.py)", hint="it is J summed over the batch, shaped (1, output_size); "
                 + _RAW_HINT)


# -- initializers ---------------------------------------------------------------------------






# -- activations ----------------------------------------------------------------------------------
def _activation_case(t: Trial, name: str, torch_fn, alpha: float | None = None) -> None:
    batch, n, _ = _dims(t)
    x = t.rng.normal(size=(batch, n)) * 3
    x[np.abs(x) < 1e-3] = 0.5  # the derivative at exactly 0 is a convention, not graded
    got = t.student("activation", name=name, x=x, alpha=alpha)
    label = f"{name}({'' if alpha is None else f'alpha={alpha}'})"
    xt = t.oracle.tensor(x, grad=True)
    y = torch_fn(xt)
    y.sum().backward()
    expect_array(got["y"], t.oracle.numpy(y), f"{label}.forward(x)")
    expect_array(got["jac"], t.oracle.numpy(xt.grad), f"{label}.get_input_gradients()[0] "
                 "(the diagonal Jacobian, shaped like x)")


@SUITE.check("activations.leaky_relu")
def act_leaky_relu(t: Trial) -> None:
    torch = t.torch()
    alpha = float(np.round(t.rng.uniform(0.05, 0.25), 3))
    _activation_case(t, "LeakyReLU", lambda x: torch.nn.functional.leaky_relu(x, alpha), alpha)
    _activation_case(t, "LeakyReLU", lambda x: torch.nn.functional.leaky_relu(x, 0.3))


@SUITE.check("activations.relu")
def act_relu(t: Trial) -> None:
    _activation_case(t, "ReLU", t.torch().relu)


@SUITE.check("activations.sigmoid")
def act_sigmoid(t: Trial) -> None:
    _activation_case(t, "Sigmoid", t.torch().sigmoid)


# -- softmax --------------------------------------------------------------------------------------








@SUITE.check("softmax.jacobian")
def softmax_jacobian(t: Trial) -> None:
    torch = t.torch()
    batch, n, _ = _dims(t)
    x, up = t.rng.normal(size=(batch, n)), t.rng.normal(size=(batch, n))
    got = t.student("activation", name="Softmax", x=x, upstream=up)
    jac = np.stack([t.oracle.numpy(torch.autograd.functional.jacobian(
        lambda v: torch.softmax(v, dim=-1), t.oracle.tensor(row))) for row in x])
    # torch gives d s_i / d x_j; Beras stores jac[b, in, out] = d out / d in, i.e. the transpose
    # (the softmax Jacobian is symmetric, so both conventions agree).
    expect_array(got["jac"], np.transpose(jac, (0, 2, 1)), "Softmax.get_input_gradients()[0]",
                 hint="per sample, diag(s) - s s^T, shape (batch, n, n)")
    gx, = _torch_grads(t, lambda xt: (torch.softmax(xt, dim=-1) * t.oracle.tensor(up)).sum(), x)
    expect_array(got["composed"], gx, "Softmax.compose_input_gradients([J])[0] (your Jacobian "
                 "composed by core.py)", hint="each sample's gradient is jac[b] @ J[b]")


# -- losses -----------------------------------------------------------------------------------------


@SUITE.check("losses.mse")
def loss_mse(t: Trial) -> None:
    batch, n, _ = _dims(t)
    pred, true = t.rng.normal(size=(batch, n)), t.rng.normal(size=(batch, n))
    got = t.student("loss", name="MeanSquaredError", y_pred=pred, y_true=true)
    expect_scalar(got["value"], float(np.mean((pred - true) ** 2)), "MeanSquaredError value",
                  hint="average over every element (batch and features)")
    g, = _torch_grads(t, lambda p: ((p - t.oracle.tensor(true)) ** 2).mean(), pred)
    expect_array(got["grad"], g, "MeanSquaredError gradient for y_pred")


@SUITE.check("losses.cce")
def loss_cce(t: Trial) -> None:
    batch, n, _ = _dims(t)
    p, y = _probabilities(t, batch, n)
    got = t.student("loss", name="CategoricalCrossEntropy", y_pred=p, y_true=y)
    expect_scalar(got["value"], float(-np.mean(np.sum(y * np.log(p), axis=1))),
                  "CategoricalCrossEntropy value", hint="mean over the batch of -sum y log p")
    g, = _torch_grads(t, lambda pt: -(t.oracle.tensor(y) * pt.log()).sum(dim=1).mean(), p)
    expect_array(got["grad"], g, "CategoricalCrossEntropy gradient for y_pred")


@SUITE.check("losses.cce_clipping")
def loss_cce_clipping(t: Trial) -> None:
    batch, n, _ = _dims(t)
    batch = max(batch, 2)
    p, y = _probabilities(t, batch, n)
    p[0] = 0.0
    p[0, (int(np.argmax(y[0])) + 1) % n] = 1.0  # a confident, wrong first prediction
    p[1] = y[1]                                   # a confident, right second prediction
    eps = 1e-12
    want = float(-np.mean(np.sum(y * np.log(np.clip(p, eps, 1 - eps)), axis=1)))
    got = t.student("loss", name="CategoricalCrossEntropy", y_pred=p, y_true=y)
    expect_scalar(got["value"], want, "CategoricalCrossEntropy value when probabilities are "
                  "exactly 0 and 1", rtol=1e-5, hint="clip predictions to [1e-12, 1 - 1e-12] "
                  "before the log")
    got_grad = as_array(got["grad"], "CategoricalCrossEntropy gradient when probabilities are "
                        "exactly 0 and 1")
    # The handout accepts both conventions where the clip is active: the derivative of the
    # clipped formula (0 there) or the formula -y / (batch p) evaluated at the clipped p.
    g, = _torch_grads(t, lambda pt: -(t.oracle.tensor(y) * pt.clamp(eps, 1 - eps).log())
                      .sum(dim=1).mean(), p)
    at_clip = -y / (batch * np.clip(p, eps, 1 - eps))
    active = (p < eps) | (p > 1 - eps)
    if got_grad.shape == g.shape:
        either = np.isclose(got_grad, at_clip, rtol=1e-6, atol=1e-8) & active
        got_grad = np.where(either, g, got_grad)
    expect_array(got_grad, g, "CategoricalCrossEntropy gradient when probabilities are "
                 "exactly 0 and 1", hint="the handout's convention: -y_true / (batch * p) "
                 "inside [epsilon, 1 - epsilon]; where the clip is active, either 0 (the "
                 "derivative of the clip) or the same formula with the clipped p")


# -- metrics and one-hot ------------------------------------------------------------------------






# -- gradient tape --------------------------------------------------------------------------------
def _tape_case(t: Trial, sizes: list[int]) -> None:
    batch = int(t.rng.integers(2, 6))
    x = t.rng.normal(size=(batch, sizes[0]))
    target = t.rng.normal(size=(batch, sizes[-1]))
    weights = [[t.rng.normal(size=(a, b)) * 0.7, t.rng.normal(size=(1, b))]
               for a, b in zip(sizes, sizes[1:])]
    got = t.student("tape_gradients", x=x, target=target, weights=weights)
    torch = t.torch()
    params = [t.oracle.tensor(a, grad=True) for pair in weights for a in pair]
    xt = t.oracle.tensor(x, grad=True)
    h = xt
    for i in range(len(weights)):
        h = h @ params[2 * i] + params[2 * i + 1]
        if i < len(weights) - 1:
            h = torch.tanh(h)
    (0.5 * ((h - t.oracle.tensor(target)) ** 2).sum()).backward()
    grads = got["grads"] if isinstance(got, dict) else None
    expect(isinstance(grads, list) and len(grads) == len(params) + 1,
           f"GradientTape.gradient(loss, sources) should return one gradient per source "
           f"({len(params) + 1}), got {grads!r:.80}")
    unused = got.get("unused")
    expect(unused is None or (isinstance(unused, np.ndarray) and unused.shape == (2, 3)
                              and not np.any(unused)),
           "GradientTape.gradient should give zeros (None is accepted too) for a source the "
           f"target does not depend on, got {unused if not isinstance(unused, np.ndarray) else unused.tolist()}")
    names = [f"{n}{i + 1}" for i in range(len(weights)) for n in ("w", "b")] + ["x"]
    for name, got_g, p in zip(names, grads, [*params, xt]):
        expect_array(got_g, t.oracle.numpy(p.grad), f"tape.gradient for {name} in a "
                     f"{len(weights)}-layer network", hint="walk back through every "
                     "recorded layer, adding weight and input gradients")


@SUITE.check("gradient_tape.single_layer")
def tape_single(t: Trial) -> None:
    _tape_case(t, [int(t.rng.integers(2, 6)), int(t.rng.integers(2, 6))])


@SUITE.check("gradient_tape.mlp")
def tape_mlp(t: Trial) -> None:
    _tape_case(t, [int(v) for v in t.rng.integers(2, 7, size=4)])


@SUITE.check("gradient_tape.branches")
def tape_branches(t: Trial) -> None:
    batch, n_in, n_h = _dims(t)
    n_out = int(t.rng.integers(2, 5))
    x, target = t.rng.normal(size=(batch, n_in)), t.rng.normal(size=(batch, n_out))
    arrays = {"w1": (n_in, n_h), "b1": (1, n_h), "w2": (n_h, n_out), "b2": (1, n_out),
              "w3": (n_h, n_out), "b3": (1, n_out)}
    weights = {k: t.rng.normal(size=s) * 0.7 for k, s in arrays.items()}
    got = t.student("tape_branches", x=x, target=target, **weights)
    p = {k: t.oracle.tensor(v, grad=True) for k, v in weights.items()}
    xt = t.oracle.tensor(x, grad=True)
    h = t.torch().tanh(xt @ p["w1"] + p["b1"])
    out = (h @ p["w2"] + p["b2"]) + (h @ p["w3"] + p["b3"])
    (0.5 * ((out - t.oracle.tensor(target)) ** 2).sum()).backward()
    names = [*arrays, "x"]
    expect(isinstance(got, list) and len(got) == len(names),
           f"GradientTape.gradient should return {len(names)} gradients, got {got!r:.80}")
    for name, have, ref in zip(names, got, [*p.values(), xt]):
        expect_array(have, t.oracle.numpy(ref.grad), f"tape.gradient for {name} when one "
                     "tensor feeds two layers", hint="add up the upstream gradients from "
                     "every layer that consumed a tensor")


# -- optimizers -----------------------------------------------------------------------------------
def _trajectory(update, params, steps) -> list[list[np.ndarray]]:
    state: dict = {}
    current, out = [p.copy() for p in params], []
    for k, grads in enumerate(steps, start=1):
        current = [update(state, i, p, g, k) for i, (p, g) in enumerate(zip(current, grads))]
        out.append(current)
    return out


def _matches(got, trajectory, rtol=1e-6, atol=1e-9) -> bool:
    try:
        return all(np.allclose(as_array(have, "parameter"), want, rtol=rtol, atol=atol)
                   for after, expected in zip(got, trajectory)
                   for have, want in zip(after, expected))
    except (CheckFailed, ValueError):
        return False


def _optimizer_case(t: Trial, name: str, kwargs: dict, update, *also_accepted) -> None:
    """Four steps on two parameters; `also_accepted` are other update rules the handout
    allows (the first rule is the one the failure message quotes)."""
    params = [t.rng.normal(size=(3, 2)), t.rng.normal(size=(1, 2))]
    steps = [[t.rng.normal(size=p.shape) for p in params] for _ in range(4)]
    got = t.student("optimizer_steps", name=name, kwargs=kwargs, params=params, grads=steps)
    expect(isinstance(got, list) and len(got) == len(steps), f"{name}: probe failed")
    if any(_matches(got, _trajectory(rule, params, steps)) for rule in also_accepted):
        return
    label = f"{name}({', '.join(f'{a}={v}' for a, v in kwargs.items())})"
    for k, (expected, after) in enumerate(zip(_trajectory(update, params, steps), got), start=1):
        for i, (want, have) in enumerate(zip(expected, after)):
            expect_array(have, want, f"{label}: parameter {i} after step {k}", rtol=1e-6,
                         atol=1e-9)


@SUITE.check("optimizers.basic")
def opt_basic(t: Trial) -> None:
    lr = float(np.round(t.rng.uniform(0.01, 0.5), 3))
    _optimizer_case(t, "BasicOptimizer", {"learning_rate": lr},
                    lambda s, i, p, g, k: p - lr * g)


def _rmsprop(lr: float, beta: float, eps: float):
    def update(state, i, p, g, k):
        v = beta * state.get(i, 0.0) + (1 - beta) * g ** 2
        state[i] = v
        return p - lr * g / (np.sqrt(v) + eps)
    return update


@SUITE.check("optimizers.rmsprop")
def opt_rmsprop(t: Trial) -> None:
    lr = float(np.round(t.rng.uniform(0.01, 0.1), 3))
    _optimizer_case(t, "RMSProp", {"learning_rate": lr, "beta": 0.8, "epsilon": 0.05},
                    _rmsprop(lr, 0.8, 0.05))


def _adam(lr: float, b1: float, b2: float, eps: float, amsgrad: bool, raw_max: bool = False):
    """The notes' pseudo-code (Kingma & Ba): bias-corrected m and v. amsgrad keeps the running
    maximum of v-hat, or (raw_max, torch's and Keras's form) of v, bias-corrected afterwards."""
    def update(state, i, p, g, k):
        m = b1 * state.get(("m", i), 0.0) + (1 - b1) * g
        v = b2 * state.get(("v", i), 0.0) + (1 - b2) * g ** 2
        state[("m", i)], state[("v", i)] = m, v
        m_hat, v_hat = m / (1 - b1 ** k), v / (1 - b2 ** k)
        if amsgrad and raw_max:
            state[("vmax", i)] = np.maximum(state.get(("vmax", i), v), v)
            v_hat = state[("vmax", i)] / (1 - b2 ** k)
        elif amsgrad:
            v_hat = np.maximum(state.get(("vmax", i), v_hat), v_hat)
            state[("vmax", i)] = v_hat
        return p - lr * m_hat / (np.sqrt(v_hat) + eps)
    return update


@SUITE.check("optimizers.adam")
def opt_adam(t: Trial) -> None:
    lr = float(np.round(t.rng.uniform(0.01, 0.1), 3))
    kwargs = {"learning_rate": lr, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.01}
    _optimizer_case(t, "Adam", kwargs, _adam(lr, 0.8, 0.9, 0.01, False))


@SUITE.check("optimizers.amsgrad")
def opt_amsgrad(t: Trial) -> None:
    lr = float(np.round(t.rng.uniform(0.01, 0.1), 3))
    kwargs = {"learning_rate": lr, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 0.01,
              "amsgrad": True}
    _optimizer_case(t, "Adam", kwargs, _adam(lr, 0.8, 0.9, 0.01, True),
                    _adam(lr, 0.8, 0.9, 0.01, True, raw_max=True))


# -- model and training -----------------------------------------------------------------------
@SUITE.check("model.forward")
def model_forward(t: Trial) -> None:
    batch, n_in, n_hidden = _dims(t)
    x = t.rng.normal(size=(batch, n_in))
    w1, b1 = t.rng.normal(size=(n_in, n_hidden)), t.rng.normal(size=(1, n_hidden))
    w2, b2 = t.rng.normal(size=(n_hidden, 3)), t.rng.normal(size=(1, 3))
    h = 1 / (1 + np.exp(-(x @ w1 + b1)))
    got = t.student("model_forward", x=x, w1=w1, b1=b1, w2=w2, b2=b2)
    expect_array(got["y"], h @ w2 + b2, "SequentialModel([Dense, Sigmoid, Dense])(x)",
                 hint="apply the layers in order")
    expect(got["weights"] == [0, 1, 2, 3], "Model.weights of [Dense, Sigmoid, Dense] should "
           "list the first layer's w and b, then the second's (the same Variable objects), "
           f"got positions {got['weights']}")


def _blobs(t: Trial, n: int = 120, d: int = 4, k: int = 3) -> tuple[np.ndarray, np.ndarray]:
    centers = t.rng.normal(size=(k, d)) * 3
    labels = t.rng.integers(0, k, size=n)
    return centers[labels] + t.rng.normal(size=(n, d)), np.eye(k)[labels]


@SUITE.check("model.fit")
def model_fit(t: Trial) -> None:
    x, y = _blobs(t, n=110)
    epochs, batch_size = 15, 20
    got = t.student("model_fit", x=x, y=y, epochs=epochs, batch_size=batch_size, seed=3)
    convention = ("the handout's convention: fit returns a dict of per-epoch lists, "
                  "{'loss': [...], 'acc': [...]}, one entry per epoch")
    expect(got["history_type"] == "dict", f"Model.fit returned a {got['history_type']}; "
           + convention)
    lengths = got["lengths"]
    expect("loss" in lengths and ("acc" in lengths or "accuracy" in lengths),
           f"Model.fit's dict has the keys {sorted(lengths)}; {convention}")
    expect(all(n == epochs for n in lengths.values()), f"Model.fit({epochs} epochs) returned "
           f"lists of lengths {lengths}; {convention}")
    low, high = got["row_counts"]
    expect(got["batches"] > 0, "Model.fit never called batch_step(x_batch, y_batch, "
           "training=True); the handout's convention: fit trains through batch_step")
    expect(low == high == epochs, f"Model.fit({epochs} epochs, batch_size={batch_size}) on "
           f"{len(x)} examples should use every example exactly once per epoch; some were used "
           f"{low} times and some {high} times (is the last, smaller batch skipped, or do the "
           "slices overlap or leave gaps?)")
    expect(got["largest_batch"] <= batch_size, f"Model.fit(batch_size={batch_size}) passed a "
           f"batch of {got['largest_batch']} examples to batch_step")
    history = got["loss_history"] or []
    before, after, acc = got["loss_before"], got["loss_after"], got["acc_after"]
    expect(isinstance(before, float) and isinstance(after, float),
           "Model.evaluate should return (metrics, predictions) with a 'loss' entry in metrics")
    expect(after < 0.5 * before, f"Model.fit did not train: loss {before:.4g} before and "
           f"{after:.4g} after {epochs} epochs on easy, separable data")
    expect(len(history) == epochs and history[-1] < history[0], "the 'loss' list of Model.fit "
           f"should fall over the epochs on easy data, got {[round(v, 4) for v in history]}")
    expect(isinstance(acc, float) and acc >= 0.9, f"Model.evaluate reports accuracy {acc} "
           "after training on separable data (expected at least 0.9)")


@SUITE.check("model.evaluate")
def model_evaluate(t: Trial) -> None:
    x, y = _blobs(t, n=50)
    got = t.student("model_evaluate", x=x, y=y, batch_size=16, seed=7)
    convention = ("the handout's convention: evaluate returns (metrics, predictions), metrics "
                  "a dict {'loss': float, 'acc': float}, predictions the model's outputs for "
                  "every example in order")
    expect(got["wrong"] is None, f"Model.evaluate returned {got['wrong']}; {convention}")
    expect(got["metrics_type"] == "dict" and got["loss"] is not None and got["acc"] is not None,
           f"Model.evaluate's metrics are a {got['metrics_type']} without 'loss' and 'acc' "
           f"values; {convention}")
    outputs = as_array(got["outputs"], "the model's outputs")
    eps = 1e-12
    clipped = np.clip(outputs, eps, 1 - eps)
    want_loss = float(-np.mean(np.sum(y * np.log(clipped), axis=1)))
    want_acc = float(np.mean(outputs.argmax(1) == y.argmax(1)))
    expect_scalar(got["loss"], want_loss, "Model.evaluate's 'loss' (the loss over the whole "
                  "set, batches weighted by their size)", rtol=0.05, atol=1e-6)
    expect_scalar(got["acc"], want_acc, "Model.evaluate's 'acc'", rtol=0.05, atol=0.03)
    predictions = got["predictions"]
    expect(predictions is not None, f"Model.evaluate's predictions are missing; {convention}")
    predictions = as_array(predictions, "Model.evaluate's predictions")
    if predictions.shape == (len(x),):  # predicted classes are accepted too
        expect_array(predictions, outputs.argmax(1), "Model.evaluate's predicted classes")
    else:
        expect_array(predictions, outputs, "Model.evaluate's predictions (the model's outputs "
                     "for every example, all batches in order)", rtol=1e-6, atol=1e-9)


@SUITE.check("model.evaluate_does_not_train")
def model_evaluate_does_not_train(t: Trial) -> None:
    x = t.rng.normal(size=(32, 5))
    y = np.eye(3)[t.rng.integers(0, 3, size=32)]
    got = t.student("model_evaluate_weights", x=x, y=y, seed=5)
    for i, (before, after) in enumerate(zip(got["before"], got["after"])):
        expect_array(after, before, f"weight {i} after Model.evaluate",
                     hint="evaluate must not apply gradients (batch_step(training=False))")


@SUITE.check("training.reaches_target")
def training_target(t: Trial) -> None:
    got = t.student("train", seed=0, epochs=int(t.params["epochs"]),
                    batch_size=int(t.params["batch_size"]))
    acc, target = got["accuracy"], float(t.params["target_accuracy"])
    expect(isinstance(acc, float), f"get_model() should map MNIST-1D inputs (n, 40) to class "
           f"scores (n, 10); after training its output had shape {tuple(got['shape'])}")
    expect(acc >= target, f"get_model() trained for {got['epochs']} epochs (batch size "
           f"{got['batch_size']}) with your get_optimizer(), get_loss_fn() and get_acc_fn() "
           f"reached test accuracy {acc:.3f}; the target is {target}")
