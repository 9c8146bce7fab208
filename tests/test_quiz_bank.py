"""Bad banks fail loudly, naming the bank file and the question."""

import textwrap
from pathlib import Path

import pytest

from autograder.quizzes.build import render_quiz
from autograder.quizzes.errors import BankError, QuizDefinitionError
from autograder.quizzes.library import load_definitions, load_library, load_quiz
from autograder.quizzes.model import Kind, Scoring
from autograder.quizzes.validate import check_library

HEADER = "topic: t\nmultiple_scoring: right_minus_wrong\nquestions:\n"


def write_root(tmp_path: Path, questions: str, name: str = "bad.yaml") -> Path:
    """A quizzes root with one bank and a quiz using all of its questions."""
    banks = tmp_path / "banks"
    banks.mkdir(exist_ok=True)
    (banks / name).write_text(HEADER + textwrap.indent(textwrap.dedent(questions), "  "))
    return tmp_path


def load_and_check(root: Path) -> None:
    check_library(load_library(root), seeds=50)


GOOD = """\
- id: good
  kind: single
  difficulty: easy
  stem: Pick b.
  options: [x, y, z]
  key: b
  explanation: Because.
"""

BAD_CASES = {
    "undefined template variable": ("""\
- id: q-undefined
  kind: single
  difficulty: easy
  params: {d_h: {values: [1, 2]}}
  stem: "D_h is {{ d_hh }}"
  options: ["{{ d_h }}", "x"]
  key: a
  explanation: e
""", "q-undefined", "undefined template variable 'd_hh' in stem"),
    "key not among the options": ("""\
- id: q-key
  kind: single
  difficulty: easy
  stem: s
  options: [x, y, z]
  key: e
  explanation: e
""", "q-key", "key 'e' is not among the options ('a', 'b', 'c')"),
    "duplicate options after rendering": ("""\
- id: q-dup
  kind: single
  difficulty: easy
  params: {n: {values: [1, 2]}}
  stem: "n = {{ n }}"
  options: ["{{ n }}", "{{ n * 1 }}", "other"]
  key: a
  explanation: e
""", "q-dup", "duplicate options after rendering: '1' (option_a and option_b)"),
    "generated distractor equal to the answer": ("""\
- id: q-collide
  kind: single
  difficulty: easy
  params: {w: {values: [2, 3]}, k: {values: [3]}}
  answer: {fn: linear_regions, args: {width: w, depth: k}}
  distractors: [adds_layers, exponent_off_by_one]
  format: d
  stem: "regions for {{ w }}, {{ k }}"
  explanation: e
""", "q-collide", "duplicate options after rendering: '9' (adds_layers and exponent_off_by_one)"),
    "NaN answer": ("""\
- id: q-nan
  kind: numeric
  difficulty: easy
  params: {x: {values: [1, 2]}}
  answer: {expr: "float('nan') * x"}
  tolerance: {abs: 0.1}
  stem: "x = {{ x }}"
  explanation: e
""", "q-nan", "answer is nan (not a finite number)"),
    "variants that all coincide": ("""\
- id: q-same
  kind: numeric
  difficulty: easy
  params: {x: {values: [1, 2, 3]}}
  answer: {expr: "2"}
  tolerance: {abs: 0.1}
  stem: "What is 1 + 1?"
  explanation: e
""", "q-same", "declared parameterized but all 50 variants coincide"),
    "unknown mistake": ("""\
- id: q-mistake
  kind: single
  difficulty: easy
  params: {d: {values: [10, 20]}}
  answer: {fn: he_variance, args: {fan_in: d}}
  distractors: [forgot_everything]
  stem: "{{ d }}"
  explanation: e
""", "q-mistake", "unknown mistake 'forgot_everything' for 'he_variance'"),
    "unknown answer function": ("""\
- id: q-fn
  kind: numeric
  difficulty: easy
  answer: {fn: magic}
  tolerance: {abs: 1}
  stem: s
  explanation: e
""", "q-fn", "unknown answer function 'magic'"),
    "numeric question without tolerance": ("""\
- id: q-tol
  kind: numeric
  difficulty: easy
  answer: {expr: "1"}
  stem: s
  explanation: e
""", "q-tol", "numeric question needs 'tolerance'"),
    "misspelt key": ("""\
- id: q-typo
  kind: single
  difficulty: easy
  stem: s
  options: [x, y]
  key: a
  explanation: e
  shufle: false
""", "q-typo", "Additional properties are not allowed ('shufle' was unexpected)"),
    "unknown kind": ("""\
- id: q-kind
  kind: essay
  difficulty: easy
  stem: s
  explanation: e
""", "q-kind", "'essay' is not one of"),
    "forbidden expression": ("""\
- id: q-expr
  kind: numeric
  difficulty: easy
  answer: {expr: "().__class__"}
  tolerance: {abs: 1}
  stem: s
  explanation: e
""", "q-expr", "forbidden construct: Attribute"),
    "template syntax error": ("""\
- id: q-syntax
  kind: single
  difficulty: easy
  stem: "{{ oops"
  options: [x, y]
  key: a
  explanation: e
""", "q-syntax", "template syntax error in stem"),
    "sandbox escape attempt": ("""\
- id: q-sandbox
  kind: single
  difficulty: easy
  params: {n: {values: [1, 2]}}
  stem: "{{ n.__class__.__mro__ }}"
  options: ["{{ n }}", "y"]
  key: a
  explanation: e
""", "q-sandbox", "SecurityError"),
    "unsatisfiable where": ("""\
- id: q-where
  kind: numeric
  difficulty: easy
  params: {n: {values: [1, 2]}}
  where: "n > 5"
  answer: {expr: "n"}
  tolerance: {abs: 0.1}
  stem: "{{ n }}"
  explanation: e
""", "q-where", "where condition 'n > 5' never held"),
}


@pytest.mark.parametrize("case", BAD_CASES, ids=list(BAD_CASES))
def test_bad_bank_error_names_file_question_and_problem(tmp_path, case):
    questions, qid, message = BAD_CASES[case]
    root = write_root(tmp_path, GOOD + questions)
    with pytest.raises(BankError) as caught:
        load_and_check(root)
    error = caught.value
    assert error.question_id == qid
    assert error.source.endswith("bad.yaml")
    assert f"bad.yaml: question '{qid}': " in str(error)
    assert message in str(error)


def test_a_good_bank_loads_with_the_declared_types(tmp_path):
    root = write_root(tmp_path, GOOD + """\
- id: multi
  kind: multiple
  difficulty: hard
  stem: s
  options: [a1, b1, c1, "None of these"]
  key: [a, c]
  explanation: e
""")
    library = load_library(root)
    multi = library.questions["multi"]
    assert multi.kind is Kind.MULTIPLE and multi.scoring is Scoring.RIGHT_MINUS_WRONG
    assert multi.key == (0, 2) and multi.options[3].pinned
    assert check_library(library, seeds=5)


def test_broken_yaml_names_the_file_and_line(tmp_path):
    (tmp_path / "banks").mkdir()
    (tmp_path / "banks" / "broken.yaml").write_text("topic: t\nquestions: [\n  - id: x\n")
    with pytest.raises(BankError, match=r"broken\.yaml: not valid YAML \(line \d+"):
        load_library(tmp_path)


def test_duplicate_keys_in_yaml_are_errors(tmp_path):
    root = write_root(tmp_path, GOOD.replace("  key: b\n", "  key: b\n  key: c\n"))
    with pytest.raises(BankError, match="duplicate key 'key'"):
        load_library(root)


def test_question_ids_must_be_unique_across_banks(tmp_path):
    write_root(tmp_path, GOOD, "one.yaml")
    write_root(tmp_path, GOOD, "two.yaml")
    with pytest.raises(BankError, match=r"two\.yaml: question 'good': id already used in "
                                        r".*one\.yaml"):
        load_library(tmp_path)


def test_multiple_answer_questions_must_state_a_partial_credit_rule(tmp_path):
    (tmp_path / "banks").mkdir()
    (tmp_path / "banks" / "m.yaml").write_text(textwrap.dedent("""\
        topic: t
        questions:
          - {id: m, kind: multiple, difficulty: easy, stem: s, options: [a, b], key: [a],
             explanation: e}
        """))
    with pytest.raises(BankError, match="question 'm': multiple-answer question needs a "
                                        "partial-credit rule"):
        load_library(tmp_path)


def test_bad_question_fails_the_quiz_build(tmp_path):
    root = write_root(tmp_path, BAD_CASES["generated distractor equal to the answer"][0])
    (root / "quizzes.yaml").write_text(
        "quizzes:\n  q:\n    title: T\n    seed: 1\n    sections:\n"
        "      - questions: [q-collide]\n")
    with pytest.raises(BankError, match="question 'q-collide': duplicate options"):
        render_quiz(load_quiz("q", root), ["s1"], tmp_path / "out")


def test_quiz_definitions_must_name_existing_questions(tmp_path):
    root = write_root(tmp_path, GOOD)
    (root / "quizzes.yaml").write_text(
        "quizzes:\n  q:\n    title: T\n    seed: 1\n    sections:\n"
        "      - questions: [good, ghost]\n")
    with pytest.raises(QuizDefinitionError, match="quiz 'q': section 1: unknown question "
                                                  "'ghost'"):
        load_definitions(load_library(root))


def test_pick_cannot_exceed_the_pool(tmp_path):
    root = write_root(tmp_path, GOOD)
    (root / "quizzes.yaml").write_text(
        "quizzes:\n  q:\n    title: T\n    seed: 1\n    sections:\n"
        "      - {topic: t, pick: 3}\n")
    with pytest.raises(QuizDefinitionError, match="pick 3 but only 1 questions"):
        load_definitions(load_library(root))
