"""Read a class's responses: a CSV export or a folder of per-student answers files.

CSV layout (one row per student, header required, other columns ignored)::

    student_id,q1,q2,q3,q4
    s001,b,"a,c",0.02,true
    s002,c,ac,1/50,f

The id column may also be called id, sis_id, sis_user_id, username or email. Cells use the
answers-file syntax; an empty cell is unanswered. A folder holds <student_id>.yaml, .yml or
.json files in the answers-file format.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import AnswerFileError, RosterError
from .grade import read_answers
from .render import ROSTER_ID_COLUMNS, check_student_id

ANSWER_SUFFIXES = (".yaml", ".yml", ".json")
_QUESTION_COLUMN = re.compile(r"^q\d+$", re.IGNORECASE)


@dataclass(frozen=True)
class Submission:
    """One student's responses as read from the export."""

    student_id: str
    answers: Mapping[object, object]
    source: str
    """File (and line) the responses came from."""


@dataclass(frozen=True)
class Responses:
    """Everything read, plus what could not be used."""

    submissions: tuple[Submission, ...]
    problems: tuple[str, ...]


def _read_csv(path: Path) -> Responses:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            rows = list(reader)
            fields = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AnswerFileError(f"{path}: cannot read: {error}") from None
    lowered = {name.strip().lower(): name for name in fields if name}
    id_column = next((lowered[c] for c in ROSTER_ID_COLUMNS if c in lowered), None)
    if id_column is None:
        raise AnswerFileError(f"{path}: no student id column; expected one of "
                              f"{', '.join(ROSTER_ID_COLUMNS)}")
    questions = [name for name in fields if name and _QUESTION_COLUMN.match(name.strip())]
    if not questions:
        raise AnswerFileError(f"{path}: no question columns (q1, q2, ...)")
    submissions, problems, seen = [], [], set()
    for line, row in enumerate(rows, start=2):
        where = f"{path}: line {line}"
        try:
            student = check_student_id(row.get(id_column) or "", where)
        except RosterError as error:
            problems.append(str(error))
            continue
        if student in seen:
            problems.append(f"{where}: student '{student}' appears again; row ignored")
            continue
        seen.add(student)
        answers = {name.strip(): (row.get(name) or "").strip() or None for name in questions}
        submissions.append(Submission(student, answers, where))
    return Responses(tuple(submissions), tuple(problems))


def _read_folder(path: Path) -> Responses:
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in ANSWER_SUFFIXES)
    if not files:
        raise AnswerFileError(f"{path}: no answers files ({', '.join(ANSWER_SUFFIXES)})")
    submissions, problems, seen = [], [], set()
    for file in files:
        try:
            student = check_student_id(file.stem, str(file))
        except RosterError as error:
            problems.append(str(error))
            continue
        if student in seen:
            problems.append(f"{file}: second answers file for '{student}'; ignored")
            continue
        seen.add(student)
        try:
            answers = read_answers(file)
        except AnswerFileError as error:
            problems.append(f"{error} (graded as unanswered)")
            answers = {}
        submissions.append(Submission(student, answers, str(file)))
    return Responses(tuple(submissions), tuple(problems))


def read_responses(path: Path) -> Responses:
    """Responses from a CSV file or a folder of answers files."""
    path = Path(path)
    if path.is_dir():
        return _read_folder(path)
    if not path.exists():
        raise AnswerFileError(f"{path}: no such file or folder")
    return _read_csv(path)
