"""Skeletons are generated from the solution's fences and the committed handout is up to date."""

from __future__ import annotations

import pytest

from autograder.build.skeleton import FenceError, strip_solutions

SOURCE = '''class Dense:
    def forward(self, x):
        """Docstring stays."""
        ### BEGIN SOLUTION
        return x @ self.w
        ### END SOLUTION
'''


def test_fenced_region_becomes_a_named_not_implemented_error():
    out = strip_solutions(SOURCE, "layers.py")
    assert '"""Docstring stays."""' in out
    assert 'raise NotImplementedError("Dense.forward: your code here")' in out
    assert "x @ self.w" not in out
    compile(out, "layers.py", "exec")


@pytest.mark.parametrize("text, message", [
    ("### BEGIN SOLUTION\nx = 1\n", "f.py:1: '### BEGIN SOLUTION' is never closed"),
    ("x = 1\n### END SOLUTION\n", "f.py:2: '### END SOLUTION' without a matching"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n", "f.py:2: '### BEGIN SOLUTION' inside another"),
])
def test_unbalanced_fences_name_file_and_line(text, message):
    with pytest.raises(FenceError, match=message):
        strip_solutions(text, "f.py")
