"""`batch` command group: grade a whole export, diff two grader versions, report, override.

Attach with ``main.add_command(batch)``; standalone: ``python -m autograder.batch.cli --help``.
Usage errors exit with 2 (click's convention), unreadable exports or stores with 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..config import Assignment, ConfigError, load_assignment
from ..paths import CoursePaths
from .export import ExportError
from .store import StoreError

PATHS = CoursePaths()

_store_option = click.option(
    "--store", required=True, type=click.Path(dir_okay=False, path_type=Path),
    help="The gradebook store (one SQLite file; created if missing).")


def load(name_or_yaml: str) -> Assignment:
    """An assignment by name, or an assignment.yaml path (e.g. a modified copy for a regrade)."""
    path = Path(name_or_yaml)
    try:
        if path.suffix in (".yaml", ".yml"):
            if not path.is_file():
                raise click.BadParameter(f"'{path}' does not exist", param_hint="'ASSIGNMENT'")
            return load_assignment(path, PATHS.root)
        return PATHS.load(name_or_yaml)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


def assignment_name(name_or_yaml: str) -> str:
    path = Path(name_or_yaml)
    return load(name_or_yaml).name if path.suffix in (".yaml", ".yml") else name_or_yaml


def _console(stderr: bool = False):
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False,
                   width=None if sys.stdout.isatty() else 140)


@click.group(name="batch")
def batch() -> None:
    """Grade every submission of a Gradescope export, in parallel, into a gradebook store."""


@batch.command()
@click.argument("assignment")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@_store_option
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for gradebook.csv and results/<submission>/{results.json,"
                   "feedback.txt}.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parallel graders (default: the number of cores).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local",
              show_default=True, help="local process pool, or tasks on a Ray cluster.")
@click.option("--timeout", type=click.FloatRange(min=1), default=None,
              help="Seconds before a submission's grader is stopped (default: 1.5 x the "
                   "YAML's limits.submission_seconds + 60).")
@click.option("--force", is_flag=True,
              help="Regrade submissions this grader version already graded (adds results).")
@click.option("--retry-failed", is_flag=True,
              help="Regrade submissions whose earlier result was a timeout, a dead worker or "
                   "a grader error.")
@click.option("--release", default=None, metavar="ISO-TIME",
              help="Assignment release date for the submission policy, e.g. "
                   "2026-01-05T09:00:00-08:00.")
@click.option("--due", default=None, metavar="ISO-TIME",
              help="Due date for policy windows measured from the due date.")
@click.option("--ray-address", default=None,
              help="Ray cluster to use (default: RAY_ADDRESS, else a local cluster).")
@click.option("--gpu-fraction", type=click.FloatRange(min=0.01, max=1), default=None,
              help="GPU share per Ray task when the cluster has GPUs (default: GPUs / "
                   "workers, at most 1).")
@click.option("--extensions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=None, help="CSV of extensions (SID,assignment,new_due,reason; an empty "
              "new_due revokes), kept in the store for later runs.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def grade(assignment: str, source: Path, store: Path, out: Path, workers: int | None,
          engine: str, timeout: float | None, force: bool, retry_failed: bool,
          release: str | None, due: str | None, ray_address: str | None,
          gpu_fraction: float | None, extensions: Path | None, quiet: bool) -> None:
    """Grade every submission in SOURCE (export zip, export folder, or a folder of
    submissions) with ASSIGNMENT (a name or an assignment.yaml path).

    Already graded (submission, grader version) pairs are skipped, so running it again after
    a crash or Ctrl-C finishes the rest.
    """
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)

    from ..engine.results import SubmissionResult
    from ..policy import parse_time
    from .runner import grade_batch

    config = load(assignment)
    for label, value in (("--release", release), ("--due", due)):
        if value is not None and parse_time(value) is None:
            raise click.BadParameter(f"'{value}' is not an ISO time such as "
                                     "2026-01-05T09:00:00-08:00", param_hint=f"'{label}'")
    if extensions is not None:
        _import_extensions(config.name, extensions, store)
    if config.policy and release is None and due is None:
        click.echo("note: the assignment has a submission policy but neither --release nor "
                   "--due was given: the policy is not applied", err=True)
    console = _console(stderr=True)
    progress = Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                        MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                        TextColumn("{task.fields[last]}"), console=console,
                        disable=quiet, transient=False)
    state = {"task": None}

    def on_start(todo: int, total: int) -> None:
        if total - todo:
            console.print(f"{total - todo} of {total} submissions already graded by this "
                          "grader version: skipped")
        state["task"] = progress.add_task(f"grading {config.name}", total=todo, last="")

    def on_outcome(outcome, entry) -> None:
        if outcome.status != "graded" and outcome.status != "skipped":
            console.print(f"[yellow]{entry.key}: {outcome.status}: {outcome.reason}[/]")
        if state["task"] is not None:
            score = (SubmissionResult.from_dict(outcome.result).score if outcome.result
                     else 0)
            progress.update(state["task"], advance=1,
                            last=f"{entry.key}: {outcome.status} {score:g}")

    try:
        with progress:
            summary = grade_batch(config, source, store, out, workers=workers, engine=engine,
                                  timeout=timeout, force=force, retry_failed=retry_failed,
                                  release=release, due=due, ray_address=ray_address,
                                  gpu_fraction=gpu_fraction, on_start=on_start,
                                  on_outcome=on_outcome)
    except (ExportError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        click.echo("interrupted: run the same command again to grade the rest", err=True)
        sys.exit(130)
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(summary.statuses.items())) or "none"
    click.echo(f"{config.name}: {summary.total} submissions ({summary.source_kind}), graded "
               f"{summary.graded} ({statuses}), skipped {summary.skipped} in "
               f"{summary.seconds:.1f} s; grader {summary.grader_hash[:12]}, run "
               f"{summary.run_id}")
    if summary.late is not None:
        decided = summary.late.decisions.values()
        late = [d for d in decided if d.late]
        click.echo(f"late days: due {summary.late.due or 'unknown'} (from "
                   f"{summary.late.due_source}); {len(late)} of {len(decided)} students late, "
                   f"{sum(d.days_charged for d in late)} days charged, "
                   f"{sum(1 for d in late if d.penalty)} with a penalty")
    if summary.gradebook:
        click.echo(f"gradebook: {summary.gradebook}")
        click.echo(f"results:   {summary.gradebook.parent / 'results'}/<submission>/")


@batch.command()
@click.argument("assignment")
@_store_option
@click.option("--old", default=None, help="Old grader hash (prefix); default: the version "
              "before --new.")
@click.option("--new", default=None, help="New grader hash (prefix); default: the newest.")
@click.option("--html", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write diff.html and its histogram into this folder.")
@click.option("--all", "show_all", is_flag=True, help="List unchanged students too.")
def diff(assignment: str, store: Path, old: str | None, new: str | None, html: Path | None,
         show_all: bool) -> None:
    """Per student, old -> new total and the checks that flipped between two grader versions
    of ASSIGNMENT (check a test fix before publishing)."""
    from .report import print_diff, write_html

    name, data = _report_data(store, assignment, old, new)
    print_diff(data, _console(), show_all=show_all)
    _print_late_changes(store, name)
    if html:
        path = write_html(data, html, "diff.html", f"{name}: what changed")
        click.echo(f"html: {path}")


@batch.command()
@click.argument("assignment", required=False)
@_store_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write report.html (+ histogram), and gradebook.csv and per-student results "
                   "from the store, into this folder (without ASSIGNMENT: late_days.csv).")
@click.option("--hash", "grader", default=None, help="Grader hash (prefix); default: newest.")
def report(assignment: str | None, store: Path, out: Path | None, grader: str | None) -> None:
    """Pass rates per check, score summary and runs of ASSIGNMENT from the store.

    Without ASSIGNMENT: every student's late days across the term's assignments, in one table.
    """
    from .outputs import write_all
    from .report import print_report, write_html

    if assignment is None:
        _term_report(store, out)
        return
    name, data = _report_data(store, assignment, None, grader)
    print_report(data, _console())
    if out:
        path = write_html(data, out, "report.html")
        click.echo(f"html: {path}")
        config = load(assignment)
        csv_path = write_all(config, list(data.new.values()), out, _latest_late(store, name))
        click.echo(f"gradebook: {csv_path}")


def _import_extensions(assignment: str, path: Path, store: Path) -> None:
    from ..late import ExtensionError, read_extensions
    from .store import Gradebook

    try:
        rows = read_extensions(path)
    except ExtensionError as exc:
        raise click.ClickException(str(exc)) from None
    mine = [e for e in rows if e.assignment == assignment]
    try:
        with Gradebook(store) as book:
            added = book.add_extensions(mine, str(path))
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    others = len(rows) - len(mine)
    click.echo(f"extensions: {len(mine)} row(s) for {assignment} in {path.name}, {added} new or "
               f"changed" + (f" ({others} for other assignments ignored)" if others else ""),
               err=True)


def _latest_late(store: Path, assignment: str) -> dict | None:
    from .store import Gradebook

    with Gradebook(store) as book:
        runs = book.late_runs(assignment)
        return book.late(runs[-1]["run_id"]) if runs else None


def _print_late_changes(store: Path, assignment: str) -> None:
    from .late_days import late_changes
    from .report import print_late_changes
    from .store import Gradebook

    with Gradebook(store) as book:
        changes, runs = late_changes(book, assignment)
    print_late_changes(changes, runs, assignment, _console())


def _term_report(store: Path, out: Path | None) -> None:
    import csv

    from .late_days import term_ledger
    from .report import print_term, term_table
    from .store import Gradebook

    _need_store(store)
    with Gradebook(store) as book:
        ledger = term_ledger(book)
    if not ledger.decisions:
        raise click.ClickException(f"{store}: no late days recorded yet (assignments need a "
                                   "late policy and a due date; see `batch grade --due`)")
    print_term(ledger, _console())
    if out:
        out.mkdir(parents=True, exist_ok=True)
        header, rows = term_table(ledger)
        path = out / "late_days.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        click.echo(f"late days: {path}")


@batch.command()
@click.argument("assignment")
@click.argument("student")
@click.argument("check")
@click.argument("points", required=False, type=float)
@_store_option
@click.option("--by", required=True, help="Who sets it (kept with the override).")
@click.option("--why", required=True, help="Why (kept, and shown to the student).")
@click.option("--revoke", is_flag=True, help="Remove the override of CHECK instead.")
def override(assignment: str, student: str, check: str, points: float | None, store: Path,
             by: str, why: str, revoke: bool) -> None:
    """Set CHECK (component.check) of STUDENT (SID, email, name or submission folder) to
    POINTS; it survives regrades. Applies to gradebook.csv at the next grade or report."""
    from .store import Gradebook

    config = load(assignment)
    keys = config.check_keys()
    if check not in keys:
        raise click.BadParameter(f"'{check}' is not a check of {config.name}; one of: "
                                 + ", ".join(keys), param_hint="'CHECK'")
    max_points = next(k.points for c in config.components for k in c.checks
                      if f"{c.id}.{k.id}" == check)
    if revoke == (points is not None):
        raise click.UsageError("give POINTS, or --revoke without POINTS")
    if points is not None and not 0 <= points <= max_points:
        raise click.BadParameter(f"{points:g} is outside 0..{max_points:g} for {check}",
                                 param_hint="'POINTS'")
    _need_store(store)
    try:
        with Gradebook(store) as book:
            key = book.resolve_student(config.name, student)
            book.add_override(config.name, key, check, None if revoke else points, by, why)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    what = "revoked" if revoke else f"set to {points:g} / {max_points:g}"
    click.echo(f"{config.name}: {key}: {check} {what} by {by} ({why})")


def _report_data(store: Path, assignment: str, old: str | None, new: str | None):
    """(assignment name, ReportData) comparing grader hashes `old` and `new` in the store."""
    from .report import build_report
    from .store import Gradebook

    _need_store(store)
    name = assignment_name(assignment)
    try:
        with Gradebook(store) as book:
            return name, build_report(book, name, old, new)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None


def _need_store(store: Path) -> None:
    if not store.is_file():
        raise click.BadParameter(f"'{store}' does not exist (run `batch grade` first)",
                                 param_hint="'--store'")


from .similarity_cli import similarity  # noqa: E402  (it imports `load` from here)

batch.add_command(similarity)

if __name__ == "__main__":
    batch()
