"""Shared fixtures: the course paths, the Beras assignment, cached grading and submission makers."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder.engine import grade
from autograder.paths import CoursePaths

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
def grade_beras(beras):
    """grade_beras(path) with a cache: each distinct submission is graded once per session."""
    cache = {}

    def run(path: Path):
        key = str(path)
        if key not in cache:
            cache[key] = grade(beras, Path(path))
        return cache[key]

    return run


@pytest.fixture(scope="session")
def grader_zip(beras, tmp_path_factory) -> Path:
    """The Beras Gradescope zip, built once per session."""
    from autograder.build.otter_zip import build_zip

    return build_zip(beras, tmp_path_factory.mktemp("zip") / "autograder.zip")
