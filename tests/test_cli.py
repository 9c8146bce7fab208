"""The command line: every verb has --help, errors are click-style, loose files are graded."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from autograder.cli import main


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.parametrize("verb", sorted(main.commands))
def test_every_verb_has_help(verb):
    result = invoke(verb, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_unknown_assignment_is_a_usage_error():
    result = invoke("grade", "hw9", ".")
    assert result.exit_code == 2
    assert ("Invalid value for 'ASSIGNMENT': 'hw9' is not one of 'backprop', 'beras', "
            "'initialization'") in result.output


def test_loose_files_are_graded_and_results_written(paths, tmp_path):
    solution = paths.load("backprop").solution
    out = tmp_path / "results.json"
    result = invoke("grade", "backprop", solution / "backprop.py", solution / "gradcheck.py",
                    "--results", out)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("backprop: 34 / 34")
    assert json.loads(out.read_text())["score"] == 34
    assert invoke("results-check", out).output.strip() == f"{out}: valid"


def test_two_folders_are_refused(paths):
    result = invoke("grade", "backprop", paths.handout("backprop"), paths.handout("beras"))
    assert result.exit_code == 2 and "is a folder: give one folder, one zip" in result.output


def test_show_lists_every_piece_of_an_assignment():
    from click.testing import CliRunner

    from autograder.cli import main

    result = CliRunner().invoke(main, ["show", "backprop"])
    assert result.exit_code == 0, result.output
    for piece in ("YAML (source of truth)", "reference solution", "public tests",
                  "hidden suite", "bug corpus", "independent implementations",
                  "student handout", "Gradescope zip"):
        assert piece in result.output
    assert "assignments/backprop/assignment.yaml" in result.output
    assert "autograder/suites/backprop" in result.output
    assert "loops, vectorized" in result.output
    bad = CliRunner().invoke(main, ["show", "nope"])
    assert bad.exit_code == 2 and "is not one of" in bad.output
