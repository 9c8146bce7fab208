"""Deterministic random draws for quiz variants, identical on every machine and Python version.

The stream is SHA-256 in counter mode, fully specified here and independent of Python's
``random`` module (whose integer and shuffle algorithms may change) and of salted ``hash()``:

* block 0 is ``sha256("|".join(parts))`` (e.g. quiz|student|seed|question);
* block k is ``sha256(block0 + k.to_bytes(8, "big"))``;
* each block yields four big-endian 64-bit words, used in order;
* ``below(n)`` is ``(word * n) >> 64`` (integer arithmetic only, no floats).
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")

SEED_BYTES = 8
"""How many bytes of the SHA-256 digest :func:`derive_seed` turns into an integer."""
_WORDS = struct.Struct(">4Q")


def _digest(parts: tuple[object, ...]) -> bytes:
    return hashlib.sha256("|".join(str(part) for part in parts).encode("utf-8")).digest()


def derive_seed(*parts: object) -> int:
    """Stable 64-bit integer from the parts joined with '|' (first 8 bytes of SHA-256)."""
    return int.from_bytes(_digest(parts)[:SEED_BYTES], "big")


class QuizRng:
    """A seeded stream of draws; pass it explicitly to whatever needs randomness."""

    __slots__ = ("_key", "_block", "_words")

    def __init__(self, key: bytes) -> None:
        if len(key) != hashlib.sha256().digest_size:
            raise ValueError(f"Invalid key length: {len(key)} (expected 32 bytes)")
        self._key = key
        self._block = 0
        self._words = list(reversed(_WORDS.unpack(key)))

    @classmethod
    def for_parts(cls, *parts: object) -> QuizRng:
        """Stream whose block 0 is sha256 of the parts joined with '|'."""
        return cls(_digest(parts))

    def _word(self) -> int:
        if not self._words:
            self._block += 1
            block = hashlib.sha256(self._key + self._block.to_bytes(8, "big")).digest()
            self._words = list(reversed(_WORDS.unpack(block)))
        return self._words.pop()

    def below(self, n: int) -> int:
        """Uniform integer in [0, n) (bias below 2**-50 for quiz-sized n)."""
        if n <= 0:
            raise ValueError(f"Invalid upper bound: {n}")
        return (self._word() * n) >> 64

    def choice(self, items: Sequence[T]) -> T:
        """One element of a non-empty sequence."""
        return items[self.below(len(items))]

    def permutation(self, n: int) -> list[int]:
        """A uniformly random ordering of range(n) (Fisher-Yates)."""
        order = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.below(i + 1)
            order[i], order[j] = order[j], order[i]
        return order

    def sample_indices(self, n: int, k: int) -> list[int]:
        """k distinct indices out of range(n), in ascending order."""
        if not 0 <= k <= n:
            raise ValueError(f"Cannot pick {k} of {n}")
        return sorted(self.permutation(n)[:k])
