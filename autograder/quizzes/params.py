"""Per-student parameter draws: declared values, derived variables and the `where` condition."""

from __future__ import annotations

from .answers import EXPRESSION_FUNCTIONS
from .errors import BankError, ExpressionError
from .expr import MATH_FUNCTIONS
from .model import Question
from .rng import QuizRng

MAX_DRAWS = 1000
"""Draws tried before a `where` condition is declared unsatisfiable."""

FUNCTIONS = {**MATH_FUNCTIONS, **EXPRESSION_FUNCTIONS}
"""Callables available to every bank expression."""


def draw_params(question: Question, rng: QuizRng) -> tuple[tuple[str, object], ...]:
    """Draw each declared parameter uniformly, redrawing until `where` holds."""
    for _ in range(MAX_DRAWS):
        drawn = tuple((spec.name, rng.choice(spec.values)) for spec in question.params)
        if question.where is None or _where_holds(question, drawn):
            return drawn
    raise BankError(question.source, question.id,
                    f"where condition '{question.where.source}' never held in "  # type: ignore
                    f"{MAX_DRAWS} draws")


def context_for(question: Question, params: tuple[tuple[str, object], ...]
                ) -> dict[str, object]:
    """Parameters plus derived variables, in declaration order."""
    context: dict[str, object] = dict(params)
    for name, expression in question.derived:
        try:
            context[name] = expression.evaluate(context, FUNCTIONS)
        except ExpressionError as error:
            raise BankError(question.source, question.id,
                            f"derived '{name}' with {show_params(params)}: {error}") from None
    return context


def _where_holds(question: Question, params: tuple[tuple[str, object], ...]) -> bool:
    context = context_for(question, params)
    try:
        return bool(question.where.evaluate(context, FUNCTIONS))  # type: ignore[union-attr]
    except ExpressionError as error:
        raise BankError(question.source, question.id,
                        f"where with {show_params(params)}: {error}") from None


def show_params(params: tuple[tuple[str, object], ...]) -> str:
    """'params {a=1, b=2}' for messages."""
    inner = ", ".join(f"{name}={value!r}" for name, value in params)
    return f"params {{{inner}}}" if params else "no params"

