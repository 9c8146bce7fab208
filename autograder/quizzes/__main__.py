"""`python -m autograder.quizzes ...` runs the `quiz` command group."""

from .cli import quiz

quiz(prog_name="python -m autograder.quizzes")
