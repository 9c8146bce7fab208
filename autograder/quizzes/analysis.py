"""Item analysis: difficulty, discrimination and distractor use per question, with flags."""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from functools import lru_cache
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


FIXES = {
    Flag.TOO_EASY: "make the distractors more tempting (real mistakes) or drop the question",
    Flag.TOO_HARD: "check the key and the stem for ambiguity, or move it to a harder quiz",
    Flag.NEGATIVE_DISCRIMINATION: "check the key and the wording: stronger students do worse",
    Flag.LOW_DISCRIMINATION: "sharpen the stem and make the distractors target real mistakes",
    Flag.UNUSED_DISTRACTOR: "rewrite or replace the distractor nobody picks",
    Flag.DISTRACTOR_BEATS_KEY: "check the key",
}
"""Suggested fix per flag kind (DISTRACTOR_BEATS_KEY adds which option and where)."""


@dataclass(frozen=True)
class ItemFlag:
    """One flag of a question: why, where in the bank, and what to do about it."""

    flag: Flag
    reason: str
    fix: str
    question_id: str
    where: str
    """'file:line' of the question in its bank (just the file when the line is unknown)."""
    option: str | None = None
    """Label of the option the flag is about ('option_c', a mistake name, 'false')."""
    option_where: str | None = None
    """'file:line' of that option in the bank, where it can be found."""

    def line(self) -> str:
        """'bank.yaml:12 (question-id) flag: reason [option at bank.yaml:15] -> fix'."""
        option = f" [{self.option} at {self.option_where}]" if self.option_where else ""
        return (f"{self.where} ({self.question_id}) {self.flag.value}: {self.reason}{option}"
                f" -> {self.fix}")


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
    flags: tuple[ItemFlag, ...] = field(default=())

    @property
    def where(self) -> str:
        """'file:line' of the question in its bank."""
        return _where(self.question)


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


@lru_cache(maxsize=256)
def _search_bank(source: str, question_id: str) -> int | None:
    """Line of `id: question_id` in the bank file (for questions loaded without lines)."""
    try:
        text = Path(source).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    pattern = re.compile(rf"^[ \t]*(?:-[ \t]+)?id:[ \t]*[\"']?{re.escape(question_id)}"
                         rf"[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
    match = pattern.search(text)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _where(question: Question, part: str = "id") -> str:
    """'file:line' of a question (part 'id') or one of its options, by label."""
    line = question.line_of(part)
    if line is None and part == "id":
        line = _search_bank(question.source, question.id)
    return question.source if line is None else f"{question.source}:{line}"


def _option_where(question: Question, label: str) -> str | None:
    line = question.line_of(label)
    return None if line is None else f"{question.source}:{line}"


def _flags(stats: ItemStats, t: Thresholds) -> tuple[ItemFlag, ...]:
    if stats.n < t.min_students:
        return ()
    question = stats.question
    where = _where(question)
    flags = []

    def add(flag: Flag, reason: str, option: str | None = None, fix: str = "") -> None:
        flags.append(ItemFlag(flag, reason, fix or FIXES[flag], question.id, where, option,
                              None if option is None else _option_where(question, option)))

    if stats.mean_score >= t.too_easy:
        add(Flag.TOO_EASY, f"mean score {stats.mean_score:.2f} >= {t.too_easy}")
    if stats.mean_score <= t.too_hard:
        add(Flag.TOO_HARD, f"mean score {stats.mean_score:.2f} <= {t.too_hard}")
    rpb, d = stats.point_biserial, stats.upper_lower
    if rpb is not None and rpb < 0 and (d is None or d < 0):
        add(Flag.NEGATIVE_DISCRIMINATION,
            f"point-biserial {_fmt(rpb)}, upper-lower {_fmt(d)}: stronger students do worse "
            "on it")
    elif rpb is not None and rpb < t.low_discrimination:
        add(Flag.LOW_DISCRIMINATION, f"point-biserial {rpb:.2f} < {t.low_discrimination}")
    kind = question.kind
    if kind is not Kind.NUMERIC and stats.n >= t.min_for_unused_distractor:
        for choice in stats.choices:
            if not choice.correct and choice.count == 0:
                add(Flag.UNUSED_DISTRACTOR,
                    f"nobody chose {choice.label} ({_short(choice.description)})", choice.label)
    if kind in (Kind.SINGLE, Kind.TRUE_FALSE):
        keys = [c for c in stats.choices if c.correct]
        key = sum(c.count for c in keys)
        key_labels = "/".join(c.label for c in keys) or "the key"
        key_part = "key" if question.line_of("key") is not None else "answer"
        key_line = question.line_of(key_part)
        at = f" (`{key_part}:` at line {key_line})" if key_line is not None else ""
        for choice in stats.choices:
            if not choice.correct and choice.count > key:
                add(Flag.DISTRACTOR_BEATS_KEY,
                    f"{choice.label} chosen {choice.count} times, the key {key} times: "
                    "possible mis-key", choice.label,
                    f"check the key{at}: more students picked {choice.label} than the key "
                    f"{key_labels}; fix the key or reword {choice.label}")
    return tuple(flags)


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


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
    """One row per question; choices as 'label=count' pairs, flags ';'-separated, the
    question's bank 'file:line', and each flag with its place and fix ('|'-separated)."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question_id", "topic", "difficulty", "kind", "n", "mean_score",
                         "point_biserial", "upper_lower", "blank", "choices", "flags",
                         "bank_line", "flag_details"])
        for s in stats:
            q = s.question
            writer.writerow([q.id, q.topic, q.difficulty.value, q.kind.value, s.n,
                             f"{s.mean_score:.3f}", _fmt(s.point_biserial),
                             _fmt(s.upper_lower), s.blank,
                             "; ".join(f"{c.label}{'*' if c.correct else ''}={c.count}"
                                       for c in s.choices),
                             "; ".join(f.flag.value for f in s.flags), s.where,
                             " | ".join(f.line() for f in s.flags)])


def _line_note(question: Question, label: str) -> str:
    line = question.line_of(label)
    return "" if line is None else f" (line {line})"


def item_analysis_markdown(stats: Sequence[ItemStats]) -> str:
    """Readable report: a summary table, then the flagged questions with reasons, bank
    lines and suggested fixes."""
    lines = ["# Item analysis", "",
             "p = mean score fraction; r_pb = correlation with the rest of the test; "
             "D = upper 27 % minus lower 27 %. Key options are marked *.", "",
             "| question | topic | n | p | r_pb | D | choices (count) | flags |",
             "|---|---|---|---|---|---|---|---|"]
    for s in stats:
        choices = ", ".join(f"{c.label}{'*' if c.correct else ''}: {c.count}"
                            for c in s.choices)
        flags = ", ".join(f.flag.value for f in s.flags)
        lines.append(f"| {s.question.id} | {s.question.topic} | {s.n} | {s.mean_score:.2f} | "
                     f"{_fmt(s.point_biserial)} | {_fmt(s.upper_lower)} | {choices} | "
                     f"{flags} |")
    flagged = [s for s in stats if s.flags]
    lines += ["", f"## Flagged questions ({len(flagged)})", ""]
    for s in flagged:
        lines.append(f"- **{s.question.id}** (`{s.where}`)")
        lines += [f"  - {f.flag.value}: {f.reason}"
                  + (f" (`{f.option_where}`)" if f.option_where else "")
                  + f" → fix: {f.fix}" for f in s.flags]
        lines += [f"  - {c.label}{'*' if c.correct else ''} chosen {c.count} times "
                  f"(upper {c.upper}, lower {c.lower}): {c.description[:80]}"
                  + _line_note(s.question, c.label) for c in s.choices]
    return "\n".join(lines) + "\n"
