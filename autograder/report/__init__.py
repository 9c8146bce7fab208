"""Reporting: Gradescope results.json and terminal reports."""

from .gradescope import failure_results, to_gradescope, validate, write_results
from .text import render_text

__all__ = ["failure_results", "render_text", "to_gradescope", "validate", "write_results"]
