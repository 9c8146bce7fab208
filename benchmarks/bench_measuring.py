"""Benchmark the measuring assignment's two long experiments: one model at a time vs stacked.

    .venv/bin/python benchmarks/bench_measuring.py                    # reduced sizes, trained
    .venv/bin/python benchmarks/bench_measuring.py --dd-size full --time-steps 40
                                  # the notes' sweep, each version timed over 40 steps, scaled
    .venv/bin/python benchmarks/bench_measuring.py --dd-size full     # trained (~1 h on 2 cores)

(a) Double descent (notes: 10,000 / 5,000 MNIST-1D, 15 % random training labels, two hidden
    layers of width w, full-batch Adam lr 0.005, 4,000 steps, 12 widths).
    naive:   the reference, double_descent.sweep(): one nn.Sequential + Adam per width, in turn;
    stacked: autograder.experiments.stacked.sweep(): groups of neighbouring widths, each one
             zero-padded feature-major model trained with torch.bmm (groups chosen by cost:
             --groups 0; --groups 1 = one padded model for all widths); then the same with
             each group's loss fused by torch.compile (compilation time included).
    FLOP bound: the multiply-adds of every matrix product the sweep needs (forward; weight
             gradients; input gradients of layers 2 and 3) at the best rate this BLAS reaches
             on any of a few large products, and nothing else (no ReLU, loss, optimizer): no
             exact float32 implementation can be faster here, so naive / bound is the largest
             speed-up any batching, fusion or compilation can reach on this machine.
(b) The seed baseline (notes: 40-100-100-10 MLP, SGD lr 0.1, batch 100, StepLR halving every 10
    epochs, 6,000 steps, evaluated every epoch) over several seeds.
    naive:   baseline.train_mlp() once per seed; stacked: stacked.seeds(), all seeds at once.
Both stacked versions start from exactly the naive models' initial weights. After a full run
the check column gives the largest accuracy difference from the naive run, next to the
difference between two naive runs whose training inputs differ by one part in 10^7: training
for thousands of steps amplifies float rounding, so the stacked run can only be asked to stay
within that spread. With --time-steps S every version runs S steps (after 3 warm-up steps) and
the seconds are scaled to the full step count (no check: nothing is trained to the end).

Prints a table: experiment, device, version, wall seconds (best of --repeats), CPU seconds,
speed-up over the naive version. The GPU rows read 'pending' without CUDA. Timings on a shared
VM move by +-30 % between runs: compare rows of one run only. Not a test.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
SOLUTION = REPO / "solutions" / "measuring"
sys.path.insert(0, str(REPO))

from autograder.experiments import stacked  # noqa: E402
from autograder.experiments.cli import SWEEPS  # noqa: E402
from autograder.experiments.reference import reference_module  # noqa: E402
from timing import best_of  # noqa: E402

DD_SIZES = SWEEPS  # reduced / medium / full: n_train, n_test, steps, widths


def load(name: str):
    return reference_module(SOLUTION, name)


def sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(fn, repeats: int, device: str):
    """(best wall seconds, CPU seconds of that run, result), GPU work included."""
    return best_of(fn, repeats, sync=(lambda: sync(device)) if device.startswith("cuda")
                   else None)


def scaled(run, steps: int, time_steps: int, repeats: int, device: str):
    """Time run(steps) directly, or run(time_steps) scaled to `steps` after a 3-step warm-up
    (which also compiles, for the compiled version: its seconds are added unscaled)."""
    if not time_steps:
        return timed(lambda: run(steps), repeats, device)
    warm, warm_cpu, _ = timed(lambda: run(3), 1, device)
    wall, cpu, result = timed(lambda: run(time_steps), repeats, device)
    extra = max(warm - wall * 3 / time_steps, 0.0), max(warm_cpu - cpu * 3 / time_steps, 0.0)
    return wall * steps / time_steps + extra[0], cpu * steps / time_steps + extra[1], None


def sweep_flop(n: int, widths, steps: int, d_in: int = 40, d_out: int = 10) -> float:
    """Multiply-add FLOP of the matrix products of `steps` full-batch steps of every width."""
    per_step = 0
    for w in widths:
        forward = w * d_in + w * w + d_out * w
        backward = forward + w * w + d_out * w  # weight gradients, input grads of layers 2, 3
        per_step += 2 * n * (forward + backward)
    return float(per_step) * steps


def peak_gemm(device: str, shapes) -> tuple[float, str]:
    """The best FLOP/s this BLAS reaches on any of `shapes` ((m, k, n) products), and which."""
    best = (0.0, "")
    for m, k, cols in shapes:
        a = torch.randn(m, k, device=device)
        b = torch.randn(k, cols, device=device)
        for _ in range(2):
            a @ b
        sync(device)
        start, reps = time.perf_counter(), 5
        for _ in range(reps):
            a @ b
        sync(device)
        rate = 2.0 * m * k * cols * reps / (time.perf_counter() - start)
        best = max(best, (rate, f"{m}x{k} @ {k}x{cols}"))
    return best


def spread(a: dict, b: dict, keys=("train_acc", "test_acc")) -> float:
    return max(abs(u - v) for key in keys for u, v in zip(a[key], b[key]))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dd-size", choices=sorted(DD_SIZES), default="reduced")
    parser.add_argument("--groups", type=int, default=0,
                        help="stacked groups of widths (0: chosen by cost; 1: one for all)")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--seed-steps", type=int, default=6000)
    parser.add_argument("--time-steps", type=int, default=0,
                        help="time this many steps and scale (0: train to the end and check)")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: default)")
    parser.add_argument("--skip", choices=["dd", "seeds"], default=None)
    parser.add_argument("--device", choices=["all", "cpu", "cuda"], default="all",
                        help="all: the CPU, and the GPU when torch sees one")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    data_mod, baseline, dd = load("data"), load("baseline"), load("double_descent")
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    if args.device != "all":
        if args.device not in devices:
            parser.error(f"--device {args.device}: torch sees no such device here")
        devices = [args.device]
    rows = []
    how = f"timed over {args.time_steps} steps, scaled" if args.time_steps else "trained"
    print(f"{platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; {how}", flush=True)

    def row(*fields):
        rows.append(fields)
        print(" | ".join(f"{f:.1f}" if isinstance(f, float) else str(f) for f in fields),
              flush=True)

    if args.skip != "dd":
        n_train, n_test, steps, widths = DD_SIZES[args.dd_size]
        data = data_mod.noisy_mnist1d(n_train, n_test, fraction=0.15, seed=0)
        nudged = dict(data, x=data["x"] * (1 + 1e-7))
        label = (f"(a) double descent, {args.dd_size}: {n_train}/{n_test}, {steps} steps, "
                 f"{len(widths)} widths")
        for dev in devices:
            naive_run = lambda s, d=data: dd.sweep(d, widths, s, 0.005, dev, 0)  # noqa: E731
            wall_n, cpu_n, naive = scaled(naive_run, steps, args.time_steps, args.repeats, dev)
            noise = ""
            if naive is not None:
                noise = f"naive vs nudged naive {spread(naive, naive_run(steps, nudged)):.4f}"
            row(label, dev, "naive per-width loop", wall_n, cpu_n, "1.00x", noise)
            plan = stacked.plan_groups(widths, n_train, args.groups or None,
                                       overhead_flop=stacked.OVERHEAD_FLOP[dev])
            for compiled in (False, True):
                stacked_run = lambda s, c=compiled: stacked.sweep(  # noqa: E731
                    data, widths, dd.make_mlp2, dd.parameter_count, s, 0.005, dev, 0,
                    groups=args.groups or None, compiled=c)
                wall, cpu, fast = scaled(stacked_run, steps, args.time_steps, args.repeats, dev)
                check = "" if fast is None else f"max |acc diff| {spread(fast, naive):.4f}"
                version = f"stacked, {len(plan)} group(s)" + (", torch.compile" if compiled
                                                              else "")
                row(label, dev, version, wall, cpu, f"{wall_n / wall:.2f}x", check)
            w_max = max(widths)
            rate, shape = peak_gemm(dev, [(2048, 2048, 2048), (w_max, w_max, n_train),
                                          (n_train, w_max, w_max), (w_max, n_train, w_max)])
            bound = sweep_flop(n_train, widths, steps) / rate
            row(label, dev, "FLOP bound (products at peak)", bound, float("nan"),
                f"{wall_n / bound:.2f}x",
                f"the products' FLOP at {rate / 1e9:.0f} GFLOP/s ({shape}), nothing else")
            if naive is not None:
                print("    naive test acc by width:",
                      {w: round(a, 3) for w, a in zip(widths, naive["test_acc"])}, flush=True)

    if args.skip != "seeds":
        data = data_mod.load_mnist1d()
        seeds = list(range(args.seeds))
        steps = args.seed_steps
        label = f"(b) seed baseline: {len(seeds)} seeds x {steps} SGD steps"
        for dev in devices:
            naive_run = lambda s: [baseline.train_mlp(data, dev, seed=k, steps=s)  # noqa: E731
                                   for k in seeds]
            wall_n, cpu_n, naive = scaled(naive_run, steps, args.time_steps, args.repeats, dev)
            row(label, dev, "naive per-seed loop", wall_n, cpu_n, "1.00x", "")
            stacked_run = lambda s: stacked.seeds(data, seeds, baseline.make_mlp,  # noqa: E731
                                                  steps=s, device=dev)
            wall, cpu, fast = scaled(stacked_run, steps, args.time_steps, args.repeats, dev)
            check = ""
            if fast is not None:
                diff = max(abs(a[key][-1] - b[key][-1]) for a, b in zip(fast, naive)
                           for key in ("train_acc", "test_acc"))
                check = f"max |final acc diff| {diff:.4f}"
            row(label, dev, "stacked over seeds", wall, cpu, f"{wall_n / wall:.2f}x", check)
            if naive is not None:
                print("    naive final train / test acc:",
                      [(round(h["train_acc"][-1], 3), round(h["test_acc"][-1], 3))
                       for h in naive], flush=True)

    print()
    print("| experiment | device | version | wall s | CPU s | speed-up vs naive | check |")
    print("|---|---|---|---|---|---|---|")
    for label, dev, version, wall, cpu, ratio, check in rows:
        cpu_text = "" if cpu != cpu else f"{cpu:.1f}"
        print(f"| {label} | {dev} | {version} | {wall:.1f} | {cpu_text} | {ratio} | {check} |")
    if not torch.cuda.is_available():
        print("| (a), (b) | cuda | naive and stacked | pending | pending | pending | no GPU here |")


if __name__ == "__main__":
    main()
