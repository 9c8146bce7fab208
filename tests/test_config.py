"""assignment.yaml is validated with errors that name the file and the key."""

from __future__ import annotations

import pytest
import yaml

from autograder.config import ConfigError, Visibility, load_assignment
from autograder.engine import load_suite


def write(tmp_path, data):
    path = tmp_path / "assignments" / "x" / "assignment.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data))
    return path


BASE = {"name": "x", "title": "X", "seed": 1, "solution": "solutions/x", "suite": "s",
        "submission": {"files": ["a.py"]},
        "components": [{"id": "c", "title": "C", "checks": {"k": {"points": 1, "title": "K"}}}]}


def test_every_assignment_yaml_loads_and_matches_its_suite(paths):
    for name in paths.assignment_names():
        assignment = paths.load(name)
        assert assignment.points > 0
        load_suite(assignment)  # raises if YAML and suite disagree


def test_minimal_yaml_loads_with_defaults(tmp_path):
    a = load_assignment(write(tmp_path, BASE))
    assert a.components[0].visibility is Visibility.VISIBLE
    assert a.points == 1 and a.check_keys() == ["c.k"]


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d.update(colour="red"), "unknown key(s) ['colour']"),
    (lambda d: d["components"][0].update(visibility="students"),
     "'students' is not one of 'visible', 'hidden', 'after_due_date', 'after_published'"),
    (lambda d: d["components"][0]["checks"]["k"].update(points=-1),
     "points must be a non-negative number, got -1"),
    (lambda d: d.pop("seed"), "missing required key 'seed'"),
    (lambda d: d.update(limits={"call_secs": 3}), "unknown key(s) ['call_secs']"),
    (lambda d: d["components"].append(d["components"][0]), "duplicate component id 'c'"),
])
def test_bad_yaml_is_rejected_with_file_and_key(tmp_path, mutate, message):
    data = yaml.safe_load(yaml.safe_dump(BASE))
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        load_assignment(path)
    assert message in str(err.value)
    assert str(path) in str(err.value)


def test_unknown_assignment_name_lists_the_known_ones(paths):
    with pytest.raises(ConfigError, match=r"'hw9' is not one of 'backprop', 'beras', "
                       r"'initialization'"):
        paths.load("hw9")
