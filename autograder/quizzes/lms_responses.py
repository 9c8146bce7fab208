"""Grade a quiz taken inside an LMS from the LMS's own response export.

``quiz grade NAME --canvas student_analysis.csv`` reads Canvas's classic-quiz "Student
Analysis" report of a quiz imported from our QTI export; ``quiz grade NAME --moodle
responses.csv`` reads Moodle's quiz "Responses" report download of a quiz built from our
Moodle XML export. Each row becomes one attempt of one student: the variants the LMS drew for
that student (from the export groups, `lms.export_groups`, rebuilt from the same roster and
seed as the export) with the responses mapped back to our option letters. The attempts then go
through the same grading, gradebook, item analysis, feedback and regrade diff (``--previous``)
as answers files do.

Mapping
-------
- The exported variants are rebuilt with ``export_groups(quiz, students)`` for the roster and
  seed of the export: a different roster or seed gives other variants, whose texts will not
  match (the error says so and lists close matches).
- Texts are compared after stripping HTML tags, decoding entities (twice: Rails' strip_tags
  may leave ``&amp;amp;``), collapsing whitespace and case folding (Moodle's html_to_text
  upper-cases ``<strong>``).
- Canvas: Canvas gives imported questions new ids, so each question column is mapped by its
  text (``"<canvas id>: <stripped question text>"``) to the exported variant with that stem.
  A cell holds option *texts*: one text (multiple choice, ``True``/``False``), or the ticked
  texts joined by ``,`` with commas inside a text escaped as ``\\,`` (multiple answers), or the
  number as typed (numerical). A student saw a column when either of its two cells is filled
  (an unanswered question has an empty response and points ``0``; a question the student never
  drew has two empty cells).
- Moodle: slot N is "Question N" / "Response N" / "Right answer N". With the "Question"
  column (the report's "Question text" option) the slot is matched by its text, which for
  multiple choice also lists the choices in the order that attempt showed them, so the shuffled
  order is recovered. Without it, slots are taken in export order (one random question per
  category, ``pick`` slots for a group that picks several) and the variant is the one whose
  options the response (and the "Right answer" column, if present) fits. Responses are the
  choice text, or the ticked texts joined by ``"; "``, ``True``/``False``, the number, or
  ``-`` when unanswered. The question names of our export are not in this report, so they
  cannot be used.
- Several attempts per student: ``highest`` (by our grading, so a key fix can change which
  attempt counts; ties go to the later attempt), ``latest`` or ``first``. Canvas rows come
  newest first and may carry an ``attempt`` number (then it decides); Moodle rows come in
  attempt order. Canvas "keep average" / Moodle "average grade" have no per-question gradebook
  equivalent and are not offered. Moodle attempts whose State is not ``Finished`` are skipped.
- Students are graded in student-id order (the order a folder of answers files is read in),
  so that the upper/lower groups of the item analysis break ties the same way.

What cannot be recovered
------------------------
- The order in which the LMS showed the options when it shuffled them without recording it:
  Canvas "Shuffle answers" (the Student Analysis report has no order), Moodle without the
  "Question" column. Scores, statuses and option counts do not depend on it, but the letters in
  feedback and in ``response`` then follow our export's order, not the student's screen.
- Which variant of a group a Moodle student got when the report has neither the "Question" nor
  a "Right answer" column that tells the variants apart and the response fits several (always
  for numeric answers to variants of one question, and for blank responses when the variants
  would grade differently): such cells are problems and graded as the first fitting variant.
- Responses the LMS scored but that are not one of the exported options (edited questions, an
  option text changed in the LMS): reported as problems and graded as unanswered.
- Non-English exports (header and state strings are matched in English) and Canvas New
  Quizzes (no Student Analysis report).

Sources (formats read from the producers' code and real exports; see also
``shared/reference/lms-response-formats.md``):

- instructure/canvas-lms ``app/models/quizzes/quiz_statistics/student_analysis.rb``
  (``to_csv``; commit 0c104970bce873e1dcdd953f6dddce785c17fff7): header
  ``name,id,sis_id,[root_account],section,section_id,section_sis_id,submitted,attempt``, then
  ``"#{id}: #{strip_tags(question_text)}"`` and ``points_possible`` per question, then
  ``n correct,n incorrect,score``; multiple answers ``gsub(/,/, '\\,')`` joined with ``,``;
  rows ``sort_by(&:updated_at).reverse``.
- saud-learning-services/canvas-student-analysis-reformatting ``samples/sample.csv`` (commit
  9e62568fd43cd7bb3a2d67c1df1ff887532a1236), a real export; canvas-lms issue #2202 (multi-line
  headers).
- moodle/moodle ``mod/quiz/report/responses/last_responses_table.php`` (commit
  21f1221056b3fa4985eb3fb27e8cb07b2077f851): ``question<N>``/``response<N>``/``right<N>``
  columns are ``questionsummary``/``responsesummary``/``rightanswer``, trimmed, ``-`` when
  none; ``question/type/multichoice/question.php`` ``get_question_summary`` (question text,
  ``": "``, the choices in attempt order joined by ``"; "``) and ``summarise_response``;
  ``mod/quiz/report/responses/lang/en/quiz_responses.php`` (``Response {$a}``, ...);
  ``dataformat/csv/classes/writer.php`` (CSV with a UTF-8 BOM).
"""

from __future__ import annotations

import csv
import difflib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .analysis import (ItemStats, Thresholds, item_analysis, item_analysis_markdown,
                       write_item_analysis_csv)
from .build import GradeSummary, write_grading
from .documents import paragraphs_html
from .errors import AnswerFileError, RosterError
from .grade import GradeMemo, QuizResult, grade_item, grade_student_quiz, parse_number
from .library import Quiz
from .lms import ExportGroup, export_groups
from .model import LETTERS, Kind, PresentedQuestion
from .render import StudentQuiz, check_student_id, student_quiz
from .variant import RenderCache

ATTEMPT_RULES = ("highest", "latest", "first")
"""Which attempt counts when a student has several (see the module docstring)."""
CANVAS_FIXED = ("name", "id", "sis_id", "root_account", "section", "section_id",
                "section_sis_id", "submitted", "attempt")
CANVAS_TAIL = ("n correct", "n incorrect", "score")
CANVAS_ID_COLUMNS = ("sis_id", "id")
MOODLE_ID_COLUMNS = ("id number", "idnumber", "username", "email address", "email")
MOODLE_FINISHED = "finished"
_CANVAS_QUESTION = re.compile(r"^(\d+):\s?(.*)$", re.DOTALL)
_MOODLE_SLOT = re.compile(r"^(question|response|right answer)\s+(\d+)$", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def text_key(text: str, strip_tags: bool = True) -> str:
    """Text as compared between our export and an LMS report."""
    if strip_tags:
        text = _TAG.sub("", text)
    text = html.unescape(html.unescape(text))
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class ExportItem:
    """One exported variant: where it sits in the export and how the LMS names it."""

    group_index: int
    group: ExportGroup
    index: int
    """1-based position in its group (the `vN` of the QTI ident and the Moodle name)."""
    presented: PresentedQuestion
    """The variant with the option order our export wrote."""

    @property
    def name(self) -> str:
        """The Moodle question name of our export ('question-id v2')."""
        return f"{self.presented.variant.question.id} v{self.index}"

    @property
    def question_id(self) -> str:
        return self.presented.variant.question.id

    @cached_property
    def stem_key(self) -> str:
        """Key of the question text as exported (HTML paragraphs)."""
        return text_key(paragraphs_html(self.presented.variant.stem))

    @cached_property
    def option_keys(self) -> tuple[str, ...]:
        """Keys of the options in our export's order."""
        return tuple(text_key(o.text, strip_tags=False) for o in self.presented.shown)


@dataclass(frozen=True)
class LmsExport:
    """The variants an export held, rebuilt from the quiz, roster and seed."""

    groups: tuple[ExportGroup, ...]
    items: tuple[ExportItem, ...]
    by_stem: dict[str, tuple[ExportItem, ...]] = field(compare=False)

    @property
    def slots(self) -> tuple[int, ...]:
        """Group index of every quiz slot, in export order (`pick` slots per group)."""
        return tuple(g for g, group in enumerate(self.groups) for _ in range(group.pick))

    def close_matches(self, text: str, n: int = 3) -> list[str]:
        shown = {item.stem_key: item.name for item in self.items}
        found = difflib.get_close_matches(text_key(text), list(shown), n=n, cutoff=0.5)
        return [f"'{_short(k)}' ({shown[k]})" for k in found]


def rebuild_export(quiz: Quiz, roster: Sequence[str]) -> LmsExport:
    """The export groups `quiz render` wrote for this roster (and the quiz's seed)."""
    cache = RenderCache()
    groups = export_groups(quiz, (student_quiz(quiz, s, cache) for s in roster))
    items = tuple(ExportItem(g, group, i, presented)
                  for g, group in enumerate(groups)
                  for i, presented in enumerate(group.items, start=1))
    by_stem: dict[str, list[ExportItem]] = {}
    for item in items:
        by_stem.setdefault(item.stem_key, []).append(item)
    return LmsExport(groups, items, {k: tuple(v) for k, v in by_stem.items()})


@dataclass(frozen=True)
class LmsAttempt:
    """One row of the report: a student's attempt as a quiz of our own."""

    student_id: str
    order: tuple[float, ...]
    """Sorts the attempts of one student from first to latest."""
    quiz: StudentQuiz
    answers: dict[str, object]
    """'q1' -> letters / number text / None, for `grade_student_quiz`."""
    exported: tuple[ExportItem, ...]
    """The exported variant behind each item of `quiz`."""
    source: str
    lms_score: float | None


@dataclass(frozen=True)
class LmsResponses:
    """Every attempt read from the report, and what could not be used."""

    lms: str
    path: Path
    attempts: tuple[LmsAttempt, ...]
    problems: tuple[str, ...]
    mapping: tuple[tuple[str, str, str, str], ...]
    """(LMS column or slot, question id, variant name, LMS text) per mapped column."""


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1].rstrip() + "…"


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    """(first physical line, cells) of every CSV record, header included."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            rows, line = [], 1
            for cells in reader:
                rows.append((line, cells))
                line = reader.line_num + 1
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise AnswerFileError(f"{path}: cannot read: {error}") from None
    if not rows:
        raise AnswerFileError(f"{path}: empty file")
    return rows


def _partition(text: str, sep: str, choices: Sequence[str]) -> list[int] | None:
    """Indices of `choices` whose texts, joined by `sep`, give `text` (None if impossible)."""
    if not text:
        return []
    memo: dict[int, list[int] | None] = {}

    def solve(pos: int) -> list[int] | None:
        if pos in memo:
            return memo[pos]
        memo[pos] = None
        for index, choice in enumerate(choices):
            if not choice or not text.startswith(choice, pos):
                continue
            end = pos + len(choice)
            if end == len(text):
                memo[pos] = [index]
                break
            if text.startswith(sep, end):
                rest = solve(end + len(sep))
                if rest is not None and index not in rest:
                    memo[pos] = [index, *rest]
                    break
        return memo[pos]

    return solve(0)


def _answer(item: PresentedQuestion, option_keys: Sequence[str], cell: str, sep: str,
            escape_commas: bool) -> tuple[object, str | None]:
    """(answer for the grader, problem) for one response cell; option_keys in `item` order."""
    kind = item.variant.question.kind
    if kind is Kind.NUMERIC:
        text = cell.strip()
        return (text or None), None
    key = text_key(cell, strip_tags=False)
    if not key:
        return None, None
    keys = [k.replace(",", "\\,") for k in option_keys] if escape_commas else list(option_keys)
    if kind is Kind.MULTIPLE:
        picked = _partition(key, sep, keys)
    else:
        picked = [keys.index(key)] if key in keys else None
    if picked is None:
        shown = ", ".join(f"'{o.text}'" for o in item.shown)
        return None, (f"response '{_short(cell, 60)}' is not "
                      f"{'made of the' if kind is Kind.MULTIPLE else 'one of the'} options "
                      f"{shown}; graded as unanswered")
    letters = [LETTERS[i] for i in sorted(picked)]
    return (letters if kind is Kind.MULTIPLE else letters[0]), None


def _same_grade(candidates: Sequence[tuple[PresentedQuestion, object]]) -> bool:
    """True when every (item, answer) pair grades to the same score and status."""
    graded = {(r.question_id, r.score, r.max_score, r.status, r.chosen)
              for r in (grade_item(item, raw) for item, raw in candidates)}
    return len(graded) == 1


def _id_column(header: Sequence[str], wanted: str | None, defaults: Sequence[str], path: Path,
               lms: str) -> list[int]:
    lowered = [h.strip().lower() for h in header]
    if wanted is not None:
        if wanted.strip().lower() not in lowered:
            raise AnswerFileError(f"{path}: no column '{wanted}' (the {lms} report has "
                                  f"{', '.join(repr(h) for h in header[:8])}, ...)")
        return [lowered.index(wanted.strip().lower())]
    columns = [lowered.index(c) for c in defaults if c in lowered]
    if not columns:
        raise AnswerFileError(f"{path}: no student id column; expected one of "
                              f"{', '.join(defaults)} (anonymous {lms} reports cannot be "
                              "graded per student)")
    return columns


def _student(cells: Sequence[str], columns: Sequence[int], where: str,
             problems: list[str]) -> str | None:
    """The first non-empty id among `columns`; None (the row is reported in `problems` as
    ignored) when none is usable."""
    value = next((cells[c].strip() for c in columns if c < len(cells) and cells[c].strip()),
                 "")
    try:
        return check_student_id(value, where)
    except RosterError as error:
        problems.append(f"{error}; row ignored")
        return None


def _number_or_none(text: str) -> float | None:
    return parse_number(text) if text and text.strip() not in ("-", "") else None


def _build_attempt(student: str, order: tuple[float, ...], quiz: Quiz,
                   seen: list[tuple[ExportItem, PresentedQuestion, object]], source: str,
                   lms_score: float | None) -> LmsAttempt:
    items, answers, exported = [], {}, []
    for number, (export_item, shown, answer) in enumerate(seen, start=1):
        presented = PresentedQuestion(number, shown.variant, shown.order)
        items.append(presented)
        answers[presented.name] = answer
        exported.append(export_item)
    sq = StudentQuiz(quiz.name, quiz.definition.title, quiz.seed, student, tuple(items))
    return LmsAttempt(student, order, sq, answers, tuple(exported), source, lms_score)


def _check_groups(export: LmsExport, seen: Sequence[tuple[ExportItem, object, object]],
                  where: str, student: str) -> tuple[list[int], list[str]]:
    """Indices of `seen` to keep (at most `pick` per group) and problems about the groups."""
    problems, keep, count = [], [], {}
    for index, (item, _, _) in enumerate(seen):
        n = count.get(item.group_index, 0)
        if n >= item.group.pick:
            problems.append(f"{where}: student '{student}' has more than {item.group.pick} "
                            f"question(s) of group '{item.group.title}'; {item.name} ignored")
            continue
        count[item.group_index] = n + 1
        keep.append(index)
    for g, group in enumerate(export.groups):
        if count.get(g, 0) < group.pick:
            problems.append(f"{where}: student '{student}' saw {count.get(g, 0)} of the "
                            f"{group.pick} question(s) of group '{group.title}'; graded "
                            "without the missing one(s)")
    return keep, problems


def read_canvas(path: Path, quiz: Quiz, export: LmsExport, id_column: str | None = None
                ) -> LmsResponses:
    """Canvas classic quiz "Student Analysis" CSV -> attempts (see the module docstring)."""
    path = Path(path)
    rows = _read_rows(path)
    header = [h.strip() for h in rows[0][1]]
    lowered = [h.lower() for h in header]
    first = next((i for i, h in enumerate(lowered) if h not in CANVAS_FIXED), len(header))
    if tuple(lowered[-3:]) != CANVAS_TAIL or first > len(header) - 3:
        raise AnswerFileError(f"{path}: not a Canvas Student Analysis report (expected "
                              f"{', '.join(CANVAS_FIXED[:2])}, ... then two columns per "
                              f"question, then {', '.join(CANVAS_TAIL)})")
    id_columns = _id_column(header[:first], id_column, CANVAS_ID_COLUMNS, path, "Canvas")
    attempt_col = lowered.index("attempt") if "attempt" in lowered[:first] else None
    score_col = len(header) - 1
    columns: list[tuple[int, tuple[ExportItem, ...]]] = []
    unknown, mapping = [], []
    for column in range(first, len(header) - 3, 2):
        match = _CANVAS_QUESTION.match(rows[0][1][column].strip())
        if match is None:
            raise AnswerFileError(f"{path}: column {column + 1} ({_short(header[column])!r}) "
                                  "is not '<question id>: <question text>'")
        candidates = export.by_stem.get(text_key(match.group(2)))
        if candidates is None:
            close = export.close_matches(match.group(2))
            unknown.append(f"column {column + 1}, Canvas question {match.group(1)}: "
                           f"'{_short(match.group(2))}'"
                           + (f" (close: {'; '.join(close)})" if close else
                              " (nothing close)"))
            continue
        columns.append((column, candidates))
        for item in candidates:
            mapping.append((f"column {column + 1} (Canvas {match.group(1)})", item.question_id,
                            item.name, _short(match.group(2))))
    if unknown:
        raise AnswerFileError(
            f"{path}: {len(unknown)} question text(s) match no variant of the export of quiz "
            f"'{quiz.name}' (seed {quiz.seed}); was it exported with another --roster or "
            "--seed, or edited in Canvas?\n  " + "\n  ".join(unknown))
    attempts, problems = [], []
    for position, (line, cells) in enumerate(rows[1:]):
        where = f"{path}: line {line}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            problems.append(f"{where}: {len(cells)} cells, the header has {len(header)}; "
                            "row ignored")
            continue
        student = _student(cells, id_columns, where, problems)
        if student is None:
            continue
        seen: list[tuple[ExportItem, PresentedQuestion, object]] = []
        for column, candidates in columns:
            response, points = cells[column], cells[column + 1]
            if not response.strip() and not points.strip():
                continue
            fits = []
            for item in candidates:
                answer, problem = _answer(item.presented, item.option_keys, response, ",",
                                          escape_commas=True)
                fits.append((item, answer, problem))
            good = [f for f in fits if f[2] is None] or fits
            item, answer, problem = good[0]
            if problem is not None:
                problems.append(f"{where}, column {column + 1} ({item.name}): {problem}")
            elif len(good) > 1 and not _same_grade([(g[0].presented, g[1]) for g in good]):
                problems.append(f"{where}, column {column + 1}: the text fits "
                                f"{', '.join(g[0].name for g in good)}; graded as {item.name}")
            seen.append((item, item.presented, answer))
        seen.sort(key=lambda s: s[0].group_index)
        keep, group_problems = _check_groups(export, seen, where, student)
        problems.extend(group_problems)
        attempt = _number_or_none(cells[attempt_col]) if attempt_col is not None else None
        order = (attempt if attempt is not None else 0.0, -position)
        attempts.append(_build_attempt(student, order, quiz, [seen[i] for i in keep], where,
                                       _number_or_none(cells[score_col])))
    return LmsResponses("canvas", path, tuple(attempts), tuple(problems), tuple(mapping))


def _moodle_summary(export: LmsExport, summary: str
                    ) -> list[tuple[ExportItem, tuple[int, ...]]]:
    """Variants whose Moodle question summary is `summary`, with the option order it shows
    (canonical option indices in display order)."""
    key = text_key(summary)
    found = []
    for stem, items in export.by_stem.items():
        if key == stem:
            found.extend((item, item.presented.order) for item in items)
        elif key.startswith(stem + ":"):
            rest = key[len(stem) + 1:].strip()
            for item in items:
                canonical = [text_key(o.text, strip_tags=False)
                             for o in item.presented.variant.options]
                order = _partition(rest, "; ", canonical)
                if order is not None and len(order) == len(canonical):
                    found.append((item, tuple(order)))
    return found


def _right_answer_fits(item: ExportItem, cell: str) -> bool:
    """Whether a Moodle "Right answer" cell fits this variant (a number that cannot be read
    fits every numeric variant)."""
    variant = item.presented.variant
    if variant.numeric is not None:
        value = parse_number(cell.split()[0]) if cell.split() else None
        return value is None or abs(value - variant.numeric.value) <= max(
            variant.numeric.tolerance, 1e-9 * abs(variant.numeric.value))
    keys = [text_key(o.text, strip_tags=False) for o in variant.options]
    picked = _partition(text_key(cell, strip_tags=False), "; ", keys)
    return picked is not None and {i for i, o in enumerate(variant.options)
                                   if o.correct} == set(picked)


def read_moodle(path: Path, quiz: Quiz, export: LmsExport, id_column: str | None = None
                ) -> LmsResponses:
    """Moodle quiz "Responses" report download (CSV) -> attempts (see the module docstring)."""
    path = Path(path)
    rows = _read_rows(path)
    header = [h.strip() for h in rows[0][1]]
    slots: dict[int, dict[str, int]] = {}
    for index, name in enumerate(header):
        match = _MOODLE_SLOT.match(name)
        if match:
            slots.setdefault(int(match.group(2)), {})[match.group(1).lower()] = index
    if not slots or not all("response" in s for s in slots.values()):
        raise AnswerFileError(f"{path}: not a Moodle Responses report (no 'Response 1', "
                              "'Response 2', ... columns; turn on 'Response' in the report's "
                              "display options)")
    numbers = sorted(slots)
    first_slot = min(min(s.values()) for s in slots.values())
    id_columns = _id_column(header[:first_slot], id_column, MOODLE_ID_COLUMNS, path, "Moodle")
    lowered = [h.lower() for h in header]
    state_col = lowered.index("state") if "state" in lowered else None
    grade_col = next((i for i, h in enumerate(lowered) if h.startswith("grade/")), None)
    by_text = all("question" in slots[n] for n in numbers)
    layout = export.slots
    if not by_text and len(numbers) != len(layout):
        raise AnswerFileError(
            f"{path}: {len(numbers)} slots, but the export of quiz '{quiz.name}' has "
            f"{len(layout)} (one per question group, `pick` for groups that pick several); "
            "turn on 'Question' (question text) in the report's display options so that "
            "questions are matched by their text")
    attempts, problems, unknown = [], [], {}
    mapping: dict[tuple[int, str], tuple[str, str, str, str]] = {}
    summaries: dict[str, list[tuple[ExportItem, tuple[int, ...]]]] = {}
    for position, (line, cells) in enumerate(rows[1:]):
        where = f"{path}: line {line}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            problems.append(f"{where}: {len(cells)} cells, the header has {len(header)}; "
                            "row ignored")
            continue
        if cells[0].strip().lower() == "overall average":
            continue
        if state_col is not None and cells[state_col].strip().lower() != MOODLE_FINISHED:
            problems.append(f"{where}: attempt state '{cells[state_col].strip()}', not "
                            "Finished; row ignored")
            continue
        student = _student(cells, id_columns, where, problems)
        if student is None:
            continue
        seen: list[tuple[ExportItem, PresentedQuestion, object]] = []
        for slot_index, number in enumerate(numbers):
            columns = slots[number]
            response = cells[columns["response"]].strip()
            response = "" if response == "-" else response
            summary = cells[columns["question"]].strip() if "question" in columns else ""
            right = cells[columns["right answer"]].strip() if "right answer" in columns else ""
            if by_text:
                if summary in ("", "-"):
                    continue  # the attempt has no question in this slot
                if summary not in summaries:
                    summaries[summary] = _moodle_summary(export, summary)
                candidates = summaries[summary]
                if not candidates:
                    unknown.setdefault(summary, f"{where}, slot {number}")
                    continue
            else:
                group = export.groups[layout[slot_index]]
                used = {id(s[0]) for s in seen}
                candidates = [(i, i.presented.order) for i in export.items
                              if i.group is group and id(i) not in used]
            if right and right != "-" and len(candidates) > 1:
                candidates = ([c for c in candidates if _right_answer_fits(c[0], right)]
                              or candidates)
            fits = []
            for item, order in candidates:
                shown = PresentedQuestion(item.presented.number, item.presented.variant,
                                          order)
                keys = [text_key(o.text, strip_tags=False) for o in shown.shown]
                answer, problem = _answer(shown, keys, response, "; ", escape_commas=False)
                fits.append((item, shown, answer, problem))
            good = [f for f in fits if f[3] is None] or fits
            item, shown, answer, problem = good[0]
            if problem is not None:
                problems.append(f"{where}, slot {number} ({item.name}): {problem}")
            elif len(good) > 1 and not _same_grade([(g[1], g[2]) for g in good]):
                problems.append(f"{where}, slot {number}: the response fits "
                                f"{', '.join(g[0].name for g in good)}; graded as "
                                f"{item.name} (add the report's 'Question' or 'Right answer' "
                                "column to tell them apart)")
            mapping.setdefault((number, item.name), (f"slot {number}", item.question_id,
                                                     item.name, _short(summary or right)))
            seen.append((item, shown, answer))
        keep, group_problems = _check_groups(export, seen, where, student)
        problems.extend(group_problems)
        score = _number_or_none(cells[grade_col]) if grade_col is not None else None
        attempts.append(_build_attempt(student, (float(position),), quiz,
                                       [seen[i] for i in keep], where, score))
    if unknown:
        lines = []
        for summary, at in unknown.items():
            close = export.close_matches(summary)
            lines.append(f"{at}: '{_short(summary)}'"
                         + (f" (close: {'; '.join(close)})" if close else " (nothing close)"))
        raise AnswerFileError(
            f"{path}: {len(unknown)} question text(s) match no variant of the export of quiz "
            f"'{quiz.name}' (seed {quiz.seed}); was it exported with another --roster or "
            "--seed, or edited in Moodle?\n  " + "\n  ".join(lines))
    return LmsResponses("moodle", path, tuple(attempts), tuple(problems),
                        tuple(mapping[k] for k in sorted(mapping)))


def read_lms(lms: str, path: Path, quiz: Quiz, roster: Sequence[str],
             id_column: str | None = None) -> LmsResponses:
    """Read a Canvas or Moodle report of the export rendered for `roster`."""
    export = rebuild_export(quiz, roster)
    if not export.items:
        raise AnswerFileError(f"the export of quiz '{quiz.name}' for this roster is empty")
    if not Path(path).is_file():
        raise AnswerFileError(f"{path}: no such file")
    reader = {"canvas": read_canvas, "moodle": read_moodle}[lms]
    return reader(Path(path), quiz, export, id_column)


def _choose(graded: Iterable[tuple[LmsAttempt, QuizResult]], rule: str
            ) -> list[tuple[LmsAttempt, QuizResult, int]]:
    """One (attempt, result, number of attempts) per student, by `rule`."""
    by_student: dict[str, list[tuple[LmsAttempt, QuizResult]]] = {}
    for attempt, result in graded:
        by_student.setdefault(attempt.student_id, []).append((attempt, result))
    chosen = []
    for student in sorted(by_student):
        entries = by_student[student]
        if rule == "highest":
            best = max(entries, key=lambda e: (round(e[1].score, 6), e[0].order))
        elif rule == "latest":
            best = max(entries, key=lambda e: e[0].order)
        else:
            best = min(entries, key=lambda e: e[0].order)
        chosen.append((*best, len(entries)))
    return chosen


def _per_variant(graded: Sequence[tuple[StudentQuiz, QuizResult]],
                 exported: Sequence[tuple[ExportItem, ...]], thresholds: Thresholds
                 ) -> tuple[ItemStats, ...]:
    """Item analysis with each exported variant of a multi-variant question as its own item
    ('question-id v2'); questions with a single variant are left out."""
    variants: dict[str, set[str]] = {}
    for items in exported:
        for item in items:
            variants.setdefault(item.question_id, set()).add(item.name)
    split = {qid for qid, names in variants.items() if len(names) > 1}
    if not split:
        return ()
    renamed: dict[str, object] = {}
    relabelled = []
    for (sq, result), items in zip(graded, exported):
        new_items, new_results = [], []
        for presented, qr, item in zip(sq.items, result.questions, items):
            if item.question_id in split:
                variant = renamed.get(item.name)
                if variant is None:
                    question = replace(presented.variant.question, id=item.name)
                    variant = renamed[item.name] = replace(presented.variant,
                                                           question=question)
                presented = replace(presented, variant=variant)
                qr = replace(qr, question_id=item.name)
            new_items.append(presented)
            new_results.append(qr)
        relabelled.append((replace(sq, items=tuple(new_items)),
                           replace(result, questions=tuple(new_results))))
    stats = item_analysis(relabelled, thresholds)
    return tuple(s for s in stats if s.question.id not in variants)


def grade_lms(quiz: Quiz, responses: LmsResponses, out: Path, previous: Path | None = None,
              thresholds: Thresholds = Thresholds(), attempts: str = "highest"
              ) -> GradeSummary:
    """Grade LMS attempts like `build.grade_quiz` grades answers files: the same
    gradebook.csv, item_analysis.csv/.md, results.jsonl, regrade_changes.csv and problems.txt,
    plus item_analysis_variants.csv/.md (per exported variant, for questions exported with
    several), lms_mapping.csv (LMS column or slot -> question and variant) and lms_attempts.csv
    (which attempt counted)."""
    if attempts not in ATTEMPT_RULES:
        raise ValueError(f"attempts must be one of {ATTEMPT_RULES}, got {attempts!r}")
    memo: GradeMemo = {}
    graded_all = [(a, grade_student_quiz(a.quiz, a.answers, memo)) for a in responses.attempts]
    chosen = _choose(graded_all, attempts)
    graded = [(attempt.quiz, result) for attempt, result, _ in chosen]
    variant_items = _per_variant(graded, [a.exported for a, _, _ in chosen], thresholds)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    if variant_items:
        paths["item_analysis_variants.csv"] = out / "item_analysis_variants.csv"
        write_item_analysis_csv(paths["item_analysis_variants.csv"], variant_items)
        paths["item_analysis_variants.md"] = out / "item_analysis_variants.md"
        paths["item_analysis_variants.md"].write_text(item_analysis_markdown(variant_items),
                                                      encoding="utf-8")
    paths["lms_mapping.csv"] = out / "lms_mapping.csv"
    with open(paths["lms_mapping.csv"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([f"{responses.lms}_column", "question_id", "variant", "lms_text"])
        writer.writerows(responses.mapping)
    paths["lms_attempts.csv"] = out / "lms_attempts.csv"
    with open(paths["lms_attempts.csv"], "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", "attempts", "rule", "counted_row", "lms_score",
                         "score"])
        for attempt, result, count in chosen:
            writer.writerow([attempt.student_id, count, attempts, attempt.source,
                             "" if attempt.lms_score is None else f"{attempt.lms_score:g}",
                             f"{round(result.score, 4):g}"])
    return write_grading(quiz, graded, out, responses.problems, previous, thresholds, paths)
