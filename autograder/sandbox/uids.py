"""Allocation of a dedicated sandbox uid per live sandbox (so cleanup can kill by uid)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

FIRST_UID = 61000
COUNT = 2000
LOCK_DIR = Path("/tmp/ag-uid-locks")


class UidLease:
    """Holds an flock on /tmp/ag-uid-locks/<uid> while a sandbox uses that uid."""

    def __init__(self) -> None:
        LOCK_DIR.mkdir(mode=0o700, exist_ok=True)
        start = os.getpid() % COUNT
        for i in range(COUNT):
            uid = FIRST_UID + (start + i) % COUNT
            handle = open(LOCK_DIR / str(uid), "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                handle.close()
                continue
            self.uid = uid
            self._handle = handle
            return
        raise RuntimeError("no free sandbox uid")

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
