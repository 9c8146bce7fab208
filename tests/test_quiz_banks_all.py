"""The course's real banks: every question renders for 200 seeds with its key among the shown
options, the lecture-12 review questions keep their answers, and the content covers the
lecture topics."""

from collections import Counter
from pathlib import Path

import pytest

from autograder.quizzes.library import load_definitions, load_library
from autograder.quizzes.model import Kind
from autograder.quizzes.rng import QuizRng
from autograder.quizzes.validate import CHECK_SEEDS_DEFAULT, check_presented
from autograder.quizzes.variant import present

QUIZZES_ROOT = Path(__file__).resolve().parents[1] / "quizzes"
LIBRARY = load_library(QUIZZES_ROOT)
REQUIRED_TOPICS = {"initialization", "backprop", "losses", "bias_variance", "double_descent",
                   "optimization", "regularization"}


@pytest.mark.parametrize("question_id", sorted(LIBRARY.questions))
def test_question_renders_for_200_seeds_with_its_key_among_the_options(question_id):
    question = LIBRARY.questions[question_id]
    fingerprints = set()
    for seed in range(CHECK_SEEDS_DEFAULT):
        item = present(question, QuizRng.for_parts("test", question_id, seed), 1)
        check_presented(item)
        fingerprints.add(item.variant.fingerprint)
        if question.kind is Kind.NUMERIC:
            assert item.variant.numeric is not None and item.variant.numeric.tolerance >= 0
        else:
            assert item.key_letters and set(item.key_letters) <= set(item.letters)
            assert len({o.text for o in item.shown}) == len(item.shown)
            if any(o.pinned for o in item.shown):
                first_pinned = min(i for i, o in enumerate(item.shown) if o.pinned)
                assert all(o.pinned for o in item.shown[first_pinned:])
        assert item.variant.stem and item.variant.explanation
    if question.parameterized:
        assert len(fingerprints) > 1


@pytest.mark.parametrize("question_id, key_text", [
    ("review-learning-curve", "I'll collect more data"),
    ("review-outlier-regularization", "None of the above will work."),
    ("review-cnn-memory", "During gradient descent the CNN needs more memory"),
    ("review-cnn-generalization", "All of the above."),
])
def test_lecture_12_review_questions_keep_their_answers(question_id, key_text):
    item = present(LIBRARY.questions[question_id], QuizRng.for_parts(0), 1)
    (letter,) = item.key_letters
    assert item.shown["abcd".index(letter)].text.startswith(key_text)


def test_banks_cover_the_lecture_topics_with_at_least_30_new_questions():
    topics = Counter(q.topic for q in LIBRARY.questions.values())
    assert REQUIRED_TOPICS <= set(topics)
    assert sum(n for t, n in topics.items() if t != "review") >= 30
    kinds = Counter(q.kind for q in LIBRARY.questions.values())
    assert all(kinds[k] >= 3 for k in Kind)


def test_every_distractor_names_its_misconception():
    for question in LIBRARY.questions.values():
        assert all(d.misconception for d in question.distractors), question.id
        wrong = [o for i, o in enumerate(question.options) if i not in question.key]
        assert all(o.misconception for o in wrong), question.id


def test_quiz_definitions_resolve():
    definitions = load_definitions(LIBRARY)
    assert sum(s.pick for s in definitions["midterm-practice"].sections) == 30
