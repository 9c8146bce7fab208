"""Checks of the narrow fixture: `halves` insists on a list (too narrow), `total` is fair."""

from pathlib import Path

import numpy as np

from autograder.engine import Suite, expect, expect_array, expect_scalar

SUITE = Suite(probes=Path(__file__).with_name("probes.py"))


@SUITE.check("halves.values")
def halves_values(t):
    x = t.rng.normal(size=(6, 2))
    got = t.student("halves", x=x)
    expect(got["type"] == "list", f"halves(x) should return a list, got a {got['type']}")
    expect_array(got["parts"][0], x[:3], "the first half")
    expect_array(got["parts"][1], x[3:], "the second half")


@SUITE.check("total.value")
def total_value(t):
    x = t.rng.normal(size=(3, 4))
    expect_scalar(t.student("total", x=x), float(np.sum(x)), "total(x)")
