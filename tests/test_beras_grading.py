"""The Beras grader: reference -> full marks, skeleton -> 0, feedback names components."""

from __future__ import annotations

from autograder.report import to_gradescope, validate


def test_reference_solution_gets_full_marks(grade_beras, beras_reference):
    result = grade_beras(beras_reference)
    failed = [(c.key, c.message) for comp in result.components for c in comp.checks if c.message]
    assert failed == []
    assert result.score == result.max_score == 60


def test_skeleton_gets_zero_with_not_implemented_feedback(grade_beras, paths):
    result = grade_beras(paths.handout("beras"))
    assert result.score == 0
    for comp in result.components:
        for chk in comp.checks:
            assert "not implemented yet" in chk.message, (chk.key, chk.message)
            assert "Traceback" not in chk.message and "autograder/" not in chk.message


def test_results_json_validates_for_reference_and_skeleton(grade_beras, paths, beras_reference):
    for folder in (beras_reference, paths.handout("beras")):
        doc = to_gradescope(grade_beras(folder))
        validate(doc)
        staff = [t for t in doc["tests"] if t["visibility"] == "hidden"]
        assert len(staff) == 1 and "sandbox layers" in staff[0]["output"]
