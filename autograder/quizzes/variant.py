"""Render one variant of a question for a parameter draw, checking it on the way."""

from __future__ import annotations

from dataclasses import dataclass, field

import jinja2

from .errors import BankError, ExpressionError
from .model import (LETTERS, Computation, Kind, NumericKey, Option, PresentedQuestion,
                    Question, Variant, is_finite_number)
from .params import FUNCTIONS, context_for, draw_params, show_params
from .rng import QuizRng
from .templating import TextTemplate

TRUE_FALSE_TEXTS = ("True", "False")



@dataclass
class RenderCache:
    """Memo for one run (render, grade or check); create one per run and pass it along."""

    variants: dict[tuple[str, tuple[tuple[str, object], ...]], Variant] = field(
        default_factory=dict)
    """Rendered variants by (question id, params)."""
    sections: dict[tuple[object, ...], tuple[int, ...]] = field(default_factory=dict)
    """Question draws of sections that are the same for every student."""


def _compute(question: Question, computation: Computation, context: dict[str, object],
             params: tuple[tuple[str, object], ...], what: str) -> object:
    try:
        return computation.evaluate(context, FUNCTIONS)
    except ExpressionError as error:
        raise BankError(question.source, question.id,
                        f"{what} with {show_params(params)}: {error}") from None


def _number(question: Question, value: object, params: tuple[tuple[str, object], ...],
            what: str) -> float:
    if not is_finite_number(value):
        raise BankError(question.source, question.id,
                        f"{what} is {value!r} (not a finite number) with {show_params(params)}")
    return value  # type: ignore[return-value]


def _render(question: Question, template: TextTemplate, context: dict[str, object],
            params: tuple[tuple[str, object], ...], what: str) -> str:
    try:
        return template.render(context)
    except jinja2.UndefinedError as error:
        raise BankError(question.source, question.id,
                        f"undefined template variable in {what}: {error.message}") from None
    except Exception as error:  # sandbox violations, filter errors, ...
        raise BankError(question.source, question.id,
                        f"{what} failed to render with {show_params(params)}: "
                        f"{type(error).__name__}: {error}") from None


def _format(question: Question, value: float) -> str:
    try:
        return format(value, question.value_format)
    except (ValueError, TypeError) as error:
        raise BankError(question.source, question.id,
                        f"format '{question.value_format}' cannot format {value!r}: {error}"
                        ) from None


def _generated_options(question: Question, context: dict[str, object], answer: float,
                       params: tuple[tuple[str, object], ...]) -> tuple[Option, ...]:
    values = [("answer", "", answer, True)]
    for d in question.distractors:
        wrong = _number(question, _compute(question, d.computation, context, params,
                                           f"distractor '{d.name}'"), params,
                        f"distractor '{d.name}'")
        values.append((d.name, d.misconception, wrong, False))
    options = []
    for label, misconception, value, correct in values:
        text = _format(question, value)
        if question.option_text is not None:
            text = _render(question, question.option_text, {**context, "value": text}, params,
                           "option")
        options.append(Option(text, correct, label, misconception, False))
    return tuple(options)


def _static_options(question: Question, context: dict[str, object],
                    params: tuple[tuple[str, object], ...]) -> tuple[Option, ...]:
    return tuple(
        Option(_render(question, opt.text, context, params, f"option {LETTERS[i]}"),
               i in question.key, f"option_{LETTERS[i]}", opt.misconception, opt.pinned)
        for i, opt in enumerate(question.options))


def _check_distinct(question: Question, options: tuple[Option, ...],
                    params: tuple[tuple[str, object], ...]) -> None:
    seen: dict[str, str] = {}
    for option in options:
        normalized = " ".join(option.text.split()).casefold()
        if normalized in seen:
            raise BankError(question.source, question.id,
                            f"duplicate options after rendering: '{option.text}' "
                            f"({seen[normalized]} and {option.label}) with {show_params(params)}")
        seen[normalized] = option.label


def build_variant(question: Question, params: tuple[tuple[str, object], ...]) -> Variant:
    """Render stem, options, key and explanation for one parameter draw."""
    context = context_for(question, params)
    key = question.key
    numeric = None
    options: tuple[Option, ...] = ()
    if question.answer is not None:
        raw = _compute(question, question.answer, context, params, "answer")
        if question.kind is Kind.TRUE_FALSE:
            if not isinstance(raw, bool):
                raise BankError(question.source, question.id,
                                f"true_false answer must be a condition, got {raw!r}")
            context.update(answer=TRUE_FALSE_TEXTS[0 if raw else 1], answer_value=raw)
            key = (0,) if raw else (1,)
        else:
            value = _number(question, raw, params, "answer")
            context.update(answer=_format(question, value), answer_value=value)
            if question.kind is Kind.NUMERIC:
                mistakes = tuple(
                    (d, _number(question, _compute(question, d.computation, context, params,
                                                   f"distractor '{d.name}'"), params,
                                f"distractor '{d.name}'"))
                    for d in question.distractors)
                tolerance = question.tolerance.bound(value)  # type: ignore[union-attr]
                numeric = NumericKey(value, tolerance, context["answer"], mistakes)  # type: ignore
            else:
                options = _generated_options(question, context, value, params)
    if question.kind is Kind.TRUE_FALSE:
        options = tuple(Option(text, i in key, text.lower(), "", False)
                        for i, text in enumerate(TRUE_FALSE_TEXTS))
    elif question.answer is None:
        options = _static_options(question, context, params)
    _check_distinct(question, options, params)
    pinned_last = tuple(o for o in options if not o.pinned) + tuple(o for o in options
                                                                    if o.pinned)
    return Variant(question, params,
                   _render(question, question.stem, context, params, "stem"),
                   pinned_last, numeric,
                   _render(question, question.explanation, context, params, "explanation"))


def present(question: Question, rng: QuizRng, number: int,
            cache: RenderCache | None = None) -> PresentedQuestion:
    """Draw params, render (or reuse) the variant, then shuffle unpinned options."""
    params = draw_params(question, rng)
    variant = None if cache is None else cache.variants.get((question.id, params))
    if variant is None:
        variant = build_variant(question, params)
        if cache is not None:
            cache.variants[(question.id, params)] = variant
    n = len(variant.options)
    n_free = sum(1 for o in variant.options if not o.pinned)
    if question.shuffle and n_free > 1:
        order = tuple(rng.permutation(n_free)) + tuple(range(n_free, n))
    else:
        order = tuple(range(n))
    return PresentedQuestion(number, variant, order)
