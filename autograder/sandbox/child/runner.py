"""The only harness code that runs inside the sandbox, next to untrusted student code.

Started by the trusted parent (autograder.sandbox.process) as the sandbox user. It loads the
suite's probes (driver code: builds objects from the student's modules, calls them on inputs the
parent sends, returns raw outputs; it holds no expected values), then serves requests:

    parent -> child (private copy of fd 0):  {"id": n, "probe": name, "kwargs": {...}}\n
    child -> parent (the fd in argv):        {"id": n, "ok": true, "value": ...}\n
                                             {"id": n, "ok": false, "error": {...}}\n

Values are JSON; arrays are {"__nd__": [dtype, shape, base64]}. Nothing here is trusted by the
parent: it re-validates every message, and a student who forges one only supplies values that
are then compared against expectations computed outside the sandbox. This file must stay
standalone (stdlib + numpy) because the autograder package is not visible in the sandbox.
Every stdlib module it uses is imported at the top, before student files come first on sys.path.

Besides the suite's probes, every suite has the built-in `_ag_call` (see BUILTIN_PROBES): the
generic probe behind the trusted side's `t.call("module.function", *args)`.
"""

import base64
import importlib
import importlib.util
import inspect
import json
import math
import os
import signal
import sys
import traceback

MAX_TEXT = 2000


def encode(value, depth=0):
    """Encode a probe result for the wire (arrays by raw bytes, never pickle)."""
    import numpy as np

    if depth > 20:
        return {"__obj__": "nesting too deep"}
    if value is None or isinstance(value, (bool, str)):
        return value if not isinstance(value, str) else value[:MAX_TEXT]
    if isinstance(value, (int, np.integer)) and not isinstance(value, np.bool_):
        return int(value)
    if isinstance(value, (float, np.floating)):
        f = float(value)
        return f if math.isfinite(f) else {"__float__": repr(f)}
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(np.asarray(value).view(np.ndarray))
        if arr.dtype == object:
            return {"__obj__": "numpy array of Python objects"}
        return {"__nd__": [arr.dtype.str, list(arr.shape),
                           base64.b64encode(arr.tobytes()).decode("ascii")]}
    if isinstance(value, (list, tuple)):
        return [encode(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v, depth + 1) for k, v in value.items()}
    return {"__obj__": type(value).__module__ + "." + type(value).__qualname__}


def decode(value):
    """Decode the parent's request arguments (trusted input)."""
    import numpy as np

    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__nd__" in value:
            dtype, shape, data = value["__nd__"]
            return np.frombuffer(base64.b64decode(data), dtype=dtype).reshape(shape).copy()
        if "__float__" in value:
            return float(value["__float__"])
        return {k: decode(v) for k, v in value.items()}
    return value


def safe_text(obj):
    """str() of a student object, guarded (its __str__ may raise or be enormous)."""
    try:
        text = str(obj)
    except BaseException:  # noqa: BLE001 - student __str__ can do anything
        text = "<unprintable>"
    return text[:MAX_TEXT]


def student_file(filename, work):
    """`filename` relative to the student's folder, or None for any other code (the harness,
    the standard library, frozen importlib frames named '<frozen ...>')."""
    if filename.startswith("<"):
        return None
    path = os.path.abspath(filename)
    return os.path.relpath(path, work) if path.startswith(work + os.sep) else None


def student_frames(tb, work):
    """Traceback entries inside the student's files only (never the harness's)."""
    frames = []
    for fs in traceback.extract_tb(tb):
        rel = student_file(fs.filename, work)
        if rel is not None:
            frames.append([rel, fs.lineno, fs.name, (fs.line or "")[:200]])
    return frames[-8:]


class HungBefore(Exception):
    """Raised instead of running student code that already hung in an earlier call."""


def poison_tracer(entries, work):
    """A trace function that stops, at once, any call of a code object (a module's top level
    or a function, by file and name) that hung in an earlier call of this submission, or None.

    Python unsets a trace function that raises, so the runner installs it again before each
    request; only submissions that hung pay for tracing."""
    table = {(os.path.normpath(os.path.join(work, rel)), name): message
             for rel, name, message in entries}
    if not table:
        return None

    def tracer(frame, event, arg):
        if event == "call":
            message = table.get((os.path.normpath(frame.f_code.co_filename), frame.f_code.co_name))
            if message is not None:
                raise HungBefore(message)
        return None

    return tracer


def describe(exc, work):
    """A JSON description of what student code raised."""
    if isinstance(exc, HungBefore):
        return {"kind": "hung", "type": "HungBefore", "message": safe_text(exc), "frames": []}
    if isinstance(exc, SystemExit):
        kind = "exit"
    elif isinstance(exc, MemoryError):
        kind = "memory"
    elif isinstance(exc, RecursionError):
        kind = "recursion"
    elif isinstance(exc, SyntaxError):
        kind = "syntax"
    elif isinstance(exc, (ImportError, ModuleNotFoundError)):
        kind = "import"
    else:
        kind = "exception"
    # paths inside the sandbox's copy read as the student's own (beras/__init__.py)
    message = safe_text(exc).replace(work + os.sep, "")
    info = {"kind": kind, "type": type(exc).__name__, "message": message,
            "frames": student_frames(exc.__traceback__, work)}
    if isinstance(exc, SyntaxError):
        info["file"] = os.path.relpath(os.path.abspath(exc.filename or "?"), work)
        info["line"] = exc.lineno
        info["text"] = (exc.text or "").strip()[:200]
    if isinstance(exc, SystemExit):
        info["message"] = safe_text(exc.code)
    return info


# -- the generic probe: t.call("module.function", *args, **kwargs) on the trusted side ---------
class _Tee:
    """sys.stdout while `_ag_call` runs: keeps the first MAX_TEXT characters, passes all on."""

    def __init__(self, stream):
        self.stream, self.kept = stream, []
        self.size = 0

    def write(self, text):
        if self.size < MAX_TEXT:
            part = safe_text(text)[:MAX_TEXT - self.size]
            self.kept.append(part)
            self.size += len(part)
        return self.stream.write(text)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _snapshot(value):
    """A copy of a request argument (decoded data: arrays, lists, dicts, scalars)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [_snapshot(v) for v in value]
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    return value


def _unchanged(before, after):
    """Is `after` (what the student's code left) still equal to `before` (our copy)?"""
    import numpy as np

    if isinstance(before, np.ndarray):
        return (type(after) is np.ndarray and after.shape == before.shape
                and after.dtype == before.dtype
                and bool(np.array_equal(before, after, equal_nan=before.dtype.kind in "fc")))
    if isinstance(before, list):
        return (type(after) is list and len(after) == len(before)
                and all(_unchanged(b, a) for b, a in zip(before, after)))
    if isinstance(before, dict):
        return (type(after) is dict and list(after) == list(before)
                and all(_unchanged(before[k], after[k]) for k in before))
    return type(after) is type(before) and after == before


def _ag_call(target, args=(), kwargs=None):
    """The generic probe: `module.function(*args, **kwargs)` from the student's files.

    Returns {"value": the result, "printed": what it printed (the first MAX_TEXT characters),
    "modified": names of the arguments it changed in place}; the value crosses back like any
    probe result (data only). Student exceptions propagate, as from any probe."""
    kwargs = dict(kwargs or {})
    module_name, _, name = str(target).rpartition(".")
    if not module_name or not name:
        raise ValueError(f"t.call needs 'module.function', got {target!r}")
    module = importlib.import_module(module_name)
    fn = getattr(module, name, None)
    if not callable(fn):
        raise AttributeError(f"{module_name} has no function {name!r}")
    try:
        names = [p.name for p in inspect.signature(fn).parameters.values()
                 if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except Exception:  # noqa: BLE001 - an odd student callable: number the arguments
        names = []
    labels = [names[i] if i < len(names) else f"argument {i + 1}" for i in range(len(args))]
    inputs = list(zip(labels, args)) + list(kwargs.items())
    before = [_snapshot(v) for _label, v in inputs]
    real, tee = sys.stdout, _Tee(sys.stdout)
    sys.stdout = tee
    try:
        value = fn(*args, **kwargs)
    finally:
        sys.stdout = real
    modified = [label for (label, after), b in zip(inputs, before) if not _unchanged(b, after)]
    return {"value": value, "printed": "".join(tee.kept), "modified": modified}


BUILTIN_PROBES = {"_ag_call": _ag_call}
"""Probes every suite has (a suite's own probes.py cannot replace them)."""


def install_guards(forbidden, allow_network):
    """Audit hooks cannot be removed from Python code: the last line of defence in-process."""
    forbidden = frozenset(forbidden)
    blocked_events = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                      "os.fork", "os.forkpty", "pty.spawn"}
    if not allow_network:
        blocked_events |= {"socket.connect", "socket.bind", "socket.sendto", "socket.getaddrinfo"}

    def hook(event, args):
        if event == "import":
            top = str(args[0]).split(".")[0]
            if top in forbidden:
                raise ImportError(
                    f"importing '{top}' is not allowed in this assignment "
                    f"(forbidden: {', '.join(sorted(forbidden))})")
        elif event in blocked_events:
            raise PermissionError(f"'{event}' is not allowed while grading")

    sys.addaudithook(hook)


def die_with_parent(parent):
    """SIGKILL this process when the grader that started it dies, however it dies (the uid
    drop clears a parent-death signal set before it, so the runner sets its own)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PDEATHSIG
    except (OSError, AttributeError):
        pass
    if parent and os.getppid() != parent:  # the grader died before the prctl
        os._exit(1)


def main():
    config = json.loads(sys.argv[1])
    die_with_parent(config.get("parent"))
    work = os.path.abspath(config["work"])
    reply_fd = int(config["reply_fd"])
    # A private copy of the request pipe; fd 0 becomes /dev/null for student code.
    request_fd = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    requests = os.fdopen(request_fd, "r", encoding="utf-8")
    replies = os.fdopen(reply_fd, "w", encoding="utf-8", buffering=1)

    import numpy  # noqa: F401 - imported before the guards and before student code

    spec = importlib.util.spec_from_file_location("_ag_probes", config["probes"])
    probes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probes)

    os.chdir(work)
    sys.path[:] = [work] + [p for p in sys.path if p and not p.startswith(os.path.dirname(
        os.path.abspath(__file__)))]
    sys.dont_write_bytecode = True
    install_guards(config.get("forbidden", []), config.get("allow_network", False))

    def send(message):
        replies.write(json.dumps(message, allow_nan=False) + "\n")
        replies.flush()

    def spots_from(frame):
        """The innermost three frames in student files, innermost first."""
        spots = []
        while frame is not None and len(spots) < 3:
            rel = student_file(frame.f_code.co_filename, work)
            if rel is not None:
                spots.append([rel, frame.f_lineno, frame.f_code.co_name])
            frame = frame.f_back
        return spots

    def report_where(signum, frame):
        """SIGUSR1 from the parent after a timeout: the innermost frames in student files."""
        try:
            send({"stuck": spots_from(frame)})
        except BaseException:  # noqa: BLE001 - best effort, never disturb the student's code
            pass

    runner_pid, real_exit = os.getpid(), os._exit

    def exit_reporting_where(code):
        """os._exit, after telling the parent where in the student's files it was called (only
        informative: a student who calls posix._exit gets the message without the place)."""
        try:
            if os.getpid() == runner_pid:  # not from a forked worker sharing the pipe
                send({"exiting": spots_from(sys._getframe(1))})
        except BaseException:  # noqa: BLE001 - best effort
            pass
        real_exit(code)

    os._exit = exit_reporting_where
    signal.signal(signal.SIGUSR1, report_where)
    tracer = poison_tracer(config.get("hung", []), work)
    send({"ready": True, "pid": os.getpid(), "uid": os.getuid()})
    for line in requests:
        request = json.loads(line)
        rid = request["id"]
        if tracer is not None:
            sys.settrace(tracer)
        try:
            name = request["probe"]
            fn = BUILTIN_PROBES[name] if name in BUILTIN_PROBES else getattr(probes, name)
            value = fn(**decode(request.get("kwargs", {})))
            message = {"id": rid, "ok": True, "value": encode(value)}
        except BaseException as exc:  # noqa: BLE001 - SystemExit & co. are student behaviour
            message = {"id": rid, "ok": False, "error": describe(exc, work)}
        try:
            send(message)
        except (TypeError, ValueError) as exc:
            send({"id": rid, "ok": False, "error": {"kind": "exception", "type": "EncodeError",
                                                    "message": safe_text(exc), "frames": []}})


if __name__ == "__main__":
    main()
