"""Running probes in the grader's own process: NO isolation. Benchmarks only.

This measures the floor (the checks with no harness) and emulates an Otter-only grader that
runs everything inside Otter's kernel. Never use it on untrusted code.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from .child import runner as child
from .process import OutputTail, SandboxSettings
from .wire import decode_value


class InProcess:
    """Same interface as `Sandbox`, calling the probes directly."""

    uid = None
    starts = 1
    running = True

    def __init__(self, settings: SandboxSettings, caps: object = None) -> None:
        self.settings = settings
        self.output = OutputTail(1024)
        self._saved_path = list(sys.path)
        for name in [m for m in sys.modules if m.split(".")[0] in ("beras", "assignment")]:
            del sys.modules[name]
        sys.path.insert(0, str(Path(settings.work_src).resolve()))
        spec = importlib.util.spec_from_file_location("_ag_probes_inprocess", settings.probes)
        self.probes = importlib.util.module_from_spec(spec)
        assert spec.loader is not None
        spec.loader.exec_module(self.probes)

    def call(self, probe: str, timeout: float | None = None, **kwargs: Any) -> Any:
        fn = child.BUILTIN_PROBES.get(probe) or getattr(self.probes, probe)
        value = fn(**kwargs)
        return decode_value(json.loads(json.dumps(child.encode(value))))

    def close(self) -> None:
        sys.path[:] = self._saved_path

    def __enter__(self) -> InProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
