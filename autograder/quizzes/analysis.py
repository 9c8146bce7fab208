"""Item analysis: difficulty, discrimination and distractor use per question, with flags."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path

import numpy as np

from .grade import QuestionResult, QuizResult, Status
from .model import Kind, Question
from .render import StudentQuiz


@dataclass(frozen=True)
class Thresholds:
    """When a question gets flagged (classical test theory rules of thumb)."""

    too_easy: float = 0.90
    """Mean score fraction at or above which a question is too easy."""
    too_hard: float = 0.30
    """Mean score fraction at or below which a question is too hard."""
    low_discrimination: float = 0.15
    """Point-biserial below this (but >= 0) discriminates poorly."""
    min_students: int = 20
    """No flags for questions answered by fewer students (the statistics are too noisy)."""
    min_for_unused_distractor: int = 20
    """A distractor nobody chose is flagged only with at least this many students."""
    group_fraction: float = 0.27
    """Share of the class in the upper and the lower group."""


class Flag(Enum):
    """Why a question deserves a look."""

    TOO_EASY = "too_easy"
    TOO_HARD = "too_hard"
    NEGATIVE_DISCRIMINATION = "negative_discrimination"
    LOW_DISCRIMINATION = "low_discrimination"
    UNUSED_DISTRACTOR = "unused_distractor"
    DISTRACTOR_BEATS_KEY = "distractor_beats_key"


@dataclass(frozen=True)
class ChoiceCount:
    """How often one option (or numeric mistake) was chosen."""

    label: str
    description: str
    correct: bool
    count: int
    upper: int
    """Count within the upper group."""
    lower: int
    """Count within the lower group."""


@dataclass(frozen=True)
class ItemStats:
    """Statistics of one bank question over every student who received it."""

    question: Question
    n: int
    mean_score: float
    """Mean of score/max (the classical difficulty index p)."""
    point_biserial: float | None
    """Correlation of the item score with the rest of the test (None without variance)."""
    upper_lower: float | None
    """Mean item score in the top 27 % minus the bottom 27 % (by total)."""
    choices: tuple[ChoiceCount, ...]
    blank: int
    flags: tuple[tuple[Flag, str], ...] = field(default=())


def _correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    if len(x) < 3 or np.std(x) == 0 or np.std(y) == 0:
        return None
    return float(np.corrcoef(x, y)[0, 1])


def _option_description(question: Question, label: str, text: str, misconception: str
                        ) -> str:
    if label.startswith("option_") or question.kind is Kind.TRUE_FALSE:
        return text
    return misconception or "computed answer"


def _numeric_catalogue(question: Question) -> dict[str, tuple[str, bool]]:
    catalogue = {"answer": ("correct value", True)}
    catalogue.update({d.name: (d.misconception, False) for d in question.distractors})
    catalogue["other"] = ("any other value", False)
    return catalogue


def _flags(stats: ItemStats, t: Thresholds) -> tuple[tuple[Flag, str], ...]:
    if stats.n < t.min_students:
        return ()
    flags = []
    if stats.mean_score >= t.too_easy:
        flags.append((Flag.TOO_EASY, f"mean score {stats.mean_score:.2f} >= {t.too_easy}"))
    if stats.mean_score <= t.too_hard:
        flags.append((Flag.TOO_HARD, f"mean score {stats.mean_score:.2f} <= {t.too_hard}"))
    rpb, d = stats.point_biserial, stats.upper_lower
    if rpb is not None and rpb < 0 and (d is None or d < 0):
        flags.append((Flag.NEGATIVE_DISCRIMINATION,
                      f"point-biserial {_fmt(rpb)}, upper-lower {_fmt(d)}: stronger students "
                      "do worse on it; check the key and the wording"))
    elif rpb is not None and rpb < t.low_discrimination:
        flags.append((Flag.LOW_DISCRIMINATION,
                      f"point-biserial {rpb:.2f} < {t.low_discrimination}"))
    kind = stats.question.kind
    if kind is not Kind.NUMERIC and stats.n >= t.min_for_unused_distractor:
        for choice in stats.choices:
            if not choice.correct and choice.count == 0:
                flags.append((Flag.UNUSED_DISTRACTOR,
                              f"nobody chose {choice.label} ({choice.description[:60]})"))
    if kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        key = sum(c.count for c in stats.choices if c.correct)
        for choice in stats.choices:
            if not choice.correct and choice.count > key:
                flags.append((Flag.DISTRACTOR_BEATS_KEY,
                              f"{choice.label} chosen {choice.count} times, the key {key} "
                              "times: possible mis-key"))
    return tuple(flags)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def item_analysis(graded: Sequence[tuple[StudentQuiz, QuizResult]],
                  thresholds: Thresholds = Thresholds()) -> tuple[ItemStats, ...]:
    """Stats for every question received by at least one student, in first-seen order."""
    results = [r for _, r in graded]
    totals = np.array([r.score / r.max_score if r.max_score else 0.0 for r in results])
    order = np.argsort(-totals, kind="stable")
    size = max(1, math.ceil(thresholds.group_fraction * len(results)))
    upper, lower = set(order[:size].tolist()), set(order[-size:].tolist())
    per_question: dict[str, list[tuple[int, QuestionResult]]] = {}
    questions: dict[str, Question] = {}
    catalogues: dict[str, dict[str, tuple[str, bool]]] = {}
    seen_variants: set[int] = set()
    for index, (sq, result) in enumerate(graded):
        for item, qr in zip(sq.items, result.questions):
            question = item.variant.question
            per_question.setdefault(qr.question_id, []).append((index, qr))
            questions[qr.question_id] = question
            if qr.question_id not in catalogues and question.kind is Kind.NUMERIC:
                catalogues[qr.question_id] = _numeric_catalogue(question)
            elif id(item.variant) not in seen_variants:
                seen_variants.add(id(item.variant))
                catalogue = catalogues.setdefault(qr.question_id, {})
                for o in item.variant.options:
                    catalogue.setdefault(o.label, (_option_description(
                        question, o.label, o.text, o.misconception), o.correct))
    stats = []
    for qid, entries in per_question.items():
        question = questions[qid]
        idx = np.array([i for i, _ in entries])
        item = np.array([qr.score / qr.max_score for _, qr in entries])
        rest = np.array([results[i].score for i in idx]) - np.array(
            [qr.score for _, qr in entries])
        up = [s for i, s in zip(idx, item) if i in upper]
        low = [s for i, s in zip(idx, item) if i in lower]
        catalogue = catalogues.get(qid, {})
        counts = {label: [0, 0, 0] for label in catalogue}
        blank = 0
        for i, qr in entries:
            if qr.status is Status.UNANSWERED:
                blank += 1
            for label in qr.chosen:
                row = counts.setdefault(label, [0, 0, 0])
                row[0] += 1
                row[1] += i in upper
                row[2] += i in lower
        choices = tuple(ChoiceCount(label, catalogue.get(label, ("", False))[0],
                                    catalogue.get(label, ("", False))[1], *counts[label])
                        for label in counts)
        item_stats = ItemStats(question, len(entries), float(item.mean()),
                               _correlation(item, rest),
                               float(np.mean(up) - np.mean(low)) if up and low else None,
                               choices, blank)
        stats.append(replace(item_stats, flags=_flags(item_stats, thresholds)))
    return tuple(stats)


def write_item_analysis_csv(path: Path, stats: Sequence[ItemStats]) -> None:
    """One row per question; choices as 'label=count' pairs, flags ';'-separated."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question_id", "topic", "difficulty", "kind", "n", "mean_score",
                         "point_biserial", "upper_lower", "blank", "choices", "flags"])
        for s in stats:
            q = s.question
            writer.writerow([q.id, q.topic, q.difficulty.value, q.kind.value, s.n,
                             f"{s.mean_score:.3f}", _fmt(s.point_biserial),
                             _fmt(s.upper_lower), s.blank,
                             "; ".join(f"{c.label}{'*' if c.correct else ''}={c.count}"
                                       for c in s.choices),
                             "; ".join(flag.value for flag, _ in s.flags)])


def item_analysis_markdown(stats: Sequence[ItemStats]) -> str:
    """Readable report: a summary table, then the flagged questions with reasons."""
    lines = ["# Item analysis", "",
             "p = mean score fraction; r_pb = correlation with the rest of the test; "
             "D = upper 27 % minus lower 27 %. Key options are marked *.", "",
             "| question | topic | n | p | r_pb | D | choices (count) | flags |",
             "|---|---|---|---|---|---|---|---|"]
    for s in stats:
        choices = ", ".join(f"{c.label}{'*' if c.correct else ''}: {c.count}"
                            for c in s.choices)
        flags = ", ".join(flag.value for flag, _ in s.flags)
        lines.append(f"| {s.question.id} | {s.question.topic} | {s.n} | {s.mean_score:.2f} | "
                     f"{_fmt(s.point_biserial)} | {_fmt(s.upper_lower)} | {choices} | "
                     f"{flags} |")
    flagged = [s for s in stats if s.flags]
    lines += ["", f"## Flagged questions ({len(flagged)})", ""]
    for s in flagged:
        lines.append(f"- **{s.question.id}** ({s.question.source})")
        lines += [f"  - {flag.value}: {reason}" for flag, reason in s.flags]
        lines += [f"  - {c.label}{'*' if c.correct else ''} chosen {c.count} times "
                  f"(upper {c.upper}, lower {c.lower}): {c.description[:80]}"
                  for c in s.choices]
    return "\n".join(lines) + "\n"
