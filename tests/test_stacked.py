"""The stacked fast path of the measuring experiments is the reference's one-at-a-time runs.

autograder/experiments/stacked.py trains many MLPs as one zero-padded model. Each test
compares with the reference solution itself (same seeds, same builders) over a few steps,
before float rounding, amplified by training, makes single runs drift apart (a 1e-7 nudge of
the inputs does the same to two naive runs after a few hundred steps; the benchmark shows it).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from autograder.experiments import stacked
from autograder.experiments.reference import reference_module
from autograder.paths import CoursePaths

SOLUTION = CoursePaths().load("measuring").solution


def reference(name: str):
    return reference_module(SOLUTION, name)


@pytest.fixture(scope="module")
def dd():
    return reference("double_descent")


@pytest.fixture(scope="module")
def small_data():
    rng = np.random.default_rng(5)
    x, x_test = rng.normal(size=(300, 40)), rng.normal(size=(200, 40))
    weights = rng.normal(size=(40, 10))
    return {"x": x, "y": np.argmax(x @ weights + rng.normal(size=(300, 10)), 1),
            "x_test": x_test, "y_test": np.argmax(x_test @ weights, 1)}


def test_plan_groups_covers_every_width_once():
    widths = [300, 10, 20, 10, 85, 78]
    for groups in (None, 1, 2, 6):
        plan = stacked.plan_groups(widths, 10000, groups)
        assert sorted(i for group in plan for i in group) == list(range(len(widths)))
        if groups:
            assert len(plan) == groups
        for group in plan:  # neighbours only: groups do not interleave in width
            assert [widths[i] for i in group] == sorted(widths[i] for i in group)
    # one huge and one tiny model: padding the tiny one to 300 costs more than a second group
    assert len(stacked.plan_groups([4, 300], 10000)) == 2
    # a dozen tiny ones: one group (the per-step overhead dominates)
    assert len(stacked.plan_groups(list(range(2, 14)), 1000)) == 1
    with pytest.raises(ValueError):
        stacked.plan_groups([1, 2], 100, groups=3)


def test_forward_is_each_models_forward(dd):
    torch.manual_seed(0)
    models = [dd.make_mlp2(w) for w in (3, 11, 6)]
    net = stacked.StackedMLP(models)
    x = torch.randn(17, 40)
    shared = net(x.T.contiguous())
    per_model = net(torch.stack([x.T] * 3))
    for k, model in enumerate(models):
        expected = model(x).detach()
        assert torch.allclose(shared[k].T.detach(), expected, atol=1e-5)
        assert torch.allclose(per_model[k].T.detach(), expected, atol=1e-5)
    with pytest.raises(ValueError, match="same number of nn.Linear"):
        stacked.StackedMLP([dd.make_mlp2(3), torch.nn.Sequential(torch.nn.Linear(40, 10))])


def test_sweep_matches_the_reference_sweep(dd, small_data):
    widths = (5, 2, 16, 9)
    naive = dd.sweep(small_data, widths, 25, 0.005, "cpu", 3)
    fast = stacked.sweep(small_data, widths, dd.make_mlp2, dd.parameter_count, 25, 0.005,
                         "cpu", 3, groups=2)
    assert fast["width"] == list(widths) and fast["params"] == naive["params"]
    assert fast["device"] == "cpu" and len(fast["groups"]) == 2
    for key in ("train_loss", "test_loss"):
        np.testing.assert_allclose(fast[key], naive[key], atol=2e-5)
    for key in ("train_acc", "test_acc"):
        np.testing.assert_allclose(fast[key], naive[key], atol=1.5 / 200)


def test_compiled_sweep_matches_the_eager_one(dd, small_data):
    widths = (4, 11)
    eager = stacked.sweep(small_data, widths, dd.make_mlp2, dd.parameter_count, 15, 0.005,
                          "cpu", 1, groups=1)
    lines: list[str] = []
    fused = stacked.sweep(small_data, widths, dd.make_mlp2, dd.parameter_count, 15, 0.005,
                          "cpu", 1, groups=1, compiled=True, progress=lines.append)
    assert fused["compiled"] and not eager["compiled"]
    assert not [line for line in lines if "failed" in line], lines  # it did compile
    np.testing.assert_allclose(fused["test_loss"], eager["test_loss"], atol=2e-5)
    np.testing.assert_allclose(fused["train_loss"], eager["train_loss"], atol=2e-5)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_padded_weights_stay_exactly_zero(dd, small_data, optimizer):
    torch.manual_seed(1)
    net = stacked.StackedMLP([dd.make_mlp2(w) for w in (2, 7)])
    params = net.parameters()
    opt = (torch.optim.Adam(params, lr=0.05) if optimizer == "adam"
           else torch.optim.SGD(params, lr=0.5))
    x = torch.as_tensor(small_data["x"], dtype=torch.float32).T.contiguous()
    y = torch.as_tensor(small_data["y"])
    for _ in range(30):
        opt.zero_grad()
        stacked.summed_loss(net(x), y).backward()
        opt.step()
    w1, w2, w3 = net.weights
    assert torch.count_nonzero(w1[0, 2:]) == 0 and torch.count_nonzero(net.biases[0][0, 2:]) == 0
    assert torch.count_nonzero(w2[0, 2:]) == 0 and torch.count_nonzero(w2[0, :, 2:]) == 0
    assert torch.count_nonzero(w3[0, :, 2:]) == 0
    assert torch.count_nonzero(w2[1]) > 40  # the wide model did train


def test_seeds_match_train_mlp():
    baseline, data_mod = reference("baseline"), reference("data")
    data = data_mod.load_mnist1d(n_train=400, n_test=200)
    naive = [baseline.train_mlp(data, "cpu", seed=s, steps=10) for s in (0, 4)]
    fast = stacked.seeds(data, [0, 4], baseline.make_mlp, steps=10)
    for a, b in zip(naive, fast):
        assert a["steps"] == b["steps"] == 10 and a["lr"] == b["lr"]
        for key in ("train_loss", "test_loss", "train_acc", "test_acc"):
            np.testing.assert_allclose(b[key], a[key], atol=2e-5)


def test_experiment_cli_writes_figure_and_numbers(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    out = tmp_path / "dd.png"
    result = CliRunner().invoke(main, ["experiment", "double-descent", "--device", "cpu",
                                       "--widths", "3,9", "--steps", "4", "--no-compile",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    numbers = json.loads(out.with_suffix(".json").read_text())
    assert numbers["width"] == [3, 9] and numbers["steps"] == 4 and numbers["device"] == "cpu"
    assert len(numbers["test_acc"]) == 2 and out.stat().st_size > 10_000
    assert "width    9" in result.output
    bad = CliRunner().invoke(main, ["experiment", "double-descent", "--widths", "3,x"])
    assert bad.exit_code == 2 and "whole numbers" in bad.output


def test_grader_zip_leaves_the_staff_experiments_out():
    from autograder.build.otter_zip import package_files

    names = [arcname for _, arcname in package_files("measuring", with_quizzes=False)]
    assert any(name.endswith("engine/grade.py") for name in names)
    assert not [name for name in names if "/experiments/" in name or "/audit/" in name
                or "/batch/" in name]


def test_experiment_cli_baseline_seeds(tmp_path):
    from click.testing import CliRunner

    from autograder.cli import main

    out = tmp_path / "curves.png"
    result = CliRunner().invoke(main, ["experiment", "baseline", "--device", "cpu", "--seeds",
                                       "0,7", "--steps", "45", "--init", "he", "--out", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads(out.with_suffix(".json").read_text())
    assert record["seeds"] == [0, 7] and record["init"] == "he"
    assert [h["steps"] for h in record["histories"]] == [45, 45]
    assert len(record["histories"][0]["test_acc"]) == 2  # 40 steps per epoch on 4,000 examples
    assert "seed 7 (he init, cpu)" in result.output and out.stat().st_size > 10_000


@pytest.mark.gpu
def test_stacked_runs_match_the_reference_on_a_gpu(dd, small_data):
    if not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    widths = (5, 2, 16, 9)
    naive = dd.sweep(small_data, widths, 25, 0.005, "cuda", 3)
    fast = stacked.sweep(small_data, widths, dd.make_mlp2, dd.parameter_count, 25, 0.005,
                         "cuda", 3)
    assert fast["device"] == "cuda" and len(fast["groups"]) == 1  # a GPU stacks all widths
    np.testing.assert_allclose(fast["test_loss"], naive["test_loss"], atol=1e-4)
    baseline, data_mod = reference("baseline"), reference("data")
    data = data_mod.load_mnist1d(n_train=400, n_test=200)
    one = baseline.train_mlp(data, "cuda", seed=2, steps=10)
    both = stacked.seeds(data, [2, 3], baseline.make_mlp, steps=10, device="cuda")
    np.testing.assert_allclose(both[0]["test_loss"], one["test_loss"], atol=1e-4)


def test_grading_leaves_torch_defaults_alone(dd, small_data):
    """A grading in this process (batch workers, tests) must not change what runs next: the
    oracle computes in float64 by construction, not by torch's process-wide default dtype."""
    from autograder.engine import grade

    paths = CoursePaths()
    backprop = paths.load("backprop")
    result = grade(backprop, backprop.solution)
    assert result.score == result.max_score and result.device in ("cpu", "cuda")
    assert torch.get_default_dtype() == torch.float32
    fast = stacked.sweep(small_data, (3, 5), dd.make_mlp2, dd.parameter_count, 2, 0.005, "cpu")
    assert len(fast["test_loss"]) == 2
