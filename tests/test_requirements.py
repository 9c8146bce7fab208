"""Per-assignment requirements: the YAML's `requirements:` key decides what the zip installs.

A numpy-only grader's zip installs no torch, mnist1d or matplotlib; each real assignment's zip
installs exactly what its YAML declares, and the YAML declares exactly what its grader imports
(suite, torch oracle, reference and given files), so nothing is missing on Gradescope.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from autograder.build.otter_zip import base_context, build_zip, lean_context, render_lean
from autograder.build.requirements import BASE, PINS, TORCH, check_requirements, needed
from autograder.config import ConfigError, Requirements, load_assignment
from autograder.paths import CoursePaths

PATHS = CoursePaths()
WEAK = Path(__file__).parent / "audit_fixtures" / "weak"
OPTIONAL = ("torch", "mnist1d", "matplotlib")

# What each grader really needs on Gradescope (see the comments in each assignment.yaml).
EXPECTED = {
    "backprop": Requirements(torch=True),  # torch autograd oracle; students numpy only
    "beras": Requirements(torch=True, packages=("mnist1d", "matplotlib")),
    "initialization": Requirements(torch=True, packages=("matplotlib",)),
    "measuring": Requirements(torch=True, packages=("mnist1d", "matplotlib")),
}


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def _yaml_with(tmp_path: Path, source: Path, block: str) -> Path:
    """A copy of `source` (an assignment.yaml) with `block` appended."""
    text = source.read_text()
    target = tmp_path / "assignment.yaml"
    target.write_text(text + "\n" + block + "\n")
    return target


def test_the_four_assignments_declare_what_their_graders_need():
    assert sorted(EXPECTED) == PATHS.assignment_names()
    for name, expected in EXPECTED.items():
        assignment = PATHS.load(name)
        assert assignment.requirements == expected, name
        # the suite, the torch oracle and the reference/given files import exactly this
        assert set(needed(assignment)) == expected.names(), name
        check_requirements(assignment)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_zip_requirements_txt_follows_its_yaml(name):
    assignment = PATHS.load(name)
    context = lean_context(assignment)
    want = list(BASE) + ([TORCH] if assignment.requirements.torch else [])
    want += [PINS.get(p, p) for p in assignment.requirements.packages]
    assert _lines(render_lean("requirements.txt", context)) == want
    setup = render_lean("setup.sh", context)
    assert ("download.pytorch.org/whl/cpu" in setup) == assignment.requirements.torch
    for package in OPTIONAL:
        declared = package in assignment.requirements.names()
        assert any(line.startswith(package) for line in want) == declared, (name, package)


def test_a_numpy_only_assignment_zip_installs_no_torch(tmp_path):
    weak = load_assignment(WEAK / "assignment.yaml", WEAK)
    assert weak.requirements == Requirements()  # no key: numpy and the engine only
    out = build_zip(weak, tmp_path / "autograder.zip")
    with zipfile.ZipFile(out) as zf:
        requirements = zf.read("requirements.txt").decode()
        setup = zf.read("setup.sh").decode()
    assert requirements == render_lean("requirements.txt", lean_context(weak))
    assert _lines(requirements) == list(BASE)
    for package in OPTIONAL:
        assert package not in requirements
    assert "download.pytorch.org" not in setup
    assert "pip install -r /autograder/source/requirements.txt" in setup


def test_quiz_graders_install_the_engine_packages_only():
    text = render_lean("requirements.txt", base_context("quiz q1"))
    assert _lines(text) == list(BASE)
    assert "download.pytorch.org" not in render_lean("setup.sh", base_context("quiz q1"))


def test_explicit_requirements_are_parsed(tmp_path):
    yaml_path = _yaml_with(tmp_path, WEAK / "assignment.yaml", (
        "requirements:\n  torch: true\n  packages: [mnist1d, 'scipy>=1.10,<2', "
        "'scikit-learn==1.5.0']"))
    a = load_assignment(yaml_path, WEAK)
    assert a.requirements.torch
    assert a.requirements.names() == {"torch", "mnist1d", "scipy", "scikit-learn"}
    lines = _lines(render_lean("requirements.txt", lean_context(a)))
    assert lines[len(BASE):] == [TORCH, PINS["mnist1d"], "scipy>=1.10,<2", "scikit-learn==1.5.0"]


@pytest.mark.parametrize("block, message", [
    ("requirements: [torch]", "requirements must be a mapping like {torch: true"),
    ("requirements: {torch: yes please}", "requirements.torch must be true or false"),
    ("requirements: {cuda: true}", "requirements: unknown key(s) ['cuda']"),
    ("requirements: {packages: mnist1d}", "requirements.packages must be a list"),
    ("requirements: {packages: [torch]}", "packages[0]: write 'torch: true' instead"),
    ("requirements: {packages: ['torch==2.5.1']}", "packages[0]: write 'torch: true' instead"),
    ("requirements: {packages: [numpy]}", "packages[0]: numpy is always installed"),
    ("requirements: {packages: [mnist1d, Mnist1D==0.0.2]}",
     "packages[1]: mnist1d is already listed as packages[0]"),
    ("requirements: {packages: ['--index-url http://evil/ x']}",
     "packages[0]: '--index-url http://evil/ x' is not a pip requirement"),
    ("requirements: {packages: ['git+https://example.com/x.git']}", "is not a pip requirement"),
    ("requirements: {packages: [3]}", "packages[0]: 3 is not a pip requirement"),
    ("torch_device: cuda", "torch_device 'cuda' needs torch"),
])
def test_bad_requirements_name_the_key(tmp_path, block, message):
    yaml_path = _yaml_with(tmp_path, WEAK / "assignment.yaml", block)
    with pytest.raises(ConfigError) as info:
        load_assignment(yaml_path, WEAK)
    assert message in str(info.value)
    assert str(yaml_path) in str(info.value)


def test_the_build_stops_when_the_grader_needs_an_undeclared_package(tmp_path):
    """Backprop's YAML without `requirements:`: its suite uses the torch oracle."""
    source = PATHS.assignment_yaml("backprop")
    text = source.read_text()
    start = text.index("requirements:")
    end = text.index("\n\n", start)
    target = tmp_path / "assignment.yaml"
    target.write_text(text[:start] + text[end + 2:])
    a = load_assignment(target, PATHS.root)
    assert a.requirements == Requirements()
    with pytest.raises(ConfigError, match=r"torch \(used by checks.py\)") as info:
        build_zip(a, tmp_path / "autograder.zip")
    assert "requirements: {torch: true}" in str(info.value)
    assert not (tmp_path / "autograder.zip").exists()
