"""Item analysis on synthetic classes: discrimination, distractor use and flags."""

from pathlib import Path

import numpy as np
import pytest

from autograder.quizzes import grade_student_quiz, load_quiz, student_quiz
from autograder.quizzes.analysis import (Flag, Thresholds, item_analysis,
                                         item_analysis_markdown)
from autograder.quizzes.model import Kind

FIXTURE_ROOT = Path(__file__).resolve().parent / "quiz_fixtures" / "root"
BAD = "mini-pinned-key"


def wrong_response(item, rng):
    """A wrong answer: the first distractor for choice items, a far-off number otherwise."""
    kind = item.variant.question.kind
    if kind is Kind.NUMERIC:
        return item.variant.numeric.value + 5
    if kind is Kind.TRUE_FALSE:
        return "false" if item.key_text == "true" else "true"
    wrong = [i for i, o in enumerate(item.shown) if not o.correct]
    if item.variant.question.id == "mini-static":  # always 'Green': Red/None never chosen
        wrong = [i for i, o in enumerate(item.shown) if o.text == "Green"]
    return "abcd"[wrong[0] if kind is Kind.MULTIPLE else rng.choice(wrong)]


def simulate(n_students: int, seed: int, misled_share: float = 0.0):
    """Students with ability in [0, 1]; every question is easier for abler students except
    BAD, which only the weaker half gets right (the best students miss it). `rng` is seeded
    here and passed along; nothing global is seeded."""
    quiz = load_quiz("mini", FIXTURE_ROOT)
    rng = np.random.default_rng(seed)
    graded = []
    for index in range(n_students):
        ability = index / (n_students - 1)
        sq = student_quiz(quiz, f"s{index:03d}")
        answers = {}
        for item in sq.items:
            if item.variant.question.id == BAD:
                correct = ability < 0.5 and rng.random() > misled_share
            else:  # abler students clear each question's threshold, with some noise
                correct = ability + rng.normal(0, 0.15) > 0.3 + 0.05 * item.number
            answers[item.name] = item.key_text if correct else wrong_response(item, rng)
        graded.append((sq, grade_student_quiz(sq, answers)))
    return graded


@pytest.fixture(scope="module")
def stats():
    return {s.question.id: s for s in item_analysis(simulate(120, seed=1))}


def test_question_the_best_students_miss_is_flagged(stats):
    bad = stats[BAD]
    assert bad.point_biserial < 0 and bad.upper_lower < -0.5
    assert Flag.NEGATIVE_DISCRIMINATION in {f.flag for f in bad.flags}


def test_good_questions_discriminate_positively_and_are_not_flagged_negative(stats):
    for qid, item in stats.items():
        if qid != BAD:
            assert item.point_biserial > 0.2, qid
            assert Flag.NEGATIVE_DISCRIMINATION not in {f.flag for f in item.flags}, qid


def test_point_biserial_is_the_item_rest_correlation():
    graded = simulate(40, seed=2)
    stats = {s.question.id: s for s in item_analysis(graded)}
    item = np.array([r.questions[0].score for _, r in graded])
    rest = np.array([r.score for _, r in graded]) - item
    assert stats["mini-static"].point_biserial == pytest.approx(np.corrcoef(item, rest)[0, 1])


def test_distractor_counts_add_up_and_unused_distractors_are_flagged(stats):
    static = stats["mini-static"]
    counts = {c.label: c.count for c in static.choices}
    assert sum(counts.values()) + static.blank == static.n
    assert counts["option_c"] == counts["option_d"] == 0 and counts["option_b"] > 0
    unused = [f.reason for f in static.flags if f.flag is Flag.UNUSED_DISTRACTOR]
    assert len(unused) == 2 and "option_c (Red)" in unused[0]


def test_numeric_items_count_named_mistakes_and_other_values(stats):
    numeric = stats["mini-numeric"]
    labels = {c.label: c for c in numeric.choices}
    assert set(labels) == {"answer", "uses_log10", "other"}
    assert labels["answer"].correct and labels["other"].count > 0


def test_a_distractor_chosen_more_than_the_key_suggests_a_miskey():
    stats = {s.question.id: s for s in item_analysis(simulate(120, seed=3, misled_share=0.9))}
    assert Flag.DISTRACTOR_BEATS_KEY in {f.flag for f in stats[BAD].flags}


def test_small_classes_are_not_flagged():
    stats = item_analysis(simulate(8, seed=4), Thresholds(min_students=10))
    assert all(not s.flags for s in stats)


def test_markdown_report_lists_flagged_questions_with_reasons(stats):
    report = item_analysis_markdown(list(stats.values()))
    assert f"- **{BAD}**" in report and "negative_discrimination: point-biserial" in report
