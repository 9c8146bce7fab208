"""Grader audit by mutation analysis (`python -m autograder audit ASSIGNMENT`).

`mutate` makes single-change mutants of the reference solution's fenced code (libcst);
`runner` grades them with the real, sandboxed grader in parallel and classifies each as killed,
survived, never executed or equivalent; `report` writes the terminal table, report.json,
report.html and the per-component chart under build/audit/<assignment>/.

Importing this package loads nothing heavy (the CLI attaches `audit` even without libcst).
"""

__all__ = ["AuditError", "AuditOptions", "run_audit"]


def __getattr__(name):
    if name in __all__:
        from . import runner

        return getattr(runner, name)
    raise AttributeError(name)
