"""Student variants (Markdown, HTML) and the instructor key (Markdown, CSV rows)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .model import LETTERS, Kind, PresentedQuestion
from .render import StudentQuiz

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")

ANSWER_INSTRUCTIONS = (
    "Submit a file `answers.yaml` with one line per question: a letter for single-answer "
    "questions (`q1: b`), a list for multiple answers (`q2: [a, c]`), a number for numeric "
    "questions (`q3: 0.02`) and `true`/`false` for true/false questions."
)
_STYLE = ("body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}"
          ".options{list-style:none;padding-left:1rem}.letter{font-weight:bold}"
          ".question{border-top:1px solid #ccc;padding-top:.5rem}")


@dataclass
class DocumentCache:
    """Rendered question sections by (format, question, params, order, number).

    Students who see the same variant in the same order share the text; create one per run
    and pass it along.
    """

    sections: dict[tuple[object, ...], str] = field(default_factory=dict)

    def section(self, fmt: str, item: PresentedQuestion,
                make: Callable[[PresentedQuestion], str]) -> str:
        key = (fmt, item.variant.question.id, item.variant.params, item.order, item.number)
        text = self.sections.get(key)
        if text is None:
            text = self.sections[key] = make(item)
        return text


def _section(cache: DocumentCache | None, fmt: str, item: PresentedQuestion,
             make: Callable[[PresentedQuestion], str]) -> str:
    return make(item) if cache is None else cache.section(fmt, item, make)


def _kind_hint(item: PresentedQuestion) -> str:
    kind = item.variant.question.kind
    if kind is Kind.MULTIPLE:
        return "Select all that apply."
    if kind is Kind.NUMERIC:
        return "Answer with a number."
    return ""


def inline_html(text: str) -> str:
    """Escape text, then render **bold** and `code`; single newlines are soft wraps."""
    escaped = html.escape(" ".join(text.split("\n")), quote=False)
    escaped = _BOLD.sub(r"<strong>\1</strong>", escaped)
    return _CODE.sub(r"<code>\1</code>", escaped)


def paragraphs_html(text: str) -> str:
    """Blank-line-separated paragraphs as <p> elements."""
    parts = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "\n".join(f"<p>{inline_html(p)}</p>" for p in parts)


def _question_markdown(item: PresentedQuestion) -> str:
    hint = _kind_hint(item)
    lines = [f"## {item.name} ({item.variant.question.points:g} pt)", "", item.variant.stem, ""]
    if hint:
        lines += [f"*{hint}*", ""]
    lines += [f"- **{LETTERS[i]})** {opt.text}" for i, opt in enumerate(item.shown)]
    return "\n".join(lines) + "\n"


def _question_html(item: PresentedQuestion) -> str:
    hint = _kind_hint(item)
    options = "\n".join(
        f'<li><span class="letter">{LETTERS[i]})</span> {inline_html(opt.text)}</li>'
        for i, opt in enumerate(item.shown))
    return (f'<section class="question" id="{item.name}">\n'
            f"<h2>{item.name} <small>({item.variant.question.points:g} pt)</small></h2>\n"
            f"{paragraphs_html(item.variant.stem)}\n"
            + (f'<p class="hint"><em>{hint}</em></p>\n' if hint else "")
            + (f'<ol class="options">\n{options}\n</ol>\n' if options else "")
            + "</section>")


def _question_key(item: PresentedQuestion) -> str:
    question, variant = item.variant.question, item.variant
    lines = [f"## {item.name}: `{question.id}` ({question.topic}, "
             f"{question.difficulty.value}, {question.points:g} pt)", ""]
    if variant.params:
        lines += ["Parameters: " + ", ".join(f"{k}={v}" for k, v in variant.params), ""]
    if variant.numeric is not None:
        lines += [f"**Answer: {variant.numeric.text}** (accepted within "
                  f"±{variant.numeric.tolerance:.3g})", ""]
    else:
        correct = [f"{LETTERS[i]}) {o.text}" for i, o in enumerate(item.shown) if o.correct]
        lines += [f"**Answer: {', '.join(item.key_letters)}** - " + "; ".join(correct), ""]
    return "\n".join(lines + [variant.explanation]) + "\n"


def student_markdown(sq: StudentQuiz, cache: DocumentCache | None = None) -> str:
    """The student's quiz as Markdown."""
    head = (f"# {sq.title}\n\nStudent: `{sq.student_id}`  \nQuiz: `{sq.quiz}`\n\n"
            f"{ANSWER_INSTRUCTIONS}\n")
    return "\n".join([head, *(_section(cache, "md", item, _question_markdown)
                              for item in sq.items)])


def student_html(sq: StudentQuiz, cache: DocumentCache | None = None) -> str:
    """The student's quiz as a standalone HTML page."""
    title = html.escape(sq.title)
    student = html.escape(sq.student_id)
    body = "\n".join(_section(cache, "html", item, _question_html) for item in sq.items)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{title} - {student}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{title}</h1>\n<p>Student: <code>{student}</code> - quiz "
            f"<code>{html.escape(sq.quiz)}</code></p>\n<p>{inline_html(ANSWER_INSTRUCTIONS)}"
            f"</p>\n{body}\n</body>\n</html>\n")


def key_markdown(sq: StudentQuiz, cache: DocumentCache | None = None) -> str:
    """Instructor key for one student: correct responses, topics and explanations."""
    head = (f"# Key: {sq.title}\n\nStudent `{sq.student_id}`, quiz `{sq.quiz}`, "
            f"seed {sq.seed}, {sq.max_score:g} points\n")
    return "\n".join([head, *(_section(cache, "key", item, _question_key)
                              for item in sq.items)])


def key_row(sq: StudentQuiz) -> list[str]:
    """student_id followed by the correct response of q1, q2, ..."""
    return [sq.student_id, *(item.key_text for item in sq.items)]
