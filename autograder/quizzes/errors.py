"""Exceptions raised by the quiz package; each message names the file and the item at fault."""

from __future__ import annotations


class QuizError(Exception):
    """Base class for every error the quiz package raises on purpose."""


class BankError(QuizError):
    """A question bank is invalid: the message names the bank file and the question."""

    def __init__(self, source: str, question_id: str | None, message: str) -> None:
        self.source = source
        """Path of the bank file, as given to the loader."""
        self.question_id = question_id
        """Id of the faulty question, or None for a bank-level problem."""
        self.message = message
        """What is wrong, without the location prefix."""
        where = f"{source}: question '{question_id}'" if question_id else source
        super().__init__(f"{where}: {message}")


class QuizDefinitionError(QuizError):
    """A quiz definition (quizzes.yaml) is invalid or names something that does not exist."""


class RosterError(QuizError):
    """A roster CSV is missing, empty or has unusable student ids."""


class AnswerFileError(QuizError, ValueError):
    """A student's answers file (or a responses export) cannot be read or does not fit the quiz."""


class ExpressionError(QuizError, ValueError):
    """A restricted expression uses a forbidden construct or fails to evaluate."""


class UnknownQuizError(QuizDefinitionError):
    """The requested quiz name is not defined in quizzes.yaml."""
