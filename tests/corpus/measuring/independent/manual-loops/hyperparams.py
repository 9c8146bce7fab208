"""Part 5: choosing hyperparameters with a validation set, and testing once.

The notes' protocol: split the original training data into a training set and a validation
set; train one model per hyperparameter value (capacity, learning rate, ...) on the training
set; choose the value with the best validation score; report the test score of that one model,
once. The test set never influences training or the choice (adapting to the test set is a good
way to overfit it).

    python hyperparams.py [--widths 10 25 50 100 200] [--out validation.png]

Conventions (graded):
  * train_validation_split shuffles with np.random.default_rng(seed).permutation(n): the first
    round(val_fraction * n) indices of the permutation are the validation set, the rest the
    training set (rows of x and y stay aligned);
  * select_and_test calls fit(candidate, x_train, y_train) once per candidate (in order) and
    score(model, x, y) (higher is better) on the validation set for each, picks the highest
    validation score (the first one on ties), and calls score on the test set exactly once,
    for the chosen model. No refit on training + validation.
"""

import argparse

import numpy as np
import torch
from torch import nn


def train_validation_split(x, y, val_fraction=0.2, seed=0):
    """(x_train, y_train, x_val, y_val) from a seeded permutation of the rows (see above)."""
    n = len(y)
    perm = np.random.default_rng(seed).permutation(n)
    n_val = int(round(val_fraction * n))
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    return x[train_idx], y[train_idx], x[val_idx], y[val_idx]


def select_and_test(candidates, fit, score, data, val_fraction=0.2, seed=0):
    """Choose among `candidates` on a validation split of (data["x"], data["y"]); test once.

    fit(candidate, x, y) returns a trained model; score(model, x, y) returns a number (higher
    is better). Returns {"val_scores": list of floats (one per candidate), "best_index": int,
    "best": the chosen candidate, "test_score": float (score of that model on data["x_test"],
    data["y_test"])}.
    """
    x_train, y_train, x_val, y_val = train_validation_split(
        data["x"], data["y"], val_fraction=val_fraction, seed=seed)
    val_scores = []
    best_index, best_model = None, None
    for i, candidate in enumerate(candidates):
        model = fit(candidate, x_train, y_train)
        val_scores.append(float(score(model, x_val, y_val)))
        if best_index is None or val_scores[i] > val_scores[best_index]:  # first wins ties
            best_index, best_model = i, model
    if best_index is None:
        raise ValueError("select_and_test needs at least one candidate")
    test_score = float(score(best_model, data["x_test"], data["y_test"]))
    return {"val_scores": val_scores, "best_index": best_index,
            "best": candidates[best_index], "test_score": test_score}


def fit_mlp(hidden, x, y, device="cpu", seed=0, epochs=30, lr=0.1, batch_size=100):
    """A notes-style MLP (40 -> hidden -> hidden -> 10) trained with SGD + StepLR (given)."""
    from baseline import make_mlp

    torch.manual_seed(seed)
    model = make_mlp(hidden).to(device)
    x = torch.as_tensor(np.asarray(x), dtype=torch.float32).to(device)
    y = torch.as_tensor(np.asarray(y), dtype=torch.int64).to(device)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.5)
    generator = torch.Generator().manual_seed(seed)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(y), generator=generator).to(device)
        for start in range(0, len(y), batch_size):
            idx = order[start:start + batch_size]
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[idx]), y[idx]).backward()
            optimizer.step()
        scheduler.step()
    return model


def accuracy(model, x, y, device="cpu"):
    """Accuracy in eval mode without autograd (given)."""
    from baseline import evaluate

    return evaluate(model, torch.as_tensor(np.asarray(x), dtype=torch.float32),
                    torch.as_tensor(np.asarray(y), dtype=torch.int64), device)[1]


def main(argv=None):
    from data import load_mnist1d

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="+", default=[10, 25, 50, 100, 200])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="validation.png")
    args = parser.parse_args(argv)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    data = load_mnist1d()
    result = select_and_test(
        args.widths, lambda w, x, y: fit_mlp(w, x, y, device, args.seed),
        lambda m, x, y: accuracy(m, x, y, device), data, val_fraction=0.2, seed=args.seed)
    for width, score in zip(args.widths, result["val_scores"]):
        print(f"  width {width:4d}: validation accuracy {score:.3f}")
    print(f"chosen width {result['best']}: test accuracy {result['test_score']:.3f} ({device})")
    from plots import plot_validation

    plot_validation(args.widths, result, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
