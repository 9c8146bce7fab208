"""The README quotes facts generated from the YAML; they must not drift."""

from __future__ import annotations

import ast

from autograder.report.docs import points_table, public_checks_table


def test_readme_points_tables_match_the_yaml(paths):
    readme = (paths.root / "README.md").read_text()
    for name in paths.assignment_names():
        assert points_table(paths.load(name)) in readme, (
            f"README is stale: paste `python -m autograder table {name}`")


def test_readme_public_checks_table_matches_the_yaml(paths):
    readme = (paths.root / "README.md").read_text()
    table = public_checks_table([paths.load(n) for n in paths.assignment_names()])
    assert table in readme, "README is stale: paste `python -m autograder table --public`"


def test_handout_target_accuracy_matches_the_grader(beras):
    tree = ast.parse((beras.solution / "assignment.py").read_text())
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value,
                                                                             ast.Constant)}
    target = beras.component("training").checks[0].params["target_accuracy"]
    assert constants["TARGET_TEST_ACCURACY"] == target


def _plain(text: str) -> str:
    """Lower case, without markdown emphasis or code marks, whitespace collapsed."""
    return " ".join(text.replace("`", "").replace("*", "").lower().split())


def test_every_convention_a_suite_relies_on_is_stated_in_its_handout(paths):
    import importlib

    checked = 0
    for name in paths.assignment_names():
        assignment = paths.load(name)
        conventions = getattr(importlib.import_module(assignment.suite + ".checks"),
                              "HANDOUT_CONVENTIONS", ())
        handout = paths.handout(name)
        text = _plain("\n".join(p.read_text() for p in sorted(handout.rglob("*"))
                                if p.suffix in (".md", ".py") and "tests" not in p.parts))
        for phrase in conventions:
            assert _plain(phrase) in text, f"{name}: the handout does not state {phrase!r}"
            checked += 1
    assert checked >= 10
