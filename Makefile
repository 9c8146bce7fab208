# Two commands do all the set-up on a fresh machine:
#   make        environment + every grader and quiz + demo grading of reference and skeleton
#   make test   the whole test suite (creates the environment first if needed)
# Makefile targets only call the CLI (python -m autograder ...).

VENV      := .venv
PY        := $(VENV)/bin/python
# A system interpreter, so the sandbox's unprivileged user can run it (pyenv's lives in /root).
BASE_PY   := $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || command -v python3)
STAMP     := $(VENV)/.installed
SLOW      ?= true
PYTEST_ARGS ?=

.PHONY: all env build demo test bench gpu-check gradescope-check quizzes audit audit-quick clean

all: build quizzes demo audit-quick

env: $(STAMP)

$(STAMP): pyproject.toml
	$(BASE_PY) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

build: $(STAMP)
	$(PY) -m autograder build

quizzes: $(STAMP)
	@if $(PY) -m autograder quiz --help >/dev/null 2>&1; then \
		$(PY) -m autograder quiz build-all; fi

demo: $(STAMP)
	$(PY) -m autograder demo

# worksteal: an idle worker takes queued tests from the busy one, so a few long gradings at
# the end do not leave one core idle
test: $(STAMP)
ifeq ($(SLOW),false)
	$(PY) -m pytest -q -n 2 --dist worksteal -m "not slow" $(PYTEST_ARGS)
else
	$(PY) -m pytest -q -n 2 --dist worksteal $(PYTEST_ARGS)
endif

# make: the quick audit (a deterministic sample of mutants per assignment, about 2 minutes;
# the hand-written bugs are graded by make test);
# make audit: every mutant and every correct variant, both directions (reruns use the cache).
audit-quick: $(STAMP)
	$(PY) -m autograder audit --quick --no-bugs

audit: $(STAMP)
	$(PY) -m autograder audit

bench: $(STAMP)
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

# On a machine with a GPU: every GPU path for real (gpu tests, the measuring grader on cuda, the
# benchmarks' cuda rows); a summary table and logs in build/gpu-check/. Exits 2 without CUDA.
gpu-check: $(STAMP)
	$(PY) benchmarks/gpu_check.py

# Every grader the way Gradescope runs it, in its default machine (768 MB, half a CPU, root
# without namespaces), emulated with cgroups: score, wall time and peak memory per assignment.
gradescope-check: build
	$(PY) benchmarks/gradescope_check.py

clean:
	rm -rf build .pytest_cache
