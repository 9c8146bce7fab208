"""The student handout as its own artifact: `build/<a>/handout/` and `build/<a>/handout.zip`.

It holds exactly what the YAML says students get, built from the sources: the skeleton of every
submitted file (`submission.files`, solution fences turned into stubs), the given files
(`submission.provided`), the public tests (`solutions/<a>/tests/`), the handout text
(`HANDOUT.md`, written by hand beside the YAML) when there is one, with a notebook edition
the student notebook and `export_pdf.py` (its manual parts to a PDF), and with public checks
`check.py` + `checker/` (the grader's engine and the public checks only: build/checker.py). Nothing else: never the
YAML (seed, hidden check parameters, audit settings), the hidden checks or staff notes. The committed
`assignments/<a>/` folder keeps the YAML beside the skeleton for instructors; post the
artifact (or push it to a classroom repository) instead.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from pathlib import Path

from ..config import Assignment, ConfigError
from .checker import checker_files
from .skeleton import BEGIN, build_skeleton

HANDOUT_TEXT = "HANDOUT.md"
EXPORT_TOOL = "export_pdf.py"
"""With a notebook edition: `python export_pdf.py <notebook>` writes the PDF of its manual
parts (the platform's own exporter, self-contained: public code, no grader in it)."""
EXPORT_SOURCE = Path(__file__).resolve().parents[1] / "notebooks" / "export_pdf.py"
INSTRUCTOR_ONLY = frozenset({"assignment.yaml", "bugs.yaml"})
"""File names that never go to students, whatever the YAML lists."""
_IGNORED = ("__pycache__", ".pytest_cache")
_EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps: the same sources give the same zip


def _public_tests(assignment: Assignment) -> list[str]:
    folder = assignment.solution / "tests"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(assignment.solution).as_posix() for p in folder.rglob("*")
                  if p.is_file() and not set(_IGNORED) & set(p.parts) and p.suffix != ".pyc")


def handout_manifest(assignment: Assignment, text_dir: Path) -> list[str]:
    """What students get, as paths in the handout: files, provided, tests/, HANDOUT.md.

    `text_dir` is the folder that holds the hand-written HANDOUT.md (the committed handout).
    """
    listed = list(assignment.submission.files) + list(assignment.submission.provided)
    listed += _public_tests(assignment)
    if (text_dir / HANDOUT_TEXT).is_file():
        listed.append(HANDOUT_TEXT)
    notebook = assignment.submission.notebook
    if notebook is not None:  # the notebook edition and the tool that exports its manual parts
        listed += [notebook.file, EXPORT_TOOL]
    listed += list(checker_files(assignment))  # check.py + checker/: the public checks
    for rel in listed:
        if Path(rel).name in INSTRUCTOR_ONLY or Path(rel).is_absolute() or ".." in Path(rel).parts:
            raise ConfigError(f"{assignment.source or assignment.name}: {rel!r} cannot go in the "
                              "student handout (instructor-only or outside the handout)")
    return sorted(set(listed))


def build_handout(assignment: Assignment, text_dir: Path, out_dir: Path) -> tuple[Path, Path]:
    """Write `out_dir/handout/` and `out_dir/handout.zip` (files under `<name>/`); return both.

    The folder is rebuilt from scratch, so it never keeps a file from an earlier build.
    """
    manifest = handout_manifest(assignment, text_dir)
    folder, archive = out_dir / "handout", out_dir / "handout.zip"
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="ag-handout-", dir=out_dir) as tmp:
        stage = Path(tmp) / "handout"
        build_skeleton(assignment.solution, stage,
                       assignment.submission.files + assignment.submission.provided)
        for rel in _public_tests(assignment):  # copied unchanged
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(assignment.solution / rel, stage / rel)
        if HANDOUT_TEXT in manifest:
            shutil.copyfile(text_dir / HANDOUT_TEXT, stage / HANDOUT_TEXT)
        notebook = assignment.submission.notebook
        if notebook is not None:  # written into text_dir by the build's notebook step
            shutil.copyfile(text_dir / notebook.file, stage / notebook.file)
            shutil.copyfile(EXPORT_SOURCE, stage / EXPORT_TOOL)
        for rel, data in checker_files(assignment).items():
            (stage / rel).parent.mkdir(parents=True, exist_ok=True)
            (stage / rel).write_bytes(data)
        written = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*") if p.is_file())
        if written != manifest:
            extra, missing = set(written) - set(manifest), set(manifest) - set(written)
            raise RuntimeError(f"{assignment.name} handout: unexpected {sorted(extra)}, "
                               f"missing {sorted(missing)}")
        for rel in manifest:
            if BEGIN in (stage / rel).read_text(encoding="utf-8", errors="replace"):
                raise RuntimeError(f"{assignment.name} handout: {rel} still has a solution fence")
        tmp_zip = Path(tmp) / "handout.zip"
        with zipfile.ZipFile(tmp_zip, "w", zipfile.ZIP_DEFLATED) as dst:
            for rel in manifest:
                info = zipfile.ZipInfo(f"{assignment.name}/{rel}", date_time=_EPOCH)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, (stage / rel).read_bytes())
        if folder.exists():
            shutil.rmtree(folder)
        shutil.move(str(stage), folder)
        shutil.move(str(tmp_zip), archive)
    return folder, archive
