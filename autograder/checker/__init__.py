"""The student-side checker, shipped in every handout that has public checks.

The build (`autograder/build/checker.py`) copies this package, with the grading engine it
runs (config, engine, sandbox, notebook conversion: stdlib + numpy only) and the assignment's
public checks (`suites/<a>/public.py`, never the hidden ones), into the handout's `checker/`
folder, beside a `check.py` entry point:

    python check.py [part ...]        # .py handouts: the grader's messages, offline
    from check import check           # in the notebook edition: check("part"), check_all()

`run.py` grades the student's files (or the saved notebook) with `engine.grade`, exactly as
the grader does, on the public checks only and with a seed of its own; `jupyter.py` is the
light front end imported into the student's kernel, which starts `check.py` as a separate
process.
"""
