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


def public_checks_table(assignments: list[Assignment]) -> str:
    """Markdown table: each assignment's public checks (shipped in its handout's checker) and
    the parts they cover."""
    lines = ["| assignment | public checks | parts covered |", "|---|---|---|"]
    for a in assignments:
        keys = a.public_check_keys()
        parts = [c.id for c in a.components if any(k.public for k in c.checks)]
        lines.append(f"| `{a.name}` | {len(keys)} of {len(a.check_keys())}: "
                     f"{', '.join(f'`{k}`' for k in keys) or 'none'} | "
                     f"{len(parts)} of {len(a.components)}: {', '.join(parts) or 'none'} |")
    return "\n".join(lines)
