"""The two pipelines behind the CLI: render a quiz for a roster, grade a class's responses."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .analysis import (ItemStats, Thresholds, item_analysis, item_analysis_markdown,
                       write_item_analysis_csv)
from .documents import (DocumentCache, key_markdown, key_row, student_html,
                        student_markdown)
from .export_moodle import moodle_xml
from .export_qti import qti_zip
from .gift import gift_text
from .grade import GradeMemo, QuizResult, grade_student_quiz
from .gradebook import (ScoreChange, diff_scores, read_gradebook, write_changes,
                        write_gradebook)
from .library import Quiz
from .lms import export_groups
from .render import StudentQuiz, student_quiz
from .responses import read_responses
from .validate import BUILD_SEEDS, check_presented, check_question
from .variant import RenderCache

MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class RenderSummary:
    """What `render` wrote."""

    out: Path
    students: int
    questions: int
    files: tuple[Path, ...]


@dataclass(frozen=True)
class GradeSummary:
    """What `grade` found and wrote."""

    out: Path
    results: tuple[QuizResult, ...]
    items: tuple[ItemStats, ...]
    changes: tuple[ScoreChange, ...] | None
    problems: tuple[str, ...]
    files: tuple[Path, ...]


def quiz_question_ids(quiz: Quiz) -> list[str]:
    """Every question a student may receive, in definition order."""
    return [qid for section in quiz.definition.sections for qid in section.pool]


def render_quiz(quiz: Quiz, roster: Sequence[str], out: Path) -> RenderSummary:
    """Variants (HTML, Markdown), keys (Markdown, CSV) and LMS exports for every student."""
    cache = RenderCache()
    for qid in quiz_question_ids(quiz):
        check_question(quiz.question(qid), BUILD_SEEDS, cache)
    students = []
    checked: set[tuple[object, ...]] = set()
    for student in roster:
        sq = student_quiz(quiz, student, cache)
        for item in sq.items:
            key = (item.variant.question.id, item.variant.params, item.order)
            if key not in checked:
                check_presented(item)
                checked.add(key)
        students.append(sq)
    dirs = {name: out / name for name in ("students", "keys", "lms")}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    def write(path: Path, data: str | bytes) -> None:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
        files.append(path)

    documents = DocumentCache()
    for sq in students:
        write(dirs["students"] / f"{sq.student_id}.md", student_markdown(sq, documents))
        write(dirs["students"] / f"{sq.student_id}.html", student_html(sq, documents))
        write(dirs["keys"] / f"{sq.student_id}.md", key_markdown(sq, documents))
    key_path = out / "answer_key.csv"
    n_questions = max((len(sq.items) for sq in students), default=0)
    with open(key_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student_id", *(f"q{i + 1}" for i in range(n_questions))])
        writer.writerows(key_row(sq) for sq in students)
    files.append(key_path)
    groups = export_groups(quiz, students)
    write(dirs["lms"] / f"{quiz.name}_qti.zip", qti_zip(quiz.name, quiz.definition.title,
                                                        groups))
    write(dirs["lms"] / f"{quiz.name}_moodle.xml", moodle_xml(quiz.name, groups))
    write(dirs["lms"] / f"{quiz.name}.gift", gift_text(quiz.name, groups))
    manifest = {"quiz": quiz.name, "title": quiz.definition.title, "seed": quiz.seed,
                "students": len(students), "questions": n_questions,
                "bank_digest": quiz.library.digest}
    write(out / MANIFEST_NAME, json.dumps(manifest, indent=2) + "\n")
    return RenderSummary(out, len(students), n_questions, tuple(files))


def results_jsonl(results: Sequence[QuizResult]) -> str:
    """One JSON object per student (QuizResult.as_dict()); identical question results, which
    the grading memo shares between students, are serialized once."""
    fragments: dict[int, str] = {}
    lines = []
    for result in results:
        parts = []
        for q in result.questions:
            text = fragments.get(id(q))
            if text is None:
                text = fragments[id(q)] = json.dumps(q.as_dict())
            parts.append(text)
        head = json.dumps(result.summary_dict())[:-1]
        lines.append(f'{head}, "questions": [{", ".join(parts)}]}}\n')
    return "".join(lines)


def grade_quiz(quiz: Quiz, responses_path: Path, out: Path, previous: Path | None = None,
               thresholds: Thresholds = Thresholds()) -> GradeSummary:
    """Gradebook, item analysis and (with `previous`) the students whose totals changed."""
    responses = read_responses(responses_path)
    cache = RenderCache()
    memo: GradeMemo = {}
    graded: list[tuple[StudentQuiz, QuizResult]] = []
    for submission in responses.submissions:
        sq = student_quiz(quiz, submission.student_id, cache)
        graded.append((sq, grade_student_quiz(sq, submission.answers, memo)))
    return write_grading(quiz, graded, out, responses.problems, previous, thresholds)


def write_grading(quiz: Quiz, graded: list[tuple[StudentQuiz, QuizResult]], out: Path,
                  problems: tuple[str, ...] = (), previous: Path | None = None,
                  thresholds: Thresholds = Thresholds(),
                  extra: dict[str, Path] | None = None) -> GradeSummary:
    """gradebook.csv, item_analysis.csv/.md, results.jsonl, and regrade_changes.csv (with
    `previous`) and problems.txt (when any) for graded quizzes, however the answers arrived
    (`extra`: more files the caller wrote, listed in the summary)."""
    old_scores = read_gradebook(previous) if previous is not None else None
    results = tuple(result for _, result in graded)
    items = item_analysis(graded, thresholds)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in ("gradebook.csv", "item_analysis.csv",
                                           "item_analysis.md", "results.jsonl")}
    write_gradebook(paths["gradebook.csv"], results, quiz_question_ids(quiz))
    write_item_analysis_csv(paths["item_analysis.csv"], items)
    paths["item_analysis.md"].write_text(item_analysis_markdown(items), encoding="utf-8")
    paths["results.jsonl"].write_text(results_jsonl(results), encoding="utf-8")
    paths.update(extra or {})
    problems = problems + tuple(f"{r.student_id}: {p}" for r in results for p in r.problems)
    changes = None
    if old_scores is not None:
        changes = diff_scores(old_scores, {r.student_id: r.score for r in results})
        paths["regrade_changes.csv"] = out / "regrade_changes.csv"
        write_changes(paths["regrade_changes.csv"], changes)
    if problems:
        paths["problems.txt"] = out / "problems.txt"
        paths["problems.txt"].write_text("\n".join(problems) + "\n", encoding="utf-8")
    return GradeSummary(out, results, items, changes, problems, tuple(paths.values()))
