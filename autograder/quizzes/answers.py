"""Registry of named answer functions and the common mistakes that produce distractors.

A bank computes a correct answer with ``answer: {fn: NAME, args: {...}}`` and lists distractors
by mistake name (``distractors: [forgets_relu_factor, ...]``); each mistake is called with the
same arguments as its answer function and carries the misconception it encodes. Formulas follow
the course notes (shared/course-notes): weight counting 340/1080/640 and 15,210 (003, 000),
(w+1)^k regions and 3w+1+(k-1)w(w+1) parameters (002), He 2/D_h and 4/(D_h+D_h') (001),
Glorot bounds and Adam (003), momentum (002).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class Mistake:
    """A named wrong way to compute an answer."""

    name: str
    """Identifier used in banks (``distractors: [name]``) and in item analysis."""
    misconception: str
    """What the student who picks this value believes; shown as feedback."""
    fn: Callable[..., object]
    """Same keyword arguments as the answer function it belongs to."""


@dataclass(frozen=True)
class AnswerFunction:
    """A correct-answer formula with its catalogue of common mistakes."""

    name: str
    fn: Callable[..., object]
    mistakes: Mapping[str, Mistake]


# --- capacity and parameter counting -------------------------------------------------------

def _layer_sizes(n_in: int, hidden: Sequence[int], n_out: int) -> list[int]:
    return [int(n_in), *[int(h) for h in hidden], int(n_out)]


def mlp_weight_count(n_in: int, hidden: Sequence[int], n_out: int) -> int:
    """Weights (no biases) of a fully connected net: sum of fan_in * fan_out per layer."""
    sizes = _layer_sizes(n_in, hidden, n_out)
    return sum(a * b for a, b in zip(sizes, sizes[1:]))


def mlp_param_count(n_in: int, hidden: Sequence[int], n_out: int) -> int:
    """Weights and biases: a layer of w units with n inputs has w(n + 1) parameters."""
    sizes = _layer_sizes(n_in, hidden, n_out)
    return sum(b * (a + 1) for a, b in zip(sizes, sizes[1:]))


def linear_regions(width: int, depth: int) -> int:
    """Maximum linear regions of a 1-input ReLU net with `depth` hidden layers: (w+1)^k."""
    return (int(width) + 1) ** int(depth)


def deep_param_count(width: int, depth: int) -> int:
    """Parameters of a 1-input, 1-output net with k hidden layers of w: 3w+1+(k-1)w(w+1)."""
    w, k = int(width), int(depth)
    return 3 * w + 1 + (k - 1) * w * (w + 1)


# --- losses and softmax -------------------------------------------------------------------

def uniform_cross_entropy(n_classes: int) -> float:
    """Cross-entropy of a uniform guess over n classes: ln n (0.693, 2.3, 4.6 for 2, 10, 100)."""
    return math.log(n_classes)


def cross_entropy(p_true: float) -> float:
    """Cross-entropy of one sample whose true class gets probability p: -ln p."""
    return -math.log(p_true)


def softmax(logits: Sequence[float]) -> list[float]:
    """Softmax with the max subtracted for stability."""
    top = max(logits)
    exps = [math.exp(z - top) for z in logits]
    total = sum(exps)
    return [e / total for e in exps]


def softmax_first(logits: Sequence[float]) -> float:
    """Softmax probability of the first output."""
    return softmax(logits)[0]


def softmax_jacobian_diag(p: float) -> float:
    """Diagonal entry of the softmax Jacobian: da_i/dz_i = a_i (1 - a_i)."""
    return p * (1 - p)


# --- initialization -----------------------------------------------------------------------

def he_variance(fan_in: int) -> float:
    """He/Kaiming weight variance for ReLU layers: 2 / D_h."""
    return 2 / fan_in


def he_compromise_variance(fan_in: int, fan_out: int) -> float:
    """Compromise between forward (2/D_h) and backward (2/D_h') He variances: 4/(D_h+D_h')."""
    return 4 / (fan_in + fan_out)


def kaiming_uniform_bound(fan_in: int) -> float:
    """PyTorch kaiming_uniform_ bound for ReLU: gain*sqrt(3/fan_in) with gain sqrt(2)."""
    return math.sqrt(2) * math.sqrt(3 / fan_in)


def glorot_uniform_bound(n_in: int, n_out: int) -> float:
    """Xavier/Glorot uniform: weights in [-x, x] with x = sqrt(6/(n_in+n_out))."""
    return math.sqrt(6 / (n_in + n_out))


def glorot_normal_std(n_in: int, n_out: int) -> float:
    """Xavier/Glorot normal: standard deviation sqrt(2/(n_in+n_out))."""
    return math.sqrt(2 / (n_in + n_out))


# --- optimization -------------------------------------------------------------------------

ADAM_BETA1 = 0.9
ADAM_BETA2 = 0.999
ADAM_EPS = 1e-8


def adam_step(theta: float, m: float, v: float, g: float, t: int, lr: float,
              beta1: float = ADAM_BETA1, beta2: float = ADAM_BETA2,
              eps: float = ADAM_EPS) -> float:
    """Parameter after one Adam step from moments (m, v) of step t-1 and gradient g at step t."""
    m_t = beta1 * m + (1 - beta1) * g
    v_t = beta2 * v + (1 - beta2) * g * g
    m_hat = m_t / (1 - beta1 ** t)
    v_hat = v_t / (1 - beta2 ** t)
    return theta - lr * m_hat / (math.sqrt(v_hat) + eps)


def _adam_no_correction(theta: float, m: float, v: float, g: float, t: int, lr: float,
                        beta1: float = ADAM_BETA1, beta2: float = ADAM_BETA2,
                        eps: float = ADAM_EPS) -> float:
    m_t = beta1 * m + (1 - beta1) * g
    v_t = beta2 * v + (1 - beta2) * g * g
    return theta - lr * m_t / (math.sqrt(v_t) + eps)


def momentum_step(phi: float, m: float, g: float, beta: float, lr: float) -> float:
    """phi - lr * m_new with m_new = beta*m + (1-beta)*g (lecture 12's momentum)."""
    return phi - lr * (beta * m + (1 - beta) * g)


def linear_scaled_lr(base_lr: float, base_batch: int, new_batch: int) -> float:
    """Linear scaling rule: multiply the learning rate by the batch-size ratio."""
    return base_lr * new_batch / base_batch


def step_lr(lr0: float, gamma: float, step_size: int, epoch: int) -> float:
    """StepLR: learning rate lr0 * gamma ** (epoch // step_size) during `epoch` (0-based)."""
    return lr0 * gamma ** (int(epoch) // int(step_size))


def epochs_for_steps(steps: int, n_train: int, batch: int) -> float:
    """Number of epochs that `steps` minibatch updates cover: steps * batch / n_train."""
    return steps * batch / n_train


def condition_number(eig_small: float, eig_large: float) -> float:
    """Condition number of a symmetric positive-definite Hessian: lambda_max / lambda_min."""
    return max(eig_small, eig_large) / min(eig_small, eig_large)


# --- backprop -----------------------------------------------------------------------------

def graph_e_grad_b(a: float, b: float) -> float:
    """de/db for e = (a+b)(b+1): both paths through b add up, (b+1) + (a+b)."""
    return (b + 1) + (a + b)


def _mistakes(*items: tuple[str, str, Callable[..., object]]) -> Mapping[str, Mistake]:
    return MappingProxyType({name: Mistake(name, text, fn) for name, text, fn in items})


def _registry() -> Mapping[str, AnswerFunction]:
    """Build the read-only registry (called once at import)."""
    entries = [
        AnswerFunction("mlp_weight_count", mlp_weight_count, _mistakes(
            ("counts_biases", "counts a bias per unit although only weights were asked for",
             mlp_param_count),
            ("forgets_output_layer", "stops at the last hidden layer and forgets the output "
             "weights", lambda n_in, hidden, n_out: mlp_weight_count(n_in, hidden[:-1],
                                                                     hidden[-1])),
            ("forgets_input_layer", "starts counting at the first hidden layer and forgets "
             "the input weights", lambda n_in, hidden, n_out: mlp_weight_count(
                 hidden[0], hidden[1:], n_out)),
            ("counts_units", "counts neurons instead of connections",
             lambda n_in, hidden, n_out: n_in + sum(hidden) + n_out),
        )),
        AnswerFunction("mlp_param_count", mlp_param_count, _mistakes(
            ("forgets_biases", "counts the weights but forgets one bias per unit",
             mlp_weight_count),
            ("bias_per_input", "adds a bias per input instead of per unit",
             lambda n_in, hidden, n_out: mlp_weight_count(n_in, hidden, n_out)
             + sum(_layer_sizes(n_in, hidden, n_out)[:-1])),
            ("one_bias_per_layer", "adds one bias per layer instead of one per unit",
             lambda n_in, hidden, n_out: mlp_weight_count(n_in, hidden, n_out)
             + len(hidden) + 1),
        )),
        AnswerFunction("linear_regions", linear_regions, _mistakes(
            ("adds_layers", "thinks depth adds regions (k(w+1)) instead of multiplying them",
             lambda width, depth: int(depth) * (int(width) + 1)),
            ("forgets_plus_one", "uses w^k: forgets that w joints split a line into w+1 pieces",
             lambda width, depth: int(width) ** int(depth)),
            ("exponent_off_by_one", "counts one layer too few in the exponent",
             lambda width, depth: (int(width) + 1) ** (int(depth) - 1)),
        )),
        AnswerFunction("deep_param_count", deep_param_count, _mistakes(
            ("forgets_biases", "counts only weights: 2w + (k-1)w^2",
             lambda width, depth: 2 * width + (depth - 1) * width * width),
            ("one_hidden_layer", "counts a single hidden layer (3w+1) whatever the depth",
             lambda width, depth: 3 * width + 1),
            ("k_extra_layers", "adds k instead of k-1 hidden-to-hidden layers",
             lambda width, depth: 3 * width + 1 + depth * width * (width + 1)),
        )),
        AnswerFunction("uniform_cross_entropy", uniform_cross_entropy, _mistakes(
            ("uses_log10", "uses log base 10 instead of the natural log",
             lambda n_classes: math.log10(n_classes)),
            ("uses_log2", "uses log base 2 (bits) instead of the natural log",
             lambda n_classes: math.log2(n_classes)),
            ("reports_probability", "reports the predicted probability 1/n, not the loss",
             lambda n_classes: 1 / n_classes),
        )),
        AnswerFunction("cross_entropy", cross_entropy, _mistakes(
            ("uses_log10", "uses log base 10 instead of the natural log",
             lambda p_true: -math.log10(p_true)),
            ("uses_wrong_class", "takes the log of the probability of the wrong class",
             lambda p_true: -math.log(1 - p_true)),
            ("reports_error", "reports 1 - p (the probability of being wrong), not -ln p",
             lambda p_true: 1 - p_true),
        )),
        AnswerFunction("softmax_first", softmax_first, _mistakes(
            ("normalizes", "divides by the sum of the raw outputs instead of exponentiating",
             lambda logits: logits[0] / sum(logits)),
            ("takes_argmax", "reports the hard argmax (0 or 1) instead of a probability",
             lambda logits: 1.0 if logits[0] >= max(logits) else 0.0),
            ("exp_without_normalizing", "exponentiates but forgets to divide by the sum",
             lambda logits: math.exp(logits[0] - max(logits))),
        )),
        AnswerFunction("softmax_jacobian_diag", softmax_jacobian_diag, _mistakes(
            ("forgets_one_minus", "writes da_i/dz_i = a_i, as if softmax were exp",
             lambda p: p),
            ("uses_off_diagonal", "uses the off-diagonal rule -a_i a_j with j = i",
             lambda p: -p * p),
            ("uses_one_minus_only", "keeps only the (1 - a_i) factor",
             lambda p: 1 - p),
        )),
        AnswerFunction("he_variance", he_variance, _mistakes(
            ("forgets_relu_factor", "uses 1/D_h: forgets that ReLU zeroes half the "
             "pre-activations", lambda fan_in: 1 / fan_in),
            ("std_instead_of_variance", "gives the standard deviation sqrt(2/D_h) when the "
             "variance was asked", lambda fan_in: math.sqrt(2 / fan_in)),
            ("inverts_ratio", "inverts the ratio (D_h/2)", lambda fan_in: fan_in / 2),
        )),
        AnswerFunction("he_compromise_variance", he_compromise_variance, _mistakes(
            ("forward_only", "uses only the forward-pass condition 2/D_h",
             lambda fan_in, fan_out: 2 / fan_in),
            ("backward_only", "uses only the backward-pass condition 2/D_h'",
             lambda fan_in, fan_out: 2 / fan_out),
            ("glorot_variance", "uses Glorot's 2/(D_h+D_h'), which ignores the ReLU halving",
             lambda fan_in, fan_out: 2 / (fan_in + fan_out)),
        )),
        AnswerFunction("kaiming_uniform_bound", kaiming_uniform_bound, _mistakes(
            ("forgets_gain", "drops the ReLU gain sqrt(2): bound sqrt(3/fan_in)",
             lambda fan_in: math.sqrt(3 / fan_in)),
            ("reports_std", "gives the standard deviation sqrt(2/fan_in), not the bound",
             lambda fan_in: math.sqrt(2 / fan_in)),
            ("reports_variance", "gives the variance 2/fan_in, not the bound",
             lambda fan_in: 2 / fan_in),
        )),
        AnswerFunction("glorot_uniform_bound", glorot_uniform_bound, _mistakes(
            ("uses_normal_std", "uses the normal-version std sqrt(2/(n_in+n_out))",
             glorot_normal_std),
            ("forgets_sqrt", "forgets the square root: 6/(n_in+n_out)",
             lambda n_in, n_out: 6 / (n_in + n_out)),
            ("fan_in_only", "uses only the fan-in: sqrt(6/n_in)",
             lambda n_in, n_out: math.sqrt(6 / n_in)),
        )),
        AnswerFunction("glorot_normal_std", glorot_normal_std, _mistakes(
            ("reports_variance", "gives the variance 2/(n_in+n_out), not the std",
             lambda n_in, n_out: 2 / (n_in + n_out)),
            ("uses_uniform_bound", "uses the uniform-version bound sqrt(6/(n_in+n_out))",
             glorot_uniform_bound),
            ("fan_in_only", "uses only the fan-in: sqrt(2/n_in)",
             lambda n_in, n_out: math.sqrt(2 / n_in)),
        )),
        AnswerFunction("adam_step", adam_step, _mistakes(
            ("no_bias_correction", "skips the bias correction m/(1-b1^t), v/(1-b2^t)",
             _adam_no_correction),
            ("plain_sgd", "takes a plain SGD step theta - lr*g",
             lambda theta, m, v, g, t, lr, **_: theta - lr * g),
            ("gradient_ascent", "adds the update instead of subtracting it",
             lambda theta, m, v, g, t, lr, **kw: 2 * theta - adam_step(theta, m, v, g, t, lr,
                                                                         **kw)),
        )),
        AnswerFunction("momentum_step", momentum_step, _mistakes(
            ("ignores_momentum", "takes a plain gradient step phi - lr*g",
             lambda phi, m, g, beta, lr: phi - lr * g),
            ("forgets_one_minus_beta", "adds the full gradient: m_new = beta*m + g",
             lambda phi, m, g, beta, lr: phi - lr * (beta * m + g)),
            ("uses_old_momentum", "steps with the old momentum m instead of the updated one",
             lambda phi, m, g, beta, lr: phi - lr * m),
        )),
        AnswerFunction("linear_scaled_lr", linear_scaled_lr, _mistakes(
            ("sqrt_scaling", "scales by the square root of the batch ratio",
             lambda base_lr, base_batch, new_batch: base_lr * math.sqrt(new_batch / base_batch)),
            ("keeps_lr", "keeps the learning rate unchanged",
             lambda base_lr, base_batch, new_batch: base_lr),
            ("inverse_scaling", "divides by the batch ratio (bigger batch, smaller steps)",
             lambda base_lr, base_batch, new_batch: base_lr * base_batch / new_batch),
        )),
        AnswerFunction("step_lr", step_lr, _mistakes(
            ("off_by_one_decay", "applies one decay too many",
             lambda lr0, gamma, step_size, epoch: lr0 * gamma ** (epoch // step_size + 1)),
            ("decays_every_epoch", "decays every epoch instead of every step_size epochs",
             lambda lr0, gamma, step_size, epoch: lr0 * gamma ** epoch),
            ("continuous_decay", "forgets the integer division and decays continuously",
             lambda lr0, gamma, step_size, epoch: lr0 * gamma ** (epoch / step_size)),
        )),
        AnswerFunction("epochs_for_steps", epochs_for_steps, _mistakes(
            ("steps_are_epochs", "treats every step as a full pass over the data",
             lambda steps, n_train, batch: float(steps)),
            ("steps_over_batch", "divides the steps by the batch size",
             lambda steps, n_train, batch: steps / batch),
            ("steps_per_epoch", "reports the steps per epoch n_train/batch",
             lambda steps, n_train, batch: n_train / batch),
        )),
        AnswerFunction("condition_number", condition_number, _mistakes(
            ("inverted", "divides the smallest eigenvalue by the largest",
             lambda eig_small, eig_large: min(eig_small, eig_large) / max(eig_small,
                                                                           eig_large)),
            ("difference", "subtracts the eigenvalues instead of dividing",
             lambda eig_small, eig_large: abs(eig_large - eig_small)),
            ("largest_only", "reports the largest eigenvalue (the curvature), not the ratio",
             lambda eig_small, eig_large: max(eig_small, eig_large)),
        )),
        AnswerFunction("graph_e_grad_b", graph_e_grad_b, _mistakes(
            ("only_product_path", "follows only the path through (b+1) and gets a+b",
             lambda a, b: a + b),
            ("only_sum_path", "follows only the path through (a+b) and gets b+1",
             lambda a, b: b + 1),
            ("multiplies_paths", "multiplies the two path derivatives instead of adding",
             lambda a, b: (a + b) * (b + 1)),
        )),
    ]
    return MappingProxyType({entry.name: entry for entry in entries})


ANSWER_FUNCTIONS: Mapping[str, AnswerFunction] = _registry()
"""Answer functions by name (read-only)."""

EXPRESSION_FUNCTIONS: Mapping[str, Callable[..., object]] = MappingProxyType({
    "softmax": softmax, "mlp_weight_count": mlp_weight_count,
    "mlp_param_count": mlp_param_count,
    **{name: entry.fn for name, entry in ANSWER_FUNCTIONS.items()},
})
"""Answer functions that expressions may also call directly (e.g. in `derived:`)."""
