"""Import a module of an assignment's reference solution by path (its siblings importable)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def reference_module(solution: Path, name: str) -> ModuleType:
    """solutions/<a>/<name>.py as module `_reference_<a>_<name>`, imported once per process.

    The solution folder goes on sys.path so that the reference's own `from data import ...`
    lines find their siblings.
    """
    solution = Path(solution)
    if str(solution) not in sys.path:
        sys.path.insert(0, str(solution))
    key = f"_reference_{solution.name}_{name}"
    if key in sys.modules:
        return sys.modules[key]
    path = solution / f"{name}.py"
    spec = importlib.util.spec_from_file_location(key, path)
    if spec is None or spec.loader is None or not path.is_file():
        raise FileNotFoundError(f"no module {name}.py in {solution}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules[key] = module
    return module
