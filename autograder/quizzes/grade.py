"""Grade one student's answers against their own variant.

Answers files are YAML or JSON mappings from question ids to responses::

    q1: b          # single answer: one letter
    q2: [a, c]     # multiple answers: a list, or "a,c" / "ac"
    q3: 0.02       # numeric: a number ("1,080", "2e-2" and "1/50" are accepted)
    q4: true       # true/false: true/false, t/f, or the letters a/b
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property
from pathlib import Path

import yaml

from .errors import AnswerFileError
from .library import Quiz
from .model import LETTERS, Kind, Option, PresentedQuestion, Scoring
from .render import StudentQuiz, student_quiz
from .variant import RenderCache
from .yamlio import describe_yaml_error, parse_yaml

ANSWER_EXAMPLE = "q1: b"
_QUESTION_KEY = re.compile(r"^q?(\d+)$", re.IGNORECASE)
_FLOAT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_FRACTION = re.compile(r"^([+-]?\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)$")
_TRUE_WORDS = {"true": 0, "t": 0, "a": 0, "false": 1, "f": 1, "b": 1}


class Status(Enum):
    """Outcome of one question."""

    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    UNANSWERED = "unanswered"
    INVALID = "invalid"


@dataclass(frozen=True)
class QuestionResult:
    """Score and feedback for one question of one student."""

    name: str
    """Question id in the student's answers file ('q1')."""
    question_id: str
    """Bank id of the question (the same for every variant)."""
    score: float
    max_score: float
    status: Status
    response: str
    """The response as understood ('b', 'a,c', '0.02'), '' when unanswered."""
    correct_response: str
    feedback: str
    explanation: str
    chosen: tuple[str, ...]
    """Option labels chosen (or the matched numeric mistake, 'answer' or 'other')."""

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict (enums as strings)."""
        return {**self.__dict__, "status": self.status.value, "chosen": list(self.chosen)}


@dataclass(frozen=True)
class QuizResult:
    """All question results of one student, plus problems with the answers file."""

    quiz: str
    student_id: str
    questions: tuple[QuestionResult, ...]
    problems: tuple[str, ...]
    """Unknown question ids and invalid responses, one readable sentence each."""

    @cached_property
    def score(self) -> float:
        """Total points earned."""
        return sum(q.score for q in self.questions)

    @cached_property
    def max_score(self) -> float:
        """Total points available."""
        return sum(q.max_score for q in self.questions)

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict (enums as strings)."""
        return {**self.summary_dict(), "questions": [q.as_dict() for q in self.questions]}

    def summary_dict(self) -> dict[str, object]:
        """as_dict() without the per-question results."""
        return {"quiz": self.quiz, "student_id": self.student_id, "score": self.score,
                "max_score": self.max_score, "problems": list(self.problems)}


def parse_number(text: str) -> float | None:
    """A finite float from a student's text, or None."""
    compact = text.strip().replace(" ", "").replace("_", "")
    if _THOUSANDS.match(compact):
        compact = compact.replace(",", "")
    fraction = _FRACTION.match(compact)
    if fraction:
        denominator = float(fraction.group(2))
        return float(fraction.group(1)) / denominator if denominator else None
    if not _FLOAT.match(compact):
        return None
    value = float(compact)
    return value if value == value and abs(value) != float("inf") else None


def _letters(raw: object, valid: str) -> list[str]:
    """'a,c' / 'a c' / ['a', 'c'] / 'AC' -> ['a', 'c'] ('ac' is split only into valid letters)."""
    items = list(raw) if isinstance(raw, (list, tuple)) else [raw]
    tokens = [t for item in items for t in re.split(r"[,;\s]+", str(item).strip().lower()) if t]
    if len(tokens) == 1 and len(tokens[0]) > 1 and all(c in valid for c in tokens[0]):
        return list(tokens[0])
    return tokens


def _describe(item: PresentedQuestion, index: int) -> str:
    return f"({LETTERS[index]}) {item.shown[index].text}"


def _key_phrase(item: PresentedQuestion) -> str:
    keys = [i for i, o in enumerate(item.shown) if o.correct]
    return "; ".join(_describe(item, i) for i in keys)


def _result(item: PresentedQuestion, score: float, status: Status, response: str,
            feedback: str, chosen: tuple[str, ...]) -> QuestionResult:
    return QuestionResult(item.name, item.variant.question.id, score,
                          item.variant.question.points, status, response, item.key_text,
                          feedback, item.variant.explanation, chosen)


def _grade_choice(item: PresentedQuestion, raw: object) -> QuestionResult:
    question = item.variant.question
    valid = item.letters
    letters = _letters(raw, valid)
    bad = [x for x in letters if x not in valid]
    if bad:
        allowed = ", ".join(repr(c) for c in valid)
        return _result(item, 0.0, Status.INVALID, ",".join(letters),
                       f"'{bad[0]}' is not one of {allowed}.", ())
    picked = sorted({valid.index(x) for x in letters})
    response = ",".join(LETTERS[i] for i in picked)
    chosen = tuple(item.shown[i].label for i in picked)
    if question.kind is Kind.SINGLE and len(picked) != 1:
        return _result(item, 0.0, Status.INVALID, response,
                       f"choose exactly one option, got '{response}'.", chosen)
    if question.kind is Kind.SINGLE:
        option: Option = item.shown[picked[0]]
        if option.correct:
            return _result(item, question.points, Status.CORRECT, response, "Correct.", chosen)
        mistake = (f" This matches a common mistake: it {option.misconception}."
                   if option.misconception else "")
        return _result(item, 0.0, Status.INCORRECT, response,
                       f"Incorrect: you chose {_describe(item, picked[0])}.{mistake} "
                       f"The correct answer is {_key_phrase(item)}.", chosen)
    return _grade_multiple(item, picked, response, chosen)


def _grade_multiple(item: PresentedQuestion, picked: list[int], response: str,
                    chosen: tuple[str, ...]) -> QuestionResult:
    question = item.variant.question
    n_correct = sum(1 for o in item.shown if o.correct)
    right = sum(1 for i in picked if item.shown[i].correct)
    wrong = len(picked) - right
    if question.scoring is Scoring.ALL_OR_NOTHING:
        fraction = 1.0 if right == n_correct and wrong == 0 else 0.0
        rule = "all or nothing"
    else:
        fraction = max(0.0, (right - wrong) / n_correct)
        rule = "right minus wrong, divided by the number of correct options, floored at 0"
    status = (Status.CORRECT if fraction == 1.0 else
              Status.PARTIAL if fraction > 0 else Status.INCORRECT)
    feedback = ("Correct." if status is Status.CORRECT else
                f"You chose {right} of the {n_correct} correct options and {wrong} incorrect "
                f"one(s) (rule: {rule}). The correct options are {', '.join(item.key_letters)}.")
    return _result(item, round(question.points * fraction, 6), status, response, feedback,
                   chosen)


def _grade_true_false(item: PresentedQuestion, raw: object) -> QuestionResult:
    word = ("true" if raw else "false") if isinstance(raw, bool) else str(raw).strip().lower()
    if word not in _TRUE_WORDS:
        return _result(item, 0.0, Status.INVALID, word,
                       f"'{word}' is not one of 'true', 'false' (or 'a', 'b').", ())
    option = item.shown[_TRUE_WORDS[word]]
    response = option.text.lower()
    if option.correct:
        return _result(item, item.variant.question.points, Status.CORRECT, response,
                       "Correct.", (option.label,))
    return _result(item, 0.0, Status.INCORRECT, response,
                   f"Incorrect: the statement is {item.key_text}.", (option.label,))


def _grade_numeric(item: PresentedQuestion, raw: object) -> QuestionResult:
    key = item.variant.numeric
    assert key is not None
    value = (float(raw) if isinstance(raw, (int, float)) and not isinstance(raw, bool)
             else parse_number(str(raw)))
    if value is None:
        return _result(item, 0.0, Status.INVALID, str(raw).strip(),
                       f"'{str(raw).strip()}' is not a number.", ())
    response = format(value, "g")
    if abs(value - key.value) <= key.tolerance:
        return _result(item, item.variant.question.points, Status.CORRECT, response,
                       "Correct.", ("answer",))
    tolerance = item.variant.question.tolerance
    for distractor, wrong in key.mistakes:
        if tolerance is not None and abs(value - wrong) <= tolerance.bound(wrong):
            return _result(item, 0.0, Status.INCORRECT, response,
                           f"Incorrect: {response} matches a common mistake: it "
                           f"{distractor.misconception}. The answer is {key.text}.",
                           (distractor.name,))
    return _result(item, 0.0, Status.INCORRECT, response,
                   f"Incorrect: {response} is not within {key.tolerance:.3g} of the answer "
                   f"{key.text}.", ("other",))


def grade_item(item: PresentedQuestion, raw: object) -> QuestionResult:
    """Grade one response (None or '' means unanswered)."""
    if raw is None or (isinstance(raw, (str, list, tuple)) and not raw) or (
            isinstance(raw, str) and not raw.strip()):
        numeric = item.variant.numeric
        answer = numeric.text if numeric is not None else _key_phrase(item)
        return _result(item, 0.0, Status.UNANSWERED, "",
                       f"No answer given. The correct answer is {answer}.", ())
    kind = item.variant.question.kind
    if kind is Kind.NUMERIC:
        return _grade_numeric(item, raw)
    if kind is Kind.TRUE_FALSE:
        return _grade_true_false(item, raw)
    return _grade_choice(item, raw)


def normalize_keys(answers: Mapping[object, object]) -> tuple[dict[str, object], list[str]]:
    """Map 'Q1', 'q1', '1' and 1 to 'q1'; keys that are not question ids become problems."""
    normalized: dict[str, object] = {}
    problems = []
    for key, value in answers.items():
        match = _QUESTION_KEY.match(str(key).strip())
        if not match:
            problems.append(f"'{key}' is not a question id; use q1, q2, ...")
            continue
        name = f"q{int(match.group(1))}"
        if name in normalized:
            problems.append(f"question '{name}' is answered twice")
        normalized[name] = value
    return normalized, problems


GradeMemo = dict[tuple[object, ...], QuestionResult]
"""Results by (question, params, option order, number, response): students who saw the same
thing and answered the same get the same result. One per grading run, passed explicitly."""


def _memo_key(item: PresentedQuestion, raw: object) -> tuple[object, ...]:
    response = tuple(map(str, raw)) if isinstance(raw, (list, tuple)) else (type(raw), raw)
    return (item.variant.question.id, item.variant.params, item.order, item.number, response)


def _grade_memoized(item: PresentedQuestion, raw: object, memo: GradeMemo | None
                    ) -> QuestionResult:
    if memo is None:
        return grade_item(item, raw)
    key = _memo_key(item, raw)
    result = memo.get(key)
    if result is None:
        result = memo[key] = grade_item(item, raw)
    return result


def grade_student_quiz(sq: StudentQuiz, answers: Mapping[object, object],
                       memo: GradeMemo | None = None) -> QuizResult:
    """Grade answers against an already rendered StudentQuiz."""
    if not isinstance(answers, Mapping):
        raise AnswerFileError(f"answers must map question ids to responses, such as "
                              f"{{'q1': 'b'}}, got {type(answers).__name__}")
    normalized, problems = normalize_keys(answers)
    names = {item.name for item in sq.items}
    unknown = sorted(set(normalized) - names, key=lambda n: int(n[1:]))
    for name in unknown:
        problems.append(f"unknown question id '{name}'; this quiz has q1 to q{len(sq.items)}")
    results = tuple(_grade_memoized(item, normalized.get(item.name), memo)
                    for item in sq.items)
    problems.extend(f"{r.name}: {r.feedback}" for r in results if r.status is Status.INVALID)
    return QuizResult(sq.quiz, sq.student_id, results, tuple(problems))


def grade_answers(quiz: Quiz, student_id: str, answers: Mapping[object, object], *,
                  strict: bool = False, cache: RenderCache | None = None) -> QuizResult:
    """Grade a student's answers against the variant they were given.

    Invalid responses score 0 with feedback saying why, and every problem (unknown question
    ids, invalid letters, non-numbers) is listed in `QuizResult.problems`. With strict=True
    any problem raises AnswerFileError instead, listing all of them.
    """
    result = grade_student_quiz(student_quiz(quiz, student_id, cache), answers)
    if strict and result.problems:
        raise AnswerFileError("; ".join(result.problems))
    return result


def parse_answers(text: str, source: str = "answers") -> dict[object, object]:
    """Parse answers-file text (YAML or JSON); raises AnswerFileError with a clear message."""
    if not text.strip():
        raise AnswerFileError(f"{source} is empty; write one line per question, such as "
                              f"'{ANSWER_EXAMPLE}'")
    try:
        if source.endswith(".json"):
            data = json.loads(text)
        else:
            data = parse_yaml(text)
    except json.JSONDecodeError as error:
        raise AnswerFileError(f"{source}: not valid JSON (line {error.lineno}, column "
                              f"{error.colno}): {error.msg}") from None
    except yaml.YAMLError as error:
        raise AnswerFileError(f"{source}: {describe_yaml_error(error)}") from None
    if not isinstance(data, dict):
        raise AnswerFileError(f"{source}: expected question ids mapped to answers, such as "
                              f"'{ANSWER_EXAMPLE}', got {type(data).__name__}")
    for key, value in data.items():
        scalars = value if isinstance(value, list) else [value]
        if any(isinstance(v, (dict, list)) for v in scalars):
            raise AnswerFileError(f"{source}: the answer to '{key}' must be a letter, a list "
                                  "of letters or a number")
    return data


def read_answers(path: Path) -> dict[object, object]:
    """Read an answers file (.yaml, .yml or .json); raises AnswerFileError."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise AnswerFileError(f"{path}: cannot read: {error}") from None
    return parse_answers(text, str(path))
