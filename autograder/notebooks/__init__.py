"""The notebook edition of an assignment: the reference and student notebooks generated from
the reference .py files (`generate.py`), and a student's .ipynb turned into the canonical layout
the suite grades (`convert.py`, trusted side; `cellrunner.py` runs the cells in the sandbox)."""

from .convert import NotebookError, convert_upload, parse_notebook
from .edition import Edition, edition_for, load_edition

__all__ = ["Edition", "NotebookError", "convert_upload", "edition_for", "load_edition",
           "parse_notebook"]
