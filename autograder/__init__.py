"""Auto-grading platform for deep-learning courses: author -> build -> grade -> report."""

__version__ = "0.1.0"
