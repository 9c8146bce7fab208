"""Checks that every question renders sensibly for many seeds (the `quiz check` command)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import BankError
from .library import DEFAULT_ROOT, Library, load_definitions, load_library
from .model import Kind, PresentedQuestion, Question
from .rng import QuizRng
from .variant import RenderCache, present

CHECK_SEEDS_DEFAULT = 200
"""Seeds rendered per question by `quiz check`."""
BUILD_SEEDS = 32
"""Seeds rendered per question before a quiz is built."""


@dataclass(frozen=True)
class QuestionCheck:
    """What rendering many seeds showed about one question."""

    question_id: str
    seeds: int
    distinct_variants: int


def check_presented(item: PresentedQuestion) -> None:
    """The key must be among the shown options (and coherent with the kind)."""
    question = item.variant.question
    n_keys = len(item.key_letters)
    problem = None
    if question.kind is Kind.NUMERIC:
        key = item.variant.numeric
        if key is None:
            problem = "numeric question has no answer"
        else:
            for distractor, value in key.mistakes:
                if abs(value - key.value) <= key.tolerance:
                    problem = (f"distractor '{distractor.name}' ({value:g}) coincides with the "
                               f"answer {key.text} within the tolerance")
    elif question.kind in (Kind.SINGLE, Kind.TRUE_FALSE) and n_keys != 1:
        problem = f"{n_keys} correct options among the shown options (expected 1)"
    elif question.kind is Kind.MULTIPLE and n_keys < 1:
        problem = "no correct option among the shown options"
    if sorted(item.order) != list(range(len(item.variant.options))):
        problem = f"option order {item.order} is not a permutation"
    if problem:
        params = ", ".join(f"{k}={v!r}" for k, v in item.variant.params)
        raise BankError(question.source, question.id, f"{problem} (params {{{params}}})")


def check_question(question: Question, seeds: int, cache: RenderCache | None = None
                   ) -> QuestionCheck:
    """Render `seeds` variants; a parameterized question must produce more than one."""
    fingerprints = set()
    for seed in range(seeds):
        item = present(question, QuizRng.for_parts("check", question.id, seed), 1, cache)
        check_presented(item)
        fingerprints.add(item.variant.fingerprint)
    if question.parameterized and len(fingerprints) < 2 and seeds > 1:
        raise BankError(question.source, question.id,
                        f"declared parameterized but all {seeds} variants coincide")
    return QuestionCheck(question.id, seeds, len(fingerprints))


def check_library(library: Library, seeds: int = CHECK_SEEDS_DEFAULT
                  ) -> tuple[QuestionCheck, ...]:
    """Check every question of every bank, then that quizzes.yaml resolves."""
    cache = RenderCache()
    checks = tuple(check_question(q, seeds, cache) for q in library.questions.values())
    if library.paths.quizzes_file.exists():
        load_definitions(library)
    return checks


def check_root(root: Path = DEFAULT_ROOT, seeds: int = CHECK_SEEDS_DEFAULT
               ) -> tuple[QuestionCheck, ...]:
    """Load the banks under root and check them."""
    return check_library(load_library(root), seeds)
