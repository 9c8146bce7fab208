"""Checks of the weak fixture: `double` exactly; softmax and mse far too leniently."""

from pathlib import Path

import numpy as np

from autograder.engine import Suite, expect, expect_array

SUITE = Suite(probes=Path(__file__).with_name("probes.py"))


@SUITE.check("double.exact")
def double_exact(t):
    x = t.rng.normal(size=(3, 4))
    expect_array(t.student("call", name="double", args=[x]), 2 * x, "double(x)")


@SUITE.check("softmax.rows")
def softmax_rows(t):
    z = t.rng.uniform(-1, 1, size=(4, 5))
    got = t.student("call", name="softmax", args=[z])
    expect(got.shape == z.shape and np.allclose(got.sum(axis=-1), 1.0),
           "softmax rows must sum to 1")


@SUITE.check("mse.zero")
def mse_zero(t):
    x = t.rng.normal(size=(4, 3))
    got = np.asarray(t.student("call", name="mse", args=[x, x]), dtype=float)
    expect(got.size == 1 and abs(float(got.reshape(-1)[0])) < 1e-12, "mse(x, x) must be 0")
