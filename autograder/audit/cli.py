"""`python -m autograder audit ASSIGNMENT...`: mutation analysis of the graders."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command()
@click.argument("assignments", nargs=-1)
@click.option("--quick", is_flag=True,
              help="The make-test audit: a deterministic sample (audit.test_sample), slow "
                   "checks of other components skipped.")
@click.option("-j", "--workers", type=int, default=2, show_default=True,
              help="Grading processes of the batch grader's supervised pool (0: in this "
                   "process).")
@click.option("--max-mutants", type=int, default=None,
              help="Grade a deterministic sample of this many mutants.")
@click.option("--seed", type=int, default=None, help="Sample seed (default: audit.seed).")
@click.option("--operator", "operators", multiple=True,
              help="Only these mutation operators (repeatable); see --list-operators.")
@click.option("--file", "files", multiple=True,
              help="Only mutants of this submission file (repeatable).")
@click.option("--no-random-probes", is_flag=True,
              help="Do not probe equivalence candidates with random inputs (they then count "
                   "as survivors).")
@click.option("--budget", type=float, default=None,
              help="Start no new mutant after this many seconds; rerun to continue.")
@click.option("--no-cache", is_flag=True, help="Regrade mutants graded before.")
@click.option("--no-bugs", is_flag=True, help="Skip the hand-written buggy submissions.")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Report folder (default: build/audit/<assignment>).")
@click.option("--direction", type=click.Choice(["both", "mutation", "acceptance"]),
              default="both", show_default=True,
              help="mutation: wrong code must lose points; acceptance: correct variants "
                   "(rewrites of the reference, independent implementations) must get full "
                   "marks.")
@click.option("--accept-sample", type=int, default=None,
              help="Grade a deterministic sample of this many rewrites (quick: 6).")
@click.option("--exhaustive", is_flag=True,
              help="Grade every reached check of every mutant (default: stop at a mutant's "
                   "first failing check, points lost measured on a sample).")
@click.option("--list-operators", is_flag=True, help="List the mutation operators and exit.")
@click.option("--no-fail", is_flag=True, help="Exit 0 even when a grader is under its minimum.")
def audit(assignments: tuple[str, ...], quick: bool, workers: int,
          max_mutants: int | None, seed: int | None, operators: tuple[str, ...],
          files: tuple[str, ...], no_random_probes: bool, budget: float | None, no_cache: bool,
          no_bugs: bool, out: Path | None, direction: str, accept_sample: int | None,
          exhaustive: bool,
          list_operators: bool, no_fail: bool) -> None:
    """Grade mutants of the reference solutions with the real graders; report which survive,
    and grade correct variants (rewrites, independent implementations): each must get full marks.

    ASSIGNMENTS: names (default: every assignment whose YAML has an `audit:` key). Writes
    report.json, report.html and components.png under build/audit/<assignment>/; exits 1 when
    a grader is under its audit.min_score or a hand-written bug is not caught in its
    component.
    """
    from ..cli import PATHS, _load
    from .mutate import OPERATORS
    from .report import render_text, write_all
    from .runner import AuditError, AuditOptions, run_audit

    if list_operators:
        from .accept import REWRITES

        for name, (text, _fn) in OPERATORS.items():
            click.echo(f"{name:<16}{text}")
        click.echo("\ncorrect-variant rewrites (acceptance direction):")
        for name, (text, _fn, _torch) in REWRITES.items():
            click.echo(f"{name:<18}{text}")
        return
    names = list(assignments) or [n for n in PATHS.assignment_names()
                                  if _load(n).audit is not None]
    if not names:
        raise click.UsageError("no assignment has an `audit:` key; name one")
    unknown = sorted(set(operators) - set(OPERATORS))
    if unknown:
        raise click.UsageError(f"unknown operator(s) {unknown}; known: {sorted(OPERATORS)}")
    failed = []
    for name in names:
        assignment = _load(name)
        folder = out if out and len(names) == 1 else (out / name if out else
                                                       PATHS.build / "audit" / name)
        options = AuditOptions(quick=quick, workers=workers,
                               max_mutants=max_mutants, seed=seed,
                               operators=list(operators) or None, files=list(files) or None,
                               random_probes=not no_random_probes, budget=budget, cache=not no_cache,
                               bugs=not no_bugs, out=folder, progress=True,
                               mutation=direction != "acceptance",
                               acceptance=direction != "mutation", accept_sample=accept_sample,
                               exhaustive=exhaustive)
        try:
            report = run_audit(assignment, options, log=lambda m: click.echo(m, err=True))
        except AuditError as exc:
            raise click.ClickException(str(exc)) from None
        paths = write_all(report, folder)
        click.echo(render_text(report))
        click.echo(f"\n  reports: {paths['json']}  {paths['html']}\n")
        if not report["passes"] or not report["bugs_ok"]:
            failed.append(name)
    if failed and not no_fail:
        click.echo(f"audit failed for: {', '.join(failed)}", err=True)
        sys.exit(1)
