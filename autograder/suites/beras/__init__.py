"""Hidden suite of the Beras assignment."""

from .checks import SUITE

__all__ = ["SUITE"]
