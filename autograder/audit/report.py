"""Audit outputs: a terminal table, report.json, report.html (Jinja2, autoescaped) and a
per-component bar chart (matplotlib Agg), all under build/audit/<assignment>/."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).with_name("templates")
STATUS_COLORS = {"killed": "#2ca02c", "survived": "#d62728", "unreached": "#ff7f0e",
                 "equivalent": "#9e9e9e", "error": "#6a3d9a", "pending": "#c7c7c7"}


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def headline(report: dict[str, Any]) -> str:
    c = report["counts"]
    judged = c["killed"] + c["survived"] + c["unreached"]
    low, high = report["wilson95"]
    parts = [f"{report['assignment']}: mutation score {_pct(report['score'])} "
             f"({c['killed']} killed / {judged} non-equivalent"]
    if report["sampled"] or report["mode"] == "quick":
        parts.append(f"; 95 % bounds {_pct(low)}-{_pct(high)}")
    parts.append(f"), minimum {_pct(report['min_score'])}")
    accepted = report.get("acceptance")
    if accepted:
        parts.append(f"; acceptance score {_pct(accepted['score'])} ({accepted['accepted']} "
                     f"of {accepted['graded']} correct variants get full marks), minimum 100 %")
    parts.append(f": {'PASS' if report['passes'] else 'FAIL'}")
    return "".join(parts)


def render_acceptance(accepted: dict[str, Any], max_rows: int = 20) -> list[str]:
    """The acceptance section: rejected correct variants with the checks that rejected them."""
    kinds = {}
    for v in accepted["variants"]:
        kinds.setdefault(v["kind"], [0, 0])[v["status"] == "accepted"] += 1
    summary = ", ".join(f"{k}: {ok} of {bad + ok} accepted" for k, (bad, ok) in kinds.items())
    lines = ["", f"  acceptance: {summary} ({accepted['total_rewrites']} rewrites in all; "
                 f"{accepted['seconds']:.0f} s)"]
    rejected = [v for v in accepted["variants"] if v["status"] != "accepted"]
    for v in rejected[:max_rows]:
        lines.append(f"  REJECTED {v['id']} ({v['description']}): "
                     + (f"{v['score']:g} / {v['max_score']:g}" if "score" in v else v["status"]))
        for key, message in v.get("failed", [])[:3]:
            lines.append(f"      {key}: {message[:200]}")
        for line in v.get("diff", "").splitlines()[:12]:
            lines.append(f"      {line}")
    return lines


def render_text(report: dict[str, Any], max_rows: int = 40) -> str:
    """The terminal report: summary, per component, survivors, flags, hand-written bugs."""
    c = report["counts"]
    lines = [headline(report),
             f"  {report['mode']} audit, {report['selected']} of {report['total_mutants']} "
             f"mutants (seed {report['seed']}): {c['killed']} killed, {c['survived']} survived, "
             f"{c['unreached']} never executed, {c['equivalent']} equivalent, {c['error']} "
             f"errors, {c['pending']} pending; {report['timing']['seconds']:.0f} s with "
             f"{report['timing']['workers']} workers"]
    if not report["complete"]:
        lines.append("  INCOMPLETE: run the same command again to grade the pending mutants "
                     "(finished ones come from the cache)")
    lost = sorted(m["lost_fraction"] for m in report["mutants"] if m["status"] == "killed"
                  and m.get("lost_measured", True))
    if lost:
        full = sum(1 for f in lost if f >= 0.999)
        killed = sum(m["status"] == "killed" for m in report["mutants"])
        sample = "" if len(lost) == killed else f" (measured on {len(lost)} of {killed})"
        lines.append(f"  points lost per killed mutant{sample}: min {_pct(lost[0])}, median "
                     f"{_pct(lost[len(lost) // 2])}, max {_pct(lost[-1])} of the total; "
                     f"{full} cost 100 %")
    lines.append("")
    header = f"  {'component':<22}{'killed':>8}{'survived':>10}{'unreached':>11}" \
             f"{'equiv.':>8}{'score':>9}"
    lines += [header, "  " + "-" * (len(header) - 2)]
    for cid, k in report["components"].items():
        judged = k["killed"] + k["survived"] + k["unreached"]
        score = _pct(k["killed"] / judged) if judged else "-"
        lines.append(f"  {cid:<22}{k['killed']:>8}{k['survived']:>10}{k['unreached']:>11}"
                     f"{k['equivalent']:>8}{score:>9}")
    survivors = [m for m in report["mutants"] if m["status"] in ("survived", "unreached")]
    if survivors:
        lines += ["", f"  surviving mutants ({len(survivors)}):"]
        for m in survivors[:max_rows]:
            where = f"{m['file']}:{m['line']} {m['function']}"
            lines.append(f"  - [{'/'.join(m['components']) or '?'}] {where}: {m['description']}"
                         + (" (never executed by a check)" if m["status"] == "unreached"
                            else ""))
        if len(survivors) > max_rows:
            lines.append(f"    ... {len(survivors) - max_rows} more in report.json / .html")
    flagged = [m for m in report["mutants"] if m["status"] == "killed" and
               any(f != "costs 0 %" for f in m["flags"])]
    if flagged:
        lines += ["", f"  killed, but flagged ({len(flagged)}):"]
        for m in flagged[:max_rows]:
            lost = ", ".join(f"{k} -{v:g}" for k, v in m["failing_components"].items())
            lines.append(f"  - [{'/'.join(m['components'])}] {m['file']}:{m['line']} "
                         f"{m['description']}: {'; '.join(m['flags'])} (lost {lost})")
        if len(flagged) > max_rows:
            lines.append(f"    ... {len(flagged) - max_rows} more in report.json / .html")
    equivalents = [m for m in report["mutants"] if m["status"] == "equivalent"]
    if equivalents:
        lines += ["", f"  equivalent mutants, not counted ({len(equivalents)}):"]
        for m in equivalents[:max_rows]:
            lines.append(f"  - {m['file']}:{m['line']} {m['function']}: {m['description']}")
    errors = [m for m in report["mutants"] if m["status"] == "error"]
    for m in errors[:10]:
        lines.append(f"  ! error grading {m['id']}: {m['note']}")
    if report.get("acceptance"):
        lines += render_acceptance(report["acceptance"])
    if report["bugs"]:
        ok = sum(b["ok"] for b in report["bugs"])
        lines += ["", f"  hand-written bugs: {ok} of {len(report['bugs'])} killed in their "
                  "component"]
        for b in report["bugs"]:
            mark = "ok " if b["ok"] else "BAD"
            lost = ", ".join(f"{k} -{v:g}" for k, v in b["failing_components"].items()) or "-"
            lines.append(f"  {mark} {b['id']:<36} [{b['component']}] {b['status']}, lost "
                         f"{lost}" + (f" ({b['note']})" if b["note"] else ""))
    return "\n".join(lines)


def chart(report: dict[str, Any], path: Path) -> Path:
    """Horizontal stacked bars per component: killed, survived, never executed, equivalent."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    comps = list(report["components"])
    statuses = ["killed", "survived", "unreached", "equivalent"]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(comps) + 2.0), dpi=110)
    left = [0] * len(comps)
    for status in statuses:
        values = [report["components"][c][status] for c in comps]
        label = "never executed" if status == "unreached" else status
        ax.barh(comps, values, left=left, color=STATUS_COLORS[status], label=label)
        left = [a + b for a, b in zip(left, values)]
    for i, cid in enumerate(comps):
        k = report["components"][cid]
        judged = k["killed"] + k["survived"] + k["unreached"]
        if judged:
            ax.text(left[i] + max(left) * 0.01, i, f"{100 * k['killed'] / judged:.0f} %",
                    va="center", fontsize=8)
    ax.set_xlim(0, max(left + [1]) * 1.12)
    ax.invert_yaxis()
    ax.set_xlabel("mutants (label: killed / non-equivalent)")
    ax.set_title(f"{report['assignment']}: mutants per component ({report['mode']} audit)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=8,
              frameon=False)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_json(report: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=1, sort_keys=False), encoding="utf-8")
    os.replace(tmp, path)
    return path


def write_html(report: dict[str, Any], out: Path) -> Path:
    import jinja2

    out.mkdir(parents=True, exist_ok=True)
    png = chart(report, out / "components.png")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    html = env.get_template("report.html.j2").render(
        r=report, chart=png.name, headline=headline(report), pct=_pct, colors=STATUS_COLORS)
    path = out / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def write_all(report: dict[str, Any], out: Path) -> dict[str, Path]:
    """report.json, report.html and components.png under `out`."""
    return {"json": write_json(report, out / "report.json"), "html": write_html(report, out),
            "png": out / "components.png"}
