"""`batch similarity`: the pairwise code-similarity report (registered in the `batch` group
with ``batch.add_command(similarity)``; the logic is `similarity.py`).

Usage errors exit with 2 (click's convention), exports that cannot be read with 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .similarity import (DEFAULT_COMMON, DEFAULT_MIN_TOKENS, DEFAULT_SOLUTION_THRESHOLD,
                         DEFAULT_THRESHOLD, DEFAULT_TOP)


@click.command(name="similarity")
@click.argument("assignment")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for index.html, pairs/<rank>.html (side by side) and pairs.csv.")
@click.option("--reference", "references", multiple=True,
              type=click.Path(exists=True, path_type=Path),
              help="An earlier term's export or folder of submissions (repeatable): compared "
                   "with this term's submissions, not with each other.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=DEFAULT_THRESHOLD,
              show_default=True,
              help="Report a pair when either side has at least this share of its own code "
                   "in the other.")
@click.option("--top", type=click.IntRange(min=1), default=DEFAULT_TOP, show_default=True,
              help="Report at most this many pairs (most similar first).")
@click.option("--min-tokens", type=click.IntRange(min=0), default=DEFAULT_MIN_TOKENS,
              show_default=True,
              help="Ignore pairs with fewer matched (filtered) tokens on either side.")
@click.option("--solution-threshold", type=click.FloatRange(0, 1),
              default=DEFAULT_SOLUTION_THRESHOLD, show_default=True,
              help="List a submission as a copy of the staff solution when at least this share "
                   "of its own code matches it.")
@click.option("--common", type=click.FloatRange(0, 1), default=DEFAULT_COMMON,
              show_default=True,
              help="Ignore code found in more than this share of the submissions (and in more "
                   "than 10) like the skeleton; 1 keeps everything.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Processes that read and tokenize submissions (default: cores, at most 8).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def similarity(assignment: str, source: Path, out: Path, references: tuple[Path, ...],
               threshold: float, top: int, min_tokens: int, solution_threshold: float,
               common: float, workers: int | None, quiet: bool) -> None:
    """Pairwise code similarity of the submissions in SOURCE (export zip, export folder, or a
    folder of submissions) for ASSIGNMENT (a name or an assignment.yaml path).

    Only the assignment's submitted files are compared; the handout skeleton is ignored; the
    staff solution is never paired but submissions copying it are listed; a group's members
    and one student's several entries are never paired. Writes a static HTML report into OUT.
    """
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn)

    from .export import ExportError
    from .similarity import SimilarityError, similarity_report

    from .cli import load  # the batch group's loader (imported late: cli imports this)

    config = load(assignment)
    console = Console(stderr=True, highlight=False)
    bar = Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, disable=quiet, transient=False)
    tasks: dict[str, int] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done, total=total)

    try:
        with bar:
            result = similarity_report(config, source, out, references, threshold=threshold,
                                       top=top, min_tokens=min_tokens,
                                       solution_threshold=solution_threshold,
                                       common=common, workers=workers,
                                       progress=progress)
    except (ExportError, SimilarityError) as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{exc.filename or out}: {exc.strerror or exc}") from None
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    skipped = result.skipped
    for sub in skipped:
        click.echo(f"skipped {sub.key}: {sub.skipped}", err=True)
    click.echo(f"{result.assignment}: {len(result.submissions)} submissions"
               + (f" + {len(result.references)} from earlier terms" if result.references else "")
               + f", {len(skipped)} skipped; {result.pairs_compared} of {result.pairs_possible}"
               f" pairs compared in full, {result.pairs_above} at or above {threshold:.0%} "
               f"({len(result.pairs)} reported); {len(result.solution_matches)} mostly the "
               f"staff solution; {result.seconds:.1f} s")
    for rank, m in enumerate(result.pairs[:10], 1):
        click.echo(f"  {rank:>3}. {m.similarity_a:4.0%} / {m.similarity_b:4.0%}  {m.a.key} "
                   f"({m.a.label}) ~ {m.b.key} ({m.b.label})")
    click.echo(f"html: {result.index}")


if __name__ == "__main__":
    similarity()
