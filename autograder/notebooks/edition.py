"""An assignment's notebook edition: `submission.notebook` of its YAML (config.NotebookEdition).

The normalizer finds it on the submission spec it is given, so the same lookup works in the
checkout, in the batch and inside the Gradescope zip (which carries the YAML).
"""

from __future__ import annotations

from pathlib import Path

from ..config import NotebookEdition as Edition
from ..config import SubmissionSpec, load_assignment

__all__ = ["Edition", "edition_for", "load_edition"]


def load_edition(assignment_yaml: Path) -> Edition | None:
    """The edition declared in `assignment_yaml`, or None."""
    return load_assignment(assignment_yaml).submission.notebook


def edition_for(spec: SubmissionSpec) -> Edition | None:
    """The notebook edition of the assignment whose submission spec is `spec`, if any."""
    return getattr(spec, "notebook", None)
