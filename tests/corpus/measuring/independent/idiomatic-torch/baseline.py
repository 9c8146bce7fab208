"""Part 2: train and test performance of the notes' MNIST-1D MLP (40-100-100-10).

The setup of the notes: two hidden layers of 100 ReLU units, cross-entropy loss, SGD with
learning rate 0.1 and batches of 100 (reshuffled every epoch), StepLR halving the learning rate
every 10 epochs, 6000 steps (= 150 epochs of 40 batches on 4000 examples). After every epoch
we measure the loss and accuracy on the whole training set and on the whole test set.

    python baseline.py --seeds 0 1 2 [--init he] [--out curves.png]

Conventions (graded):
  * `device` is a string chosen by the caller ("cuda" or "cpu"); move the model and the data
    there with .to(device) and never hard-code a device;
  * make_mlp(hidden, init) returns nn.Sequential(Linear(40, h), ReLU(), Linear(h, h), ReLU(),
    Linear(h, 10)); init="default" keeps PyTorch's initialization, init="he" draws every weight
    with nn.init.kaiming_normal_(w, nonlinearity="relu") (variance 2 / fan_in) and zeroes the
    biases;
  * evaluate() measures a model without training it: model.eval() (dropout off, batch-norm
    running statistics) and torch.no_grad() (no autograd graph), loss = mean cross-entropy;
  * train_mlp() seeds everything from `seed` (torch.manual_seed and a torch.Generator for the
    shuffling), so the same seed gives the same curves on the same device;
  * history["lr"][e] is the learning rate used during epoch e: StepLR steps once per EPOCH.
"""

import argparse
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

D_IN, D_OUT = 40, 10


def make_mlp(hidden=100, init="default", d_in=D_IN, d_out=D_OUT):
    """The notes' MLP: d_in -> hidden -> hidden -> d_out with ReLUs (15,210 parameters for 100)."""
    model = nn.Sequential(
        nn.Linear(d_in, hidden),
        nn.ReLU(),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Linear(hidden, d_out),
    )
    if init == "he":
        for layer in model:
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
                nn.init.zeros_(layer.bias)
    elif init != "default":
        raise ValueError(f"unknown init {init!r}")
    return model


def count_parameters(model):
    """The number of trainable parameters (entries of tensors with requires_grad), as an int."""
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))


def evaluate(model, x, y, device):
    """(mean cross-entropy loss, accuracy) of `model` on (x, y), both Python floats.

    x: float tensor (n, 40), y: int64 tensor (n,), both possibly on the CPU; move them (and the
    model) to `device`. Evaluate in eval mode and without building an autograd graph.
    """
    model = model.to(device)
    model.eval()
    with torch.no_grad():
        x, y = x.to(device), y.to(device)
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        accuracy = (logits.argmax(dim=1) == y).float().mean()
    return float(loss), float(accuracy)


def as_tensors(data, device):
    """The dataset dict as float32 / int64 tensors on `device`."""
    return (torch.as_tensor(np.asarray(data["x"]), dtype=torch.float32).to(device),
            torch.as_tensor(np.asarray(data["y"]), dtype=torch.int64).to(device),
            torch.as_tensor(np.asarray(data["x_test"]), dtype=torch.float32).to(device),
            torch.as_tensor(np.asarray(data["y_test"]), dtype=torch.int64).to(device))


def train_mlp(data, device, seed=0, steps=6000, lr=0.1, batch_size=100, lr_step_epochs=10,
              gamma=0.5, init="default", hidden=100):
    """Train make_mlp(hidden, init) on data["x"], data["y"] with the notes' SGD + StepLR setup.

    One step = one mini-batch of `batch_size` examples; one epoch = one pass over a fresh
    shuffle of the TRAINING set (the last epoch may stop early when `steps` runs out). Only
    data["x"], data["y"] are used for training; the test set is only evaluated.
    Returns a dict of per-epoch lists: "train_loss", "train_acc", "test_loss", "test_acc",
    "lr" (the rate used during that epoch); and "steps" (steps taken), "device" (str of the
    device the parameters ended on).
    """
    torch.manual_seed(seed)
    model = make_mlp(hidden, init).to(device)
    x_train, y_train, x_test, y_test = as_tensors(data, device)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=lr_step_epochs,
                                                gamma=gamma)
    history = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": [], "lr": []}
    taken = 0
    while taken < steps:
        history["lr"].append(scheduler.get_last_lr()[0])
        model.train()
        for xb, yb in loader:
            if taken >= steps:
                break
            optimizer.zero_grad()
            loss_fn(model(xb), yb).backward()
            optimizer.step()
            taken += 1
        scheduler.step()
        train_loss, train_acc = evaluate(model, x_train, y_train, device)
        test_loss, test_acc = evaluate(model, x_test, y_test, device)
        history["train_loss"].append(train_loss)
        history["train_acc"].append(train_acc)
        history["test_loss"].append(test_loss)
        history["test_acc"].append(test_acc)
    history["steps"] = taken
    history["device"] = str(next(model.parameters()).device)
    return history


def main(argv=None):
    from data import load_mnist1d

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--init", choices=["default", "he"], default="default")
    parser.add_argument("--steps", type=int, default=6000)
    parser.add_argument("--out", default="curves.png")
    args = parser.parse_args(argv)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    data = load_mnist1d()
    histories = []
    for seed in args.seeds:
        start = time.perf_counter()
        hist = train_mlp(data, device, seed=seed, steps=args.steps, init=args.init)
        histories.append(hist)
        print(f"seed {seed} ({args.init} init, {device}): train acc {hist['train_acc'][-1]:.3f}"
              f", test acc {hist['test_acc'][-1]:.3f}, {time.perf_counter() - start:.1f} s")
    from plots import plot_training_curves

    plot_training_curves(histories, args.out, title=f"MNIST-1D MLP, {args.init} init "
                         f"({device})")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
