"""The weak fixture suite (importable once tests/audit_fixtures/weak is on sys.path)."""

from .checks import SUITE

__all__ = ["SUITE"]
