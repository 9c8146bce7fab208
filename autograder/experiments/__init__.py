"""Staff-side reference experiments: the measuring assignment's long runs, made fast.

`stacked.py` trains many small MLPs as one zero-padded model (the double-descent widths, the
baseline's seeds); `cli.py` is `python -m autograder experiment ...`, which reruns them to make
the handout's figures. Never shipped in a grader zip.
"""
