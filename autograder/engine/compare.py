"""Comparisons on the trusted side, with feedback that names what was expected and what came back.

Everything here runs in the grader's process, with its own numpy: student code never runs in
this process, so it cannot monkeypatch these functions. Values arrive already decoded by
`sandbox.wire` (plain read-only arrays or `Opaque` for non-data objects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from ..sandbox.wire import Opaque


class CheckFailed(AssertionError):
    """A check's verdict: the message is shown to the student."""


@dataclass(frozen=True)
class Called:
    """What `t.call("module.function", *args, **kwargs)` brought back from the sandbox."""

    value: Any
    """The function's result, decoded like any probe result (data, else an `Opaque`)."""
    printed: str = ""
    """What it printed while it ran (the first 2000 characters; student text, never trusted)."""
    modified: tuple[str, ...] = ()
    """Names of the arguments it changed in place (parameter names, else 'argument 2')."""
    args: tuple = ()
    """The check's own arguments (trusted copies): `expect`'s mistake functions get them."""
    kwargs: dict = field(default_factory=dict)


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
        raise CheckFailed(f"{what} is {value}, expected {_fmt(want)} (overflow, 0/0 or "
                          f"log(0)?){'. ' + hint if hint else ''}")
    if not np.isclose(value, want, rtol=rtol, atol=atol):
        raise CheckFailed(f"{what} is wrong: expected {_fmt(want)}, got {_fmt(value)}"
                          f"{'. ' + hint if hint else ''}")


def matches(got: Any, want: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """Does `got` (a student value) hold the numbers `want`, same shape? False when it is not
    numeric data at all (never raises)."""
    try:
        arr = as_array(got.value if isinstance(got, Called) else got, "value")
        ref = np.asarray(want, dtype=np.float64)
    except (CheckFailed, TypeError, ValueError):
        return False
    return arr.shape == ref.shape and bool(np.allclose(arr, ref, rtol=rtol, atol=atol,
                                                       equal_nan=True))


Mistakes = Mapping[str, Any]
"""Feedback text -> the wrong answer: a value, or a function of the call's arguments."""


def named_mistake(got: Any, want: Any, mistakes: Mistakes | None, *, args: tuple = (),
                  kwargs: dict | None = None, rtol: float = 1e-6, atol: float = 1e-9) -> str:
    """The text of the first mistake whose wrong answer `got` matches ('' if none).

    A mistake given as a function is computed from `args`/`kwargs` (for a `Called`, the
    arguments of that call); one that raises, or whose answer is the right one for these
    inputs, cannot be told apart and is skipped."""
    if isinstance(got, Called):
        args, kwargs, got = got.args, got.kwargs, got.value
    if not mistakes or matches(got, want, rtol=rtol, atol=atol):
        return ""
    for text, wrong in mistakes.items():
        if callable(wrong):
            try:
                with np.errstate(all="ignore"):
                    wrong = wrong(*args, **(kwargs or {}))
            except Exception:  # noqa: BLE001 - this mistake does not even run on these inputs
                continue
        if not matches(wrong, want, rtol=rtol, atol=atol) and matches(got, wrong, rtol=rtol,
                                                                       atol=atol):
            return text
    return ""


def expect(got: Any, want: Any, what: str | None = None, *, mistakes: Mistakes | None = None,
           rtol: float = 1e-6, atol: float = 1e-8, hint: str = "",
           template: str = "{what} is wrong: {mistake}") -> None:
    """Two forms.

    `expect(condition, message)`: fail with `message` unless `condition` (a bool computed by
    trusted code) holds.

    `expect(got, want, what, mistakes={text: wrong, ...})`: compare a student value (or the
    `Called` of `t.call`) with the expected numbers like `expect_scalar` (a number `want`) or
    `expect_array`; before that, when `got` matches a mistake's wrong answer, fail with
    `template` filled in: `{what} is wrong: {text}` by default. A wrong answer is a value or a
    function of the call's arguments (`lambda x, w, b: x @ w`)."""
    if isinstance(want, str) and what is None:
        if not isinstance(got, (bool, np.bool_)):
            raise TypeError(f"expect() needs a bool, got {type(got).__name__}")
        if not got:
            raise CheckFailed(want)
        return
    what = what or "the result"
    mistake = named_mistake(got, want, mistakes)
    if mistake:
        raise CheckFailed(template.format(what=what, mistake=mistake))
    value = got.value if isinstance(got, Called) else got
    if np.ndim(want) == 0:
        expect_scalar(value, float(want), what, rtol=rtol, atol=atol, hint=hint)
    else:
        expect_array(value, want, what, rtol=rtol, atol=atol, hint=hint)
