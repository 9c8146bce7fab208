"""`quiz` command group: render, grade, check and list randomized quizzes.

Attach with ``main.add_command(quiz)``; standalone: ``python -m autograder.quizzes.cli --help``.
Usage errors exit with 2 (click's convention), invalid banks or data with 1.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from .analysis import Thresholds
from .build import grade_quiz, render_quiz
from .errors import QuizError, RosterError, UnknownQuizError
from .library import (DEFAULT_BUILD, DEFAULT_ROOT, DEMO_ROSTER, Quiz, load_definitions,
                      load_library, load_quiz)
from .lint import LINT_SEEDS_DEFAULT, find_notes_dir, lint_library
from .lms_responses import ATTEMPT_RULES, grade_lms, read_lms
from .render import read_roster
from .validate import CHECK_SEEDS_DEFAULT, check_library

_root_option = click.option(
    "--root", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_ROOT, show_default=True,
    help="Folder holding banks/, quizzes.yaml and rosters/.")
_seed_option = click.option("--seed", type=int, default=None,
                            help="Override the seed from quizzes.yaml (use the same for "
                                 "render and grade).")


def _load(name: str, root: Path, seed: int | None) -> Quiz:
    try:
        return load_quiz(name, root, seed)
    except UnknownQuizError as error:
        raise click.BadParameter(str(error), param_hint="'NAME'") from None
    except QuizError as error:
        raise click.ClickException(str(error)) from None


@click.group(name="quiz")
def quiz() -> None:
    """Randomized multiple-choice quizzes: per-student variants, keys, LMS exports, grading."""


@quiz.command()
@click.argument("name")
@click.option("--roster", required=True,
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV with a student_id column.")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if needed).")
@_seed_option
@_root_option
def render(name: str, roster: Path, out: Path, seed: int | None, root: Path) -> None:
    """Render quiz NAME for every student of the roster, with keys and LMS exports."""
    loaded = _load(name, root, seed)
    try:
        students = read_roster(roster)
    except RosterError as error:
        raise click.BadParameter(str(error), param_hint="'--roster'") from None
    try:
        summary = render_quiz(loaded, students, out)
    except QuizError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Rendered quiz '{name}' (seed {loaded.seed}) for {summary.students} students, "
               f"{summary.questions} questions each, into {out}")
    click.echo("  students/<id>.html, students/<id>.md   variants to hand out")
    click.echo("  keys/<id>.md, answer_key.csv           instructor keys with explanations")
    click.echo(f"  lms/{name}_qti.zip, lms/{name}_moodle.xml, lms/{name}.gift   LMS imports")


@quiz.command()
@click.argument("name")
@click.option("--responses", type=click.Path(exists=True, path_type=Path),
              help="Responses CSV (student_id,q1,q2,...) or a folder of <id>.yaml files.")
@click.option("--canvas", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Canvas classic-quiz 'Student Analysis' CSV of the quiz imported from our "
                   "QTI export.")
@click.option("--moodle", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Moodle quiz 'Responses' report download (CSV) of the quiz built from our "
                   "Moodle XML export.")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="With --canvas/--moodle: the roster the export was rendered for (it "
                   f"decides the variants) [default: ROOT/rosters/{DEMO_ROSTER}].")
@click.option("--attempts", type=click.Choice(ATTEMPT_RULES), default="highest",
              show_default=True,
              help="With --canvas/--moodle: which attempt counts when a student has several "
                   "(highest by our grading, ties to the later one).")
@click.option("--id-column", default=None,
              help="With --canvas/--moodle: report column holding the student id [default: "
                   "Canvas sis_id, else id; Moodle 'ID number', 'Username' or 'Email "
                   "address'].")
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (created if needed).")
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Earlier gradebook.csv; lists students whose totals changed.")
@click.option("--min-students", type=click.IntRange(min=1),
              default=Thresholds().min_students, show_default=True,
              help="Flag items (and unused distractors) only with at least this many "
                   "answers.")
@_seed_option
@_root_option
def grade(name: str, responses: Path | None, canvas: Path | None, moodle: Path | None,
          roster: Path | None, attempts: str, id_column: str | None, out: Path,
          previous: Path | None, min_students: int, seed: int | None, root: Path) -> None:
    """Grade responses to quiz NAME: gradebook, item analysis and regrade changes.

    Give exactly one of --responses (our answers CSV or files), --canvas or --moodle (the
    LMS's own export of the quiz taken there; its questions are mapped back to our variants
    by text, which needs the roster and seed the export was rendered with).

    Each item-analysis flag names the question's bank file and line (and the option's line
    for a distractor) with a suggested fix."""
    given = [o for o, v in (("--responses", responses), ("--canvas", canvas),
                            ("--moodle", moodle)) if v is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of --responses, --canvas or --moodle"
                               + (f" (got {', '.join(given)})" if given else ""))
    lms_only = [o for o, v in (("--roster", roster), ("--id-column", id_column)) if v]
    if responses is not None and lms_only:
        raise click.UsageError(f"{', '.join(lms_only)} only apply to --canvas or --moodle")
    loaded = _load(name, root, seed)
    thresholds = Thresholds(min_students=min_students,
                            min_for_unused_distractor=min_students)
    try:
        if responses is not None:
            summary = grade_quiz(loaded, responses, out, previous, thresholds)
        else:
            roster_path = roster or loaded.library.paths.rosters_dir / DEMO_ROSTER
            try:
                students = read_roster(roster_path)
            except RosterError as error:
                raise click.BadParameter(str(error), param_hint="'--roster'") from None
            lms, path = ("canvas", canvas) if canvas is not None else ("moodle", moodle)
            read = read_lms(lms, path, loaded, students, id_column)
            summary = grade_lms(loaded, read, out, previous, thresholds, attempts)
    except QuizError as error:
        raise click.ClickException(str(error)) from None
    results = summary.results
    if results:
        mean = sum(r.score for r in results) / len(results)
        top = max(r.max_score for r in results)
        click.echo(f"Graded {len(results)} students of quiz '{name}': mean score "
                   f"{mean:.2f} / {top:g}")
    else:
        click.echo(f"No gradable responses for quiz '{name}'")
    flagged = [s for s in summary.items if s.flags]
    few = sum(1 for s in summary.items if s.n < min_students)
    note = (f" ({few} answered by fewer than {min_students} students: not "
            "flagged)" if few else "")
    click.echo(f"Item analysis: {len(summary.items)} questions, {len(flagged)} flagged{note}")
    for stats in flagged:
        for flag in stats.flags:
            click.echo(f"  {flag.line()}")
    if summary.changes is not None:
        click.echo(f"Regrade: {len(summary.changes)} students changed")
        for change in summary.changes:
            old = "-" if change.old is None else f"{change.old:g}"
            new = "-" if change.new is None else f"{change.new:g}"
            click.echo(f"  {change.student_id}: {old} -> {new}")
    if summary.problems:
        click.echo(f"Warning: {len(summary.problems)} problems with the responses "
                   f"(see {out / 'problems.txt'}):", err=True)
        for problem in summary.problems[:10]:
            click.echo(f"  {problem}", err=True)
    click.echo(f"Wrote {', '.join(p.name for p in summary.files)} to {out}")


_notes_option = click.option(
    "--notes", "notes_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None, help="Course-notes folder for the coverage check [default: "
                       "$QUIZ_COURSE_NOTES or shared/course-notes next to the checkout].")


@quiz.command()
@click.option("--seeds", type=click.IntRange(min=1), default=CHECK_SEEDS_DEFAULT,
              show_default=True, help="Variants rendered per question.")
@click.option("--lint/--no-lint", "run_lint", default=True, show_default=True,
              help="Also run `quiz lint` (its errors fail the check).")
@_notes_option
@_root_option
def check(seeds: int, run_lint: bool, notes_dir: Path | None, root: Path) -> None:
    """Validate every bank: render each question for many seeds, then resolve every quiz."""
    try:
        library = load_library(root)
        checks = check_library(library, seeds)
    except QuizError as error:
        raise click.ClickException(str(error)) from None
    per_bank = Counter(library.questions[c.question_id].source for c in checks)
    for source, count in per_bank.items():
        click.echo(f"  {source}: {count} questions")
    parameterized = sum(1 for c in checks if library.questions[c.question_id].parameterized)
    click.echo(f"OK: {len(checks)} questions in {len(per_bank)} banks rendered for {seeds} "
               f"seeds each ({parameterized} parameterized)")
    if run_lint:
        try:
            report = lint_library(library, notes_dir=notes_dir or find_notes_dir(root))
        except QuizError as error:
            raise click.ClickException(str(error)) from None
        _fail_on_lint_errors(report)


@quiz.command()
@click.argument("names", nargs=-1)
@click.option("--seeds", type=click.IntRange(min=1), default=LINT_SEEDS_DEFAULT,
              show_default=True, help="Variants rendered per question.")
@click.option("--quiet", is_flag=True, help="Only findings, no metrics.")
@_notes_option
@_root_option
def lint(names: tuple[str, ...], seeds: int, quiet: bool, notes_dir: Path | None,
         root: Path) -> None:
    """Cues and balance: key-is-longest rate, key positions, true/false balance, ...

    Without NAMES: the library, every bank and every quiz; with NAMES: those quizzes and
    their questions. Errors exit with 1, warnings do not. Thresholds: `lint:` in quizzes.yaml
    (top level, or per quiz).
    """
    try:
        library = load_library(root)
        report = lint_library(library, list(names), seeds,
                              notes_dir or find_notes_dir(root))
    except QuizError as error:
        raise click.ClickException(str(error)) from None
    click.echo(report.text(verbose=not quiet))
    if report.errors:
        sys.exit(1)


@quiz.command(name="build-all")
@click.option("--roster", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help=f"Roster CSV [default: ROOT/rosters/{DEMO_ROSTER}].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_BUILD,
              show_default=True, help="Each quiz goes to OUT/<quiz name>/.")
@click.option("--seeds", type=click.IntRange(min=1), default=CHECK_SEEDS_DEFAULT,
              show_default=True, help="Variants rendered per question by the check.")
@_root_option
def build_all(roster: Path | None, out: Path, seeds: int, root: Path) -> None:
    """Check and lint every bank, render every quiz for the roster and build its Gradescope
    zip."""
    from ..build.quiz_zip import build_quiz_zip

    try:
        library = load_library(root)
        checks = check_library(library, seeds)
        definitions = load_definitions(library)
        students = read_roster(roster or library.paths.rosters_dir / DEMO_ROSTER)
        click.echo(f"Checked {len(checks)} questions ({seeds} seeds each)")
        _fail_on_lint_errors(lint_library(library, notes_dir=find_notes_dir(root)))
        for name in definitions:
            summary = render_quiz(Quiz(definitions[name], library), students, out / name)
            click.echo(f"Rendered {name}: {summary.students} students, {summary.questions} "
                       f"questions -> {out / name}")
            grader = build_quiz_zip(name, out / name / "autograder.zip", root)
            click.echo(f"Gradescope zip for {name} -> {grader}")
    except QuizError as error:
        raise click.ClickException(str(error)) from None


@quiz.command(name="zip")
@click.argument("name")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the zip [default: build/quizzes/NAME/autograder.zip].")
@_root_option
def zip_command(name: str, out: Path | None, root: Path) -> None:
    """Build the Gradescope autograder zip that grades answers files for quiz NAME."""
    from ..build.quiz_zip import build_quiz_zip

    try:
        grader = build_quiz_zip(name, out or DEFAULT_BUILD / name / "autograder.zip", root)
    except QuizError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Gradescope zip for {name} -> {grader}")


@quiz.command(name="list")
@_root_option
def list_quizzes(root: Path) -> None:
    """List the quizzes of quizzes.yaml and the banks' topics."""
    try:
        library = load_library(root)
        definitions = load_definitions(library)
    except QuizError as error:
        raise click.ClickException(str(error)) from None
    for name, definition in definitions.items():
        count = sum(section.pick for section in definition.sections)
        click.echo(f"{name}: {definition.title} ({count} questions, seed {definition.seed})")
    topics = Counter(q.topic for q in library.questions.values())
    click.echo("Topics: " + ", ".join(f"{t} ({n})" for t, n in topics.items()))


if __name__ == "__main__":
    sys.exit(quiz())


def _fail_on_lint_errors(report) -> None:
    """Print the lint's errors and its counts; stop the command if there are errors."""
    for finding in report.errors:
        click.echo(f"  {finding.scope}: {finding.line()}")
    click.echo(f"Lint: {len(report.errors)} errors, {len(report.warnings)} warnings "
               "(details: quiz lint)")
    if report.errors:
        raise click.ClickException(f"quiz lint found {len(report.errors)} errors")
