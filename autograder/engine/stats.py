"""Statistical checks for random draws, with tolerances from the sampling distribution."""

from __future__ import annotations

import math

import numpy as np

from .compare import CheckFailed, expect

KURTOSIS = {"normal": 3.0, "uniform": 1.8}
"""mu4 / sigma^4 of each distribution the checks draw from."""


def variance_matches(sample_var: float, var: float, n: int, kind: str) -> bool:
    """Whether a sample variance of n draws is within 6 standard errors of `var`."""
    return abs(sample_var - var) <= 6 * var * math.sqrt((KURTOSIS[kind] - 1.0) / n)


def check_distribution(w: np.ndarray, kind: str, var: float, what: str,
                       mistakes: dict[str, float] | None = None) -> None:
    """Mean, variance and kurtosis against theory, with tolerances of 6 standard errors.

    For n draws: SE(mean) = sigma/sqrt(n); SE(sample variance) = sqrt((mu4 - sigma^4)/n) with
    mu4 = 3 sigma^4 (normal) or 9/5 sigma^4 (uniform); SE(kurtosis) ~ sqrt(24/n) (normal),
    smaller for the uniform. Six SEs make a false failure rarer than 1e-8 per check.
    `mistakes` maps a message to the variance a known mistake gives: when the sample's variance
    is not `var` but matches one of them, the failure names that mistake.
    """
    n, sample_var = w.size, float(w.var())
    if not variance_matches(sample_var, var, n, kind):
        for message, wrong_var in (mistakes or {}).items():
            if not math.isclose(wrong_var, var, rel_tol=0.05) and variance_matches(
                    sample_var, wrong_var, n, kind):
                raise CheckFailed(f"{what}: variance {sample_var:.4g}, expected {var:.4g}; "
                                  f"{message}")
    sigma = np.sqrt(var)
    kurt_theory = KURTOSIS[kind]
    mean = float(w.mean())
    expect(abs(mean) <= 6 * sigma / np.sqrt(n),
           f"{what}: mean {mean:.4g} should be close to 0")
    expect(variance_matches(sample_var, var, n, kind),
           f"{what}: variance {sample_var:.4g}, expected {var:.4g} "
           f"(std {np.sqrt(sample_var):.4g} vs {sigma:.4g})")
    kurt = float(((w - mean) ** 4).mean() / sample_var ** 2)
    expect(abs(kurt - kurt_theory) <= 6 * np.sqrt(24.0 / n),
           f"{what}: the values look {'uniform' if kurt < 2.4 else 'normal'}ly distributed; "
           f"expected a {kind} distribution")
    if kind == "uniform":
        bound = np.sqrt(3 * var)
        expect(float(np.abs(w).max()) <= bound * (1 + 1e-9),
               f"{what}: values reach {float(np.abs(w).max()):.4g}, beyond the bound "
               f"+/-{bound:.4g}")
