"""The small GIFT parser used to check the GIFT export."""

import pytest

from autograder.quizzes.gift import GiftSyntaxError, escape, parse_gift

SAMPLE = r"""
// a comment line
$CATEGORY: $course$/top/demo

::Q1:: What is 2\: 1 + 1 \= ?{
=2#right
~3#off by one
~%50%two#half credit
####Arithmetic\n second line
}

::TF::[html]The sky is blue.{T####Scattering.}

::Num:: e to 2 digits {#2.72:0.01}

::Range::Pi? {#3.1..3.2}

$CATEGORY: $course$/top/other

Which are \{braces\}?{~%50%a ~%50%b ~%-100%c}
"""


def test_parser_reads_categories_titles_kinds_and_feedback():
    q1, tf, num, rng, multi = parse_gift(SAMPLE)
    assert (q1.category, q1.title, q1.text) == ("$course$/top/demo", "Q1", "What is 2: 1 + 1 = ?")
    assert [(a.text, a.fraction, a.feedback) for a in q1.answers] == [
        ("2", 100.0, "right"), ("3", 0.0, "off by one"), ("two", 50.0, "half credit")]
    assert q1.general_feedback == "Arithmetic\n second line"
    assert (tf.kind, tf.truth, tf.text_format, tf.general_feedback) == (
        "true_false", True, "html", "Scattering.")
    assert num.kind == "numeric" and num.numeric == (2.72, 0.01)
    assert rng.numeric == pytest.approx((3.15, 0.05))
    assert multi.category == "$course$/top/other" and multi.title == ""
    assert multi.text == "Which are {braces}?"
    assert [a.fraction for a in multi.answers] == [50.0, 50.0, -100.0]


@pytest.mark.parametrize("text", ["a = b", "x ~ y # {z} : w \\ v", "line1\nline2", "50%"])
def test_escape_round_trips_special_characters(text):
    (question,) = parse_gift(f"::t::{escape(text)}{{={escape(text)}}}")
    assert question.text == text.strip() and question.answers[0].text == text.strip()


def test_missing_answer_block_is_a_syntax_error():
    with pytest.raises(GiftSyntaxError, match="expected one \\{...\\} answer block"):
        parse_gift("::t:: no answers here")


def test_essay_has_no_answers():
    (question,) = parse_gift("Write something.{}")
    assert question.kind == "essay" and question.answers == ()
