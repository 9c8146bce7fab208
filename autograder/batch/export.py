"""What a batch grades: a Gradescope "Export Submissions" zip or folder, or a plain folder.

Gradescope's export holds one folder per submission (`submission_<id>/`, the student's files
as uploaded) and `submission_metadata.yml`, written by Ruby, so its keys carry a colon:

    submission_283746:
      :submitters:
      - :name: Ada Lovelace
        :sid: '2026001'
        :email: ada@uni.edu
      :created_at: 2026-01-14 21:03:11.482913000 -08:00
      :score: 31.0
      :history:                      # earlier submissions, when the export has them
      - :created_at: 2026-01-13 10:00:00.000000000 -08:00
        :score: 25.0
        :autograder_error: false

Keys are read with or without the colon; everything but `:submitters:` is optional. The
export may sit inside one top-level folder. A plain folder (no metadata file) holds one
sub-folder or zip per submission, named after the student.
"""

from __future__ import annotations

import hashlib
import shutil
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ..policy import parse_time

METADATA_NAME = "submission_metadata.yml"
SKIP_PARTS = {"__MACOSX", "__pycache__", ".DS_Store", ".git"}
MAX_EXPORT_BYTES = 4 * 2**30
MAX_EXPORT_FILES = 200_000


class ExportError(ValueError):
    """An export that cannot be read (the message names the file)."""


@dataclass(frozen=True)
class Submitter:
    sid: str = ""
    name: str = ""
    email: str = ""

    @property
    def ident(self) -> str:
        return self.sid or self.email or self.name


@dataclass(frozen=True)
class Entry:
    """One submission to grade."""

    key: str
    """Folder (or zip) name in the export: unique inside it."""
    path: Path
    """What `engine.grade` receives: a folder or a zip."""
    submitters: tuple[Submitter, ...] = ()
    created_at: str | None = None
    score: float | None = None
    """The score Gradescope had recorded (for reference)."""
    history: tuple[dict[str, Any], ...] = ()
    """Earlier submissions as Gradescope's previous_submissions entries."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def student_key(self) -> str:
        """Who this is across exports and regrades: the submitters' ids, else the folder."""
        ids = sorted(s.ident for s in self.submitters if s.ident)
        return "+".join(ids) if ids else self.key

    def metadata(self, release: str | None = None, due: str | None = None) -> dict[str, Any]:
        """Gradescope's submission_metadata.json for this submission (for the policy)."""
        return {
            "id": self.key,
            "created_at": self.created_at,
            "assignment": {"release_date": release, "due_date": due},
            "users": [{"name": s.name, "email": s.email, "sid": s.sid} for s in self.submitters],
            "previous_submissions": list(self.history),
        }


@dataclass(frozen=True)
class Source:
    """A loaded export: its entries and what kind it was."""

    kind: str
    """'gradescope' (with submission_metadata.yml) or 'folder'."""
    root: Path
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()


def _get(mapping: Any, key: str, default: Any = None) -> Any:
    if not isinstance(mapping, dict):
        return default
    for name in (f":{key}", key):
        if name in mapping:
            return mapping[name]
    return default


def _iso(value: Any) -> str | None:
    stamp = parse_time(value)
    return stamp.isoformat() if stamp else (str(value) if value not in (None, "") else None)


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _history(raw: Any) -> tuple[dict[str, Any], ...]:
    out = []
    for item in raw or []:
        if not isinstance(item, dict):
            continue
        when = _get(item, "created_at", _get(item, "submission_time"))
        out.append({"submission_time": _iso(when), "score": _float(_get(item, "score")),
                    "autograder_error": bool(_get(item, "autograder_error", False))})
    return tuple(out)


def _due(info: Any) -> dict[str, Any]:
    """The assignment's due date when the export's metadata carries one (for late days)."""
    due = _get(_get(info, "assignment"), "due_date", _get(info, "due_date"))
    return {"due_date": _iso(due)} if due not in (None, "") else {}


def safe_extract(archive: Path, dest: Path) -> Path:
    """Unpack a (trusted-format, untrusted-content) zip: no absolute paths, '..' or links."""
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ExportError(f"{archive}: not a readable zip ({exc})") from None
    total = 0
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_EXPORT_FILES:
            raise ExportError(f"{archive}: {len(infos)} entries, more than {MAX_EXPORT_FILES}")
        for info in infos:
            parts = PurePosixPath(info.filename.replace("\\", "/")).parts
            if (info.filename.startswith("/") or ".." in parts or not parts
                    or stat.S_ISLNK(info.external_attr >> 16)):
                continue
            total += info.file_size
            if total > MAX_EXPORT_BYTES:
                raise ExportError(f"{archive}: larger than {MAX_EXPORT_BYTES >> 30} GB unpacked")
            target = dest.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    return dest


def _find_metadata(root: Path) -> Path | None:
    direct = root / METADATA_NAME
    if direct.is_file():
        return direct
    found = sorted(p for p in root.glob(f"*/{METADATA_NAME}") if "__MACOSX" not in p.parts)
    return found[0] if found else None


def _gradescope(meta_path: Path) -> Source:
    base = meta_path.parent
    try:
        data = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ExportError(f"{meta_path}: cannot read YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ExportError(f"{meta_path}: expected a mapping of submission folders")
    entries, warnings = [], []
    for key in sorted(data, key=str):
        info = data[key]
        submitters = []
        for person in _get(info, "submitters") or []:
            submitters.append(Submitter(sid=str(_get(person, "sid") or ""),
                                        name=str(_get(person, "name") or ""),
                                        email=str(_get(person, "email") or "")))
        if not submitters:
            warnings.append(f"{meta_path}: {key}: no :submitters:, graded under its folder name")
        folder = base / str(key)
        if not folder.exists():
            warnings.append(f"{meta_path}: {key}: folder missing from the export (graded as "
                            "an empty submission)")
        entries.append(Entry(
            key=str(key), path=folder, submitters=tuple(submitters),
            created_at=_iso(_get(info, "created_at")), score=_float(_get(info, "score")),
            history=_history(_get(info, "history")),
            extra=_due(info)))
    listed = {e.key for e in entries}
    for child in sorted(base.iterdir()):
        if child.is_dir() and child.name not in listed and child.name not in SKIP_PARTS:
            warnings.append(f"{base}: folder {child.name} is not in {METADATA_NAME}; skipped")
    return Source("gradescope", base, tuple(entries), tuple(warnings))


def _plain(root: Path) -> Source:
    entries = []
    for child in sorted(root.iterdir()):
        if child.name.startswith(".") or child.name in SKIP_PARTS:
            continue
        if child.is_dir():
            entries.append(Entry(key=child.name, path=child))
        elif child.suffix.lower() == ".zip":
            entries.append(Entry(key=child.stem, path=child))
    if not entries:
        raise ExportError(f"{root}: no submissions (expected {METADATA_NAME}, or one folder or "
                          "zip per submission)")
    return Source("folder", root, tuple(entries))


def load_source(path: Path, workdir: Path) -> Source:
    """Read an export zip (unpacked into `workdir`), an unpacked export, or a plain folder."""
    path = Path(path)
    if not path.exists():
        raise ExportError(f"{path}: no such file or folder")
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise ExportError(f"{path}: expected a Gradescope export zip or a folder")
        root = safe_extract(path, Path(workdir) / "export")
        meta = _find_metadata(root)
        if meta is None:
            children = [c for c in root.iterdir() if c.name not in SKIP_PARTS]
            if len(children) == 1 and children[0].is_dir():
                root = children[0]
            return _plain(root)
        return _gradescope(meta)
    meta = _find_metadata(path)
    return _gradescope(meta) if meta else _plain(path)


def content_hash(path: Path) -> str:
    """sha256 of a submission's files (relative names and bytes), or of a zip's bytes."""
    digest = hashlib.sha256()
    path = Path(path)
    if path.is_file():
        digest.update(b"file\0" + path.read_bytes())
    elif path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink()):
            rel = file.relative_to(path).as_posix()
            if any(part in SKIP_PARTS for part in file.relative_to(path).parts):
                continue
            digest.update(rel.encode() + b"\0" + hashlib.sha256(file.read_bytes()).digest())
    else:
        digest.update(b"missing")
    return digest.hexdigest()
