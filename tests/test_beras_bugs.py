"""The issue's twelve Beras mistakes, graded through `otter run` on the built zip, score what
the engine scores (partial credit) and name the broken component. The engine-level contract for
every corpus bug is in test_assignment_graders.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import apply_bug, load_bugs, zip_folder

CORPUS = Path(__file__).parent / "corpus" / "beras" / "bugs.yaml"
BUGS = {bug["id"]: bug for bug in load_bugs(CORPUS)}
# The twelve mistakes named in the issue, also graded through `otter run` on the built zip.
THROUGH_OTTER = ["softmax_no_max_shift", "cce_no_clipping", "dense_weight_grad_mean_over_batch",
                 "dense_weight_grad_transposed", "leaky_relu_slope_wrong_side",
                 "sigmoid_grad_from_input", "adam_no_bias_correction", "rmsprop_eps_inside_sqrt",
                 "onehot_first_appearance_order", "accuracy_on_probabilities",
                 "xavier_fan_in_only", "tape_does_not_enqueue_inputs"]


def test_corpus_is_large_and_covers_the_issue_list():
    assert len(BUGS) >= 12 and set(THROUGH_OTTER) <= set(BUGS)


@pytest.mark.slow
@pytest.mark.parametrize("bug_id", THROUGH_OTTER)
def test_buggy_submission_through_otter_run(bug_id, beras, grader_zip, grade_beras, tmp_path):
    from test_otter_e2e import otter_run

    folder = apply_bug(beras.solution, BUGS[bug_id], tmp_path / "sub")
    doc = otter_run(grader_zip, zip_folder(folder, tmp_path / "sub.zip"), tmp_path / "out")
    expected = grade_beras(folder)
    assert doc["score"] == pytest.approx(expected.score) and 0 < doc["score"] < 60
    comp = next(c for c in expected.components if c.id == BUGS[bug_id]["component"])
    entry = next(t for t in doc["tests"] if t["name"] == comp.title)
    assert entry["score"] < entry["max_score"]
    failing = next(c for c in comp.checks if c.message)
    assert failing.message.split(":")[0] in entry["output"]
