"""Benchmark the notes' initialization experiment (lecture 08, Figure 7.4).

The experiment: 50 hidden ReLU layers of D_h = 100 units, 100-d standard-normal inputs, zero
biases, weights N(0, sigma^2) for sigma^2 in {0.001, 0.01, 0.02, 0.1, 1.0}; forward variance of
the activations and backward variance of the per-example gradients, per layer.

    .venv/bin/python benchmarks/bench_initialization.py [--examples 1000] [--repeats 3]

Times the reference solution (solutions/initialization/experiment.py, numpy float64) and the
same computation in torch float64 on the CPU and, when torch.cuda is available, on the GPU (the
GPU column reads 'pending' otherwise). Wall time is the best of --repeats runs; CPU seconds of
this process are printed too, since wall time on a shared machine also counts other people's
work. Also prints log10 of the activation variance at layer 50 next to the values in the issue
(-65, -15, -0.3, +35, +85). Prints a table; not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from autograder.experiments.reference import reference_module  # noqa: E402
from timing import best_of  # noqa: E402

SIGMA2S = (0.001, 0.01, 0.02, 0.1, 1.0)
ISSUE_LAYER_50 = {0.001: -65.0, 0.01: -15.0, 0.02: -0.3, 0.1: 35.0, 1.0: 85.0}


def draws(exp, sigma2: float, layers: int, width: int, examples: int, seed: int):
    rng = np.random.default_rng(seed)
    weights, biases = exp.init_network(layers, width, width, 1, sigma2, rng)
    return rng.normal(size=(width, examples)), weights, biases


def torch_variances(torch, device: str, x, weights, biases) -> dict[str, np.ndarray]:
    """The reference computation in torch (explicit matrix backprop, float64)."""
    t = {"dtype": torch.float64, "device": device}
    ws = [torch.as_tensor(w, **t) for w in weights]
    bs = [torch.as_tensor(b, **t) for b in biases]
    h, fs, hs = torch.as_tensor(x, **t), [], []
    for k, (w, b) in enumerate(zip(ws, bs)):
        if k > 0:
            h = torch.relu(fs[-1])
            hs.append(h)
        fs.append(b + w @ h)
    d, grads = 2.0 * fs[-1], []
    for k in range(len(ws) - 1, 0, -1):
        dh = ws[k].T @ d
        grads.append(dh)
        d = (fs[k - 1] > 0) * dh
    fwd = torch.stack([v.var(unbiased=False) for v in hs])
    bwd = torch.stack([v.var(unbiased=False) for v in grads[::-1]])
    if device == "cuda":
        torch.cuda.synchronize()
    return {"forward": fwd.cpu().numpy(), "backward": bwd.cpu().numpy()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=50)
    parser.add_argument("--width", type=int, default=100)
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    exp = reference_module(REPO / "solutions" / "initialization", "experiment")
    cfg = (args.layers, args.width, args.examples, args.seed)
    inputs = {s: draws(exp, s, *cfg) for s in SIGMA2S}

    def numpy_sweep():
        return {s: exp.layer_variances(*inputs[s]) for s in SIGMA2S}

    rows = []
    wall, cpu, ref = best_of(numpy_sweep, args.repeats)
    rows.append(("numpy (reference solution)", f"{wall:.3f} s ({cpu:.2f} CPU s)"))
    gpu = "pending (no CUDA device)"
    torch_cpu = "n/a (torch not installed)"
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None:
        def torch_sweep(device):
            return {s: torch_variances(torch, device, *inputs[s]) for s in SIGMA2S}

        torch_sweep("cpu")  # warm-up
        wall, cpu, tres = best_of(lambda: torch_sweep("cpu"), args.repeats)
        agree = all(np.allclose(np.log10(tres[s][k]), np.log10(ref[s][k]), atol=1e-6)
                    for s in SIGMA2S for k in ("forward", "backward"))
        torch_cpu = f"{wall:.3f} s ({cpu:.2f} CPU s){'' if agree else ' MISMATCH'}"
        if torch.cuda.is_available():
            torch_sweep("cuda")  # warm-up (context creation, kernels)
            wall, _cpu, gres = best_of(lambda: torch_sweep("cuda"), args.repeats)
            agree = all(np.allclose(np.log10(gres[s][k]), np.log10(ref[s][k]), atol=1e-6)
                        for s in SIGMA2S for k in ("forward", "backward"))
            gpu = (f"{wall:.3f} s on {torch.cuda.get_device_name(0)}"
                   f"{'' if agree else ' MISMATCH'}")
    rows.append(("torch float64", torch_cpu))

    print(f"Initialization experiment: {args.layers} hidden layers x {args.width} units, "
          f"{args.examples} inputs, {len(SIGMA2S)} values of sigma^2 (forward + backward); "
          f"best of {args.repeats}")
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"python {platform.python_version()}, numpy {np.__version__}"
          + (f", torch {torch.__version__}" if torch is not None else ""))
    print()
    print(f"| {'implementation':<28} | {'CPU':<28} | {'GPU':<36} |")
    print(f"|{'-' * 30}|{'-' * 30}|{'-' * 38}|")
    print(f"| {rows[0][0]:<28} | {rows[0][1]:<28} | {'-':<36} |")
    print(f"| {rows[1][0]:<28} | {rows[1][1]:<28} | {gpu:<36} |")
    print()
    print(f"| {'sigma^2':>8} | {'log10 var h_50':>15} | {'issue':>6} | "
          f"{'log10 var dl/dh_1':>18} | {'log10 var dl/dh_50':>19} |")
    print(f"|{'-' * 10}|{'-' * 17}|{'-' * 8}|{'-' * 20}|{'-' * 21}|")
    for s in SIGMA2S:
        fwd, bwd = np.log10(ref[s]["forward"]), np.log10(ref[s]["backward"])
        print(f"| {s:>8g} | {fwd[-1]:>15.2f} | {ISSUE_LAYER_50[s]:>6g} | {bwd[0]:>18.2f} | "
              f"{bwd[-1]:>19.2f} |")


if __name__ == "__main__":
    main()
