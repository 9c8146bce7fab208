"""The README quotes facts generated from the YAML; they must not drift."""

from __future__ import annotations

import ast

from autograder.report.docs import points_table


def test_readme_points_tables_match_the_yaml(paths):
    readme = (paths.root / "README.md").read_text()
    for name in paths.assignment_names():
        assert points_table(paths.load(name)) in readme, (
            f"README is stale: paste `python -m autograder table {name}`")


def test_handout_target_accuracy_matches_the_grader(beras):
    tree = ast.parse((beras.solution / "assignment.py").read_text())
    constants = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name) and isinstance(n.value,
                                                                             ast.Constant)}
    target = beras.component("training").checks[0].params["target_accuracy"]
    assert constants["TARGET_TEST_ACCURACY"] == target
