"""All banks and quiz definitions under one quizzes root, and the paths that lead to them."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

import jsonschema
import yaml

from .bank import Bank, load_bank
from .bank_schema import QUIZZES_SCHEMA
from .errors import BankError, QuizDefinitionError, UnknownQuizError
from .model import Difficulty, Question
from .yamlio import describe_yaml_error, load_yaml_file

DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "quizzes"
"""Quizzes root used when none is given: the checkout's quizzes/ folder."""
DEFAULT_BUILD = DEFAULT_ROOT.parent / "build" / "quizzes"
"""Where `quiz build-all` writes each quiz's outputs (one folder per quiz)."""
DEMO_ROSTER = "demo.csv"
"""Roster (under rosters/) used by `quiz build-all` when none is given."""
LMS_VARIANTS_DEFAULT = 10
"""Variants per question written to LMS exports when a quiz does not say."""


@dataclass(frozen=True)
class QuizPaths:
    """Every path under a quizzes root."""

    root: Path

    @property
    def banks_dir(self) -> Path:
        return self.root / "banks"

    @property
    def quizzes_file(self) -> Path:
        return self.root / "quizzes.yaml"

    @property
    def rosters_dir(self) -> Path:
        return self.root / "rosters"

    def bank_files(self) -> list[Path]:
        """Bank files in name order."""
        return sorted(self.banks_dir.glob("*.yaml")) + sorted(self.banks_dir.glob("*.yml"))

    @staticmethod
    def display(path: Path) -> str:
        """Path as shown in messages: relative to the working directory when possible."""
        try:
            return str(path.resolve().relative_to(Path.cwd().resolve()))
        except ValueError:
            return str(path)


@dataclass(frozen=True)
class Library:
    """Every question of every bank, by id."""

    paths: QuizPaths
    banks: tuple[Bank, ...]
    questions: Mapping[str, Question]
    digest: str
    """SHA-256 over the bank files, to notice a bank edited between render and grade."""

    def topic(self, topic: str) -> tuple[Question, ...]:
        """Questions of a topic in bank order."""
        return tuple(q for q in self.questions.values() if q.topic == topic)


@dataclass(frozen=True)
class Section:
    """A part of a quiz: a pool of questions and how many to draw from it."""

    label: str
    pool: tuple[str, ...]
    pick: int
    per_student: bool


@dataclass(frozen=True)
class QuizDefinition:
    """One entry of quizzes.yaml."""

    name: str
    title: str
    seed: int
    sections: tuple[Section, ...]
    shuffle_questions: bool
    lms_variants: int


@dataclass(frozen=True)
class Quiz:
    """A quiz definition with the library its questions come from."""

    definition: QuizDefinition
    library: Library

    @property
    def name(self) -> str:
        return self.definition.name

    @property
    def seed(self) -> int:
        return self.definition.seed

    def question(self, question_id: str) -> Question:
        return self.library.questions[question_id]


def load_library(root: Path = DEFAULT_ROOT) -> Library:
    """Load every bank under root/banks; question ids must be unique across banks."""
    paths = QuizPaths(Path(root))
    files = paths.bank_files()
    if not files:
        raise BankError(paths.display(paths.banks_dir), None, "no bank files (*.yaml) found")
    banks = tuple(load_bank(path, paths.display(path)) for path in files)
    questions: dict[str, Question] = {}
    for bank in banks:
        for question in bank.questions:
            if question.id in questions:
                raise BankError(bank.source, question.id,
                                f"id already used in {questions[question.id].source}")
            questions[question.id] = question
    digest = hashlib.sha256(b"".join(p.read_bytes() for p in files)).hexdigest()
    return Library(paths, banks, MappingProxyType(questions), digest)


def _section(library: Library, where: str, index: int, raw: dict) -> Section:
    if "questions" in raw:
        pool = tuple(raw["questions"])
        unknown = [q for q in pool if q not in library.questions]
        if unknown:
            raise QuizDefinitionError(f"{where}: section {index + 1}: unknown question "
                                      f"{', '.join(repr(q) for q in unknown)}")
        label = f"section {index + 1}"
    else:
        wanted = {Difficulty(d) for d in raw.get("difficulty", [d.value for d in Difficulty])}
        pool = tuple(q.id for q in library.topic(raw["topic"]) if q.difficulty in wanted)
        if not pool:
            raise QuizDefinitionError(f"{where}: section {index + 1}: no questions with "
                                      f"topic '{raw['topic']}' and the requested difficulty")
        label = raw["topic"]
    if len(set(pool)) != len(pool):
        raise QuizDefinitionError(f"{where}: section {index + 1}: a question is listed twice")
    pick = raw.get("pick", len(pool))
    if pick > len(pool):
        raise QuizDefinitionError(f"{where}: section {index + 1}: pick {pick} but only "
                                  f"{len(pool)} questions")
    return Section(label, pool, pick, bool(raw.get("per_student", False)))


def load_definitions(library: Library) -> Mapping[str, QuizDefinition]:
    """Parse quizzes.yaml; every referenced question must exist."""
    path = library.paths.quizzes_file
    shown = library.paths.display(path)
    try:
        data = load_yaml_file(path)
    except OSError as error:
        raise QuizDefinitionError(f"{shown}: cannot read: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise QuizDefinitionError(f"{shown}: {describe_yaml_error(error)}") from None
    errors = sorted(jsonschema.Draft202012Validator(dict(QUIZZES_SCHEMA)).iter_errors(data),
                    key=lambda e: list(e.absolute_path))
    if errors:
        at = "/".join(str(p) for p in errors[0].absolute_path)
        raise QuizDefinitionError(f"{shown}: {errors[0].message} (at '{at}')")
    definitions = {}
    for name, raw in data["quizzes"].items():
        where = f"{shown}: quiz '{name}'"
        sections = tuple(_section(library, where, i, s) for i, s in enumerate(raw["sections"]))
        chosen = [q for s in sections for q in s.pool]
        if len(set(chosen)) != len(chosen):
            raise QuizDefinitionError(f"{where}: a question appears in two sections")
        definitions[name] = QuizDefinition(
            name, raw["title"], raw["seed"], sections, bool(raw.get("shuffle_questions", False)),
            raw.get("lms_variants", LMS_VARIANTS_DEFAULT))
    return MappingProxyType(definitions)


def load_quiz(name: str, root: Path = DEFAULT_ROOT, seed: int | None = None) -> Quiz:
    """Load quiz `name` from root/quizzes.yaml; `seed` overrides the definition's seed."""
    library = load_library(root)
    definitions = load_definitions(library)
    if name not in definitions:
        known = ", ".join(repr(n) for n in definitions)
        raise UnknownQuizError(f"'{name}' is not one of {known}.")
    definition = definitions[name]
    if seed is not None:
        definition = replace(definition, seed=seed)
    return Quiz(definition, library)
