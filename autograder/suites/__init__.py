"""Hidden suites, one package per assignment (trusted side only; never shipped to students)."""
