# Planet Bulk Tasking: the commands a newcomer needs. `make help` lists them.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
PROFILE_DIR ?= build/qgis-profiles

.PHONY: help deps venv build test lint format run demo package sandbox bench translations clean dialects

help:  ## list the targets
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 16

deps:  ## Debian packages: QGIS 3.22, Xvfb, pyrcc5... (installs them when root, else says what to run)
	@bash scripts/install_deps.sh

venv: deps $(VENV)/.installed  ## dev venv (sees Debian's PyQGIS) with pytest-qgis and ruff

$(VENV)/.installed: requirements-dev.txt
	/usr/bin/python3 -m venv --system-site-packages $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

build: deps resources_rc.py translations  ## compile resources.qrc (and translations)

resources_rc.py: resources.qrc icons/icon.svg
	pyrcc5 -o $@ resources.qrc

translations:  ## compile i18n/*.ts into .qm files QGIS loads
	@for ts in i18n/*.ts; do [ -e "$$ts" ] && lrelease -silent "$$ts" -qm "$${ts%.ts}.qm" || true; done

.PHONY: translations-update
translations-update:  ## refresh i18n/*.ts from the sources (pylupdate5 -noobsolete), keeping translations
	/usr/bin/python3 scripts/update_translations.py

lint: venv  ## ruff, the Qt6/QGIS 4 check (scripts/check_qt6.py), the dead-code check (scripts/dead_code.py)
	$(VENV)/bin/ruff check .
	QT_QPA_PLATFORM=offscreen $(PY) scripts/check_qt6.py
	$(PY) scripts/dead_code.py

QT6_PATHS := $(wildcard __init__.py plugin.py core ui sandbox processing scripts/qgis_startup.py)
qt6-fix: venv  ## rewrite what scripts/check_qt6.py can (enums, exec_, field types), ruff-fix, check again
	-QT_QPA_PLATFORM=offscreen $(PY) scripts/check_qt6.py --fix
	$(VENV)/bin/ruff check --fix -q $(QT6_PATHS) ; $(VENV)/bin/ruff format -q $(QT6_PATHS)
	QT_QPA_PLATFORM=offscreen $(PY) scripts/check_qt6.py

format: venv  ## ruff format + autofix
	$(VENV)/bin/ruff check --fix . ; $(VENV)/bin/ruff format .

test: venv build lint  ## lint, then every tier of the suite (unit, qgis, ui, desktop), headless
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q $(PYTEST_ARGS)

.PHONY: test-unit test-qgis test-ui test-desktop
test-unit: venv  ## tests/unit alone, without QGIS (pytest-qgis off; importing QGIS or Qt fails)
	$(VENV)/bin/pytest -q -p no:pytest_qgis tests/unit $(PYTEST_ARGS)

test-qgis: venv build  ## tests/qgis alone: real QGIS objects (layers, Processing, settings), no dock
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q tests/qgis $(PYTEST_ARGS)

test-ui: venv build  ## tests/ui alone: widgets, the dock, the plugin in a window
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q tests/ui $(PYTEST_ARGS)

test-desktop: venv build  ## tests/desktop alone: real QGIS desktop under Xvfb, qgis_process
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest -q tests/desktop $(PYTEST_ARGS)

dialects: venv build  ## the whole job life (2,500 targets, faults, restart, resubmit, edit, cancel) against every sandbox dialect
	QT_QPA_PLATFORM=offscreen $(PY) scripts/dialects.py $(DIALECTS_ARGS)

package: build  ## dist/planet_bulk_tasking-<version>.zip for "Install from ZIP"
	/usr/bin/python3 scripts/package.py

run: venv package  ## QGIS with the plugin in an isolated profile and contributors.json loaded
	PROFILE_DIR=$(PROFILE_DIR) bash scripts/run_qgis.sh

demo: venv package  ## headless QGIS submits contributors.json in practice mode; screenshot of the result
	PBT_SCENARIO=demo HEADLESS=1 SHOT=$(CURDIR)/artifacts/qgis_demo.png PROFILE_DIR=build/demo-profiles bash scripts/run_qgis.sh

sandbox: build  ## the local Tasking API simulator on http://127.0.0.1:8080/tasking/v2
	/usr/bin/python3 -m sandbox --port 8080

bench: venv build  ## benchmarks: figures and ratios (every one runs; those short of a goal are named at the end)
	@failed=""; for b in bench/bench_*.py; do echo "== $$b"; \
	  QT_QPA_PLATFORM=offscreen $(PY) $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "bench: short of a goal or failed:$$failed"; exit 1; fi

.PHONY: test-qgis340 test-qgis344 qt6-fix
test-qgis340:  ## make test again on QGIS 3.40 LTR: a Debian 13 chroot under build/ (root; TRIXIE_ROOT=...)
	bash scripts/test_in_chroot.sh trixie test

test-qgis344:  ## optional: make test on Debian unstable's QGIS 3.44 (root; SID_ROOT=...)
	bash scripts/test_in_chroot.sh sid test

clean:  ## remove build outputs (refused while a test chroot under build/ is mounted)
	@! grep -q " $(CURDIR)/build/" /proc/mounts || { echo "build/ has mounts: not removing"; exit 1; }
	rm -rf build dist resources_rc.py i18n/*.qm .pytest_cache .ruff_cache
