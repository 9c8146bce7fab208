"""Shared fixtures: the course paths, the Beras assignment, cached grading and submission makers."""

from __future__ import annotations

import shutil
import zipfile
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


def zip_folder(src: Path, out: Path, prefix: str = "", only: list[str] | None = None) -> Path:
    """Zip `src` (or the listed relative paths) under `prefix` inside the archive."""
    with zipfile.ZipFile(out, "w") as zf:
        for path in sorted(src.rglob("*")):
            rel = path.relative_to(src).as_posix()
            if path.is_file() and "__pycache__" not in rel and (only is None or rel in only):
                zf.write(path, prefix + rel)
    return out


def copy_solution(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "tests"))
    return dest
