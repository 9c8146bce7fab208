"""An interpreter and site-packages the sandbox user can use, without the grader's own files.

The project's virtualenv may sit where the sandbox user cannot go (a checkout under /root) or
where it must not go (next to the hidden suites). So, when the uid is dropped, the child runs
the venv's base interpreter with a hard-linked mirror of site-packages in /tmp that leaves out
this project's own package and `.pth` hooks. The mirror is built once per venv and reused.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

EXCLUDED = ("autograder", "dl_autograder", "__editable__", "_distutils_hack", "distutils-precedence")


@dataclass(frozen=True)
class ChildRuntime:
    """How to start Python in the sandbox."""

    python: str
    pythonpath: str | None


def _world_traversable(path: Path) -> bool:
    """Can 'other' (the sandbox uid) reach and read `path`?"""
    path = path.resolve()
    for part in [*reversed(path.parents), path]:
        try:
            mode = part.stat().st_mode
        except OSError:
            return False
        if not mode & 0o001:
            return False
    return bool(path.stat().st_mode & 0o004) or path.is_dir()


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _build_mirror(site: Path, target: Path) -> None:
    tmp = Path(str(target) + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    for entry in sorted(site.iterdir()):
        name = entry.name
        if name.endswith(".pth") or name.startswith(EXCLUDED) or name == "__pycache__":
            continue
        if entry.is_dir():
            shutil.copytree(entry, tmp / name, copy_function=_link_or_copy, symlinks=True)
        else:
            _link_or_copy(str(entry), str(tmp / name))
    for root, dirs, _files in os.walk(tmp):
        for d in dirs:
            os.chmod(os.path.join(root, d), 0o755)
    os.chmod(tmp, 0o755)
    os.rename(tmp, target)


def child_runtime(drop_uid: bool) -> ChildRuntime:
    """The interpreter (and PYTHONPATH) for the child; mirrors site-packages when needed."""
    if not drop_uid:
        return ChildRuntime(python=sys.executable, pythonpath=None)
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    if not _world_traversable(Path(base)) or not _world_traversable(
            Path(sysconfig.get_paths()["stdlib"])):
        raise PermissionError(
            f"the interpreter {base} is not usable by an unprivileged user; create the "
            "environment from a system Python (the Makefile uses /usr/bin/python3)")
    site = Path(sysconfig.get_paths()["purelib"])
    if sys.prefix == sys.base_prefix and _world_traversable(site) and not any(
            (site / n).exists() for n in ("autograder",)):
        return ChildRuntime(python=base, pythonpath=None)
    key = hashlib.sha256(f"{site}:{site.stat().st_mtime_ns}".encode()).hexdigest()[:16]
    target = Path("/tmp") / f"ag-runtime-{key}"
    if not target.is_dir():
        with open(f"/tmp/ag-runtime-{key}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not target.is_dir():
                _build_mirror(site, target)
    return ChildRuntime(python=base, pythonpath=str(target))
