"""What LMS exports contain: one question group per quiz slot with its distinct variants.

LMSs cannot draw our per-student parameters, so each slot becomes a group of pre-rendered
variants from which the LMS picks one per student (Canvas "question group", Moodle random
question from a category). A per-student section becomes one group holding one variant of each
pool question, from which the LMS picks `pick`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .library import Quiz
from .model import PresentedQuestion
from .render import StudentQuiz


@dataclass(frozen=True)
class ExportGroup:
    """A set of interchangeable items; the LMS shows `pick` of them."""

    ident: str
    title: str
    pick: int
    points: float
    items: tuple[PresentedQuestion, ...]


def export_groups(quiz: Quiz, students: Iterable[StudentQuiz]) -> tuple[ExportGroup, ...]:
    """Distinct variants seen in the roster, at most `lms_variants` per question."""
    cap = quiz.definition.lms_variants
    seen: dict[str, dict[tuple[object, ...], PresentedQuestion]] = {}
    for sq in students:
        for item in sq.items:
            variants = seen.setdefault(item.variant.question.id, {})
            if len(variants) < cap:
                variants.setdefault(item.variant.fingerprint, item)
    groups = []
    for s_index, section in enumerate(quiz.definition.sections):
        if section.per_student:
            items = tuple(next(iter(seen[qid].values())) for qid in section.pool if qid in seen)
            points = max((i.variant.question.points for i in items), default=1.0)
            groups.append(ExportGroup(f"s{s_index + 1}", section.label, section.pick, points,
                                      items))
            continue
        for qid in section.pool:
            if qid in seen:
                items = tuple(seen[qid].values())
                groups.append(ExportGroup(f"g{len(groups) + 1}", qid, 1,
                                          items[0].variant.question.points, items))
    return tuple(groups)
