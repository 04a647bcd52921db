# Pantry: `make run` opens the app; `make test` runs every check and test.
# Both install whatever is missing first (system packages, npm packages, tauri-driver).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

TOOLS := $(CURDIR)/.tools
export PATH := $(TOOLS)/bin:$(PATH)
TAURI_DRIVER_VERSION := 2.1.0
APP := target/debug/pantry-desktop
STAMP := .tools/stamps

.PHONY: help run test deps ui app lint unit ui-check ui-unit e2e bench bindings clean

help:
	@echo "make run    install what is missing, build, open Pantry on its default database"
	@echo "make test   install what is missing, then every check and test (end-to-end under Xvfb)"
	@echo "make bench      measure the performance budgets on generated data"
	@echo "make bindings   regenerate the TypeScript types from the Rust wire types"

run: deps app
	$(APP)

test: deps ui lint unit ui-check ui-unit e2e
	@echo "All checks and tests passed."

# --- setup -------------------------------------------------------------------------------

deps: $(STAMP)/system ui/node_modules/.package-lock.json

$(STAMP)/system: .ci/install-deps
	.ci/install-deps
	@mkdir -p $(STAMP) && touch $@

ui/node_modules/.package-lock.json: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund

$(TOOLS)/bin/tauri-driver:
	cargo install tauri-driver --locked --debug --version $(TAURI_DRIVER_VERSION) --root $(TOOLS)

# --- build -------------------------------------------------------------------------------

ui: deps
	cd ui && npm run build

app: ui
	cargo build --workspace --bins

# --- checks and tests --------------------------------------------------------------------

lint: ui
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings

# Library, CLI and integration tests, on SQLite files and on a throwaway PostgreSQL 15
# cluster (pg_virtualenv); includes the check that ui/src/lib/bindings is fresh.
unit: ui
	$(WITH_POSTGRES) cargo test --workspace --no-fail-fast

# Runs a command beside a throwaway PostgreSQL cluster, named in PANTRY_TEST_POSTGRES.
WITH_POSTGRES = pg_virtualenv -v 15 -o max_connections=300 sh -c \
	'PANTRY_TEST_POSTGRES="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/postgres" exec "$$@"' pg

ui-check: deps
	cd ui && npm run check

ui-unit: deps
	cd ui && npm test

# Every end-to-end test on a laptop's database (two desks on one server database among
# them), then the counter's and the members' again with the pantry on a throwaway
# PostgreSQL server (PANTRY_E2E_ON_SERVER).
e2e: app $(TOOLS)/bin/tauri-driver
	cd ui && $(WITH_POSTGRES) xvfb-run -a --server-args="-screen 0 1366x768x24" sh -c \
		'npm run e2e && PANTRY_E2E_ON_SERVER=1 npm run e2e -- e2e/counter.e2e.ts e2e/members.e2e.ts'

# Performance budgets (release build, generated data); prints the figures.
bench: deps
	$(WITH_POSTGRES) cargo bench --bench engines
	cargo bench --bench members
	cargo bench --bench printing
	cargo bench --bench counter
	cargo bench --bench reports
	cargo bench --bench outreach
	cargo bench --bench erasure

bindings:
	UPDATE_BINDINGS=1 cargo test --test bindings

clean:
	cargo clean
	rm -rf ui/dist ui/node_modules ui/e2e/artifacts $(TOOLS)
