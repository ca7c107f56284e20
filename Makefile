# Two entry points for a fresh machine:
#   make run    set up .venv and start IMSA Desktop
#   make test   set up .venv and run the whole test suite (what CI runs)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean system-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/imsa-desktop

# The reference `age` tool checks that our bundles interoperate (tests only).
system-deps:
	@command -v age >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq age >/dev/null; \
	  else echo "Please install the 'age' tool (e.g. sudo apt-get install age) to run the tests."; exit 1; fi; }
	@# The screen-reader test drives the app over the accessibility bus (AT-SPI) under Xvfb.
	@{ command -v Xvfb && command -v dbus-launch && /usr/bin/python3 -c 'import pyatspi'; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && \
	    apt-get install -y -qq xvfb dbus-x11 at-spi2-core python3-pyatspi >/dev/null; \
	  else echo "Please install xvfb dbus-x11 at-spi2-core python3-pyatspi (apt-get) to run the tests."; exit 1; fi; }

test: $(STAMP) system-deps
	$(BIN)/ruff check imsa_desktop tests benchmarks
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff format --check imsa_desktop tests benchmarks
	$(BIN)/ruff check imsa_desktop tests benchmarks

clean:
	rm -rf $(VENV)
