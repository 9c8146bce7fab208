"""Batch grading for TAs: a whole Gradescope export, in parallel, into a gradebook store.

`python -m autograder batch --help`. Library entry points: `runner.grade_batch`,
`store.Gradebook`, `report.build_report`. Kept import-light: pool workers are spawned from
`batch.pool`, which must not pull in torch or the engine at import time.
"""
