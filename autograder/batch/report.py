"""`batch diff` and `batch report`: what changed between two grader versions, and how it went.

Both read only the store. A grader version is a grader hash; by default the newest one with
results is compared with the one before it. Per student (latest result under each version,
overrides applied): old -> new total and the checks that flipped. Per check: pass rates under
both versions. Output: a rich table in the terminal and a static HTML page (Jinja2, autoescape
on) with a histogram of old vs new totals (matplotlib, Agg backend, PNG next to the page).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jinja2

from .store import Gradebook, ResultRow, StoreError

TEMPLATES = Path(__file__).with_name("templates")


@dataclass(frozen=True)
class Flip:
    key: str
    title: str
    old: float
    new: float
    max_points: float
    old_passed: bool
    new_passed: bool

    @property
    def arrow(self) -> str:
        if self.old_passed != self.new_passed:
            return "fail → pass" if self.new_passed else "pass → fail"
        return "more points" if self.new > self.old else "fewer points"


@dataclass(frozen=True)
class Change:
    student_key: str
    label: str
    old: float | None
    new: float | None
    max_points: float
    flips: tuple[Flip, ...]
    note: str = ""

    @property
    def delta(self) -> float:
        return (self.new or 0.0) - (self.old or 0.0)


@dataclass(frozen=True)
class CheckRate:
    key: str
    title: str
    max_points: float
    new_passed: int
    new_total: int
    old_passed: int | None = None
    old_total: int | None = None

    @property
    def new_rate(self) -> float:
        return self.new_passed / self.new_total if self.new_total else 0.0

    @property
    def old_rate(self) -> float | None:
        if self.old_total is None:
            return None
        return self.old_passed / self.old_total if self.old_total else 0.0


@dataclass
class ReportData:
    assignment: str
    store: str
    new_hash: str
    old_hash: str | None
    new: dict[str, ResultRow]
    old: dict[str, ResultRow]
    rates: list[CheckRate]
    changes: list[Change]
    unchanged: int
    runs: list[dict[str, Any]]
    overrides: list[dict[str, Any]]
    statuses: dict[str, int] = field(default_factory=dict)
    generated_at: str = field(default_factory=lambda: datetime.now(timezone.utc)
                              .isoformat(timespec="seconds"))
    histogram: str | None = None

    @property
    def max_points(self) -> float:
        rows = list(self.new.values()) or list(self.old.values())
        return max((r.max_score for r in rows), default=0.0)

    def stats(self, which: str) -> dict[str, float]:
        rows = self.new if which == "new" else self.old
        totals = [r.reported for r in rows.values()]
        if not totals:
            return {}
        return {"students": len(totals), "mean": statistics.fmean(totals),
                "median": statistics.median(totals), "min": min(totals), "max": max(totals),
                "of": max(r.max_score for r in rows.values())}


def _pick_hashes(book: Gradebook, assignment: str, old: str | None,
                 new: str | None) -> tuple[str, str | None]:
    hashes = book.hashes(assignment)
    if not hashes:
        raise StoreError(f"{book.path}: no graded results for {assignment}")
    new_hash = book.resolve_hash(assignment, new) if new else hashes[-1]
    if old:
        return new_hash, book.resolve_hash(assignment, old)
    before = hashes[:hashes.index(new_hash)]
    return new_hash, (before[-1] if before else None)


def build_report(book: Gradebook, assignment: str, old: str | None = None,
                 new: str | None = None) -> ReportData:
    new_hash, old_hash = _pick_hashes(book, assignment, old, new)
    new_rows = book.latest(assignment, new_hash)
    old_rows = book.latest(assignment, old_hash) if old_hash else {}
    rates = _rates(new_rows, old_rows if old_hash else None)
    changes, unchanged = [], 0
    for key in sorted(set(new_rows) | set(old_rows)) if old_hash else []:
        change = _change(key, old_rows.get(key), new_rows.get(key))
        if change.flips or change.old != change.new or change.note:
            changes.append(change)
        else:
            unchanged += 1
    changes.sort(key=lambda c: (-abs(c.delta), c.student_key))
    statuses: dict[str, int] = {}
    for row in new_rows.values():
        statuses[row.status] = statuses.get(row.status, 0) + 1
    runs = [dict(r) for r in book.runs(assignment)]
    overrides = [dict(r) for r in book.override_history(assignment)]
    return ReportData(assignment, str(book.path), new_hash, old_hash, new_rows, old_rows,
                      rates, changes, unchanged, runs, overrides, statuses)


def _rates(new: dict[str, ResultRow], old: dict[str, ResultRow] | None) -> list[CheckRate]:
    order: dict[str, tuple[str, float]] = {}
    for rows in (new, old or {}):
        for row in rows.values():
            for chk in row.checks:
                order.setdefault(chk.key, (chk.title, chk.max_points))
    out = []
    def count(rows: dict[str, ResultRow], key: str) -> tuple[int, int]:
        found = [c for c in (r.check(key) for r in rows.values()) if c is not None]
        return sum(c.passed for c in found), len(found)

    for key, (title, max_points) in order.items():
        np_, nt = count(new, key)
        op, ot = count(old, key) if old is not None else (None, None)
        out.append(CheckRate(key, title, max_points, np_, nt, op, ot))
    return out


def _change(key: str, old: ResultRow | None, new: ResultRow | None) -> Change:
    row = new or old
    assert row is not None
    flips = []
    if old is not None and new is not None:
        for chk in new.checks:
            before = old.check(chk.key)
            if before is None:
                flips.append(Flip(chk.key, chk.title, 0.0, chk.points, chk.max_points, False,
                                  chk.passed))
            elif abs(before.points - chk.points) > 1e-9 or before.passed != chk.passed:
                flips.append(Flip(chk.key, chk.title, before.points, chk.points,
                                  chk.max_points, before.passed, chk.passed))
    note = ""
    if old is None:
        note = "new under this grader"
    elif new is None:
        note = "not graded by the new grader"
    elif old.submission_id != new.submission_id:
        note = "a different submission"
    return Change(key, row.label, old.reported if old else None,
                  new.reported if new else None, row.max_score, tuple(flips), note)


# -- terminal ----------------------------------------------------------------------------------
def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def print_diff(data: ReportData, console, show_all: bool = False) -> None:
    from rich.table import Table

    if data.old_hash is None:
        console.print(f"[bold]{data.assignment}[/]: only one grader version "
                      f"({data.new_hash[:12]}) has results; nothing to compare.")
        return
    console.print(f"[bold]{data.assignment}[/]: grader {data.old_hash[:12]} → "
                  f"{data.new_hash[:12]}: {len(data.changes)} students changed, "
                  f"{data.unchanged} unchanged")
    table = Table(title="Students whose results changed", show_lines=False)
    for col in ("student", "old", "new", "Δ", "checks that flipped"):
        table.add_column(col, justify="right" if col in ("old", "new", "Δ") else "left")
    for change in data.changes:
        flips = "; ".join(f"{f.key} {f.old:g}→{f.new:g} ({f.arrow})" for f in change.flips)
        if change.note:
            flips = (flips + "; " if flips else "") + change.note
        table.add_row(change.label, _fmt(change.old), _fmt(change.new),
                      f"{change.delta:+g}", flips)
    if show_all:
        for key, row in data.new.items():
            if all(c.student_key != key for c in data.changes):
                table.add_row(row.label, _fmt(data.old[key].reported if key in data.old
                                              else None), _fmt(row.reported), "+0", "")
    console.print(table)
    print_rates(data, console, only_changed=True)


def print_rates(data: ReportData, console, only_changed: bool = False) -> None:
    from rich.table import Table

    table = Table(title="Pass rate per check" + (" (changed only)" if only_changed else ""))
    table.add_column("check")
    table.add_column("points", justify="right")
    if data.old_hash:
        table.add_column("old", justify="right")
    table.add_column("new" if data.old_hash else "passed", justify="right")
    for rate in data.rates:
        if only_changed and rate.old_rate is not None and abs(rate.old_rate -
                                                               rate.new_rate) < 1e-12:
            continue
        cells = [rate.key, f"{rate.max_points:g}"]
        if data.old_hash:
            cells.append("—" if rate.old_rate is None else
                         f"{rate.old_rate:.0%} ({rate.old_passed}/{rate.old_total})")
        cells.append(f"{rate.new_rate:.0%} ({rate.new_passed}/{rate.new_total})")
        table.add_row(*cells)
    if only_changed and not table.row_count:
        console.print("Pass rates per check: unchanged")
        return
    console.print(table)


def print_report(data: ReportData, console) -> None:
    from rich.table import Table

    stats = data.stats("new")
    console.print(f"[bold]{data.assignment}[/]: grader {data.new_hash[:12]}, "
                  f"{stats.get('students', 0)} students, mean {stats.get('mean', 0):.2f} / "
                  f"{data.max_points:g}, median {stats.get('median', 0):g}; statuses "
                  + ", ".join(f"{k} {v}" for k, v in sorted(data.statuses.items())))
    print_rates(data, console)
    if data.old_hash:
        console.print(f"{len(data.changes)} students changed since grader "
                      f"{data.old_hash[:12]} (see `batch diff`).")
    runs = Table(title="Runs")
    for col in ("run", "started", "status", "grader", "engine", "workers", "graded",
                "skipped"):
        runs.add_column(col)
    for run in data.runs[-10:]:
        runs.add_row(str(run["id"]), run["started_at"], run["status"],
                     run["grader_hash"][:12], str(run["engine"]), str(run["workers"]),
                     str(run["graded"]), str(run["skipped"]))
    console.print(runs)


# -- HTML --------------------------------------------------------------------------------------
def histogram(data: ReportData, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    top = data.max_points or 1.0
    bins = min(34, max(5, int(top)))
    fig, ax = plt.subplots(figsize=(7, 3.6), dpi=110)
    new = [r.reported for r in data.new.values()]
    if data.old_hash:  # side by side per bin
        old = [r.reported for r in data.old.values()]
        top = max(top, *(r.max_score for r in data.old.values()))
        ax.hist([old, new], bins=bins, range=(0, top), color=["#8c8c8c", "#1f77b4"],
                label=[f"old {data.old_hash[:8]}", f"new {data.new_hash[:8]}"])
    else:
        ax.hist(new, bins=bins, range=(0, top), color="#1f77b4",
                label=f"grader {data.new_hash[:8]}")
    ax.set_xlabel(f"total score (of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{data.assignment}: totals" + (" old vs new" if data.old_hash else ""))
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_html(data: ReportData, out: Path, name: str = "report.html",
               title: str | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    png = histogram(data, out / (Path(name).stem + "-histogram.png"))
    data.histogram = png.name
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    html = env.get_template("report.html.j2").render(
        data=data, title=title or f"{data.assignment}: batch report", fmt=_fmt,
        stats_new=data.stats("new"), stats_old=data.stats("old"))
    path = out / name
    path.write_text(html, encoding="utf-8")
    return path


# -- late days ---------------------------------------------------------------------------------
def print_late_changes(changes: list, runs: tuple[int, int] | None, assignment: str,
                       console) -> None:
    """Who changed between the last two late-day runs of an assignment (late_days.LateChange)."""
    from rich.table import Table

    if runs is None:
        return
    if not changes:
        console.print(f"{assignment}: late days unchanged between runs {runs[0]} and {runs[1]}")
        return
    table = Table(title=f"{assignment}: late days that changed (run {runs[0]} → {runs[1]})")
    for col in ("student", "late days", "charged", "penalty", "why"):
        table.add_column(col)

    def cell(decision, attr: str, fmt: str = "{}") -> str:
        return "—" if decision is None else fmt.format(getattr(decision, attr))

    for change in changes:
        old, new = change.old, change.new
        table.add_row(change.member,
                      f"{cell(old, 'days_late')} → {cell(new, 'days_late')}",
                      f"{cell(old, 'days_charged')} → {cell(new, 'days_charged')}",
                      f"{cell(old, 'penalty', '{:.0%}')} → {cell(new, 'penalty', '{:.0%}')}",
                      change.why())
    console.print(table)


def term_table(ledger) -> tuple[list[str], list[list[Any]]]:
    """One row per student: days charged per assignment (due-date order), used, left, and the
    assignments with a penalty."""
    header = ["Student", *ledger.order, "Used", "Left", "Penalized"]
    rows = []
    for member in ledger.students():
        cells: list[Any] = [member]
        penalized = []
        for name in ledger.order:
            decision = ledger.decisions.get((name, member))
            cells.append("" if decision is None else decision.days_charged)
            if decision is not None and decision.penalty:
                penalized.append(f"{name} −{decision.penalty:.0%}")
        used = ledger.used(member)
        rows.append([*cells, used, ledger.budget - used, "; ".join(penalized)])
    return header, rows


def print_term(ledger, console) -> None:
    from rich.table import Table

    header, rows = term_table(ledger)
    table = Table(title=f"Late days per student (term budget {ledger.budget})")
    for col in header:
        table.add_column(col, justify="left" if col in ("Student", "Penalized") else "right")
    for row in rows:
        table.add_row(*(str(c) for c in row))
    console.print(table)
