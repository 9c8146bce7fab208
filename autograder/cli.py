"""Command line: `python -m autograder VERB ...` (also installed as `dlgrade`).

A thin layer over library functions; each verb's defaults are that function's defaults.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .config import ConfigError
from .paths import CoursePaths

PATHS = CoursePaths()


def _load(name: str):
    try:
        return PATHS.load(name)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--course", type=click.Path(exists=True, file_okay=False, path_type=Path),
              envvar="AG_COURSE", default=None,
              help="A course folder with this project's layout (assignments/, solutions/, "
                   "suites/, tests/corpus/, e.g. made by `new --root DIR`) to work on instead "
                   "of this checkout. Also $AG_COURSE.")
def main(course: Path | None) -> None:
    """Auto-graded assignments and quizzes for deep-learning courses."""
    if course is not None:
        from .paths import use_course

        use_course(course)


@main.command()
@click.argument("assignments", nargs=-1)
@click.option("--skeleton-only", is_flag=True,
              help="Only regenerate the student skeletons and handouts (no Gradescope zip).")
def build(assignments: tuple[str, ...], skeleton_only: bool) -> None:
    """Build skeletons, student handouts and Gradescope zips for ASSIGNMENTS (default: all).

    Writes assignments/<a>/ (skeleton beside the YAML), build/<a>/handout/ and handout.zip
    (what students get: no YAML) and build/<a>/autograder.zip (for Gradescope)."""
    from .build.pipeline import build_assignment

    for name in assignments or PATHS.assignment_names():
        try:
            for line in build_assignment(_load(name), PATHS, skeleton_only=skeleton_only):
                click.echo(line)
        except ConfigError as exc:  # e.g. the grader imports a package the YAML leaves out
            raise click.ClickException(str(exc)) from None


@main.command()
@click.argument("assignment")
@click.argument("submission", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("--results", type=click.Path(path_type=Path), default=None,
              help="Write Gradescope's results.json here.")
@click.option("--staff", is_flag=True, help="Also print staff-only notes.")
def grade(assignment: str, submission: tuple[Path, ...], results: Path | None,
          staff: bool) -> None:
    """Grade one SUBMISSION of ASSIGNMENT: a folder, a zip, or loose files."""
    import shutil
    import tempfile

    from .engine import grade as grade_submission
    from .report import render_text, to_gradescope, write_results

    config = _load(assignment)
    with tempfile.TemporaryDirectory(prefix="ag-loose-") as tmp:
        if len(submission) == 1:
            source = submission[0]
        else:  # loose files, as Gradescope stores files uploaded one by one
            source = Path(tmp)
            for path in submission:
                if path.is_dir():
                    raise click.UsageError(f"'{path}' is a folder: give one folder, one zip, "
                                           "or several files")
                shutil.copy(path, source / path.name)
        result = grade_submission(config, source)
    click.echo(render_text(result, staff=staff))
    if results:
        write_results(to_gradescope(result), results)
        click.echo(f"results written to {results}")


@main.command(name="test")
@click.argument("assignment")
@click.argument("folder", required=False, type=click.Path(exists=True, path_type=Path))
def public_tests(assignment: str, folder: Path | None) -> None:
    """Run the public tests of ASSIGNMENT on FOLDER (default: the handout folder)."""
    import pytest

    folder = folder or PATHS.handout(assignment)
    tests = folder / "tests"
    if not tests.is_dir():
        raise click.UsageError(f"no public tests in {tests}")
    sys.exit(pytest.main(["-q", "--rootdir", str(folder), "-p", "no:cacheprovider",
                          str(tests)]))


@main.command()
def demo() -> None:
    """Grade every assignment's reference solution and skeleton; print their scores."""
    from .engine import grade as grade_submission

    rows = []
    for name in PATHS.assignment_names():
        a = _load(name)
        for label, folder in (("reference", a.solution), ("skeleton", PATHS.handout(name))):
            r = grade_submission(a, folder)
            rows.append((name, label, r.score, r.max_score, r.seconds))
            click.echo(f"{name:<12} {label:<10} {r.score:>6g} / {r.max_score:<6g} "
                       f"({r.seconds:.1f} s)")


@main.command()
@click.argument("assignment", required=False)
@click.option("--public", is_flag=True, help="every assignment's public checks (the handouts' "
              "check.py) instead")
def table(assignment: str | None, public: bool) -> None:
    """Print ASSIGNMENT's components, checks and points as a Markdown table (for docs)."""
    from .report.docs import points_table, public_checks_table

    if public:
        click.echo(public_checks_table([_load(n) for n in PATHS.assignment_names()]))
        return
    if assignment is None:
        raise click.UsageError("name an assignment, or use --public")
    click.echo(points_table(_load(assignment)))


@main.command()
@click.argument("name")
@click.option("--torch", "use_torch", is_flag=True,
              help="Compute the checks' oracle with torch (the YAML then installs torch).")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A course folder with the project's layout (default: this checkout); its "
                   "suite goes to DIR/suites/NAME_suite.")
def new(name: str, use_torch: bool, root: Path | None) -> None:
    """Scaffold a working numpy assignment NAME: YAML, fenced reference, public test, hidden
    suite, one corpus bug; then build its skeleton and handout (docs/authoring.md)."""
    from .build.scaffold import ScaffoldError, scaffold

    try:
        for line in scaffold(name, root=root or PATHS.root, torch=use_torch):
            click.echo(line)
    except ScaffoldError as exc:
        raise click.BadParameter(str(exc), param_hint="'NAME'") from None


@main.command()
@click.argument("assignment")
def show(assignment: str) -> None:
    """List ASSIGNMENT's pieces: YAML, skeleton, reference, public tests, hidden suite, bug
    corpus, independent implementations, handout, Gradescope zip, audit report."""
    from .report.show import render

    click.echo(render(_load(assignment)))


@main.command(name="results-check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def results_check(path: Path) -> None:
    """Validate a results.json against Gradescope's format."""
    from .report import validate

    validate(json.loads(path.read_text()))
    click.echo(f"{path}: valid")


def _attach_optional_groups() -> None:
    """The staff command groups; a grader zip leaves batch/, audit/ and experiments/ out, so each
    is optional."""
    import importlib

    for module, name in ((".quizzes.cli", "quiz"), (".batch.cli", "batch"), (".audit.cli", "audit"),
                         (".experiments.cli", "experiment")):
        try:
            group = getattr(importlib.import_module(module, __package__), name)
        except ModuleNotFoundError:  # left out of this copy (a grader zip)
            continue
        main.add_command(group)


_attach_optional_groups()

if __name__ == "__main__":
    main()
