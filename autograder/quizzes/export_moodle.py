"""Moodle XML export: one category per question group, so a quiz can draw a random question
from each category. Multiple-answer questions give each right option 100/K % and each wrong one
-100/K % (right minus wrong; Moodle floors the total at 0). All-or-nothing has no core Moodle
equivalent: such questions give wrong options -100 %, so any wrong pick scores 0, but missing a
right option still earns partial credit.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .documents import paragraphs_html
from .lms import ExportGroup
from .model import Kind, PresentedQuestion, Scoring

MOODLE_FRACTIONS = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                    16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)
"""Grade percentages Moodle accepts (and their negatives)."""


def moodle_fraction(value: float) -> str:
    """The allowed Moodle fraction closest to `value`, as Moodle writes it."""
    sign = -1 if value < 0 else 1
    closest = min(MOODLE_FRACTIONS, key=lambda f: abs(f - abs(value)))
    return format(sign * closest, "g") if closest else "0"


def _text(parent: ET.Element, tag: str, text: str, html: bool = True) -> ET.Element:
    element = ET.SubElement(parent, tag, {"format": "html"} if html else {})
    ET.SubElement(element, "text").text = text
    return element


def option_fractions(presented: PresentedQuestion) -> list[str]:
    """Moodle fraction of every shown option (shared with the GIFT export)."""
    question = presented.variant.question
    options = presented.shown
    if question.kind is not Kind.MULTIPLE:
        return ["100" if o.correct else "0" for o in options]
    n_correct = sum(1 for o in options if o.correct)
    right = moodle_fraction(100 / n_correct)
    wrong = ("-100" if question.scoring is Scoring.ALL_OR_NOTHING
             else moodle_fraction(-100 / n_correct))
    return [right if o.correct else wrong for o in options]


def _question(quiz: ET.Element, name: str, presented: PresentedQuestion) -> None:
    variant = presented.variant
    question = variant.question
    kind = {Kind.SINGLE: "multichoice", Kind.MULTIPLE: "multichoice",
            Kind.TRUE_FALSE: "truefalse", Kind.NUMERIC: "numerical"}[question.kind]
    element = ET.SubElement(quiz, "question", {"type": kind})
    _text(element, "name", name, html=False)
    _text(element, "questiontext", paragraphs_html(variant.stem))
    _text(element, "generalfeedback", paragraphs_html(variant.explanation))
    ET.SubElement(element, "defaultgrade").text = f"{question.points:g}"
    ET.SubElement(element, "penalty").text = "0"
    ET.SubElement(element, "hidden").text = "0"
    ET.SubElement(element, "idnumber").text = name.replace(" ", "-")
    if question.kind is Kind.NUMERIC:
        key = variant.numeric
        assert key is not None
        answer = ET.SubElement(element, "answer", {"fraction": "100"})
        ET.SubElement(answer, "text").text = repr(key.value)
        ET.SubElement(answer, "tolerance").text = repr(key.tolerance)
        _text(answer, "feedback", "")
        return
    if question.kind is Kind.TRUE_FALSE:
        for option in presented.shown:
            answer = ET.SubElement(element, "answer", {"fraction": "100" if option.correct
                                                       else "0", "format": "moodle_auto_format"})
            ET.SubElement(answer, "text").text = option.text.lower()
            _text(answer, "feedback", "")
        return
    ET.SubElement(element, "single").text = ("true" if question.kind is Kind.SINGLE
                                             else "false")
    pinned = any(o.pinned for o in presented.shown)
    ET.SubElement(element, "shuffleanswers").text = "0" if pinned else "1"
    ET.SubElement(element, "answernumbering").text = "abc"
    for option, fraction in zip(presented.shown, option_fractions(presented)):
        answer = ET.SubElement(element, "answer", {"fraction": fraction, "format": "html"})
        ET.SubElement(answer, "text").text = html.escape(option.text, quote=False)
        note = (f"Common mistake: this {option.misconception}." if option.misconception
                else "")
        _text(answer, "feedback", html.escape(note, quote=False))


def moodle_xml(quiz_name: str, groups: Sequence[ExportGroup]) -> bytes:
    """The Moodle XML document (UTF-8 bytes)."""
    quiz = ET.Element("quiz")
    for number, group in enumerate(groups, start=1):
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"$course$/top/{quiz_name}/{number:02d}-{group.title}",
              html=False)
        _text(category, "info", f"Pick {group.pick} of these {len(group.items)} question(s).")
        for index, presented in enumerate(group.items, start=1):
            _question(quiz, f"{presented.variant.question.id} v{index}", presented)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="UTF-8", xml_declaration=True)
