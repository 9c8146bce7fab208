"""Frozen data model: question specs (from banks), rendered variants and presented questions."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum

from .errors import ExpressionError
from .expr import Expression
from .templating import TextTemplate

POINTS_DEFAULT = 1.0
"""Points of a question whose bank entry gives none."""
VALUE_FORMAT_DEFAULT = ".4g"
"""Format spec for computed numbers shown as options or in the key."""
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Kind(Enum):
    """Question kinds a bank may declare."""

    SINGLE = "single"
    MULTIPLE = "multiple"
    NUMERIC = "numeric"
    TRUE_FALSE = "true_false"


class Difficulty(Enum):
    """Author's difficulty tag."""

    EASY = "easy"
    MEDIUM = "medium"
    HARD = "hard"


class Scoring(Enum):
    """Partial-credit rule for multiple-answer questions (stated in the bank)."""

    RIGHT_MINUS_WRONG = "right_minus_wrong"
    """(right picks - wrong picks) / number of right options, floored at 0."""
    ALL_OR_NOTHING = "all_or_nothing"
    """Full points only for exactly the right set."""


@dataclass(frozen=True)
class ParamSpec:
    """One per-student variable and the values it is drawn from (uniformly)."""

    name: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Computation:
    """A registered function applied to argument expressions, or a single expression."""

    source: str
    """Human-readable form for error messages."""
    function: Callable[..., object] | None
    args: tuple[tuple[str, Expression], ...]
    expression: Expression | None

    def evaluate(self, variables: Mapping[str, object],
                 functions: Mapping[str, Callable[..., object]]) -> object:
        """Computed value; raises ExpressionError when the formula fails."""
        if self.expression is not None:
            return self.expression.evaluate(variables, functions)
        assert self.function is not None
        kwargs = {name: expr.evaluate(variables, functions) for name, expr in self.args}
        try:
            return self.function(**kwargs)
        except Exception as error:  # the formula itself failed for these values
            raise ExpressionError(
                f"{self.source} failed: {type(error).__name__}: {error}") from None


@dataclass(frozen=True)
class Distractor:
    """A wrong value generated from a named common mistake."""

    name: str
    """Mistake name, used as the option's label in item analysis."""
    misconception: str
    computation: Computation


@dataclass(frozen=True)
class StaticOption:
    """An option written out in the bank."""

    text: TextTemplate
    misconception: str
    pinned: bool
    """Kept after the shuffled options (e.g. 'All of the above')."""


@dataclass(frozen=True)
class Tolerance:
    """Accepted distance from a numeric answer: the larger of the two bounds."""

    absolute: float = 0.0
    relative: float = 0.0

    def bound(self, answer: float) -> float:
        """Absolute tolerance around `answer`."""
        return max(self.absolute, self.relative * abs(answer))


@dataclass(frozen=True)
class Question:
    """A question as declared in a bank, ready to render variants."""

    id: str
    source: str
    """Bank file the question comes from (for error messages)."""
    topic: str
    kind: Kind
    difficulty: Difficulty
    points: float
    tags: tuple[str, ...]
    stem: TextTemplate
    explanation: TextTemplate
    options: tuple[StaticOption, ...]
    """Written-out options (single/multiple without `answer`)."""
    key: tuple[int, ...]
    """Indices of correct written-out options; for true/false (0,) = True, (1,) = False."""
    answer: Computation | None
    """Computed answer (numeric, generated choices, or a true/false condition)."""
    distractors: tuple[Distractor, ...]
    option_text: TextTemplate | None
    """Template turning a computed value into option text (variable `value`)."""
    value_format: str
    params: tuple[ParamSpec, ...]
    derived: tuple[tuple[str, Expression], ...]
    where: Expression | None
    tolerance: Tolerance | None
    scoring: Scoring | None
    shuffle: bool
    notes: tuple[str, ...] = ()
    """Course-notes files the question is built from (3-digit prefixes, e.g. '004')."""
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)
    """1-based lines in the bank file: 'id' (the question), 'key', 'answer', 'options',
    'distractors', and one per option role as labelled in item analysis ('option_b', a
    distractor's name, 'answer', 'true'/'false'). Empty for questions not read from a file."""

    def line_of(self, part: str = "id") -> int | None:
        """Bank line of `part` (see `lines`), or None when unknown."""
        return dict(self.lines).get(part)

    def location(self, part: str = "id") -> str:
        """'file:line' of `part` (just the file when the line is unknown)."""
        line = self.line_of(part)
        return self.source if line is None else f"{self.source}:{line}"

    @property
    def parameterized(self) -> bool:
        """True when the question declares per-student parameters."""
        return bool(self.params)

    @property
    def label(self) -> str:
        """'file: question id' for messages."""
        return f"{self.source}: question '{self.id}'"


@dataclass(frozen=True)
class Option:
    """A rendered option of a choice question."""

    text: str
    correct: bool
    label: str
    """Stable role across variants: 'answer', a mistake name, 'option_b', 'true'/'false'."""
    misconception: str
    pinned: bool


@dataclass(frozen=True)
class NumericKey:
    """Correct value of a numeric variant, with its tolerance and known wrong values."""

    value: float
    tolerance: float
    text: str
    mistakes: tuple[tuple[Distractor, float], ...]


@dataclass(frozen=True)
class Variant:
    """One rendering of a question for one parameter draw (options in canonical order)."""

    question: Question
    params: tuple[tuple[str, object], ...]
    stem: str
    options: tuple[Option, ...]
    numeric: NumericKey | None
    explanation: str

    @property
    def fingerprint(self) -> tuple[object, ...]:
        """What students see and what is right; equal fingerprints mean the same variant."""
        answer = None if self.numeric is None else self.numeric.text
        return (self.stem, tuple((o.text, o.correct) for o in self.options), answer)


@dataclass(frozen=True)
class PresentedQuestion:
    """A variant as shown to one student: its number and the (shuffled) option order."""

    number: int
    variant: Variant
    order: tuple[int, ...]
    """order[i] is the canonical option index shown under letter i."""

    @property
    def name(self) -> str:
        """Id used in answers files: 'q1', 'q2', ..."""
        return f"q{self.number}"

    @cached_property
    def shown(self) -> tuple[Option, ...]:
        """Options in display order."""
        return tuple(self.variant.options[i] for i in self.order)

    @property
    def letters(self) -> str:
        """Valid letters for this question, e.g. 'abcd'."""
        return LETTERS[: len(self.order)]

    @cached_property
    def key_letters(self) -> tuple[str, ...]:
        """Letters of the correct options in display order."""
        return tuple(LETTERS[i] for i, opt in enumerate(self.shown) if opt.correct)

    @cached_property
    def key_text(self) -> str:
        """Correct response as a student would write it ('b', 'a,c', '0.02', 'true')."""
        if self.variant.numeric is not None:
            return self.variant.numeric.text
        if self.variant.question.kind is Kind.TRUE_FALSE:
            return next(o.text.lower() for o in self.shown if o.correct)
        return ",".join(self.key_letters)


def is_finite_number(value: object) -> bool:
    """True for real numbers that are neither NaN nor infinite (bools excluded)."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))
