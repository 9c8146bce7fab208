"""Public tests for the measuring-performance assignment: run `pytest tests/` in your handout.

Small, fast examples (about 20 s on a laptop CPU). Passing them is a good sign, not a guarantee:
the grader uses other sizes and seeds, trains your code on reduced configurations on its own
device (GPU when it has one, CPU otherwise), and checks trends that held for every seed of the
reference.

For the grader's own checks and messages on your code, run `python check.py [part]` in the
handout folder (`python check.py --list` lists the parts); `tests/test_public_checks.py`
runs them under pytest.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import baseline  # noqa: E402
import bias_variance as bv  # noqa: E402
import data  # noqa: E402
import double_descent as dd  # noqa: E402
import hyperparams  # noqa: E402
import plots  # noqa: E402

DEVICE = "cuda" if torch.cuda.is_available() else "cpu"


# -- part 1 ----------------------------------------------------------------------------------
def test_the_notes_split_has_4000_and_1000_examples():
    d = data.load_mnist1d()
    assert d["x"].shape == (4000, 40) and d["x_test"].shape == (1000, 40)
    assert d["y"].shape == (4000,) and set(np.unique(d["y"])) == set(range(10))


def test_small_split_lands_exactly_on_n_train():
    d = data.load_mnist1d(220, 80, seed=1)  # 300 * (220 / 300) is 219.99999999999997
    assert d["x"].shape == (220, 40) and d["x_test"].shape == (80, 40)


def test_corrupt_labels_changes_exactly_round_p_n_labels():
    y = np.arange(1000) % 10
    out = data.corrupt_labels(y, 0.15, seed=0)
    assert (out != y).sum() == 150
    assert np.array_equal(y, np.arange(1000) % 10), "the input must not change"
    assert np.array_equal(out, data.corrupt_labels(y, 0.15, seed=0))


# -- part 2 ----------------------------------------------------------------------------------
def test_the_notes_mlp_has_15210_parameters():
    assert baseline.count_parameters(baseline.make_mlp(100)) == 15210


def test_evaluate_does_not_train_or_track_gradients():
    model = torch.nn.Sequential(torch.nn.Linear(40, 8), torch.nn.Dropout(0.5),
                                torch.nn.Linear(8, 10))
    model.train()
    x, y = torch.randn(50, 40), torch.randint(0, 10, (50,))
    first = baseline.evaluate(model, x, y, DEVICE)
    assert first == baseline.evaluate(model, x, y, DEVICE), "dropout must be off (eval mode)"
    assert 0 <= first[1] <= 1


def test_learning_rate_halves_every_10_epochs():
    d = data.load_mnist1d(800, 200)  # 8 batches per epoch
    hist = baseline.train_mlp(d, DEVICE, seed=0, steps=8 * 21)
    assert np.allclose(hist["lr"], [0.1] * 10 + [0.05] * 10 + [0.025])
    assert len(hist["test_acc"]) == 21 and hist["train_loss"][-1] < hist["train_loss"][0]


# -- part 3 ----------------------------------------------------------------------------------
def test_features_have_joints_at_multiples_of_1_over_d():
    h = bv.toy_features(np.array([0.0, 0.5, 1.0]), 2)  # joints at 0 and 0.5
    assert np.allclose(h, [[0.0, 0.0], [0.5, 0.0], [1.0, 0.5]])


def test_fit_recovers_a_piecewise_linear_function_exactly():
    x = np.linspace(0.05, 0.95, 10)
    y = 1.0 + 2.0 * x - 3.0 * np.maximum(x - 0.5, 0)  # D = 2: bias 1, weights (2, -3)
    phi = bv.fit_toy_model(x, y, 2)
    assert np.allclose(phi, [1.0, 2.0, -3.0])
    assert np.allclose(bv.predict_toy_model(phi, x, 2), y)


def test_decomposition_by_hand():
    # two datasets, two grid points: f_mu = (1, 2); mu = (0, 2)
    pred = np.array([[0.0, 1.0], [2.0, 3.0]])
    out = bv.decompose(pred, np.array([0.0, 2.0]), sigma_y=0.5)
    assert np.isclose(out["variance"], 1.0)      # every prediction is 1 away from f_mu
    assert np.isclose(out["bias2"], 0.5)         # ((1 - 0)^2 + (2 - 2)^2) / 2
    assert np.isclose(out["noise"], 0.25) and np.isclose(out["total"], 1.75)


def test_simulation_closes_the_decomposition():
    res = bv.simulate(3, n_train=15, sigma_y=0.3, n_datasets=50, seed=0)
    assert abs(res["test_error"] - res["total"]) < 0.02


# -- part 4 ----------------------------------------------------------------------------------
def test_parameter_count_and_threshold():
    assert dd.parameter_count(100) == 15210
    assert sum(p.numel() for p in dd.make_mlp2(20).parameters()) == dd.parameter_count(20)
    assert dd.interpolation_width(10000) == 78


def test_full_batch_training_lowers_the_training_loss():
    d = data.noisy_mnist1d(200, 100, 0.15, seed=0)
    torch.manual_seed(0)
    model = dd.make_mlp2(16)
    before = dd.evaluate(model, d["x"], d["y"], DEVICE)[0]
    model = dd.train_full_batch(model, d, steps=50, lr=0.005, device=DEVICE)
    assert dd.evaluate(model, d["x"], d["y"], DEVICE)[0] < before


# -- part 5 ----------------------------------------------------------------------------------
def test_split_is_disjoint_and_complete():
    x, y = np.arange(100.0).reshape(50, 2), np.arange(50)
    x_tr, y_tr, x_val, y_val = hyperparams.train_validation_split(x, y, 0.2, seed=0)
    assert len(x_val) == 10 and len(x_tr) == 40
    assert sorted(np.concatenate([y_tr, y_val]).tolist()) == list(range(50))
    assert np.array_equal(x_tr[:, 0] // 2, y_tr)


def test_select_and_test_chooses_on_validation():
    d = {"x": np.arange(20.0)[:, None], "y": np.zeros(20), "x_test": np.full((5, 1), -1.0),
         "y_test": np.zeros(5)}
    calls = []

    def score(model, x, y):
        calls.append("test" if x[0, 0] < 0 else "val")
        return {1: 0.2, 2: 0.9, 3: 0.5}[model] if x[0, 0] >= 0 else 0.7

    res = hyperparams.select_and_test([1, 2, 3], lambda c, x, y: c, score, d)
    assert res["best"] == 2 and calls.count("test") == 1 and res["test_score"] == 0.7


# -- part 6 ----------------------------------------------------------------------------------
def test_plots_are_saved(tmp_path):
    hist = {"train_loss": [2, 1], "test_loss": [2, 1.5], "train_acc": [0.3, 0.6],
            "test_acc": [0.3, 0.5], "lr": [0.1, 0.1]}
    plots.plot_training_curves([hist], tmp_path / "curves.png")
    sweep = bv.sweep_capacity([1, 2, 3], n_datasets=10)
    plots.plot_bias_variance(sweep, tmp_path / "bv.png")
    res = {"params": [234, 1098, 7434], "train_acc": [0.4, 0.9, 1.0],
           "test_acc": [0.3, 0.25, 0.33], "train_loss": [1.6, 0.3, 0.0],
           "test_loss": [1.9, 13.0, 9.0]}
    plots.plot_double_descent(res, 1000, tmp_path / "dd.png")
    plots.plot_validation([1, 2], {"val_scores": [0.1, 0.2], "best_index": 1,
                                   "test_score": 0.15}, tmp_path / "val.png")
    for name in ("curves", "bv", "dd", "val"):
        assert (tmp_path / f"{name}.png").stat().st_size > 1000
