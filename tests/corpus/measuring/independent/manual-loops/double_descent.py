"""Part 4: double descent on MNIST-1D with 15 % random training labels.

The notes' experiment: 10,000 training and 5,000 test examples, 15 % of the TRAINING labels
replaced by random other classes (data.noisy_mnist1d), an MLP with two hidden layers of width
w (40 -> w -> w -> 10, ReLU), trained with Adam (learning rate 0.005) on the FULL training set
(one step = one gradient of the loss on all 10,000 examples) for 4,000 steps, for a range of
widths. Plot test error against the number of parameters and mark the interpolation threshold,
where the number of parameters equals the number of training examples.

    python double_descent.py                # a reduced sweep: 2,000 / 1,000 examples, 2,000 steps
    python double_descent.py --full         # the notes' sweep (about 20 min on 2 CPU cores)

Conventions (graded):
  * parameter_count(w) counts every weight and bias: (40 + 1) w + (w + 1) w + (w + 1) 10;
  * interpolation_width(n) is the smallest width whose parameter count reaches n;
  * train_full_batch(model, data, steps, lr, device) trains the GIVEN model in place with
    torch.optim.Adam(model.parameters(), lr) on the mean cross-entropy of the whole training set
    (zero the gradients every step) and returns it; it touches only data["x"], data["y"];
  * sweep(...) seeds torch.manual_seed(seed) right before building each width's model.
"""

import argparse
import time

import numpy as np
import torch
from torch import nn

D_IN, D_OUT = 40, 10
WIDTHS_FULL = (10, 20, 40, 60, 70, 78, 85, 100, 120, 150, 200, 300)


def make_mlp2(width, d_in=D_IN, d_out=D_OUT):
    """nn.Sequential(Linear(d_in, w), ReLU(), Linear(w, w), ReLU(), Linear(w, d_out))."""
    return nn.Sequential(nn.Linear(d_in, width), nn.ReLU(),
                         nn.Linear(width, width), nn.ReLU(),
                         nn.Linear(width, d_out))


def parameter_count(width, d_in=D_IN, d_out=D_OUT):
    """Weights and biases of make_mlp2(width): (d_in + 1) w + (w + 1) w + (w + 1) d_out."""
    w = int(width)
    return (d_in + 1) * w + (w + 1) * w + (w + 1) * d_out


def interpolation_width(n_train, d_in=D_IN, d_out=D_OUT):
    """The smallest width w with parameter_count(w) >= n_train (78 for 10,000 examples)."""
    w = 1
    while parameter_count(w, d_in, d_out) < n_train:
        w += 1
    return w


def train_full_batch(model, data, steps=4000, lr=0.005, device="cpu"):
    """Full-batch Adam on the mean cross-entropy of (data["x"], data["y"]); returns the model.

    Every step uses ALL training examples. Move the model and the data to `device`.
    """
    model.to(device)
    x = torch.as_tensor(np.asarray(data["x"]), dtype=torch.float32).to(device)
    y = torch.as_tensor(np.asarray(data["y"]), dtype=torch.int64).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr)
    model.train()
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    return model


def evaluate(model, x, y, device):
    """(mean cross-entropy, accuracy) in eval mode without autograd (as in baseline.py)."""
    model = model.to(device)
    model.eval()
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(x), dtype=torch.float32).to(device)
        y = torch.as_tensor(np.asarray(y), dtype=torch.int64).to(device)
        logits = model(x)
        return (float(nn.functional.cross_entropy(logits, y)),
                float((logits.argmax(dim=1) == y).float().mean()))


def sweep(data, widths, steps=4000, lr=0.005, device="cpu", seed=0):
    """Train one model per width (torch.manual_seed(seed) before make_mlp2(w)) and measure it.

    Returns a dict of lists, one entry per width, in the order given: "width", "params"
    (parameter_count), "train_loss", "train_acc", "test_loss", "test_acc" (on the data as
    given: noisy training labels, clean test labels), plus "device" (a string).
    """
    out = {"width": [], "params": [], "train_loss": [], "train_acc": [], "test_loss": [],
           "test_acc": []}
    device_used = str(device)
    for w in widths:
        torch.manual_seed(seed)
        model = make_mlp2(w)
        model = train_full_batch(model, data, steps=steps, lr=lr, device=device)
        train_loss, train_acc = evaluate(model, data["x"], data["y"], device)
        test_loss, test_acc = evaluate(model, data["x_test"], data["y_test"], device)
        out["width"].append(int(w))
        out["params"].append(parameter_count(w))
        out["train_loss"].append(train_loss)
        out["train_acc"].append(train_acc)
        out["test_loss"].append(test_loss)
        out["test_acc"].append(test_acc)
        device_used = str(next(model.parameters()).device)
    out["device"] = device_used
    return out


def main(argv=None):
    from data import noisy_mnist1d

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the notes' 10,000 / 5,000 sweep")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="double_descent.png")
    args = parser.parse_args(argv)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.full:
        n_train, n_test, steps, widths = 10000, 5000, 4000, WIDTHS_FULL
    else:
        n_train, n_test, steps = 2000, 1000, 2000
        widths = (6, 12, 18, 24, 28, 32, 40, 64, 128)
    data = noisy_mnist1d(n_train, n_test, fraction=0.15, seed=args.seed)
    print(f"{n_train} / {n_test} examples, 15 % noisy training labels, {steps} full-batch "
          f"Adam steps, device {device}; interpolation threshold at width "
          f"{interpolation_width(n_train)}")
    results = {}
    for width in widths:
        start = time.perf_counter()
        res = sweep(data, [width], steps, 0.005, device, args.seed)
        for key, values in res.items():
            if key != "device":
                results.setdefault(key, []).extend(values)
        print(f"  width {width:4d}  params {res['params'][0]:7d}  train acc "
              f"{res['train_acc'][0]:.3f}  test acc {res['test_acc'][0]:.3f}  test loss "
              f"{res['test_loss'][0]:.3f}  ({time.perf_counter() - start:.0f} s)", flush=True)
    from plots import plot_double_descent

    plot_double_descent(results, n_train, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
