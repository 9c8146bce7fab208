"""A readable terminal report of one graded submission."""

from __future__ import annotations

from ..engine.results import SubmissionResult
from .gradescope import component_output


def render_text(result: SubmissionResult, staff: bool = False) -> str:
    """Per-component scores with the reason for every failed check."""
    oracle = (f"oracle on {result.device}" if result.device not in (None, "", "none")
              else "no torch oracle")
    lines = [f"{result.assignment}: {result.score:g} / {result.max_score:g}"
             f"  ({result.seconds:.1f} s, {oracle})"]
    for message in result.messages:
        lines.append(f"! {message}")
    for comp in result.components:
        lines.append("")
        lines.append(f"{comp.title}: {comp.score:g} / {comp.max_score:g}")
        lines.extend("  " + line for line in component_output(comp).splitlines())
    if staff:
        lines.append("")
        lines.extend(result.staff_notes)
    return "\n".join(lines)
