# Tickler — build, test, demo, benchmark, install.
# Targets that need system packages install the missing ones with apt-get when run as root.

SWIFT       ?= swift
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      := $(DESTDIR)$(PREFIX)/bin
SYSCONFDIR  ?= $(DESTDIR)/etc/tickler
DEBIAN_PACKAGES := libsqlite3-dev sqlite3 python3 libsystemd-dev pkg-config systemd

.PHONY: all deps journald build release test demo bench install clean

all: build

## deps: install the system packages the build and the tests need (root only; others must have them).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "missing system packages:$$missing (run 'sudo make deps')"; exit 1; fi; \
	fi

## journald: start systemd-journald when nothing listens on its socket (as root it runs without systemd
## as PID 1); the tests write real entries and read them back with journalctl.
journald: deps
	@if [ ! -S /run/systemd/journal/socket ]; then \
		if [ "$$(id -u)" != 0 ]; then echo "journald is not running and starting it needs root"; exit 1; fi; \
		mkdir -p /run/systemd/journal /var/log/journal; \
		(setsid /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &); \
		for i in $$(seq 50); do [ -S /run/systemd/journal/socket ] && break; sleep 0.1; done; \
		[ -S /run/systemd/journal/socket ] || { echo "systemd-journald did not start"; exit 1; }; \
		echo "started systemd-journald"; \
	fi

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tickler

## test: everything the tests need, then the whole suite.
test: deps journald
	$(SWIFT) build --build-tests
	$(SWIFT) test

## demo: the main job on the embedded default: a demo firm in SQLite, the example policies, and what fires.
demo: build
	@mkdir -p .demo
	.build/debug/tickler demo-data --cases 300 --seed 42 --out .demo/tickler.db --force
	.build/debug/tickler check-config --config config/tickler.yaml
	@echo; echo "== tickler plan (what is due now, what comes next) =="
	.build/debug/tickler plan --config config/tickler.yaml --store .demo/tickler.db | head -25
	@echo; echo "== tickler simulate over the next 7 days (first 10 fires) =="
	.build/debug/tickler simulate --config config/tickler.yaml --store .demo/tickler.db --from now --to now+7d | head -10
	@echo; echo "fires in the next 7 days: $$(.build/debug/tickler simulate --config config/tickler.yaml --store .demo/tickler.db --from now --to now+7d | wc -l)"

## bench: release build; simulate and plan over a 100k-case firm against sqlite3 reading the same rows.
bench: release
	scripts/bench.sh

install: release
	install -d $(BINDIR) $(SYSCONFDIR)
	install -m 0755 .build/release/tickler $(BINDIR)/tickler
	install -m 0644 config/tickler.yaml $(SYSCONFDIR)/tickler.yaml.example
	install -m 0644 config/court-holidays.ics $(SYSCONFDIR)/court-holidays.ics

clean:
	rm -rf .demo .bench
