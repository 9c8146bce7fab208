"""Shared fixtures: the course paths, the Beras assignment, cached grading and submission makers."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from autograder.batch.export import content_hash
from autograder.engine import grade
from autograder.paths import CoursePaths
from batch_fixtures.common import locked, shared_root

PATHS = CoursePaths()
REPO = PATHS.root


@pytest.fixture(scope="session")
def paths() -> CoursePaths:
    return PATHS


@pytest.fixture(scope="session")
def beras():
    return PATHS.load("beras")


@pytest.fixture(scope="session")
def beras_reference(beras) -> Path:
    return beras.solution


@pytest.fixture(scope="session")
def shared_grade(tmp_path_factory, worker_id):
    """shared_grade(assignment, path): engine.grade, cached by content for this test run.

    The cache lives in this run's folder shared by the xdist workers, so a submission graded
    by one test module (say, every corpus bug in test_assignment_graders) is not graded again
    by another (the same bugs through `otter run`), even on the other worker; a per-key lock
    makes a second caller wait for the first instead of grading twice.
    """
    cache = shared_root(tmp_path_factory, worker_id) / "ag-grade-cache"
    cache.mkdir(exist_ok=True)

    def run(assignment, path: Path):
        path = Path(path)
        target = cache / f"{assignment.name}-{content_hash(path)}"
        with locked(target.with_suffix(".lock")):
            if target.is_file():
                return pickle.loads(target.read_bytes())  # written by this test run only
            result = grade(assignment, path)
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(result))
            tmp.replace(target)
            return result

    return run


@pytest.fixture(scope="session")
def grade_beras(beras, shared_grade):
    """grade_beras(path): each distinct Beras submission is graded once per test run."""
    return lambda path: shared_grade(beras, Path(path))


@pytest.fixture(scope="session")
def grader_zip(beras, tmp_path_factory) -> Path:
    """The Beras Gradescope zip, built once per session."""
    from autograder.build.otter_zip import build_zip

    return build_zip(beras, tmp_path_factory.mktemp("zip") / "autograder.zip")
