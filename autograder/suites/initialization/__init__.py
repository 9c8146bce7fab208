"""Hidden suite of the initialization assignment."""

from .checks import SUITE

__all__ = ["SUITE"]
