"""Answer functions reproduce the numbers in the course notes."""

import math

import pytest

from autograder.quizzes import answers as A


@pytest.mark.parametrize("call, expected", [
    (lambda: A.mlp_weight_count(10, [10, 10, 10], 4), 340),   # notes 003
    (lambda: A.mlp_weight_count(10, [20, 20, 20], 4), 1080),  # doubled width
    (lambda: A.mlp_weight_count(10, [10] * 6, 4), 640),       # doubled depth
    (lambda: A.mlp_param_count(10, [10] * 3, 4), 374),        # w(n + 1) per layer
    (lambda: A.mlp_param_count(40, [100, 100], 10), 15210),   # MNIST-1D MLP, notes 000
    (lambda: A.linear_regions(3, 2), 16),                     # (w + 1)^k, notes 002
    (lambda: A.deep_param_count(3, 1), 10),                   # 3w + 1 with k = 1
    (lambda: A.deep_param_count(3, 2), 22),                   # + (k - 1) w (w + 1)
    (lambda: A.he_variance(100), 0.02),                       # notes 001
    (lambda: A.he_compromise_variance(100, 300), 0.01),       # 4 / (D_h + D_h')
    (lambda: A.kaiming_uniform_bound(6), 1.0),                # sqrt(2) sqrt(3/fan_in)
    (lambda: A.glorot_uniform_bound(3, 3), 1.0),              # sqrt(6 / (n_in + n_out))
    (lambda: A.glorot_normal_std(1, 1), 1.0),                 # sqrt(2 / (n_in + n_out))
    (lambda: A.epochs_for_steps(6000, 4000, 100), 150),       # MNIST-1D SGD, notes 000
    (lambda: A.step_lr(0.1, 0.5, 10, 25), 0.025),
    (lambda: A.linear_scaled_lr(0.1, 256, 1024), 0.4),
    (lambda: A.condition_number(2, 50), 25),
    (lambda: A.graph_e_grad_b(2, 3), 9),
])
def test_formulas_match_the_notes(call, expected):
    assert call() == pytest.approx(expected)


@pytest.mark.parametrize("n, rounded", [(2, 0.693), (10, 2.3), (100, 4.6)])
def test_uniform_cross_entropy_matches_the_notes(n, rounded):
    assert A.uniform_cross_entropy(n) == pytest.approx(rounded, abs=0.01)


@pytest.mark.parametrize("logits, first", [
    ((1, 2), 0.2689), ((10, 20), 4.54e-5), ((11, 12), 0.2689), ((20, 30), 4.54e-5)])
def test_softmax_values_and_shift_invariance_match_the_notes(logits, first):
    assert A.softmax_first(logits) == pytest.approx(first, rel=1e-3)


def test_first_adam_step_moves_by_the_learning_rate_whatever_the_gradient():
    for g in (-4.0, 0.25, 3.0):
        assert A.adam_step(1.0, 0, 0, g, 1, 0.1) == pytest.approx(1.0 - 0.1 * math.copysign(1, g))


def test_adam_without_bias_correction_overshoots_by_sqrt_1000_over_10():
    mistake = A.ANSWER_FUNCTIONS["adam_step"].mistakes["no_bias_correction"]
    assert 1.0 - mistake.fn(1.0, 0, 0, 0.5, 1, 0.1) == pytest.approx(0.1 * math.sqrt(1000) / 10)


def test_momentum_step_follows_lecture_12():
    assert A.momentum_step(1.0, 0.5, 2.0, 0.9, 0.1) == pytest.approx(1.0 - 0.1 * 0.65)


def test_every_mistake_has_a_misconception_and_accepts_the_answer_arguments():
    for entry in A.ANSWER_FUNCTIONS.values():
        assert entry.mistakes, entry.name
        for mistake in entry.mistakes.values():
            assert mistake.misconception and mistake.name
