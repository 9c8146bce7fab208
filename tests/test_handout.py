"""The student handout artifact (build/<a>/handout/ and handout.zip) holds exactly what the YAML
says students get: skeleton files, given files, public tests and HANDOUT.md (with a notebook
edition: the student notebook and export_pdf.py; with public checks: check.py and checker/,
tested in test_checker.py); never the YAML or anything else instructor-only."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from autograder.build.checker import CHECK_PY, FOLDER, PYTEST_FILE, checker_files
from autograder.build.handout import EXPORT_SOURCE, EXPORT_TOOL, build_handout
from autograder.build.pipeline import build_assignment
from autograder.config import ConfigError, load_assignment
from autograder.paths import CoursePaths

PATHS = CoursePaths()
NAMES = PATHS.assignment_names()


def _declared(name: str) -> list[str]:
    """What students get, straight from the YAML and the folders it names."""
    a = PATHS.load(name)
    tests = a.solution / "tests"
    public = [p.relative_to(a.solution).as_posix() for p in tests.rglob("*")
              if p.is_file() and "__pycache__" not in p.parts]
    text = ["HANDOUT.md"] if (PATHS.handout(name) / "HANDOUT.md").is_file() else []
    notebook = a.submission.notebook
    text += [notebook.file, EXPORT_TOOL] if notebook else []
    text += list(checker_files(a)) if a.public_check_keys() else []
    return sorted([*a.submission.files, *a.submission.provided, *public, *text])


def _checker(rel: str) -> bool:
    return rel in (CHECK_PY, PYTEST_FILE) or rel.startswith(f"{FOLDER}/")


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def handouts(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    out = tmp_path_factory.mktemp("handouts")
    return {name: build_handout(PATHS.load(name), PATHS.handout(name), out / name)
            for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_handout_holds_exactly_what_the_yaml_declares(handouts, name):
    folder, archive = handouts[name]
    declared = _declared(name)
    assert "tests/test_public.py" in declared
    assert _files(folder) == declared
    with zipfile.ZipFile(archive) as zf:
        assert sorted(zf.namelist()) == [f"{name}/{rel}" for rel in declared]
        for rel in declared:  # the zip and the folder carry the same bytes
            assert zf.read(f"{name}/{rel}") == (folder / rel).read_bytes()


@pytest.mark.parametrize("name", NAMES)
def test_handout_has_nothing_instructor_only(handouts, name):
    folder, _archive = handouts[name]
    a = PATHS.load(name)
    assert not list(folder.rglob("*.yaml")) and not list(folder.rglob("*.yml"))
    yaml_lines = {line.strip() for line in a.source.read_text().splitlines()
                  if line.strip().startswith(("seed:", "suite:", "solution:", "test_sample:",
                                              "min_score:", "slow_checks:"))}
    assert yaml_lines  # the YAML has them; no handout file may
    for rel in _files(folder):
        text = (folder / rel).read_text(encoding="utf-8")
        assert "### BEGIN SOLUTION" not in text, rel
        # the checker names the suite's public module only (test_checker: nothing hidden)
        assert a.suite not in text.replace(f"{a.suite}.public", ""), rel
        for line in yaml_lines:
            assert line not in text, (rel, line)


@pytest.mark.parametrize("name", NAMES)
def test_handout_matches_the_committed_skeleton(handouts, name):
    """Same student files as the committed assignments/<a>/ folder, minus its YAML."""
    folder, _archive = handouts[name]
    committed = PATHS.handout(name)
    for rel in _files(folder):
        if _checker(rel):  # built, not committed (the engine is not copied into assignments/)
            continue
        source = EXPORT_SOURCE if rel == EXPORT_TOOL else committed / rel
        assert (folder / rel).read_bytes() == source.read_bytes(), rel
    assert (committed / "assignment.yaml").is_file()  # the committed folder keeps it


def test_rebuilding_drops_stale_files_and_is_reproducible(tmp_path):
    a = PATHS.load("backprop")
    folder, archive = build_handout(a, PATHS.handout("backprop"), tmp_path)
    first = archive.read_bytes()
    (folder / "assignment.yaml").write_text("seed: 1\n")
    folder, archive = build_handout(a, PATHS.handout("backprop"), tmp_path)
    assert not (folder / "assignment.yaml").exists()
    assert archive.read_bytes() == first


def test_an_instructor_only_file_cannot_be_declared(tmp_path):
    source = PATHS.assignment_yaml("backprop")
    text = source.read_text().replace("    - gradcheck.py\n",
                                      "    - gradcheck.py\n  provided: [assignment.yaml]\n", 1)
    target = tmp_path / "assignment.yaml"
    target.write_text(text)
    a = load_assignment(target, PATHS.root)
    with pytest.raises(ConfigError, match="'assignment.yaml' cannot go in the student handout"):
        build_handout(a, PATHS.handout("backprop"), tmp_path / "out")


def test_build_skeleton_only_writes_the_handout_artifact(tmp_path):
    """`build --skeleton-only` (pipeline) writes build/<a>/handout/ and handout.zip."""
    paths = CoursePaths(tmp_path)
    (tmp_path / "assignments" / "beras").mkdir(parents=True)
    shutil.copy(PATHS.handout("beras") / "HANDOUT.md", tmp_path / "assignments" / "beras")
    lines = list(build_assignment(PATHS.load("beras"), paths, skeleton_only=True))
    assert any("student handout" in line for line in lines)
    assert _files(tmp_path / "build" / "beras" / "handout") == _declared("beras")
    assert (tmp_path / "build" / "beras" / "handout.zip").is_file()
    assert not (tmp_path / "build" / "beras" / "autograder.zip").exists()
