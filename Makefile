# Tickler — build, test, demo, benchmark, install.
# Targets that need system packages install the missing ones with apt-get when run as root.

SWIFT       ?= swift
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      := $(DESTDIR)$(PREFIX)/bin
SYSCONFDIR  ?= $(DESTDIR)/etc/tickler
DEBIAN_PACKAGES := libsqlite3-dev sqlite3 python3 python3-venv libsystemd-dev libcurl4-openssl-dev openssl pkg-config systemd systemd-container debootstrap scdoc man-db groff-base postgresql-15 faketime dovecot-imapd

.PHONY: all deps journald testenv postgres build release check test fuzz e2e demo demo-firm preview bench man install clean

all: build

## deps: install the system packages the build and the tests need (root only; others must have them).
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "installing:$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else echo "missing system packages:$$missing (run 'sudo make deps')"; exit 1; fi; \
	fi

## journald: start systemd-journald when nothing answers on its socket (as root it runs without systemd
## as PID 1); the tests write real entries and read them back with journalctl. A socket file left by a
## journald that was killed refuses connections: it counts as not running. Every test process shares one
## cgroup, so the journald it starts does not rate-limit (the unit sets LogRateLimitIntervalSec=0 for
## ticklerd: a fire's entry is a delivery).
JOURNAL_SOCKET := /run/systemd/journal/socket
JOURNAL_PROBE  := python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM); s.connect(sys.argv[1])' $(JOURNAL_SOCKET) 2>/dev/null
journald: deps
	@if ! $(JOURNAL_PROBE); then \
		if [ "$$(id -u)" != 0 ]; then echo "journald is not running and starting it needs root"; exit 1; fi; \
		mkdir -p /run/systemd/journal /var/log/journal /run/systemd/journald.conf.d; \
		printf '[Journal]\nRateLimitIntervalSec=0\n' > /run/systemd/journald.conf.d/tickler-tests.conf; \
		(setsid /lib/systemd/systemd-journald </dev/null >/dev/null 2>&1 &); \
		for i in $$(seq 50); do $(JOURNAL_PROBE) && break; sleep 0.1; done; \
		$(JOURNAL_PROBE) || { echo "systemd-journald did not start"; exit 1; }; \
		echo "started systemd-journald"; \
	fi

## testenv: the Python the delivery tests run their SMTP server (aiosmtpd, from PyPI) and webhook
## receiver with, in .cache/testenv.
TESTENV := .cache/testenv
testenv: deps
	@$(TESTENV)/bin/python3 -c 'import aiosmtpd' 2>/dev/null || { \
		python3 -m venv $(TESTENV) && $(TESTENV)/bin/pip install --quiet --disable-pip-version-check aiosmtpd; }

## postgres: the PostgreSQL server the tests use, started unless it answers: a cluster of the tests' own
## (scripts/testing/postgres.sh), owned by an unprivileged user, on 127.0.0.1:55432 with a password.
postgres: deps
	@scripts/testing/postgres.sh start

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product tickler
	$(SWIFT) build -c release --product ticklerd

## check: the fast suite alone (no e2e, no Heavy* suites, no fuzzing): under two minutes once built.
HEAVY := Heavy
check: deps journald testenv postgres
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --skip $(HEAVY)

## test: everything the tests need, then the whole suite: the end-to-end run under systemd-nspawn, the
## fast suite, the Heavy* suites (kill storms, large change sets) on their own one at a time, and each
## fuzz target for CI_FUZZ_SECONDS.
CI_FUZZ_SECONDS ?= 10
test: deps journald testenv postgres
	$(SWIFT) build --build-tests
	scripts/e2e-nspawn.sh
	$(SWIFT) test --skip-build --skip $(HEAVY)
	$(SWIFT) test --skip-build --filter $(HEAVY) --no-parallel
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CI_FUZZ_SECONDS)

## fuzz: each parser under libFuzzer (-sanitize=fuzzer,address, optimized: 1 s per input is the hang limit)
## for FUZZ_SECONDS; seeds in fuzz/corpus.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS := config ics import-json import-csv time template store-row inbound-form mail-headers
fuzz: deps
	$(SWIFT) build -c release --product tickler-fuzz --scratch-path .build-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

## e2e: only the end-to-end run under real systemd (systemd-nspawn; root).
e2e: deps
	scripts/e2e-nspawn.sh

## demo: the main job on the embedded default: a 300-case demo firm in SQLite, the example policies,
## and ticklerd in the foreground printing each fire and delivery (Ctrl-C stops it). The example's
## channels are pointed at a loopback SMTP server and webhook receiver that keep what they get in
## .demo/mail and .demo/hook.
demo: build demo-firm testenv
	@rm -rf .demo/mail .demo/hook; mkdir -p .demo/credentials; printf 'demo-webhook-secret' > .demo/credentials/webhook-secret
	@$(TESTENV)/bin/python3 scripts/testing/smtp_sink.py --dir .demo/mail --port 2525 >/dev/null 2>.demo/smtp.log & \
	$(TESTENV)/bin/python3 scripts/testing/http_receiver.py --dir .demo/hook --port 2526 \
		--secret-file .demo/credentials/webhook-secret >/dev/null 2>.demo/hook.log & \
	sleep 1; CREDENTIALS_DIRECTORY=$$PWD/.demo/credentials .build/debug/ticklerd --config .demo/tickler.yaml; \
	kill %1 %2 2>/dev/null; echo "mail received: $$(ls .demo/mail | grep -c eml), webhooks: $$(ls .demo/hook | grep -c json), client updates: $$(grep -L '^X-Tickler-Policy\|^X-Tickler-Digest' .demo/mail/*.eml 2>/dev/null | wc -l)"

## demo-firm: the demo store and a copy of the example configuration that points at it (polls every 5s),
## its channels on loopback; client updates wait 15s instead of 10m and any hour is inside quiet hours,
## so the demo's clients hear of their stage changes at once.
demo-firm:
	@mkdir -p .demo
	.build/debug/tickler demo-data --cases 300 --seed 42 --out .demo/tickler.db --force
	cp config/court-holidays.ics .demo/
	rm -rf .demo/templates && cp -r config/templates .demo/
	sed -e 's|^store: .*|store: { sqlite: tickler.db }|' -e 's|^poll: .*|poll: { interval: 5s, full_rescan: 1h }|' \
		-e 's|smtp: "smtp://relay.firm.test:587"|smtp: "smtp://127.0.0.1:2525"|' -e 's|starttls: required|starttls: off|' \
		-e '/username: tickler/d' -e '/password_credential: smtp-password/d' \
		-e 's|url: "https://hooks.firm.test/tickler"|url: "http://127.0.0.1:2526/tickler"|' \
		-e 's|undo_window: 10m|undo_window: 15s|' \
		-e 's|default: { hours: "08:00-20:00", days: \[mon, tue, wed, thu, fri\] }|default: { hours: "00:00-23:59", days: [mon, tue, wed, thu, fri, sat, sun], holidays: none }|' \
		-e 's|reminders: { hours: "07:30-20:00" }|reminders: { hours: "00:00-23:59" }|' \
		config/tickler.yaml > .demo/tickler.yaml
	.build/debug/tickler check-config --config .demo/tickler.yaml

## preview: what the example policies would do on the demo firm, without running the daemon.
preview: build demo-firm
	.build/debug/tickler plan --config .demo/tickler.yaml | head -25
	.build/debug/tickler simulate --config .demo/tickler.yaml --from now --to now+7d | head -10

## bench: release build; simulate and plan over 100k- and 1M-case firms against sqlite3 reading the same rows,
## then ticklerd: READY, the catch-up, a tick of 1,000 changed cases and peak RSS at 10k, 100k and 1M;
## then on PostgreSQL: 1M cases imported by COPY, a 100,000-fire burst drained by 1, 2 and 3 instances.
bench: release postgres
	scripts/bench.sh
	scripts/bench-daemon.py
	scripts/bench-postgres.py
	scripts/bench-clio.py
	scripts/bench-mail.py

## man: the man pages, from their scdoc sources in docs/man, into .build-man/.
MANPAGES := .build-man/ticklerd.8 .build-man/tickler.1 .build-man/tickler.yaml.5 .build-man/tickler-inbound.8
man: $(MANPAGES)
.build-man/%: docs/man/%.scd
	@mkdir -p .build-man
	scdoc < $< > $@

## install: binaries, the systemd units (ticklerd; tickler-inbound and its socket, not enabled), with
## ExecStart pointing at $(PREFIX)/bin, the journal catalog, man
## pages, shell completions, the example configuration and templates (tickler.yaml and templates/ only
## where none exist). CONFIGURATION=debug installs the debug build (the tests use it).
CONFIGURATION ?= release
BUILT       := .build/$(CONFIGURATION)
UNITDIR     ?= $(DESTDIR)$(PREFIX)/lib/systemd/system
CATALOGDIR  ?= $(DESTDIR)/usr/lib/systemd/catalog
MANDIR      ?= $(DESTDIR)$(PREFIX)/share/man
COMPLETIONS ?= $(DESTDIR)$(PREFIX)/share
$(BUILT)/tickler $(BUILT)/ticklerd $(BUILT)/tickler-inbound:
	$(SWIFT) build -c $(CONFIGURATION) --product $(notdir $@)
install: $(BUILT)/tickler $(BUILT)/ticklerd $(BUILT)/tickler-inbound man
	install -d $(BINDIR) $(SYSCONFDIR) $(UNITDIR) $(CATALOGDIR) $(MANDIR)/man1 $(MANDIR)/man5 $(MANDIR)/man8 \
		$(COMPLETIONS)/bash-completion/completions $(COMPLETIONS)/zsh/site-functions $(COMPLETIONS)/fish/vendor_completions.d
	install -m 0755 $(BUILT)/tickler $(BUILT)/ticklerd $(BUILT)/tickler-inbound $(BINDIR)/
	for u in ticklerd.service tickler-inbound.service tickler-sync.service tickler-sync-clio.service; do \
		sed 's|/usr/local/bin/|$(PREFIX)/bin/|g' systemd/$$u > $(UNITDIR)/$$u && chmod 0644 $(UNITDIR)/$$u; done
	install -m 0644 systemd/tickler-inbound.socket $(UNITDIR)/tickler-inbound.socket
	install -m 0644 systemd/tickler.catalog $(CATALOGDIR)/tickler.catalog
	install -m 0644 .build-man/tickler.1 $(MANDIR)/man1/tickler.1
	install -m 0644 .build-man/tickler.yaml.5 $(MANDIR)/man5/tickler.yaml.5
	install -m 0644 .build-man/ticklerd.8 .build-man/tickler-inbound.8 $(MANDIR)/man8/
	$(BUILT)/tickler --generate-completion-script bash > $(COMPLETIONS)/bash-completion/completions/tickler
	$(BUILT)/tickler --generate-completion-script zsh > $(COMPLETIONS)/zsh/site-functions/_tickler
	$(BUILT)/tickler --generate-completion-script fish > $(COMPLETIONS)/fish/vendor_completions.d/tickler.fish
	install -m 0644 config/tickler.yaml $(SYSCONFDIR)/tickler.yaml.example
	install -m 0644 config/court-holidays.ics $(SYSCONFDIR)/court-holidays.ics
	install -d $(DESTDIR)$(PREFIX)/share/tickler/courts/holidays
	install -m 0644 config/courts/*.yaml $(DESTDIR)$(PREFIX)/share/tickler/courts/
	install -m 0644 config/courts/holidays/*.yaml $(DESTDIR)$(PREFIX)/share/tickler/courts/holidays/
	[ -e $(SYSCONFDIR)/tickler.yaml ] || install -m 0644 config/tickler.yaml $(SYSCONFDIR)/tickler.yaml
	[ -e $(SYSCONFDIR)/templates ] || { install -d $(SYSCONFDIR)/templates && \
		install -m 0644 config/templates/*.mustache $(SYSCONFDIR)/templates/; }
	install -d -m 0700 $(SYSCONFDIR)/credentials

clean:
	rm -rf .demo .bench .cache .build-e2e .build-man
