# Two entry points for a fresh machine:
#   make run    set up .venv with what the app needs to run, and start IMSA Desktop
#   make test   set up .venv with the developer tools, run the whole test suite, then build the
#               Linux package, install it and smoke-test it (what CI runs, via .ci/run)
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed
PKG_STAMP := $(VENV)/.installed-package
DIST := build/dist/imsa-desktop

.PHONY: run test lint setup clean system-deps package-deps package package-test

$(BIN)/python:
	@echo "==> Creating a private Python environment in $(VENV) (once)..."
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip

# Runtime only: PySide6 (Qt), SQLCipher, reportlab and the rest; no test or lint tools.
$(RUN_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing IMSA Desktop and the libraries it runs on (about 800 MB: a minute or two the first time)..."
	$(BIN)/pip install -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing IMSA Desktop with the developer tools (pytest, ruff, mypy)..."
	$(BIN)/pip install -e '.[dev]'
	touch $@ $(RUN_STAMP)

setup: $(DEV_STAMP)

run: $(RUN_STAMP)
	@echo "==> Starting IMSA Desktop (close the window to stop)."
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

test: $(DEV_STAMP) system-deps
	$(BIN)/ruff check imsa_desktop tests benchmarks packaging
	$(BIN)/mypy
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q
	$(MAKE) --no-print-directory package-test

# ---- the Linux package (packaging/README.md) -------------------------------------------
# PyInstaller is in its own extra, installed only for this step.
$(PKG_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing the packaging tools (PyInstaller)..."
	$(BIN)/pip install -e '.[package]'
	touch $@

package-deps:
	@{ command -v dpkg-deb && command -v strip && command -v objdump && command -v pdftotext; } >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq dpkg binutils poppler-utils >/dev/null; \
	  else echo "Please install dpkg, binutils and poppler-utils (apt-get) to build the package."; exit 1; fi; }

package: $(PKG_STAMP) package-deps
	@echo "==> Building the app folder with PyInstaller ($(DIST))..."
	@start=$$(date +%s); \
	  $(BIN)/pyinstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/pyinstaller \
	    packaging/imsa-desktop.spec && \
	  echo "PyInstaller build: $$(( $$(date +%s) - start )) s"
	@echo "==> Building the .deb..."
	rm -f build/imsa-desktop_*.deb
	$(BIN)/python packaging/build_deb.py --dist $(DIST) --out build

package-test: $(DEV_STAMP) package
	@echo "==> Installing the .deb and smoke-testing it from outside the checkout..."
	root=$$(packaging/install_deb.sh build/imsa-desktop_*.deb) && \
	  IMSA_INSTALLED_ROOT="$$root" QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q packaging/tests

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check imsa_desktop tests benchmarks packaging
	$(BIN)/ruff check imsa_desktop tests benchmarks packaging

clean:
	rm -rf $(VENV) build
