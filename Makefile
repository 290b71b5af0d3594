# The course's commands. `make lab` and `make test` set everything up on a fresh machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Quiet TensorFlow (its stderr lines would zero graded cells) and reproducible hashing.
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export PYTHONHASHSEED := 0
# nbgrader runs the `alembic` executable from PATH when it creates a gradebook.
export PATH := $(CURDIR)/$(BIN):$(PATH)

# Jupyter refuses to run as root unless told to.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=
# `make lab` is the learners' JupyterLab: of nbgrader only the Validate button (learner_mode/ switches
# off and locks Formgrader, Create Assignment, the course and assignment lists, and their server parts).
# `make lab INSTRUCTOR=1` (and `make author`) keep every nbgrader tool.
INSTRUCTOR ?=
LEARNER_MODE := $(if $(filter-out 0,$(INSTRUCTOR)),,JUPYTER_CONFIG_PATH=$(CURDIR)/learner_mode$(if $(JUPYTER_CONFIG_PATH),:$(JUPYTER_CONFIG_PATH)))

.PHONY: help env system-deps lab author test test-fast lint release student-release validate bench screenshots clean-env

help:
	@echo "make lab        set up (first time) and open JupyterLab on course/, as learners see it"
	@echo "                (make lab INSTRUCTOR=1: with nbgrader's instructor tools)"
	@echo "make test       set up (first time) and run every test"
	@echo "make test-fast  lint and the tests that need no TensorFlow (seconds; for everyday work)"
	@echo "make lint       ruff, and a check that every notebook source in solutions/ builds"
	@echo "make author     JupyterLab on the whole repository, for editing solutions/*/*.py as notebooks"
	@echo "make release    build the notebooks from solutions/*/*.py and regenerate course/ with nbgrader"
	@echo "make student-release  what learners get (course/, the package, Binder's recipe; no solutions or history):"
	@echo "                FORMAT=folder (build/student-release/), zip (build/optcourse-student.zip) or branch (git branch student)"
	@echo "                MODE=self-paced (quiz answers checked at once) or class (no answer key shipped; the grader marks them)"
	@echo "make validate   nbgrader-validate the solutions (must pass) and course/ (must fail)"
	@echo "make bench      run the benchmarks and rewrite benchmarks/RESULTS.md"
	@echo "make screenshots  retake the README's screenshots in a real browser (docs/images)"

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

env: $(STAMP)

# The browser test needs Debian's Chromium, the grading sandbox needs bubblewrap. As root they are
# installed; otherwise the command to run is printed and the tests that need them say so.
# The hub test (tests/test_hub.py) needs JupyterHub's proxy, configurable-http-proxy, from npm.
CHP_VERSION := 5.3.0
system-deps:
	@if command -v chromium >/dev/null && command -v bwrap >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium bubblewrap >/dev/null; \
	else echo "Browser and sandbox tests need: sudo apt-get install chromium bubblewrap"; fi
	@if command -v configurable-http-proxy >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		command -v npm >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }; \
		npm install --global --silent configurable-http-proxy@$(CHP_VERSION); \
	else echo "The hub test needs: sudo npm install --global configurable-http-proxy@$(CHP_VERSION)"; fi

lab: $(STAMP)
	$(LEARNER_MODE) $(BIN)/jupyter lab --ServerApp.root_dir=course $(ROOT_FLAG) $(LAB_ARGS)

# Authors open solutions/NN_topic/NN_topic.py with "Open With → Jupytext Notebook" (CONTRIBUTING.md).
author: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $(ROOT_FLAG) $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m autograder.release --check

# Timed tests (the browser's slider latencies) run on their own: beside notebook executions on two
# cores they would measure the load, not the course. Both runs always run; either failing fails.
test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not timed and not alone"; parallel=$$?; \
	$(BIN)/python -m pytest -m "timed or alone" -rP; timed=$$?; \
	[ $$parallel = 0 ] && [ $$timed = 0 ]

test-fast: $(STAMP) lint
	$(BIN)/python -m pytest -n 2 -m "not tensorflow and not kernel and not install"

release: $(STAMP)
	$(BIN)/python -m autograder.release

FORMAT ?= folder
MODE   ?= self-paced
student-release: $(STAMP)
	$(BIN)/python -m autograder.student_release --format $(FORMAT) --mode $(MODE)

validate: $(STAMP)
	$(BIN)/python -m autograder.release --build
	$(BIN)/python autograder/validate.py solutions/.build/*/*.ipynb
	$(BIN)/python autograder/validate.py --invert course/*/*.ipynb

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

screenshots: $(STAMP) system-deps
	OPTCOURSE_SCREENSHOTS=$(CURDIR)/docs/images $(BIN)/python -m pytest tests/test_browser.py

clean-env:
	rm -rf $(VENV)

# Module 7's generalization experiment is too long for the notebook: it is recorded in the package
# (src/optcourse/lesson/generalization_record.json) and regenerated here (a few minutes on 2 cores).
.PHONY: generalization-record
generalization-record: $(STAMP)
	$(BIN)/python -m optcourse.lesson.generalization
