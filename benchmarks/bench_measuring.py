"""Benchmark the measuring assignment's two long experiments: naive loops vs batched models.

    .venv/bin/python benchmarks/bench_measuring.py                 # reduced double descent
    .venv/bin/python benchmarks/bench_measuring.py --dd-size full  # the notes' sweep (~1 h CPU)
    .venv/bin/python benchmarks/bench_measuring.py --threads 1 --seeds 5 --repeats 1

(a) Double descent (notes: 10,000 / 5,000 MNIST-1D, 15 % random training labels, two hidden
    layers of width w, full-batch Adam lr 0.005, 4,000 steps, 12 widths).
    naive:   the reference, double_descent.sweep(): one nn.Sequential + Adam per width, in turn;
    batched: every width at once as one stacked model: weights zero-padded to the widest member
             of a bucket of similar widths, (K, n, w) activations through torch.bmm, masks that
             keep the padded units at exactly zero (their gradients are zero, so Adam never
             moves them), the loss summed over the K models (Adam is per-entry, so the stacked
             run is the K separate runs up to floating-point summation order). Buckets keep
             the padding small (one bucket = one padded model for all widths: --buckets 1).
(b) The seed baseline (notes: 40-100-100-10 MLP, SGD lr 0.1, batch 100, StepLR halving every 10
    epochs, 6,000 steps, evaluated every epoch) over several seeds.
    naive:   baseline.train_mlp() once per seed;
    batched: all seeds as one stacked model (each seed's own initialization and shuffling, the
             batches gathered to (S, 100, 40) and pushed through torch.bmm).
Both batched versions start from exactly the naive models' initial weights and are checked
against the naive accuracies (largest difference printed).

Prints a table: experiment, device, wall seconds (best of --repeats), CPU seconds, ratio to the
naive version, and the accuracy check. The GPU column reads 'pending' without CUDA. Timings on a
shared machine move with other people's work: compare rows of one run only. Not a test.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

REPO = Path(__file__).resolve().parents[1]
SOLUTION = REPO / "solutions" / "measuring"

DD_SIZES = {
    # n_train, n_test, steps, widths (12 each; params = n_train near the middle)
    "reduced": (2000, 1000, 1000, (4, 8, 12, 16, 20, 24, 28, 32, 40, 64, 96, 128)),
    "medium": (4000, 2000, 2000, (8, 16, 24, 32, 36, 40, 44, 48, 64, 96, 128, 192)),
    "full": (10000, 5000, 4000, (10, 20, 40, 60, 70, 78, 85, 100, 120, 150, 200, 300)),
}


def load(name: str):
    """A module of the reference solution (imported by path; siblings importable)."""
    if str(SOLUTION) not in sys.path:
        sys.path.insert(0, str(SOLUTION))
    spec = importlib.util.spec_from_file_location(name, SOLUTION / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[name] = module
    return module


def timed(fn, repeats: int):
    """(best wall seconds, CPU seconds of that run, result)."""
    best = (float("inf"), 0.0, None)
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        if wall < best[0]:
            best = (wall, cpu, result)
    return best


# -- (a) double descent: every width in one stacked model --------------------------------------
def buckets(widths, count: int):
    """Split sorted widths into `count` groups of neighbours with the least padded work."""
    widths = sorted(widths)
    if count <= 1:
        return [widths]
    best, n = None, len(widths)

    def cost(group):
        return len(group) * max(group) ** 2

    # dynamic programming over cut points: fine for a dozen widths
    table = {(0, 0): (0, [])}
    for k in range(1, count + 1):
        for end in range(1, n + 1):
            options = [(table[(k - 1, start)][0] + cost(widths[start:end]),
                        table[(k - 1, start)][1] + [widths[start:end]])
                       for start in range(end) if (k - 1, start) in table]
            if options:
                table[(k, end)] = min(options, key=lambda o: o[0])
    best = min((table[(k, n)] for k in range(1, count + 1) if (k, n) in table),
               key=lambda o: o[0])
    return best[1]


class StackedMLP2:
    """K two-hidden-layer MLPs of different widths, zero-padded to the widest, as one model."""

    def __init__(self, widths, make, seed: int, device: str, d_in: int = 40, d_out: int = 10):
        self.widths = list(widths)
        k, w = len(widths), max(widths)
        zeros = lambda *s: torch.zeros(*s, device=device)  # noqa: E731
        self.w1, self.b1 = zeros(k, d_in, w), zeros(k, 1, w)
        self.w2, self.b2 = zeros(k, w, w), zeros(k, 1, w)
        self.w3, self.b3 = zeros(k, w, d_out), zeros(k, 1, d_out)
        self.mask = zeros(k, 1, w)
        for i, width in enumerate(widths):
            torch.manual_seed(seed)  # exactly the naive model's initialization
            lin1, _, lin2, _, lin3 = make(width)
            self.w1[i, :, :width] = lin1.weight.detach().T
            self.b1[i, 0, :width] = lin1.bias.detach()
            self.w2[i, :width, :width] = lin2.weight.detach().T
            self.b2[i, 0, :width] = lin2.bias.detach()
            self.w3[i, :width, :] = lin3.weight.detach().T
            self.b3[i, 0, :] = lin3.bias.detach()
            self.mask[i, 0, :width] = 1.0
        self.params = [self.w1, self.b1, self.w2, self.b2, self.w3, self.b3]
        for p in self.params:
            p.requires_grad_(True)

    def __call__(self, x):
        """x: (n, d_in) shared by every model, or (K, n, d_in); returns (K, n, d_out)."""
        h = torch.relu(torch.matmul(x, self.w1) + self.b1) * self.mask
        h = torch.relu(torch.baddbmm(self.b2, h, self.w2)) * self.mask
        return torch.baddbmm(self.b3, h, self.w3)


def summed_loss(logits, y):
    """Sum over the K models of each model's mean cross-entropy (y: (n,) or (K, n))."""
    k, n, c = logits.shape
    y = y.expand(k, n) if y.dim() == 1 else y
    return nn.functional.cross_entropy(logits.reshape(k * n, c), y.reshape(-1),
                                       reduction="sum") / n


def measure(logits, y):
    """Per model: (mean cross-entropy, accuracy) as numpy arrays."""
    with torch.no_grad():
        k, n, c = logits.shape
        losses = nn.functional.cross_entropy(logits.reshape(k * n, c), y.expand(k, n).reshape(-1),
                                             reduction="none").reshape(k, n).mean(1)
        accs = (logits.argmax(2) == y).float().mean(1)
    return losses.cpu().numpy(), accs.cpu().numpy()


def dd_batched(data, widths, steps, lr, device, seed, n_buckets, make):
    x = torch.as_tensor(data["x"], dtype=torch.float32, device=device)
    y = torch.as_tensor(data["y"], dtype=torch.int64, device=device)
    xt = torch.as_tensor(data["x_test"], dtype=torch.float32, device=device)
    yt = torch.as_tensor(data["y_test"], dtype=torch.int64, device=device)
    out = {}
    for group in buckets(widths, n_buckets):
        model = StackedMLP2(group, make, seed, device)
        optimizer = torch.optim.Adam(model.params, lr=lr)
        for _ in range(steps):
            optimizer.zero_grad()
            summed_loss(model(x), y).backward()
            optimizer.step()
        with torch.no_grad():
            train_loss, train_acc = measure(model(x), y)
            test_loss, test_acc = measure(model(xt), yt)
        for i, width in enumerate(group):
            out[width] = (train_loss[i], train_acc[i], test_loss[i], test_acc[i])
    return {key: [float(out[w][j]) for w in widths] for j, key in
            enumerate(("train_loss", "train_acc", "test_loss", "test_acc"))}


# -- (b) the seed baseline: every seed in one stacked model ------------------------------------
def seeds_batched(data, seeds, steps, device, make_mlp, lr=0.1, batch=100, step_epochs=10,
                  gamma=0.5):
    x = torch.as_tensor(data["x"], dtype=torch.float32, device=device)
    y = torch.as_tensor(data["y"], dtype=torch.int64, device=device)
    xt = torch.as_tensor(data["x_test"], dtype=torch.float32, device=device)
    yt = torch.as_tensor(data["y_test"], dtype=torch.int64, device=device)
    stacked = []
    for seed in seeds:
        torch.manual_seed(seed)  # exactly train_mlp's initialization
        layers = [m for m in make_mlp(100) if isinstance(m, nn.Linear)]
        stacked.append([t for lin in layers for t in (lin.weight.detach().T,
                                                      lin.bias.detach()[None, :])])
    params = [torch.stack([s[j] for s in stacked]).to(device).requires_grad_(True)
              for j in range(6)]
    optimizer = torch.optim.SGD(params, lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=step_epochs, gamma=gamma)
    generators = [torch.Generator().manual_seed(seed) for seed in seeds]

    def forward(inputs):
        h = torch.relu(torch.baddbmm(params[1], inputs, params[0]) if inputs.dim() == 3
                       else torch.matmul(inputs, params[0]) + params[1])
        h = torch.relu(torch.baddbmm(params[3], h, params[2]))
        return torch.baddbmm(params[5], h, params[4])

    n, taken, history = len(y), 0, []
    while taken < steps:
        orders = torch.stack([torch.randperm(n, generator=g) for g in generators]).to(device)
        for start in range(0, n, batch):
            if taken == steps:
                break
            idx = orders[:, start:start + batch]
            optimizer.zero_grad()
            summed_loss(forward(x[idx]), y[idx]).backward()
            optimizer.step()
            taken += 1
        scheduler.step()
        with torch.no_grad():
            history.append((measure(forward(x), y), measure(forward(xt), yt)))
    (_, train_acc), (_, test_acc) = history[-1]
    return train_acc, test_acc


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dd-size", choices=sorted(DD_SIZES), default="reduced")
    parser.add_argument("--buckets", type=int, default=3,
                        help="groups of similar widths (1 = one padded model for all)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed-steps", type=int, default=6000)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--skip", choices=["dd", "seeds"], default=None)
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    data_mod, baseline, dd = load("data"), load("baseline"), load("double_descent")
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    rows = []
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads", flush=True)

    if args.skip != "dd":
        n_train, n_test, steps, widths = DD_SIZES[args.dd_size]
        data = data_mod.noisy_mnist1d(n_train, n_test, fraction=0.15, seed=0)
        label = (f"(a) double descent, {args.dd_size}: {n_train}/{n_test}, {steps} steps, "
                 f"{len(widths)} widths")
        for dev in devices:
            wall_n, cpu_n, naive = timed(lambda: dd.sweep(data, widths, steps, 0.005, dev, 0),
                                         args.repeats)
            rows.append((label, dev, "naive per-width loop", wall_n, cpu_n, 1.0, ""))
            print(*rows[-1][:5], flush=True)
            for n_b in sorted({1, args.buckets}):
                wall, cpu, fast = timed(lambda: dd_batched(data, widths, steps, 0.005, dev, 0,
                                                           n_b, dd.make_mlp2), args.repeats)
                diff = max(abs(a - b) for key in ("train_acc", "test_acc")
                           for a, b in zip(fast[key], naive[key]))
                rows.append((label, dev, f"batched, {n_b} padded model(s)", wall, cpu,
                             wall_n / wall, f"max |acc diff| {diff:.4f}"))
                print(*rows[-1], flush=True)
            print("    naive test acc by width:",
                  {w: round(a, 3) for w, a in zip(widths, naive["test_acc"])}, flush=True)

    if args.skip != "seeds":
        data = data_mod.load_mnist1d()
        seeds = list(range(args.seeds))
        label = f"(b) seed baseline: {len(seeds)} seeds x {args.seed_steps} SGD steps"
        for dev in devices:
            wall_n, cpu_n, naive = timed(lambda: [baseline.train_mlp(
                data, dev, seed=s, steps=args.seed_steps) for s in seeds], args.repeats)
            rows.append((label, dev, "naive per-seed loop", wall_n, cpu_n, 1.0, ""))
            print(*rows[-1][:5], flush=True)
            wall, cpu, (train_acc, test_acc) = timed(lambda: seeds_batched(
                data, seeds, args.seed_steps, dev, baseline.make_mlp), args.repeats)
            diff = max(max(abs(a - h["train_acc"][-1]), abs(b - h["test_acc"][-1]))
                       for a, b, h in zip(train_acc, test_acc, naive))
            rows.append((label, dev, "batched over seeds", wall, cpu, wall_n / wall,
                         f"max |acc diff| {diff:.4f}"))
            print(*rows[-1], flush=True)
            print("    naive final train / test acc:",
                  [(round(h["train_acc"][-1], 3), round(h["test_acc"][-1], 3)) for h in naive],
                  flush=True)

    print()
    print(f"| experiment | device | version | wall s | CPU s | speed-up vs naive | check |")
    print("|---|---|---|---|---|---|---|")
    for label, dev, version, wall, cpu, ratio, check in rows:
        print(f"| {label} | {dev} | {version} | {wall:.1f} | {cpu:.1f} | {ratio:.2f}x | {check} |")
    if "cuda" not in devices:
        print("| (a), (b) | cuda | naive and batched | pending | pending | pending | no GPU here |")


if __name__ == "__main__":
    main()
