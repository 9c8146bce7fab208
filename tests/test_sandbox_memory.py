"""The memory limit counts what the student's process allocates, not its address space.

A CUDA build of torch reserves many GB of address space at import (PROT_NONE maps) and maps
large libraries read-only; under RLIMIT_AS that failed ("libcufft.so.11: failed to map
segment"). The sandbox limits RLIMIT_DATA (private writable memory) instead: an 8 GB
reservation imports fine under a 1 GB limit, and allocating beyond it is still stopped.
"""

from __future__ import annotations

import dataclasses
import shutil

from autograder.engine import grade

RESERVE = """import mmap as _mmap
_reserved = _mmap.mmap(-1, 8 << 30, flags=_mmap.MAP_PRIVATE | _mmap.MAP_ANONYMOUS,
                       prot=0)  # PROT_NONE: what CUDA's driver does at import
"""


def test_address_space_reservations_do_not_count_but_allocations_do(beras, tmp_path):
    assignment = dataclasses.replace(beras, limits=dataclasses.replace(
        beras.limits, memory_mb=1024, call_seconds=20, submission_seconds=200))
    sub = tmp_path / "sub"
    shutil.copytree(beras.solution, sub, ignore=shutil.ignore_patterns("tests", "__pycache__"))
    init = sub / "beras" / "__init__.py"
    init.write_text(RESERVE + init.read_text())
    result = grade(assignment, sub)
    assert result.score == result.max_score, [(c.key, c.message) for comp in result.components
                                              for c in comp.checks if c.message]
    layers = sub / "beras" / "layers.py"
    layers.write_text(layers.read_text().replace(
        "        return Tensor(np.asarray(x) @ self.w + self.b)\n",
        "        hog = np.ones((3 << 30) // 8)  # 3 GB of real memory\n"
        "        return Tensor(np.asarray(x) @ self.w + self.b + hog[0])\n"))
    result = grade(assignment, sub)
    assert "ran out of memory" in result.check("dense.forward").message
