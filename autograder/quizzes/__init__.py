"""Randomized multiple-choice quizzes: banks in YAML, per-student variants, keys, LMS exports,
grading and item analysis.

Grading one submission (e.g. from a Gradescope grader)::

    from autograder.quizzes import load_quiz, read_answers, grade_answers
    quiz = load_quiz("midterm-practice", root=Path("quizzes"))  # seed from quizzes.yaml
    result = grade_answers(quiz, "s001", read_answers(Path("answers.yaml")))
    result.score, result.max_score, result.questions[0].feedback, result.problems

`read_answers` raises AnswerFileError (a ValueError) with a readable message for unreadable
files; `grade_answers` never raises for bad responses (they score 0 with feedback and are
listed in `result.problems`) unless called with strict=True.
"""

from .errors import (AnswerFileError, BankError, QuizDefinitionError, QuizError, RosterError,
                     UnknownQuizError)
from .grade import (QuestionResult, QuizResult, Status, grade_answers, grade_student_quiz,
                    parse_answers, read_answers)
from .library import DEFAULT_ROOT, Quiz, load_library, load_quiz
from .model import Difficulty, Kind, Scoring
from .render import StudentQuiz, read_roster, student_quiz

__all__ = [
    "AnswerFileError", "BankError", "DEFAULT_ROOT", "Difficulty", "Kind", "QuestionResult",
    "Quiz", "QuizDefinitionError", "QuizError", "QuizResult", "RosterError", "Scoring",
    "Status", "StudentQuiz", "UnknownQuizError", "grade_answers", "grade_student_quiz",
    "load_library", "load_quiz", "parse_answers", "read_answers", "read_roster",
    "student_quiz",
]
