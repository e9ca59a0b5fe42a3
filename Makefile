# ghost-rs: everything a fresh Debian machine needs, in two commands.
#
#   make demo   install what is missing, start a sandbox MariaDB (primary + replica), migrate a
#               demo table under write load, show the result
#   make test   unit tests, then integration tests and the localtests cases against the
#               sandbox (started if needed), on MariaDB and on MySQL 9.7
#
# FLAVOR=mysql runs against the MySQL 9.7 sandbox instead (fetched by script/mysql-dist).

SHELL := /bin/bash
CARGO ?= cargo
FLAVOR ?= mariadb
TEST_THREADS ?= 4
LOCALTESTS_JOBS ?= 2
SANDBOX := script/sandbox --flavor $(FLAVOR)

.PHONY: all build release sandbox sandbox-stop test unit integration localtests fmt-check demo clean

all: build

build:
	$(CARGO) build

release:
	$(CARGO) build --release

sandbox:
	$(SANDBOX) start

sandbox-stop:
	$(SANDBOX) stop

fmt-check:
	$(CARGO) fmt --all -- --check

# Unit tests need no server.
unit:
	$(CARGO) test --bins

integration: sandbox
	eval "$$($(SANDBOX) env)" && $(CARGO) test --test '*' --no-fail-fast -- --test-threads=$(TEST_THREADS)
	$(MAKE) localtests FLAVOR=$(FLAVOR)

# The data-driven end-to-end cases (localtests/, see doc/localtests.md); counts and skips go
# to target/test-metrics.txt.
localtests: build sandbox
	@mkdir -p target; set -o pipefail; \
	script/localtests --flavor $(FLAVOR) -j $(LOCALTESTS_JOBS) | tee target/localtests-$(FLAVOR).out; rc=$$?; \
	echo "[$(FLAVOR)] localtests: $$(tail -1 target/localtests-$(FLAVOR).out)" >> target/test-metrics.txt; \
	grep '^SKIP' target/localtests-$(FLAVOR).out | sed 's/^/[$(FLAVOR)] localtests /' >> target/test-metrics.txt || true; \
	exit $$rc

# Both server families: MariaDB always; MySQL 9.7 when it can be fetched (said clearly if not).
test: fmt-check
	@rm -f target/test-metrics.txt
	$(MAKE) unit
	$(MAKE) integration FLAVOR=mariadb
	@rc=0; script/sandbox --flavor mysql start || rc=$$?; \
	if [ $$rc -eq 4 ]; then echo "*** MySQL 9.7 could not be fetched: its tests were NOT run (see above) ***"; \
	elif [ $$rc -ne 0 ]; then exit $$rc; \
	else $(MAKE) integration FLAVOR=mysql; rc=$$?; \
	  echo "stopping the MySQL sandbox (its data stays; script/sandbox --flavor mysql start brings it back)"; \
	  script/sandbox --flavor mysql stop >/dev/null || true; exit $$rc; fi
	@if [ -s target/test-metrics.txt ]; then echo "--- measured by the tests:"; cat target/test-metrics.txt; fi

demo: release sandbox
	FLAVOR=$(FLAVOR) script/demo

clean:
	$(CARGO) clean
