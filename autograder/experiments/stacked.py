"""Many small MLPs trained as one stacked model: the fast path of the measuring experiments.

The measuring assignment's long runs train many independent two-hidden-layer MLPs: one per
width for double descent, one per seed for the baseline. Students (and the reference
solution) train them one after the other. Staff rerun them to make the handout's figures and
the grader's expected values; here every model of a group is one slice of a stacked model:

  * weights are stored feature-major, W: (K, out, in), biases (K, out, 1), activations
    (K, features, n): the big products are then (w x w) @ (w x n), the shape the CPU BLAS
    runs fastest (on the 2-core test machine 126 GFLOP/s against 86 for the batch-major
    (n x w) @ (w x w) that nn.Linear uses) and one batched GEMM per layer on a GPU;
  * models narrower than their group's widest are zero-padded. No masks are needed: a padded
    unit has zero incoming weights and bias, so its pre-activation is exactly 0, ReLU's
    derivative at 0 is 0 in torch, so every padded weight gets an exactly zero gradient, and
    Adam / SGD (no weight decay) never move it (tests/test_stacked.py checks this);
  * the loss is the SUM over the K models of each model's mean cross-entropy, so each model's
    gradient is exactly its own; Adam and SGD act per entry, so the stacked run is the K
    separate runs up to floating-point summation order.

Every model starts from exactly the weights the one-at-a-time code would draw (the caller's
builder is called after the same torch.manual_seed), so results can be checked against it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
from torch import nn

Builder = Callable[[int], nn.Module]

# The fixed cost of one training step of one group (launching its ~40 operations), in FLOP of
# matrix products the device does in that time: about 1 ms of a 2-core CPU (measured here);
# on a GPU about 0.4 ms of kernel launches at tens of TFLOP/s (an estimate: no GPU measured yet),
# so a GPU trains all widths in one or two padded groups.
OVERHEAD_FLOP = {"cpu": 1e8, "cuda": 2e10}


class StackedMLP:
    """K MLPs with the same depth, different hidden widths, as one feature-major model."""

    def __init__(self, models: Sequence[nn.Module], device: str | torch.device = "cpu"):
        layers = [[m for m in model.modules() if isinstance(m, nn.Linear)] for model in models]
        depth = len(layers[0])
        if not layers[0] or any(len(ls) != depth for ls in layers):
            raise ValueError("every model needs the same number of nn.Linear layers")
        self.count = len(models)
        self.weights: list[torch.Tensor] = []
        self.biases: list[torch.Tensor] = []
        for j in range(depth):
            rows = max(ls[j].out_features for ls in layers)
            cols = max(ls[j].in_features for ls in layers)
            weight = torch.zeros(self.count, rows, cols)
            bias = torch.zeros(self.count, rows, 1)
            for k, ls in enumerate(layers):
                out_f, in_f = ls[j].weight.shape
                weight[k, :out_f, :in_f] = ls[j].weight.detach()
                bias[k, :out_f, 0] = ls[j].bias.detach()
            self.weights.append(weight.to(device).requires_grad_(True))
            self.biases.append(bias.to(device).requires_grad_(True))
        self.out_features = [ls[-1].out_features for ls in layers]
        if len(set(self.out_features)) != 1:
            raise ValueError("every model needs the same number of outputs")

    def parameters(self) -> list[torch.Tensor]:
        return [t for pair in zip(self.weights, self.biases) for t in pair]

    def __call__(self, x_t: torch.Tensor) -> torch.Tensor:
        """x_t: (d_in, n) shared by every model, or (K, d_in, n); returns logits (K, d_out, n)."""
        k = self.count
        w, b = self.weights[0], self.biases[0]
        if x_t.dim() == 2:  # one GEMM for every model's first layer
            h = torch.addmm(b.reshape(-1, 1), w.reshape(-1, w.shape[2]), x_t)
            h = h.reshape(k, w.shape[1], -1)
        else:
            h = torch.baddbmm(b, w, x_t)
        for w, b in zip(self.weights[1:], self.biases[1:]):
            h = torch.baddbmm(b, w, torch.relu(h))
        return h


def summed_loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Sum over models of each model's mean cross-entropy; logits (K, C, n), y (n,) or (K, n)."""
    k, _, n = logits.shape
    return nn.functional.cross_entropy(logits, y.expand(k, n), reduction="sum") / n


def measure(logits: torch.Tensor, y: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """Per model (mean cross-entropy, accuracy) as float64 numpy arrays."""
    with torch.no_grad():
        k, _, n = logits.shape
        target = y.expand(k, n)
        losses = nn.functional.cross_entropy(logits, target, reduction="none").mean(1)
        accs = (logits.argmax(1) == target).double().mean(1)
    return losses.double().cpu().numpy(), accs.cpu().numpy()


def plan_groups(widths: Sequence[int], n_examples: int, groups: int | None = None,
                overhead_flop: float = 1e8, d_in: int = 40, d_out: int = 10) -> list[list[int]]:
    """Split the widths into groups of neighbours, each trained as one padded stacked model.

    Cost of a group: its padded arithmetic (K * (m^2 + (d_in + d_out) m) * 6 n FLOP per step,
    m its widest member) plus a fixed per-step overhead for launching its operations
    (`overhead_flop`: about 1 ms of a 2-core CPU). Dynamic programming over the sorted widths
    finds the cheapest split, with exactly `groups` groups when given. Returns indices into
    `widths`, so repeated widths are fine.
    """
    order = sorted(range(len(widths)), key=lambda i: widths[i])
    n = len(order)
    if n == 0:
        return []

    def cost(start: int, end: int) -> float:
        m = widths[order[end - 1]]
        return (end - start) * (m * m + (d_in + d_out) * m) * 6.0 * n_examples + overhead_flop

    counts = [groups] if groups else range(1, n + 1)
    best: tuple[float, list[tuple[int, int]]] | None = None
    table: dict[tuple[int, int], tuple[float, list[tuple[int, int]]]] = {(0, 0): (0.0, [])}
    for count in range(1, max(counts) + 1):
        for end in range(count, n + 1):
            options = [(table[(count - 1, start)][0] + cost(start, end),
                        table[(count - 1, start)][1] + [(start, end)])
                       for start in range(count - 1, end) if (count - 1, start) in table]
            table[(count, end)] = min(options, key=lambda o: o[0])
        if count in counts and (count, n) in table:
            if best is None or table[(count, n)][0] < best[0]:
                best = table[(count, n)]
    if best is None:
        raise ValueError(f"cannot split {n} widths into {groups} groups")
    return [[order[i] for i in range(start, end)] for start, end in best[1]]


def _tensors(data: dict, device: str) -> tuple[torch.Tensor, ...]:
    """(x_t, y, x_test_t, y_test) on `device`, inputs feature-major (d_in, n)."""
    as_float = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32)  # noqa: E731
    as_long = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.int64)  # noqa: E731
    return (as_float(data["x"]).T.contiguous().to(device), as_long(data["y"]).to(device),
            as_float(data["x_test"]).T.contiguous().to(device),
            as_long(data["y_test"]).to(device))


def _loss_function(model: StackedMLP, x_t: torch.Tensor, y: torch.Tensor, compiled: bool,
                   progress: Callable[[str], None] | None) -> Callable[[], torch.Tensor]:
    """The training loss of `model` on (x_t, y): eager, or fused by torch.compile (inductor).

    Compiling fuses the bias, ReLU and loss passes of forward and backward into generated
    kernels (CPU, 2 cores: 1.3-1.8x per step at widths 40-300, about 5 s to compile a group).
    It compiles here, on a first call, so a platform where it fails (no C++ compiler) falls
    back to eager with a message instead of failing the run.
    """
    def loss() -> torch.Tensor:
        return summed_loss(model(x_t), y)

    if not compiled:
        return loss
    fused = torch.compile(loss)
    try:
        fused()
    except Exception as exc:  # noqa: BLE001 - any compiler failure: train eagerly instead
        if progress:
            progress(f"torch.compile failed ({type(exc).__name__}: {exc}); training eagerly")
        return loss
    return fused


def sweep(data: dict, widths: Sequence[int], make: Builder, parameter_count: Callable[[int], int],
          steps: int = 4000, lr: float = 0.005, device: str = "cpu", seed: int = 0,
          groups: int | None = None, progress: Callable[[str], None] | None = None,
          compiled: bool = False) -> dict:
    """The double-descent sweep (full-batch Adam per width), stacked; the reference's output.

    Same contract as solutions/measuring/double_descent.sweep: torch.manual_seed(seed) before
    make(width) for every width, `steps` full-batch Adam steps on the mean cross-entropy of
    (data["x"], data["y"]), then loss and accuracy on the training and the test set. Returns
    the same dict of per-width lists plus "groups" (the widths trained together).
    `progress` (optional) gets one line per group trained; `compiled` fuses each group's
    training loss with torch.compile.
    """
    x_t, y, xt_t, yt = _tensors(data, device)
    rows: dict[int, tuple[float, float, float, float]] = {}
    overhead = OVERHEAD_FLOP.get(torch.device(device).type, OVERHEAD_FLOP["cpu"])
    plan = plan_groups(widths, len(y), groups, overhead_flop=overhead)
    for group in plan:
        models = []
        for i in group:
            torch.manual_seed(seed)
            models.append(make(int(widths[i])))
        model = StackedMLP(models, device)
        optimizer = torch.optim.Adam(model.parameters(), lr=lr)
        loss = _loss_function(model, x_t, y, compiled, progress)
        for _ in range(steps):
            optimizer.zero_grad(set_to_none=True)
            loss().backward()
            optimizer.step()
        with torch.no_grad():
            train_loss, train_acc = measure(model(x_t), y)
            test_loss, test_acc = measure(model(xt_t), yt)
        for slot, i in enumerate(group):
            rows[i] = (train_loss[slot], train_acc[slot], test_loss[slot], test_acc[slot])
        if progress:
            progress(f"trained widths {[int(widths[i]) for i in group]} "
                     f"({len(rows)} of {len(widths)})")
    out: dict = {"width": [int(w) for w in widths],
                 "params": [int(parameter_count(int(w))) for w in widths]}
    for j, key in enumerate(("train_loss", "train_acc", "test_loss", "test_acc")):
        out[key] = [float(rows[i][j]) for i in range(len(widths))]
    out["device"] = str(torch.device(device))
    out["groups"] = [[int(widths[i]) for i in group] for group in plan]
    out["compiled"] = bool(compiled)
    return out


def seeds(data: dict, seed_list: Sequence[int], make: Builder, steps: int = 6000,
          lr: float = 0.1, batch_size: int = 100, lr_step_epochs: int = 10, gamma: float = 0.5,
          device: str = "cpu", hidden: int = 100,
          progress: Callable[[str], None] | None = None) -> list[dict]:
    """The seed baseline (SGD + StepLR, mini-batches), every seed at once; per-seed histories.

    Same contract as solutions/measuring/baseline.train_mlp for each seed: torch.manual_seed
    before make(hidden), the shuffles from torch.Generator().manual_seed(seed), StepLR stepped
    per epoch, loss and accuracy on the whole training and test sets after every epoch.
    `progress` (optional) gets a line every 10 epochs.
    """
    x_t, y, xt_t, yt = _tensors(data, device)
    models = []
    for seed in seed_list:
        torch.manual_seed(seed)
        models.append(make(hidden))
    model = StackedMLP(models, device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=lr_step_epochs,
                                                gamma=gamma)
    generators = [torch.Generator().manual_seed(seed) for seed in seed_list]
    x_rows = x_t.T  # (n, d_in) view: gathering rows, then a transposed view for the GEMM
    keys = ("train_loss", "train_acc", "test_loss", "test_acc", "lr")
    histories = [{key: [] for key in keys} for _ in seed_list]
    n, taken = len(y), 0
    while taken < steps:
        for history in histories:
            history["lr"].append(optimizer.param_groups[0]["lr"])
        orders = torch.stack([torch.randperm(n, generator=g) for g in generators]).to(device)
        for start in range(0, n, batch_size):
            if taken == steps:
                break
            idx = orders[:, start:start + batch_size]
            optimizer.zero_grad(set_to_none=True)
            summed_loss(model(x_rows[idx].transpose(1, 2)), y[idx]).backward()
            optimizer.step()
            taken += 1
        scheduler.step()
        with torch.no_grad():
            for split, (xs, ys) in (("train", (x_t, y)), ("test", (xt_t, yt))):
                losses, accs = measure(model(xs), ys)
                for k, history in enumerate(histories):
                    history[f"{split}_loss"].append(float(losses[k]))
                    history[f"{split}_acc"].append(float(accs[k]))
        epochs = len(histories[0]["lr"])
        if progress and epochs % 10 == 0:
            progress(f"epoch {epochs}, step {taken} of {steps}")
    for history in histories:
        history["steps"] = taken
        history["device"] = str(torch.device(device))
    return histories
