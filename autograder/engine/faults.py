"""A student fault (what the sandbox reports when student code raised, exited, hung, ...) in
the words the student reads, with the student's own file and line."""

from __future__ import annotations

import re

from ..sandbox import StudentFault
from .display import shown

NOTEBOOK_MISSING = re.compile(r"'\w+' is not defined(:| although) |the notebook defines no '")
"""How notebooks/cellrunner.py says that a name the checks need was never defined."""


def describe_fault(fault: StudentFault) -> str:
    """What the student's code did, in words, with the student's own file and line (every
    student-controlled string escaped: see display.shown)."""
    return shown(_describe_fault(fault), keep_newlines=True)


def _describe_fault(fault: StudentFault) -> str:
    info = fault.info
    frames = info.get("frames") or []
    where = ""
    if frames:
        file, line, func, _text = frames[-1]
        where = f" (at {shown(file)}:{line} in {shown(func)})"
    if fault.kind == "exception" and info.get("type") == "NotImplementedError":
        name = str(fault).removesuffix(": your code here").strip() or "this part"
        place = f" ({frames[-1][0]}:{frames[-1][1]})" if frames else ""
        return f"{name} is not implemented yet{place}"
    if fault.kind == "exception" and info.get("type") == "AttributeError" and \
            NOTEBOOK_MISSING.match(str(fault)):
        return str(fault)  # the notebook runner's own words: which cell, what happened
    if fault.kind == "exception":
        return f"your code raised {info.get('type', 'an error')}: {fault}{where}"
    if fault.kind == "exit":
        return (f"your code called sys.exit({fault}){where}; graded code must return, "
                "not exit")
    if fault.kind == "syntax":
        return (f"syntax error in {info.get('file')} line {info.get('line')}: {fault}"
                + (f"\n    {info.get('text')}" if info.get("text") else ""))
    if fault.kind == "import":
        return f"import failed: {info.get('type', 'ImportError')}: {fault}{where}"
    if fault.kind == "memory":
        return f"your code ran out of memory (MemoryError){where}"
    if fault.kind == "recursion":
        return f"your code recursed too deeply (RecursionError){where}"
    return str(fault)
