"""Documentation generated from assignment.yaml (the README embeds these tables verbatim)."""

from __future__ import annotations

from ..config import Assignment


def points_table(assignment: Assignment) -> str:
    """Markdown table: component, what is checked, points."""
    lines = [f"| {assignment.name}: component | checks | points |", "|---|---|---|"]
    for comp in assignment.components:
        checks = "; ".join(c.title for c in comp.checks)
        lines.append(f"| {comp.title} | {checks} | {comp.points:g} |")
    lines.append(f"| **total** | | **{assignment.points:g}** |")
    return "\n".join(lines)
