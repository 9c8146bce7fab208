"""The contract every assignment's grader keeps (each assignment in assignments/):

reference -> full marks; skeleton -> 0 with "not implemented" feedback; the committed handout
is what the build generates from the solution; the public tests pass on the reference; every
bug of tests/corpus/<assignment>/bugs.yaml -> partial credit, lost in its own component, with
feedback that names it (the bug's `message`, when given, appears in a failing check).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autograder.build.skeleton import build_skeleton
from autograder.paths import CoursePaths
from autograder.report import to_gradescope, validate
from helpers import apply_bug, load_bugs

PATHS = CoursePaths()
NAMES = PATHS.assignment_names()
CORPUS = Path(__file__).parent / "corpus"
# measuring's 14 bugs train torch models (~30 s per grading): tests/test_measuring_grading.py
# grades them in combined submissions instead of one by one.
OWN_CORPUS_TEST = {"measuring"}
BUG_CASES = [(name, bug) for name in NAMES if (CORPUS / name / "bugs.yaml").is_file()
             and name not in OWN_CORPUS_TEST for bug in load_bugs(CORPUS / name / "bugs.yaml")]


INDEPENDENT = [(name, impl) for name in NAMES
               for impl in sorted((CORPUS / name / "independent").glob("*")) if impl.is_dir()]


def failures(result) -> list[tuple[str, str]]:
    return [(c.key, c.message) for comp in result.components for c in comp.checks if c.message]


@pytest.fixture(scope="session")
def graded(shared_grade):
    """graded(name, folder): each distinct (assignment, submission) graded once per test run."""
    return lambda name, folder: shared_grade(PATHS.load(name), Path(folder))


@pytest.mark.parametrize("name", NAMES)
def test_reference_solution_gets_full_marks(name, graded):
    assignment = PATHS.load(name)
    result = graded(name, assignment.solution)
    assert failures(result) == []
    assert result.score == result.max_score == assignment.points > 0
    validate(to_gradescope(result))


@pytest.mark.parametrize("name", NAMES)
def test_skeleton_gets_zero_with_not_implemented_feedback(name, graded):
    result = graded(name, PATHS.handout(name))
    assert result.score == 0
    for key, message in failures(result):
        assert "not implemented yet" in message, (key, message)
        assert "Traceback" not in message and "autograder/" not in message
    validate(to_gradescope(result))


@pytest.mark.parametrize("name", NAMES)
def test_committed_handout_matches_the_solution(name, tmp_path):
    assignment = PATHS.load(name)
    files = assignment.submission.files + assignment.submission.provided
    build_skeleton(assignment.solution, tmp_path, files)
    for rel in files:
        assert (PATHS.handout(name) / rel).read_text() == (tmp_path / rel).read_text(), (
            f"{rel} is stale: run `python -m autograder build {name} --skeleton-only`")
    public = assignment.solution / "tests" / "test_public.py"
    assert public.is_file(), f"{name} has no public tests"
    assert (PATHS.handout(name) / "tests" / "test_public.py").read_text() == public.read_text()


@pytest.mark.parametrize("name", NAMES)
def test_public_tests_pass_on_the_reference_and_fail_on_the_skeleton(name):
    def run(folder: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                               "--rootdir", str(folder), str(folder / "tests")],
                              capture_output=True, text=True, timeout=300)

    reference = run(PATHS.load(name).solution)
    assert reference.returncode == 0, reference.stdout[-3000:]
    assert run(PATHS.handout(name)).returncode == 1


@pytest.mark.parametrize("name", sorted({n for n, _ in BUG_CASES}))
def test_corpus_is_well_formed(name):
    bugs = [bug for n, bug in BUG_CASES if n == name]
    ids = [b["id"] for b in bugs]
    assert len(ids) == len(set(ids)) >= 6
    components = {c.id for c in PATHS.load(name).components}
    for bug in bugs:
        assert bug["component"] in components, bug["id"]
        assert bug["description"] and bug["edits"], bug["id"]


@pytest.mark.parametrize("name, bug", BUG_CASES, ids=[f"{n}-{b['id']}" for n, b in BUG_CASES])
def test_bug_gets_partial_credit_in_its_component(name, bug, graded, tmp_path):
    assignment = PATHS.load(name)
    result = graded(name, apply_bug(assignment.solution, bug, tmp_path / "sub"))
    assert 0 < result.score < result.max_score, (result.score, failures(result))
    comp = next(c for c in result.components if c.id == bug["component"])
    assert comp.score < comp.max_score, (bug["id"], failures(result))
    messages = [c.message for c in comp.checks if c.message]
    assert messages and all(len(m) > 20 for m in messages)
    if bug.get("message"):
        assert any(bug["message"] in m for m in messages), (bug["id"], messages)
    entry = next(t for t in to_gradescope(result)["tests"] if t["name"] == comp.title)
    assert entry["score"] < entry["max_score"] and "✗" in entry["output"]


@pytest.mark.parametrize("name, impl", INDEPENDENT,
                         ids=[f"{n}-{i.name}" for n, i in INDEPENDENT])
def test_independent_implementation_gets_full_marks(name, impl, graded):
    """Correct code written from the student handout alone, by someone who never saw the
    reference or the checks (tests/corpus/<a>/independent/): the grader must accept it."""
    result = graded(name, impl)
    assert failures(result) == [] and result.score == result.max_score, failures(result)


def test_every_assignment_has_two_independent_implementations():
    for name in NAMES:
        assert sum(1 for n, _ in INDEPENDENT if n == name) >= 2, name


# measuring's reference is graded in this configuration by tests/test_notebooks.py, through
# the whole emulated Gradescope (its notebook edition): 26 s of make test's budget saved here.
GRADED_ON_GRADESCOPE_ELSEWHERE = {"measuring"}


@pytest.mark.parametrize("name", [n for n in NAMES if n not in GRADED_ON_GRADESCOPE_ELSEWHERE])
def test_reference_full_marks_in_gradescopes_sandbox_configuration(name, tmp_path):
    """Gradescope runs the grader as root without namespaces (Docker refuses unshare): the
    uid drop alone (AG_SANDBOX_LAYERS=uid). Every reference keeps full marks there."""
    import json
    import os

    if os.geteuid() != 0:
        pytest.skip("the uid drop needs root")
    env = {**os.environ, "AG_SANDBOX_LAYERS": "uid"}
    out = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", name,
                           str(PATHS.load(name).solution), "--results", str(out), "--staff"],
                          cwd=PATHS.root, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    doc = json.loads(out.read_text())
    assert doc["score"] == PATHS.load(name).points, proc.stdout[-3000:]
    assert "private mount/pid/network namespaces: off" in proc.stdout
