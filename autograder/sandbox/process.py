"""The trusted parent's handle on one sandboxed student process.

`Sandbox.call(probe, **kwargs)` runs one probe inside the student process and returns the
decoded, validated result, or raises `StudentFault` saying what the student's code did
(raised, exited, hung, ran out of memory, crashed). A dead or hung child is killed with
everything it spawned, and the next call starts a fresh one, so one bad function costs only
its own checks.
"""

from __future__ import annotations

import json
import os
import secrets
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import Limits
from .layers import Capabilities, probe_capabilities
from .runtime import child_runtime
from .uids import UidLease
from .wire import WireError, decode_value, encode_value

RUNNER = Path(__file__).with_name("child") / "runner.py"
VIEW = Path(__file__).with_name("view.sh")
MAX_REPLY_BYTES = 300 * 1024 * 1024
START_SECONDS = 60.0
MAX_RESTARTS = 200


class StudentFault(Exception):
    """Student code did not return normally. `kind` is one of: exception, exit, import,
    syntax, memory, recursion, timeout, hung (stopped at once: the same code timed out
    earlier), disk (the folder passed limits.disk_mb / disk_files), crash, protocol, budget."""

    def __init__(self, kind: str, message: str, info: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.info = info or {}


@dataclass(frozen=True)
class SandboxSettings:
    """Everything needed to start student processes for one submission."""

    work_src: Path
    """The normalized submission (copied; the copy is the child's working directory)."""
    probes: Path
    """The suite's probe module (driver code, no expected values)."""
    limits: Limits
    forbidden: tuple[str, ...] = ()
    limit_address_space: bool = True
    """Limit the process's private writable memory (RLIMIT_DATA) to limits.memory_mb. False
    when student code uses CUDA (memory is then bounded by the GPU and the container)."""
    env: dict[str, str] = field(default_factory=dict)


class OutputTail:
    """Keeps the head and the tail of a stream of bytes, counting what it drops."""

    def __init__(self, limit_bytes: int) -> None:
        self.half = max(1024, limit_bytes // 2)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.lock = threading.Lock()

    def feed(self, chunk: bytes) -> None:
        with self.lock:
            self.total += len(chunk)
            room = self.half - len(self.head)
            if room > 0:
                self.head += chunk[:room]
                chunk = chunk[room:]
            if chunk:
                self.tail += chunk
                if len(self.tail) > self.half:
                    del self.tail[: len(self.tail) - self.half]

    def text(self) -> str:
        with self.lock:
            dropped = self.total - len(self.head) - len(self.tail)
            out = self.head.decode("utf-8", "replace")
            if dropped > 0:
                out += f"\n[... {dropped} bytes of output omitted ...]\n"
            return out + self.tail.decode("utf-8", "replace")


def _pump(stream: Any, sink: OutputTail) -> None:
    try:
        while chunk := stream.read1(65536) if hasattr(stream, "read1") else stream.read(65536):
            sink.feed(chunk)
    except (OSError, ValueError):
        pass


def _kill_uid(uid: int) -> None:
    """Kill every process of the sandbox uid (as that uid: kill(-1) is then exact)."""
    for _ in range(20):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - child
            try:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        left = _pids_of_uid(uid)
        _reap(left)
        if not _pids_of_uid(uid):
            return
        time.sleep(0.01)


def _die_with_parent() -> None:
    """In a forked child: SIGKILL when the grader dies (unshare passes it on to the whole pid
    namespace with --kill-child; the runner sets its own after the uid drop)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _become_subreaper() -> None:
    """Orphaned sandbox processes get reparented to us (not to init), so we can reap them."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _reap(pids: list[int]) -> None:
    """Collect zombies among `pids` that were reparented to this process."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass


def _proc_entries() -> list[str]:
    """Process ids listed in /proc ([] where there is none, e.g. macOS running the handout's
    checker: cleanup then relies on the process group alone)."""
    try:
        return os.listdir("/proc")
    except OSError:
        return []


def _pids_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in _proc_entries():
        if entry.isdigit():
            try:
                if os.stat(f"/proc/{entry}").st_uid == uid:
                    pids.append(int(entry))
            except OSError:
                continue
    return pids


def _pids_with_token(token: str) -> list[int]:
    """Processes (other than this one) whose environment carries this sandbox's token."""
    needle = f"AG_SANDBOX_TOKEN={token}".encode()
    pids = []
    for entry in _proc_entries():
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    pids.append(int(entry))
        except OSError:
            continue
    return pids


def _runner_pids(uid: int | None, token: str) -> list[int]:
    """The sandbox's runner processes (by uid when it was dropped, else by token)."""
    pids = []
    for pid in _pids_of_uid(uid) if uid is not None else _pids_with_token(token):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"runner.py" in f.read():
                    pids.append(pid)
        except OSError:
            continue
    return pids


def _kill_tagged_orphans(token: str) -> None:
    """Without root: kill leftover processes that carry this sandbox's token."""
    for pid in _pids_with_token(token):
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            continue


STUCK_REPORT_SECONDS = 1.0
DISK_POLL_SECONDS = 0.2


def folder_usage(folder: Path, max_bytes: int, max_entries: int) -> tuple[int, int]:
    """(bytes, entries) under `folder`, counting blocks actually allocated; stops counting as
    soon as either passes its maximum (a folder of 100,000 files costs one pass, not many)."""
    total, entries, todo = 0, 0, [str(folder)]
    while todo:
        try:
            with os.scandir(todo.pop()) as it:
                for entry in it:
                    entries += 1
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except OSError:
                        continue
                    total += max(st.st_blocks * 512, 0)
                    if entry.is_dir(follow_symlinks=False):
                        todo.append(entry.path)
                    if total > max_bytes or entries > max_entries:
                        return total, entries
        except OSError:
            continue
    return total, entries


class DiskWatcher:
    """Polls the student's folder while its process runs; kills the process group when the
    folder passes the YAML's limits.disk_mb or limits.disk_files (RLIMIT_FSIZE bounds one file,
    this bounds them all, on machines where a size-limited mount is not possible)."""

    def __init__(self, folder: Path, max_bytes: int, max_entries: int) -> None:
        self.folder, self.max_bytes, self.max_entries = folder, max_bytes, max_entries
        self.tripped: str = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def watch(self, pgid: int) -> None:
        self.stop()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop, pgid), daemon=True)
        self._thread.start()

    def _run(self, stop: threading.Event, pgid: int) -> None:
        while not stop.wait(DISK_POLL_SECONDS):
            used, entries = folder_usage(self.folder, self.max_bytes, self.max_entries)
            if used > self.max_bytes or entries > self.max_entries:
                self.tripped = (f"your code filled its folder past the limit of "
                                f"{self.max_bytes >> 20} MB and {self.max_entries} files "
                                f"(it had written {used >> 20} MB in {entries} files and "
                                "folders); graded code must not write large or many files")
                try:
                    os.killpg(pgid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                return

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self._thread = None


def _out_of_space(error: dict[str, Any]) -> bool:
    """Did student code fail because its tmpfs folder (or /tmp) is full? (ENOSPC, EDQUOT)"""
    message = str(error.get("message", ""))
    return error.get("type") in ("OSError", "IOError") and (
        "[Errno 28]" in message or "[Errno 122]" in message)


def _is_spot(spot: Any) -> bool:
    """Is `spot` a well-formed ['f.py', 12, 'fn'] entry of the runner's answer?"""
    return (isinstance(spot, list) and len(spot) == 3 and isinstance(spot[0], str)
            and isinstance(spot[1], int) and isinstance(spot[2], str))


def _format_spots(spots: Any) -> str:
    """['f.py', 12, 'fn'] entries (innermost first) as 'f.py:12 in fn, called from ...'
    ('f.py:3 at import' for a module's top level)."""
    if not isinstance(spots, list):
        return ""
    return ", called from ".join(
        f"{spot[0][:120]}:{spot[1]} " + ("at import" if spot[2] == "<module>" else
                                         f"in {spot[2][:80]}")
        for spot in spots[:3] if _is_spot(spot))


class Sandbox:
    """A restartable student process serving probe calls. Use as a context manager."""

    private_work = True
    """With namespaces, the child's folder is a size-limited tmpfs that only it sees (the
    grader cannot read what it wrote). The grader audit turns this off for its instrumented
    reference copies, whose reach markers are files the audit reads there."""

    def __init__(self, settings: SandboxSettings, caps: Capabilities | None = None) -> None:
        self.settings = settings
        self.hung: list[list[str]] = []
        """[file, code name, message] of student code that timed out: later calls that reach
        the same module top level or function stop at once (see child/runner.py)."""
        self.caps = caps or probe_capabilities()
        self.output = OutputTail(settings.limits.output_kb * 1024)
        self.deadline = time.monotonic() + settings.limits.submission_seconds
        self.starts = 0
        self.token = secrets.token_hex(8)
        self._proc: subprocess.Popen[bytes] | None = None
        self._reply_fd: int | None = None
        self._buffer = bytearray()
        self._exit_spots: Any = None  # where the student's code called os._exit (runner's report)
        self._next_id = 0
        self._lease = UidLease() if caps.uid_drop else None
        _become_subreaper()
        self._base = Path(tempfile.mkdtemp(prefix="ag-sbx-"))
        self._setup_dirs()
        self.disk = DiskWatcher(self.work, settings.limits.disk_mb << 20,
                                settings.limits.disk_files)

    @property
    def _work_is_tmpfs(self) -> bool:
        """Is the child's folder the size-limited tmpfs of view.sh (namespaces available)?"""
        return self.caps.namespaces and self.private_work

    # -- setup -------------------------------------------------------------------------------
    def _setup_dirs(self) -> None:
        os.chmod(self._base, 0o711)
        self.work = self._base / "work"
        agdir = self._base / "ag"
        agdir.mkdir()
        shutil.copy(RUNNER, agdir / "runner.py")
        shutil.copy(VIEW, agdir / "view.sh")
        shutil.copy(self.settings.probes, agdir / "probes.py")
        for p in (agdir, agdir / "runner.py", agdir / "probes.py", agdir / "view.sh"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        self._fill_work()

    def _fill_work(self) -> None:
        """(Re)create the child's folder from the normalized submission."""
        shutil.rmtree(self.work, ignore_errors=True)
        shutil.copytree(self.settings.work_src, self.work, symlinks=False)
        if self._lease is not None:
            uid = self._lease.uid
            for root, dirs, files in os.walk(self.work):
                for name in dirs + files:
                    os.lchown(os.path.join(root, name), uid, uid)
            os.chown(self.work, uid, uid)
            os.chmod(self.work, 0o700)

    def _visible_paths(self, runtime_path: str | None) -> list[str]:
        """What the child's new root keeps besides system folders: its own folder, the mirror."""
        keep = [str(self._base.resolve())]
        if runtime_path:
            keep.append(str(Path(runtime_path).resolve()))
        return keep

    def _command(self, reply_w: int) -> tuple[list[str], dict[str, str]]:
        runtime = child_runtime(self.caps.uid_drop)
        config = {"work": str(self.work), "probes": str(self._base / "ag" / "probes.py"),
                  "reply_fd": reply_w, "forbidden": list(self.settings.forbidden),
                  # the runner's parent is this process unless a pid namespace hides it
                  "parent": None if self.caps.namespaces else os.getpid(),
                  "hung": self.hung}
        cmd = [runtime.python, "-s", "-B", str(self._base / "ag" / "runner.py"),
               json.dumps(config)]
        if self._lease is not None:
            uid = str(self._lease.uid)
            cmd = ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                   "--no-new-privs", "--", *cmd]
        if self.caps.namespaces:
            new_root = self._base / "root"
            new_root.mkdir(exist_ok=True)
            lim = self.settings.limits
            owner = str(self._lease.uid) if self._lease is not None else "0"
            # files beyond the submission's own count against disk_files
            inodes = lim.disk_files + sum(1 for _ in self.work.rglob("*")) + 1
            tmpfs = [str(self.work), str(lim.disk_mb), str(inodes), owner] \
                if self._work_is_tmpfs else ["-", "0", "0", "0"]
            cmd = ["unshare", "--mount", "--net", "--pid", "--fork", "--kill-child",
                   "--mount-proc", "--", "/bin/sh", str(self._base / "ag" / "view.sh"),
                   str(new_root), *tmpfs, *self._visible_paths(runtime.pythonpath), "--",
                   *cmd]
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(self.work),
               "TMPDIR": str(self.work), "LANG": "C.UTF-8", "PYTHONHASHSEED": "0",
               "PYTHONIOENCODING": "utf-8", "PYTHONUNBUFFERED": "1", "MPLBACKEND": "Agg",
               "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
               "AG_SANDBOX_TOKEN": self.token, **self.settings.env}
        for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            if key in os.environ:
                env[key] = os.environ[key]
        if runtime.pythonpath:
            env["PYTHONPATH"] = runtime.pythonpath
        return cmd, env

    def _preexec(self) -> None:  # runs in the forked child before exec
        import resource

        _die_with_parent()

        lim = self.settings.limits
        cpu = int(lim.submission_seconds) + 5
        limits = [(resource.RLIMIT_CPU, (cpu, cpu + 5)),
                  (resource.RLIMIT_FSIZE, (lim.file_size_mb << 20,) * 2),
                  (resource.RLIMIT_CORE, (0, 0)),
                  (resource.RLIMIT_NOFILE, (256, 256))]
        if self.settings.limit_address_space:
            # RLIMIT_DATA counts the private writable memory the process allocates (heap,
            # anonymous maps), not address space: the read-only library maps and PROT_NONE
            # reservations of a CUDA build of torch do not count, a memory bomb does
            limits.append((resource.RLIMIT_DATA, (lim.memory_mb << 20,) * 2))
        if self._lease is not None:
            limits.append((resource.RLIMIT_NPROC, (lim.processes,) * 2))
        for which, value in limits:
            resource.setrlimit(which, value)

    # -- lifecycle ---------------------------------------------------------------------------
    def _start(self) -> None:
        if self.starts >= MAX_RESTARTS:
            raise StudentFault("crash", "the student process had to be restarted too often")
        reply_r, reply_w = os.pipe()
        cmd, env = self._command(reply_w)
        self._proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=env, cwd=str(self.work), pass_fds=(reply_w,), start_new_session=True,
            preexec_fn=self._preexec)
        os.close(reply_w)
        if not self._work_is_tmpfs:  # a size-limited tmpfs bounds the folder by itself
            self.disk.watch(self._proc.pid)
        self._reply_fd = reply_r
        self._buffer.clear()
        self.starts += 1
        threading.Thread(target=_pump, args=(self._proc.stdout, self.output), daemon=True).start()
        ready = self._read_message(min(START_SECONDS, self._remaining()))
        if not (isinstance(ready, dict) and ready.get("ready") is True):
            self._kill()
            raise StudentFault("protocol", "the student process did not start properly")

    def _remaining(self) -> float:
        return self.deadline - time.monotonic()

    def _kill(self) -> None:
        self.disk.stop()
        proc, self._proc = self._proc, None
        if proc is not None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
            if proc.stdin:
                try:
                    proc.stdin.close()
                except OSError:
                    pass
        if self._lease is not None:
            _kill_uid(self._lease.uid)
        else:
            _kill_tagged_orphans(self.token)
        if self._reply_fd is not None:
            os.close(self._reply_fd)
            self._reply_fd = None

    @property
    def uid(self) -> int | None:
        """The dedicated uid student code runs as (None when the uid is not dropped)."""
        return self._lease.uid if self._lease is not None else None

    def close(self) -> None:
        """Kill every student process and remove the sandbox directory."""
        self._kill()
        shutil.rmtree(self._base, ignore_errors=True)
        if self._lease is not None:
            self._lease.release()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- protocol ----------------------------------------------------------------------------
    def _read_message(self, timeout: float) -> Any:
        """Next JSON line from the reply pipe, or StudentFault on timeout/EOF/garbage."""
        assert self._reply_fd is not None and self._proc is not None
        end = time.monotonic() + max(0.0, timeout)
        with selectors.DefaultSelector() as sel:
            sel.register(self._reply_fd, selectors.EVENT_READ)
            while b"\n" not in self._buffer:
                left = end - time.monotonic()
                if left <= 0 or not sel.select(left):
                    raise StudentFault("timeout", f"did not finish within {timeout:.0f} s")
                chunk = os.read(self._reply_fd, 1 << 20)
                if not chunk:
                    raise self._death()
                self._buffer += chunk
                if len(self._buffer) > MAX_REPLY_BYTES:
                    raise StudentFault("protocol", "the student process sent too much data")
        line, _, rest = bytes(self._buffer).partition(b"\n")
        self._buffer = bytearray(rest)
        try:
            return json.loads(line)
        except (ValueError, RecursionError):
            raise StudentFault("protocol", "the grader's channel was written to by your code") from None

    def _remember_hang(self, spots: Any, limit: float) -> None:
        """Remember the innermost student code a timed-out call was running."""
        if os.environ.get("AG_FORGET_HANGS") == "1":  # benchmarks/bench_hangs.py's baseline
            return
        if not (isinstance(spots, list) and spots and _is_spot(spots[0])):
            return
        file, line, name = spots[0]
        what = f"importing {file}" if name == "<module>" else f"{name} ({file})"
        message = (f"skipped: {what} did not finish within {limit:.0f} s in an earlier check "
                   f"(it was stuck at {file}:{line}); fix that first")
        if [file, name] not in [entry[:2] for entry in self.hung] and len(self.hung) < 20:
            self.hung.append([file, name, message])

    def _where_stuck(self) -> Any:
        """Where the student's code was when a call timed out: the runner's ['file.py', 12,
        'fn'] entries, innermost first (unvalidated; see _is_spot), or None.

        The runner answers SIGUSR1 with its innermost frames inside the student's files. The
        answer is only informative (shown to the same student, never scored) and is validated
        like every message; no answer within a second (a long C call, a handler replaced by
        the student) leaves the timeout message as it is.
        """
        try:
            pids = _runner_pids(self.uid, self.token)
            for pid in pids:
                os.kill(pid, signal.SIGUSR1)
            if not pids:
                return None
            end = time.monotonic() + STUCK_REPORT_SECONDS
            while (left := end - time.monotonic()) > 0:
                reply = self._read_message(left)
                if isinstance(reply, dict) and "stuck" in reply:
                    return reply["stuck"]
        except (StudentFault, OSError):
            pass
        return None

    def _disk_fault(self) -> StudentFault:
        """The watcher stopped the child: free its folder now (the next call starts from the
        submission again) and say what happened."""
        message = self.disk.tripped
        self._kill()
        self._fill_work()
        self.disk.tripped = ""
        return StudentFault("disk", message)

    def _death(self) -> StudentFault:
        assert self._proc is not None
        try:
            code = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        if code is not None and code < 0:
            sig = signal.Signals(-code).name
            hint = {"SIGKILL": "killed (memory or process limit, or the CPU-time limit)",
                    "SIGXCPU": "stopped by the CPU-time limit",
                    "SIGSEGV": "crashed (segmentation fault)",
                    "SIGXFSZ": "stopped for writing a file larger than the limit"}.get(sig, sig)
            return StudentFault("crash", f"the process running your code was {hint}")
        spots, self._exit_spots = self._exit_spots, None
        where = _format_spots(spots)
        where = f"os._exit() was called from {where}; " if where else ""
        return StudentFault(
            "crash", f"the process running your code exited (exit code {code}) before "
            f"returning: {where}do not call os._exit() or exit the interpreter in graded code")

    @property
    def running(self) -> bool:
        """Is a student process up (a call now reuses it instead of starting one)?"""
        return self._proc is not None

    def call(self, probe: str, timeout: float | None = None, **kwargs: Any) -> Any:
        """Run `probe(**kwargs)` in the student process and return its validated result."""
        if self._remaining() <= 0:
            raise StudentFault("budget", "the time budget for the whole submission "
                               f"({self.settings.limits.submission_seconds:.0f} s) ran out")
        if self._proc is None:
            self._start()
        assert self._proc is not None and self._proc.stdin is not None
        self._next_id += 1
        rid = self._next_id
        request = json.dumps({"id": rid, "probe": probe, "kwargs": encode_value(kwargs)})
        limit = min(timeout or self.settings.limits.call_seconds, self._remaining())
        try:
            self._proc.stdin.write(request.encode() + b"\n")
            self._proc.stdin.flush()
            while True:
                reply = self._read_message(limit)
                if isinstance(reply, dict) and reply.get("id") == rid:
                    break
                if isinstance(reply, dict) and "exiting" in reply:
                    self._exit_spots = reply["exiting"]
        except StudentFault as fault:
            if self.disk.tripped:
                raise self._disk_fault() from None
            if fault.kind == "timeout":
                spots = self._where_stuck()
                spot = _format_spots(spots)
                if spot:
                    fault = StudentFault("timeout", f"{fault} (it was running {spot})")
                    self._remember_hang(spots, limit)
            self._kill()
            raise fault from None
        except (BrokenPipeError, OSError):
            if self.disk.tripped:
                raise self._disk_fault() from None
            fault = self._death()
            self._kill()
            raise fault from None
        if reply.get("ok") is True:
            try:
                return decode_value(reply.get("value"))
            except WireError as exc:
                raise StudentFault("protocol", f"unreadable result: {exc}") from None
        error = reply.get("error")
        if not isinstance(error, dict):
            raise StudentFault("protocol", "malformed error report")
        kind = str(error.get("kind", "exception"))
        if kind == "exception" and _out_of_space(error):
            lim = self.settings.limits
            self._kill()
            raise StudentFault("disk", f"your code filled its folder to the limit of "
                               f"{lim.disk_mb} MB and {lim.disk_files} files (the write failed: "
                               f"{str(error.get('message', ''))[:200]}); graded code must not "
                               "write large or many files")
        if kind in ("exit", "memory"):
            self._kill()  # state after sys.exit or MemoryError is not worth keeping
        raise StudentFault(kind, str(error.get("message", ""))[:2000], error)
