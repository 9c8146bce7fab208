"""Checks of the narrow fixture."""
from .checks import SUITE  # noqa: F401
