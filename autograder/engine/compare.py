"""Comparisons on the trusted side, with feedback that names what was expected and what came back.

Everything here runs in the grader's process, with its own numpy: student code never runs in
this process, so it cannot monkeypatch these functions. Values arrive already decoded by
`sandbox.wire` (plain read-only arrays or `Opaque` for non-data objects).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..sandbox.wire import Opaque


class CheckFailed(AssertionError):
    """A check's verdict: the message is shown to the student."""


def _fmt(x: float) -> str:
    return f"{x:.6g}"


def _describe(value: Any) -> str:
    if isinstance(value, Opaque):
        return f"an object of type {value.type_name}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if value is None:
        return "None"
    return f"a {type(value).__name__} ({str(value)[:60]})"


def as_array(got: Any, what: str, ndim: int | None = None) -> np.ndarray:
    """`got` as a float64 array, or CheckFailed naming what came back instead."""
    if isinstance(got, (bool, int, float)) and not isinstance(got, bool):
        got = np.asarray(got, dtype=np.float64)
    if isinstance(got, list) and len(got) == 1 and isinstance(got[0], np.ndarray):
        got = got[0]
    if not isinstance(got, np.ndarray):
        raise CheckFailed(f"{what} should be a numpy array, got {_describe(got)}")
    if got.dtype.kind not in "fiub":
        raise CheckFailed(f"{what} should hold numbers, got dtype {got.dtype}")
    if ndim is not None and got.ndim != ndim:
        raise CheckFailed(f"{what} should have {ndim} dimension(s), got shape {got.shape}")
    return got.astype(np.float64)


def expect_array(got: Any, want: np.ndarray, what: str, *, rtol: float = 1e-6,
                 atol: float = 1e-8, hint: str = "") -> None:
    """Check type, shape, finiteness and values, in that order."""
    want = np.asarray(want, dtype=np.float64)
    arr = as_array(got, what)
    if arr.shape != want.shape:
        extra = ""
        if arr.ndim == 2 and arr.shape == want.shape[::-1]:
            extra = " (it looks transposed)"
        elif arr.size == want.size:
            extra = " (right number of entries, wrong layout)"
        raise CheckFailed(f"{what} has the wrong shape: expected {want.shape}, got {arr.shape}"
                          f"{extra}{'. ' + hint if hint else ''}")
    bad_finite = ~np.isfinite(arr) & np.isfinite(want)
    if bad_finite.any():
        idx = tuple(int(i) for i in np.argwhere(bad_finite)[0])
        raise CheckFailed(f"{what} contains {arr[idx]} at index {idx} where "
                          f"{_fmt(want[idx])} was expected (overflow or division by zero?)"
                          f"{'. ' + hint if hint else ''}")
    close = np.isclose(arr, want, rtol=rtol, atol=atol, equal_nan=True)
    if not close.all():
        err = np.where(close, 0.0, np.abs(arr - want))
        idx = tuple(int(i) for i in np.unravel_index(int(np.nanargmax(err)), err.shape))
        n_bad = int((~close).sum())
        where = f" at index {idx}" if idx else ""
        raise CheckFailed(
            f"{what} is wrong{where}: expected {_fmt(want[idx])}, got {_fmt(arr[idx])} "
            f"({n_bad} of {want.size} entries differ; shape {want.shape})"
            f"{'. ' + hint if hint else ''}")


def expect_scalar(got: Any, want: float, what: str, *, rtol: float = 1e-6,
                  atol: float = 1e-8, hint: str = "") -> None:
    """Check a single number (a 0-d or one-element array is accepted)."""
    arr = as_array(got, what)
    if arr.size != 1:
        raise CheckFailed(f"{what} should be a single number, got shape {arr.shape}")
    value = float(arr.reshape(()))
    if not np.isfinite(value) and np.isfinite(want):
        raise CheckFailed(f"{what} is {value}, expected {_fmt(want)} (overflow or log(0)?)"
                          f"{'. ' + hint if hint else ''}")
    if not np.isclose(value, want, rtol=rtol, atol=atol):
        raise CheckFailed(f"{what} is wrong: expected {_fmt(want)}, got {_fmt(value)}"
                          f"{'. ' + hint if hint else ''}")


def expect(condition: bool, message: str) -> None:
    """Fail with `message` unless `condition` holds (a bool computed by trusted code)."""
    if not isinstance(condition, (bool, np.bool_)):
        raise TypeError(f"expect() needs a bool, got {type(condition).__name__}")
    if not condition:
        raise CheckFailed(message)
