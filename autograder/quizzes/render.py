"""A student's quiz: which questions, in which order, with which variant and option order."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .errors import RosterError
from .library import Quiz
from .model import PresentedQuestion
from .rng import QuizRng
from .variant import RenderCache, present

STUDENT_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
"""Student ids become file names, so they are restricted to this pattern."""
ROSTER_ID_COLUMNS = ("student_id", "id", "sis_id", "sis_user_id", "username", "email")
"""Roster columns accepted as the student id (first match wins)."""


@dataclass(frozen=True)
class StudentQuiz:
    """Everything one student sees, plus the key."""

    quiz: str
    title: str
    seed: int
    student_id: str
    items: tuple[PresentedQuestion, ...]

    @property
    def max_score(self) -> float:
        return sum(item.variant.question.points for item in self.items)


def _question_ids(quiz: Quiz, student_id: str, cache: RenderCache | None) -> list[str]:
    definition = quiz.definition
    chosen: list[str] = []
    for index, section in enumerate(definition.sections):
        if section.pick == len(section.pool) and not section.per_student:
            chosen.extend(section.pool)
            continue
        parts: tuple[object, ...] = ("section", quiz.name, definition.seed, index)
        if section.per_student:
            parts += (student_id,)
        picked = None if cache is None or section.per_student else cache.sections.get(parts)
        if picked is None:
            picked = tuple(QuizRng.for_parts(*parts).sample_indices(len(section.pool),
                                                                    section.pick))
            if cache is not None and not section.per_student:
                cache.sections[parts] = picked
        chosen.extend(section.pool[i] for i in picked)
    if definition.shuffle_questions:
        order = QuizRng.for_parts("order", quiz.name, definition.seed, student_id).permutation(
            len(chosen))
        chosen = [chosen[i] for i in order]
    return chosen


def student_quiz(quiz: Quiz, student_id: str, cache: RenderCache | None = None
                 ) -> StudentQuiz:
    """The student's variant; the same (quiz, student, seed) always gives the same result.

    Each question draws from its own stream seeded by sha256(quiz|student|seed|question), so
    adding or removing another question never changes this one's variant.
    """
    items = []
    for number, qid in enumerate(_question_ids(quiz, student_id, cache), start=1):
        rng = QuizRng.for_parts("variant", quiz.name, student_id, quiz.seed, qid)
        items.append(present(quiz.question(qid), rng, number, cache))
    return StudentQuiz(quiz.name, quiz.definition.title, quiz.seed, student_id, tuple(items))


def check_student_id(student_id: str, where: str) -> str:
    """The id, stripped, or RosterError if it cannot be used as a file name."""
    text = student_id.strip()
    if not STUDENT_ID_PATTERN.match(text):
        raise RosterError(f"{where}: student id {student_id!r} must match "
                          f"{STUDENT_ID_PATTERN.pattern}")
    return text


def read_roster(path: Path) -> tuple[str, ...]:
    """Student ids from a CSV with a header naming one of ROSTER_ID_COLUMNS."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise RosterError(f"{path}: cannot read: {error.strerror}") from None
    if not rows:
        raise RosterError(f"{path}: no students (expected a header such as 'student_id' "
                          "and one row per student)")
    header = {name.strip().lower(): name for name in rows[0] if name}
    column = next((header[c] for c in ROSTER_ID_COLUMNS if c in header), None)
    if column is None:
        raise RosterError(f"{path}: no student id column; expected one of "
                          f"{', '.join(ROSTER_ID_COLUMNS)}")
    ids = [check_student_id(row[column] or "", f"{path}: line {n + 2}")
           for n, row in enumerate(rows)]
    duplicates = sorted(i for i, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise RosterError(f"{path}: duplicate student ids: {', '.join(duplicates)}")
    return tuple(ids)
