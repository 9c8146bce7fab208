"""Strict decoding of what comes back from the sandbox (the trusted side's parser).

The child encodes values as JSON (see child/runner.py). Everything is re-validated here:
only plain numeric/bool dtypes, consistent shapes and sizes, bounded nesting. Arrays come back
as read-only base `np.ndarray`s built by the parent's own numpy, so no student object,
subclass or overridden `__eq__` ever reaches a comparison.
"""

from __future__ import annotations

import base64
import binascii
import math
from typing import Any

import numpy as np

ALLOWED_DTYPES = frozenset(
    np.dtype(t).str for t in ("f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8",
                              "?", "<f4", "<f8", "<i4", "<i8")
)
MAX_ARRAY_BYTES = 256 * 1024 * 1024
MAX_DEPTH = 20


class WireError(ValueError):
    """A reply from the sandbox that does not follow the protocol."""


class Opaque:
    """A student value that is not data (an arbitrary object): only its type name survives."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str) -> None:
        self.type_name = type_name

    def __repr__(self) -> str:
        return f"<object of type {self.type_name}>"


def encode_value(value: Any) -> Any:
    """Encode trusted request arguments (numpy arrays, numbers, strings, lists, dicts)."""
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        return {"__nd__": [arr.dtype.str, list(arr.shape),
                           base64.b64encode(arr.tobytes()).decode("ascii")]}
    if isinstance(value, (np.floating, float)):
        f = float(value)
        return f if math.isfinite(f) else {"__float__": repr(f)}
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (list, tuple)):
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode_value(v) for k, v in value.items()}
    return value


def _array(spec: Any) -> np.ndarray:
    if not (isinstance(spec, list) and len(spec) == 3):
        raise WireError("malformed array")
    dtype, shape, data = spec
    if dtype not in ALLOWED_DTYPES:
        raise WireError(f"array dtype {dtype!r} is not numeric")
    if not (isinstance(shape, list) and all(type(s) is int and s >= 0 for s in shape)):
        raise WireError("malformed array shape")
    if len(shape) > 8 or not isinstance(data, str):
        raise WireError("malformed array")
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise WireError("malformed array data") from None
    dt = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if count * dt.itemsize != len(raw) or len(raw) > MAX_ARRAY_BYTES:
        raise WireError("array size does not match its shape")
    arr = np.frombuffer(raw, dtype=dt).reshape(shape).copy()
    arr.flags.writeable = False
    return arr


def decode_value(value: Any, depth: int = 0) -> Any:
    """Decode one value from the sandbox, validating as it goes."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return value
    if type(value) is list:
        return [decode_value(v, depth + 1) for v in value]
    if type(value) is dict:
        if set(value) == {"__nd__"}:
            return _array(value["__nd__"])
        if set(value) == {"__float__"}:
            text = value["__float__"]
            if text not in ("nan", "inf", "-inf"):
                raise WireError("malformed float")
            return float(text)
        if set(value) == {"__obj__"}:
            return Opaque(str(value["__obj__"])[:200])
        return {str(k): decode_value(v, depth + 1) for k, v in value.items()}
    raise WireError(f"unexpected JSON type {type(value).__name__}")
