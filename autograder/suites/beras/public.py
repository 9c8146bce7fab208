"""Public checks of the Beras assignment: shipped in the student handout.

`python check.py [part]` in the handout runs these on the student's own code, with the
grader's engine and messages (autograder/checker/). They are numpy-only (Beras students have no
torch) and cheap; the hidden checks (checks.py) register on the same SUITE and are never
shipped. Nothing here may import checks.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ...authoring import (Suite, Trial, as_array, check_distribution, expect, expect_array,
                          expect_scalar)

SUITE = Suite(probes=Path(__file__).with_name("probes.py"))


def _dims(t: Trial, low: int = 2, high: int = 7) -> tuple[int, int, int]:
    """(batch, in, out) with batch >= 2 so per-sample vs summed mistakes show."""
    return tuple(int(v) for v in t.rng.integers(low, high, size=3))  # type: ignore[return-value]


@SUITE.check("core.weighted")
def core_weighted(t: Trial) -> None:
    count = int(t.rng.integers(3, 6))
    shapes = [[int(v) for v in t.rng.integers(1, 4, size=2)] for _ in range(count)]
    frozen = [0, int(t.rng.integers(1, count))]  # the first weight and another one
    got = t.student("weighted", shapes=shapes, frozen=frozen)
    expect(not got.get("missing"), "beras.core.Weighted has no "
           f"{' / '.join(got.get('missing', []))}: keep the stencil's properties (the grader "
           "calls them on a Diffable layer of its own)")
    others = [i for i in range(count) if i not in frozen]
    expect(got["trainable"] == others, f"Weighted.trainable_variables with weights {frozen} of "
           f"{count} marked not trainable should list the others in order {others}, got "
           f"{got['trainable']}")
    expect(got["non_trainable"] == frozen, f"Weighted.non_trainable_variables should list "
           f"weights {frozen} (those whose trainable flag is False), in order, got "
           f"{got['non_trainable']}")
    expect(got["any_trainable"] is True, "Weighted.trainable should be True while some weight "
           "is trainable")
    expect(got["only_first"] is True, "Weighted.trainable should be True when only the first "
           "weight is trainable")
    expect(got["after_false"] == [False] * count and got["any_after_false"] is False,
           "setting Weighted.trainable = False should set every weight's trainable flag to "
           f"False (flags after: {got['after_false']})")
    expect(got["after_true"] == [True] * count, "setting Weighted.trainable = True should set "
           f"every weight's trainable flag to True (flags after: {got['after_true']})")


@SUITE.check("dense.shapes")
def dense_shapes(t: Trial) -> None:
    _, n_in, n_out = _dims(t, 2, 9)
    if n_in == n_out:
        n_out += 1
    got = t.student("dense_shapes", input_size=n_in, output_size=n_out)
    expect(got["w"] == [n_in, n_out], f"Dense({n_in}, {n_out}).w should have shape "
           f"({n_in}, {n_out}), got {tuple(got['w'])}")
    expect(got["b"] == [1, n_out], f"Dense({n_in}, {n_out}).b should have shape "
           f"(1, {n_out}), got {tuple(got['b'])}")
    expect(got["weights"] == 2, "Dense.weights should list [w, b]")


def _dense_inputs(t: Trial) -> tuple[np.ndarray, ...]:
    batch, n_in, n_out = _dims(t)
    return (t.rng.normal(size=(batch, n_in)), t.rng.normal(size=(n_in, n_out)),
            t.rng.normal(size=(1, n_out)), t.rng.normal(size=(batch, n_out)))


@SUITE.check("dense.forward")
def dense_forward(t: Trial) -> None:
    x, w, b, _ = _dense_inputs(t)
    expect_array(t.student("dense_forward", x=x, w=w, b=b), x @ w + b, "Dense.forward(x)")


INIT_SPECS = {  # name -> (distribution, variance as a function of fan_in, fan_out)
    "normal": ("normal", lambda i, o: 1.0),
    "xavier": ("normal", lambda i, o: 2.0 / (i + o)),
    "kaiming": ("normal", lambda i, o: 2.0 / i),
    "xavier uniform": ("uniform", lambda i, o: 2.0 / (i + o)),
    "kaiming uniform": ("uniform", lambda i, o: 2.0 / i),
}


def _init_mistakes(name: str, kind: str, fan_in: int, fan_out: int) -> dict[str, float]:
    """Message -> the variance a classic initializer mistake gives (named when matched)."""
    var = INIT_SPECS[name][1](fan_in, fan_out)
    if kind == "normal":
        mistakes = {"it looks like the variance was passed where np.random.normal expects the "
                    "standard deviation (scale = sqrt(variance))": var ** 2}
    else:
        mistakes = {"the uniform limit is sqrt(3 * variance) (U(-a, a) has variance a^2 / 3); "
                    "it looks like the normal's standard deviation was used as the limit":
                    var / 3}
    if name.startswith("xavier"):
        mistakes["that uses fan_in alone (the Kaiming formula); Xavier uses both fans: "
                 "2 / (fan_in + fan_out)"] = 2.0 / fan_in
        mistakes["that uses fan_out alone; Xavier uses both fans: 2 / (fan_in + fan_out)"] = \
            2.0 / fan_out
        mistakes["that is 1 / (fan_in + fan_out); Xavier's variance is 2 / (fan_in + fan_out)"] \
            = 1.0 / (fan_in + fan_out)
    elif name.startswith("kaiming"):
        mistakes["that uses fan_out; Kaiming's variance is 2 / fan_in"] = 2.0 / fan_out
        mistakes["that is 1 / fan_in (no factor 2 for ReLU); Kaiming's variance is 2 / fan_in"] \
            = 1.0 / fan_in
        mistakes["that uses both fans (the Xavier formula); Kaiming's variance is 2 / fan_in"] \
            = 2.0 / (fan_in + fan_out)
    return mistakes


@SUITE.check("initializers.zero")
def init_zero(t: Trial) -> None:
    got = t.student("dense_init", initializer="zero", fan_in=5, fan_out=3, seed=1)
    expect_array(got["w"], np.zeros((5, 3)), 'Dense(5, 3, "zero").w')
    expect_array(got["b"], np.zeros((1, 3)), 'Dense(5, 3, "zero").b')


@SUITE.check("initializers.statistics")
def init_statistics(t: Trial) -> None:
    fan_in, fan_out = int(t.rng.integers(300, 500)), int(t.rng.integers(150, 250))
    for name, (kind, var) in INIT_SPECS.items():
        got = t.student("dense_init", initializer=name, fan_in=fan_in, fan_out=fan_out,
                        seed=int(t.rng.integers(1 << 30)))
        what = f'Dense({fan_in}, {fan_out}, "{name}").w'
        w = as_array(got["w"], what, ndim=2)
        expect(w.shape == (fan_in, fan_out), f"{what} should have shape ({fan_in}, {fan_out}), "
               f"got {w.shape}")
        check_distribution(w, kind, var(fan_in, fan_out), what,
                           _init_mistakes(name, kind, fan_in, fan_out))
        expect_array(got["b"], np.zeros((1, fan_out)), f'Dense(..., "{name}").b',
                     hint="biases start at zero")


def _softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _large_logits(t: Trial) -> np.ndarray:
    """Rows around +1000, 0 and -1000 (a shift by one global value overflows or gives 0/0) and
    one row spanning -400..400 (a shift by the row's minimum overflows)."""
    batch, n, _ = _dims(t, low=3)
    offsets = t.rng.permutation(np.resize([1000.0, 0.0, -1000.0], batch))
    x = offsets[:, None] + t.rng.normal(size=(batch, n))
    x[int(t.rng.integers(batch))] = t.rng.permutation(np.linspace(-400.0, 400.0, n))
    return x


@SUITE.check("softmax.forward")
def softmax_forward(t: Trial) -> None:
    batch, n, _ = _dims(t)
    x = t.rng.normal(size=(batch, n)) * 2
    got = t.student("activation", name="Softmax", x=x)
    expect_array(got["y"], _softmax(x), "Softmax.forward(x)")


@SUITE.check("softmax.large_logits")
def softmax_large_logits(t: Trial) -> None:
    x = _large_logits(t)
    got = t.student("activation", name="Softmax", x=x)
    expect_array(got["y"], _softmax(x), "Softmax.forward(x) for rows of logits near +1000, 0 "
                 "and -1000, one spanning -400..400", hint="subtract each row's own maximum "
                 "(np.max(x, axis=-1, keepdims=True)) before exponentiating")


def _probabilities(t: Trial, batch: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    p = _softmax(t.rng.normal(size=(batch, n)))
    y = np.eye(n)[t.rng.integers(0, n, size=batch)]
    return p, y


@SUITE.check("metrics.accuracy")
def metric_accuracy(t: Trial) -> None:
    batch, n = int(t.rng.integers(20, 40)), int(t.rng.integers(3, 6))
    probs, labels = _probabilities(t, batch, n)
    # make about half the predictions right so every plausible mistake gives another value
    right = t.rng.random(batch) < 0.5
    probs[right] = 0.5 * probs[right] + 0.5 * labels[right]
    want = float(np.mean(probs.argmax(1) == labels.argmax(1)))
    expect_scalar(t.student("accuracy", probs=probs, labels=labels), want,
                  "CategoricalAccuracy", hint="compare argmax of predictions with argmax of labels")


@SUITE.check("onehot.encode")
def onehot_encode(t: Trial) -> None:
    classes = np.sort(t.rng.choice(np.arange(2, 40), size=int(t.rng.integers(3, 6)),
                                   replace=False))
    labels = t.rng.permutation(np.concatenate([classes, t.rng.choice(classes, size=8)]))
    got = t.student("onehot", fit_labels=labels, labels=labels, rows=np.eye(len(classes)))
    want = (labels[:, None] == classes[None, :]).astype(float)
    expect_array(got["encoded"], want, f"OneHotEncoder after fit({labels.tolist()})",
                 hint=f"columns follow the sorted labels {classes.tolist()}")


@SUITE.check("onehot.inverse")
def onehot_inverse(t: Trial) -> None:
    classes = np.sort(t.rng.choice(np.arange(2, 40), size=4, replace=False))
    labels = t.rng.permutation(np.repeat(classes, 2))
    rows = np.eye(4)[t.rng.integers(0, 4, size=6)]
    got = t.student("onehot", fit_labels=labels, labels=labels, rows=rows)
    expect_array(got["inverse"], classes[rows.argmax(1)], "OneHotEncoder.inverse(one_hot_rows)")

