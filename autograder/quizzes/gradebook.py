"""Gradebook CSV (one row per student) and the comparison of two gradebooks after a regrade."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import AnswerFileError
from .grade import QuizResult

FIXED_COLUMNS = ("student_id", "score", "max_score", "percent")
SCORE_DECIMALS = 4


@dataclass(frozen=True)
class ScoreChange:
    """A student whose total differs between two gradebooks (None: absent from one)."""

    student_id: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float | None:
        return None if self.old is None or self.new is None else self.new - self.old


def _number(value: float) -> str:
    return format(round(value, SCORE_DECIMALS), "g")


def write_gradebook(path: Path, results: Sequence[QuizResult],
                    question_ids: Sequence[str]) -> None:
    """student_id, score, max_score, percent, one column per bank question id, problems."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FIXED_COLUMNS, *question_ids, "problems"])
        for result in results:
            by_id = {q.question_id: q.score for q in result.questions}
            percent = 100 * result.score / result.max_score if result.max_score else 0.0
            writer.writerow([result.student_id, _number(result.score),
                             _number(result.max_score), f"{percent:.1f}",
                             *(_number(by_id[q]) if q in by_id else "" for q in question_ids),
                             " | ".join(result.problems)])


def read_gradebook(path: Path) -> dict[str, float]:
    """student_id -> score from a gradebook written by write_gradebook."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as error:
        raise AnswerFileError(f"{path}: cannot read: {error.strerror}") from None
    if rows and not {"student_id", "score"} <= set(rows[0]):
        raise AnswerFileError(f"{path}: not a gradebook (needs student_id and score columns)")
    try:
        return {row["student_id"]: float(row["score"]) for row in rows}
    except ValueError as error:
        raise AnswerFileError(f"{path}: bad score: {error}") from None


def diff_scores(old: dict[str, float], new: dict[str, float]) -> tuple[ScoreChange, ...]:
    """Students whose totals changed, appeared or disappeared, sorted by id."""
    changes = []
    for student in sorted(set(old) | set(new)):
        before, after = old.get(student), new.get(student)
        if before is None or after is None or abs(before - after) > 10 ** -SCORE_DECIMALS:
            changes.append(ScoreChange(student, before, after))
    return tuple(changes)


def write_changes(path: Path, changes: Sequence[ScoreChange]) -> None:
    """regrade_changes.csv: student_id, old_score, new_score, change."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "old_score", "new_score", "change"])
        for c in changes:
            writer.writerow([c.student_id, "" if c.old is None else _number(c.old),
                             "" if c.new is None else _number(c.new),
                             "" if c.delta is None else f"{c.delta:+g}"])
