"""Student-controlled text made safe to show: file names and messages from student code.

Control characters (a newline in a file name, a terminal escape in an exception message) and
undecodable bytes would otherwise reach the student's feedback, the TA's terminal and the
gradebook raw. They are shown escaped, as Python would write them (``\\n``, ``\\x1b``,
``\\udcff`` for an undecodable byte).
"""

from __future__ import annotations

import unicodedata


def shown(text: object, *, keep_newlines: bool = False) -> str:
    """`text` with control characters, other invisible format characters and lone
    surrogates (undecodable bytes) escaped; newlines and tabs kept if `keep_newlines`."""
    out = []
    for ch in str(text):
        if keep_newlines and ch in "\n\t":
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cs", "Cf", "Zl", "Zp"):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii")
                       if ch.isascii() else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)
