"""The backprop grader: reference -> full marks, skeleton -> 0, every corpus bug -> partial
credit in its own component with feedback that names the mistake."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from autograder.build.skeleton import build_skeleton
from autograder.engine import grade

NAME = "backprop"
BUGS_FILE = Path(__file__).parent / "corpus" / NAME / "bugs.yaml"
BUGS = yaml.safe_load(BUGS_FILE.read_text())


@pytest.fixture(scope="module")
def assignment(paths):
    return paths.load(NAME)


@pytest.fixture(scope="module")
def reference_result(assignment):
    return grade(assignment, assignment.solution)


def failures(result) -> list[tuple[str, str]]:
    return [(c.key, c.message) for comp in result.components for c in comp.checks if c.message]


def apply_bug(solution: Path, bug: dict, dest: Path) -> Path:
    shutil.copytree(solution, dest, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    for edit in bug["edits"]:
        path = dest / edit["file"]
        text = path.read_text()
        assert text.count(edit["old"]) == 1, (bug["id"], edit["old"])
        path.write_text(text.replace(edit["old"], edit["new"]))
    return dest


def test_reference_solution_gets_full_marks(reference_result, assignment):
    assert failures(reference_result) == []
    assert reference_result.score == reference_result.max_score == assignment.points == 34


def test_skeleton_gets_zero_with_not_implemented_feedback(assignment, paths):
    result = grade(assignment, paths.handout(NAME))
    assert result.score == 0
    for comp in result.components:
        for chk in comp.checks:
            assert "not implemented yet" in chk.message, (chk.key, chk.message)
            assert "Traceback" not in chk.message and "autograder/" not in chk.message


def test_committed_handout_matches_the_solution(assignment, paths, tmp_path):
    build_skeleton(assignment.solution, tmp_path, assignment.submission.files)
    for rel in assignment.submission.files:
        assert (paths.handout(NAME) / rel).read_text() == (tmp_path / rel).read_text(), (
            f"{rel} is stale: run `python -m autograder build {NAME} --skeleton-only`")
    public = assignment.solution / "tests" / "test_public.py"
    assert (paths.handout(NAME) / "tests" / "test_public.py").read_text() == public.read_text()


def test_public_tests_pass_on_the_reference(assignment):
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(assignment.solution),
                           str(assignment.solution / "tests")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:]


def test_corpus_is_well_formed(assignment):
    ids = [b["id"] for b in BUGS]
    assert len(ids) == len(set(ids)) >= 6
    components = {c.id for c in assignment.components}
    for bug in BUGS:
        assert bug["component"] in components, bug["id"]
        assert bug["message"] and bug["description"] and bug["edits"], bug["id"]


@pytest.mark.parametrize("bug", BUGS, ids=[b["id"] for b in BUGS])
def test_bug_gets_partial_credit_with_named_feedback(bug, assignment, reference_result,
                                                     tmp_path):
    result = grade(assignment, apply_bug(assignment.solution, bug, tmp_path / "sub"))
    assert 0 < result.score < result.max_score, (result.score, failures(result))
    comp = next(c for c in result.components if c.id == bug["component"])
    assert comp.score < comp.max_score, (bug["id"], failures(result))
    messages = [c.message for c in comp.checks if c.message]
    assert any(bug["message"] in m for m in messages), (bug["id"], messages)
