#!/usr/bin/env bash
# End-to-end under real systemd: boots a minimal Debian in systemd-nspawn, installs ticklerd with its
# unit and catalog, and checks what a sysadmin relies on: `systemctl start` returns only after READY,
# fires reach `journalctl -u ticklerd`, email reaches an SMTP server and signed webhooks a receiver
# (both on the host's loopback, which the container shares) with the secret passed by LoadCredential=,
# another user can read the metrics file, reload with a good and a broken configuration, a wedged loop
# is restarted by the watchdog, `systemctl stop` is clean; tickler-inbound, socket-activated, takes a
# client's signed reply; the Clio sync runs as its hardened service. The root is built once per machine (cached in
# .cache/nspawn-root, ignored by git). Needs root.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=${E2E_ROOT:-$PWD/.cache/nspawn-root}
BIN=.build-e2e/release
passed=0 failed=0
ok() { echo "e2e ok: $1"; passed=$((passed + 1)); }
bad() { echo "e2e FAILED: $1"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
# Retries a condition for up to ten seconds: with Type=notify on systemd 252, `systemctl reload` returns
# when ExecReload's kill has been sent, before the daemon has handled SIGHUP and journaled the result.
eventually() { for _ in $(seq 50); do "$@" && return 0; sleep 0.2; done; "$@"; }
# The same with a bound of $1 seconds (a hang guard: the wait ends at the event).
within() { local n=$1; shift; for _ in $(seq $((n * 5))); do "$@" && return 0; sleep 0.2; done; "$@"; }
count() { inside /bin/journalctl -b -u ticklerd -o cat "$@" | wc -l; }

for tool in systemd-nspawn debootstrap; do
  command -v $tool >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-container debootstrap >/dev/null; break; }
done
# What ticklerd needs at run time besides systemd: SQLite, libcurl (SMTP, webhooks), time zones.
PACKAGES=systemd,systemd-sysv,dbus,libsqlite3-0,libcurl4,ca-certificates,tzdata
if [[ ! -x $ROOT/bin/systemctl || "$(cat "$ROOT/.tickler-packages" 2>/dev/null)" != "$PACKAGES" ]]; then
  echo "e2e: building the container root (once)"
  rm -rf "$ROOT" && mkdir -p "$(dirname "$ROOT")"
  debootstrap --variant=minbase --include=$PACKAGES bookworm "$ROOT" >/dev/null \
    || { echo "e2e: debootstrap failed"; exit 1; }
  echo "$PACKAGES" > "$ROOT/.tickler-packages"
fi
swift build -c release --static-swift-stdlib --scratch-path .build-e2e --product ticklerd >/dev/null \
  && swift build -c release --static-swift-stdlib --scratch-path .build-e2e --product tickler >/dev/null \
  && swift build -c release --static-swift-stdlib --scratch-path .build-e2e --product tickler-inbound >/dev/null \
  || { echo "e2e: build failed"; exit 1; }

# Install as `make install` would, plus a demo firm whose backlog fires in the catch-up after start.
install -m 0755 $BIN/ticklerd $BIN/tickler $BIN/tickler-inbound "$ROOT/usr/local/bin/"
install -D -m 0644 systemd/ticklerd.service "$ROOT/usr/local/lib/systemd/system/ticklerd.service"
install -D -m 0644 systemd/tickler-inbound.service "$ROOT/usr/local/lib/systemd/system/tickler-inbound.service"
install -D -m 0644 systemd/tickler-inbound.socket "$ROOT/usr/local/lib/systemd/system/tickler-inbound.socket"
install -D -m 0644 systemd/tickler-sync-clio.service "$ROOT/usr/local/lib/systemd/system/tickler-sync-clio.service"
install -D -m 0644 systemd/tickler-sync.service "$ROOT/usr/local/lib/systemd/system/tickler-sync.service"
install -D -m 0644 systemd/tickler.catalog "$ROOT/usr/lib/systemd/catalog/tickler.catalog"
rm -rf "$ROOT/usr/local/share/tickler/courts" && mkdir -p "$ROOT/usr/local/share/tickler"
cp -r config/courts "$ROOT/usr/local/share/tickler/courts"
# A new, root-owned state directory each run: systemd then hands it (recursively) to the dynamic user.
rm -rf "$ROOT/var/lib/private/tickler" "$ROOT/var/lib/tickler"
mkdir -p "$ROOT/etc/tickler" "$ROOT/var/lib/private/tickler"
chmod 0700 "$ROOT/var/lib/private"
cp config/court-holidays.ics "$ROOT/etc/tickler/"
rm -rf "$ROOT/etc/tickler/templates" && cp -r config/templates "$ROOT/etc/tickler/"

# Real receivers on the host's loopback: the SMTP server (aiosmtpd) and the webhook receiver of the tests.
PY=${TICKLER_TEST_PYTHON:-$PWD/.cache/testenv/bin/python3}
SPOOL=$(mktemp -d /tmp/tickler-e2e-XXXXXX)
printf 'e2e-webhook-secret' > "$SPOOL/secret"
exec 3< <("$PY" scripts/testing/smtp_sink.py --dir "$SPOOL/mail" 2>"$SPOOL/smtp.log"; echo)
read -r _ SMTP_PORT <&3
exec 4< <("$PY" scripts/testing/http_receiver.py --dir "$SPOOL/hook" --secret-file "$SPOOL/secret" 2>"$SPOOL/hook.log"; echo)
read -r _ HOOK_PORT <&4
receivers() { pkill -f "scripts/testing/smtp_sink.py --dir $SPOOL" ; pkill -f "scripts/testing/http_receiver.py --dir $SPOOL"; }
# The example configuration, its channels pointed at them.
example_config() {
  sed -e 's|^poll: .*|poll: { interval: 1s, full_rescan: 1h }|' \
      -e "s|smtp: \"smtp://relay.firm.test:587\"|smtp: \"smtp://127.0.0.1:$SMTP_PORT\"|" \
      -e 's|starttls: required|starttls: off|' -e '/username: tickler/d' -e '/password_credential: smtp-password/d' \
      -e "s|url: \"https://hooks.firm.test/tickler\"|url: \"http://127.0.0.1:$HOOK_PORT/tickler\"|" \
      -e 's|^channels:$|channels:\n  texts: { type: sms, url: "http://127.0.0.1:9", account_sid: AC1, auth_token_credential: sms-token, from: "+13125550000" }|' \
      -e 's|^  channels: { email: email }$|  channels: { email: email, sms: texts }\n  inbound: { public_url: "https://tickler.firm.test" }|' \
      config/tickler.yaml
  echo 'metrics: { textfile: /run/tickler/tickler.prom, mode: "0644" }'
}
example_config > "$ROOT/etc/tickler/tickler.yaml"
install -D -m 0600 "$SPOOL/secret" "$ROOT/etc/tickler/credentials/webhook-secret"
printf 'e2e-sms-token' > "$SPOOL/sms-token"
install -D -m 0600 "$SPOOL/sms-token" "$ROOT/etc/tickler/credentials/sms-token"
$BIN/tickler demo-data --cases 50 --seed 3 --out "$ROOT/var/lib/private/tickler/tickler.db" >/dev/null
rm -rf "$ROOT/etc/systemd/system/ticklerd.service.d"
mkdir -p "$ROOT/etc/systemd/system/ticklerd.service.d"
printf '[Service]\nLoadCredential=webhook-secret:/etc/tickler/credentials/webhook-secret\nLoadCredential=sms-token:/etc/tickler/credentials/sms-token\n' \
  > "$ROOT/etc/systemd/system/ticklerd.service.d/credentials.conf"
rm -rf "$ROOT/etc/systemd/system/tickler-inbound.service.d"
mkdir -p "$ROOT/etc/systemd/system/tickler-inbound.service.d"
printf '[Service]\nLoadCredential=sms-token:/etc/tickler/credentials/sms-token\n' \
  > "$ROOT/etc/systemd/system/tickler-inbound.service.d/credentials.conf"

systemd-nspawn -D "$ROOT" --register=no --keep-unit -b >/tmp/tickler-e2e-console.log 2>&1 &
NSPAWN=$!
cleanup() { kill $NSPAWN 2>/dev/null; wait $NSPAWN 2>/dev/null; receivers; rm -rf "$SPOOL"; }
trap cleanup EXIT
inside() { nsenter -t "$LEADER" -m -u -i -n -p -- "$@"; }
LEADER=
for _ in $(seq 150); do
  LEADER=$(ps --ppid $NSPAWN -o pid= 2>/dev/null | tr -d ' ')
  [[ -n $LEADER && $(inside /bin/systemctl is-system-running 2>/dev/null) =~ ^(running|degraded)$ ]] && break
  sleep 0.2
done
check "container booted" test "$(inside /bin/systemctl is-system-running)" != "starting"
inside /bin/journalctl --update-catalog

check "unit verifies inside the container" inside /bin/systemd-analyze verify --man=no /usr/local/lib/systemd/system/ticklerd.service
# The installed courts (share/tickler/courts beside the binaries): 30 days after Sun Mar 1, 2026 end on Cesar
# Chavez Day, a judicial holiday in California.
courts_count() { inside /usr/local/bin/tickler deadline --court ca-superior --trigger 2026-03-01 --period "30 days" --format json \
  2>/dev/null | grep -q '"last_day":"2026-04-01"'; }
check "the installed courts count a deadline" courts_count
# Type=notify: start returns once READY=1 arrived: the configuration is valid and the store open. The
# catch-up over every case follows as ordinary ticks, and is journaled when done.
check "systemctl start returns active" inside /bin/systemctl start ticklerd
check "active after start" test "$(inside /bin/systemctl is-active ticklerd)" = active
status=$(inside /bin/systemctl show -p StatusText --value ticklerd)
check "status line reports the loop: $status" grep -q 'open cases' <<<"$status"
started=$(inside /bin/journalctl -b -u ticklerd -o cat MESSAGE_ID=4752238b4c20467aaf1628b533de3610 | wc -l)
check "journal says started once" test "$started" -eq 1
caught_up() { test "$(count MESSAGE_ID=c1a7e4b2d9f04e3c8b6a2f5d0e9c7b41)" -ge 1; }
check "the catch-up is done and journaled" within 120 caught_up
fires=$(inside /bin/journalctl -b -u ticklerd -o cat MESSAGE_ID=07375ca842e147c3bdca0cd6f430391b MESSAGE_ID=74046f60a840438597970918207c2b2f | wc -l)
check "fires reach journalctl -u ticklerd ($fires)" test "$fires" -gt 0
explained=$(inside /bin/journalctl -b -u ticklerd -x MESSAGE_ID=4752238b4c20467aaf1628b533de3610)
check "catalog explains the entries" grep -q 'now catches up' <<<"$explained"
mails() { ls "$SPOOL/mail" 2>/dev/null | grep -c '\.json$'; }
hooks_signed() { grep -l '"signature_ok": true' "$SPOOL"/hook/*.json 2>/dev/null | wc -l; }
some_mail() { test "$(mails)" -gt 0; }
some_hooks() { test "$(hooks_signed)" -gt 0; }
check "email reaches the SMTP server" eventually some_mail
check "signed webhooks arrive (secret from LoadCredential=)" eventually some_hooks
delivered() { test "$(count MESSAGE_ID=322203dcd24244eea38969b0bde4a90e)" -gt 0; }
check "deliveries are journaled" eventually delivered
# The metrics file in the unit's RuntimeDirectory, read by another user as node_exporter would be.
metrics_readable() { inside /usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/cat /run/tickler/tickler.prom 2>/dev/null \
  | grep -q '^tickler_ticks_total '; }
check "another user reads the metrics file (mode 0644 in /run/tickler)" eventually metrics_readable
state_private() { ! inside /usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups /bin/ls /var/lib/tickler/ >/dev/null 2>&1; }
check "the state directory stays private to the service" state_private
# Confidentiality: no client name and no address in any message or field ticklerd wrote.
written=$(inside /bin/journalctl -b -u ticklerd -o verbose | grep -E '^ *(MESSAGE|TICKLER_[A-Z0-9_]+)=')
leaks() {
  grep -q '@' <<<"$written" && return 0
  while IFS= read -r name; do [[ -n $name ]] && grep -qF "$name" <<<"$written" && return 0; done \
    < <(sqlite3 "$ROOT/var/lib/private/tickler/tickler.db" "SELECT DISTINCT client_name FROM cases")
  return 1
}
if leaks; then bad "no client name or address reaches the journal"; else ok "no client name or address reaches the journal"; fi

check "reload with a good configuration" inside /bin/systemctl reload ticklerd
two_loads() { test "$(count MESSAGE_ID=1185d79f7af94ab0891309e9ab1e7cc9)" -eq 2; }
check "configuration reloaded" eventually two_loads
echo "policies: [ { id: broken } ]" > "$ROOT/etc/tickler/tickler.yaml"
inside /bin/systemctl reload ticklerd
check "a broken reload keeps the service active" test "$(inside /bin/systemctl is-active ticklerd)" = active
located() { inside /bin/journalctl -b -u ticklerd -o verbose MESSAGE_ID=5d54fe4fc78a4695a0cc1f00c0a752fa \
  | grep -q 'TICKLER_CONFIG_ERRORS=/etc/tickler/tickler.yaml:1:'; }
check "the journal locates the broken configuration" eventually located
refired=$(inside /bin/journalctl -b -u ticklerd -o cat MESSAGE_ID=07375ca842e147c3bdca0cd6f430391b MESSAGE_ID=74046f60a840438597970918207c2b2f | wc -l)
check "reloads fire nothing twice" test "$refired" -eq "$fires"

check "systemctl stop is clean" inside /bin/systemctl stop ticklerd
check "inactive with result success" test "$(inside /bin/systemctl show -p Result --value ticklerd)" = success
check "stopping journaled" test "$(inside /bin/journalctl -b -u ticklerd -o cat MESSAGE_ID=8813b76c169f44acb73e5af180e3a214 | wc -l)" -ge 1

# Clients' replies: tickler-inbound, started by its socket on the first connection (the container shares
# the host's loopback), takes a signed inbound text: a STOP is confirmed, a message becomes an inbound
# communication of the sender's case; an unsigned request is refused.
example_config > "$ROOT/etc/tickler/tickler.yaml"   # after the broken reload above
for unit in tickler-inbound.service tickler-inbound.socket; do
  check "$unit verifies inside the container" inside /bin/systemd-analyze verify --man=no /usr/local/lib/systemd/system/$unit
done
check "the inbound socket listens" inside /bin/systemctl start tickler-inbound.socket
PHONE=$(sqlite3 "$ROOT/var/lib/private/tickler/tickler.db" "SELECT phone FROM contacts c JOIN cases k ON k.id = c.case_id WHERE phone IS NOT NULL AND k.status <> 'closed' ORDER BY c.id LIMIT 1")
post() { "$PY" scripts/testing/twilio_inbound.py --url http://127.0.0.1:8025/sms/inbound \
  --signed-url https://tickler.firm.test/sms/inbound --token-file "$SPOOL/sms-token" "$@" AccountSid=AC1 To=+13125550000 \
  "From=$PHONE"; }
answer=$(post MessageSid=SMe2e1 "Body=STOP")
check "a signed STOP is confirmed in the contact's language: $answer" grep -qE 'no more text messages|no recibirá más' <<<"$answer"
check "the socket started tickler-inbound" test "$(inside /bin/systemctl is-active tickler-inbound.service)" = active
refused=$(post --bad-signature MessageSid=SMe2e2 "Body=hello")
check "an unsigned request is refused" grep -q 'STATUS 403' <<<"$refused"
answer=$(post MessageSid=SMe2e3 "Body=Can you call me?")
check "a reply is accepted: $answer" grep -q 'STATUS 200' <<<"$answer"
recorded() { test "$(sqlite3 "$ROOT/var/lib/private/tickler/tickler.db" "SELECT count(*) FROM communications WHERE id LIKE 'sms-SMe2e3%' AND direction = 'inbound'")" -ge 1; }
check "the reply is an inbound communication of the case" eventually recorded
keyword() { test "$(inside /bin/journalctl -b -u tickler-inbound -o cat MESSAGE_ID=20b728649a4e417c82b5bce55f2f9f31 | wc -l)" -ge 1; }
check "the keyword is journaled" eventually keyword
inbound_text=$(inside /bin/journalctl -b -u tickler-inbound -o verbose | grep -E '^ *(MESSAGE|TICKLER_[A-Z0-9_]+)=')
if grep -qF "$PHONE" <<<"$inbound_text" || grep -q 'Can you call' <<<"$inbound_text"; then
  bad "no number or text of the client in tickler-inbound's journal"
else
  ok "no number or text of the client in tickler-inbound's journal"
fi
inside /bin/systemctl stop tickler-inbound.socket tickler-inbound.service

# The Clio sync as a service: the fake Clio API on the host's loopback, its two secrets by LoadCredential=.
# It subscribes a webhook per model, reconciles, journals each pass without a client's name, and its unit
# is hardened as systemd itself scores the loaded unit.
CLIO=$SPOOL/clio
mkdir -p "$CLIO"
"$PY" - "$CLIO/firm.json" <<'PYEOF'
import json, sys
matters = [{"id": 1000 + i, "display_number": "E2E-%d" % i, "description": "Canary v. Finch %d" % i, "status": "Open",
            "open_date": "2026-09-01", "updated_at": "2026-11-30T15:00:00Z",
            "client": {"id": 500 + i, "name": "Ann Canary %d" % i, "primary_email_address": "ann%d@example.test" % i}}
           for i in range(1, 31)]
users = [{"id": 3, "name": "Alex Attorney", "enabled": True, "subscription_type": "Attorney", "updated_at": "2026-11-30T15:00:00Z"}]
json.dump({"users": users, "matters": matters}, open(sys.argv[1], "w"))
PYEOF
exec 5< <("$PY" scripts/testing/clio_fake.py --dir "$CLIO" --client-id tickler-app --client-secret e2e-clio-secret \
  --refresh-token e2e-clio-refresh 2>"$CLIO/fake.log"; echo)
read -r _ CLIO_PORT <&5
{ example_config; cat <<EOF
sync:
  clio:
    region: us
    client_id: tickler-app
    client_secret_credential: clio-client-secret
    refresh_token_credential: clio-refresh-token
    webhook_url: "https://tickler.firm.test/clio/webhook"
    reconcile: 10m
    api_url: "http://127.0.0.1:$CLIO_PORT/api/v4"
    token_url: "http://127.0.0.1:$CLIO_PORT/oauth/token"
EOF
} > "$ROOT/etc/tickler/tickler.yaml"
printf 'e2e-clio-secret' > "$SPOOL/clio-client-secret"
printf 'e2e-clio-refresh' > "$SPOOL/clio-refresh-token"
install -D -m 0600 "$SPOOL/clio-client-secret" "$ROOT/etc/tickler/credentials/clio-client-secret"
install -D -m 0600 "$SPOOL/clio-refresh-token" "$ROOT/etc/tickler/credentials/clio-refresh-token"
rm -rf "$ROOT/etc/systemd/system/tickler-sync-clio.service.d"
mkdir -p "$ROOT/etc/systemd/system/tickler-sync-clio.service.d"
printf '[Service]\nLoadCredential=clio-client-secret:/etc/tickler/credentials/clio-client-secret\nLoadCredential=clio-refresh-token:/etc/tickler/credentials/clio-refresh-token\n' \
  > "$ROOT/etc/systemd/system/tickler-sync-clio.service.d/credentials.conf"
inside /bin/systemctl daemon-reload
check "tickler-sync-clio.service verifies inside the container" \
  inside /bin/systemd-analyze verify --man=no /usr/local/lib/systemd/system/tickler-sync-clio.service
check "systemctl start tickler-sync-clio returns active" inside /bin/systemctl start tickler-sync-clio
synced() { test "$(inside /bin/journalctl -b -u tickler-sync-clio -o cat MESSAGE_ID=14637d343f9f455a87c4907deca78ed5 | wc -l)" -ge 1; }
check "the sync's first pass is journaled" within 120 synced
DB=$ROOT/var/lib/private/tickler/tickler.db
check "Clio's matters are cases" test "$(sqlite3 "$DB" "SELECT count(*) FROM cases WHERE id LIKE 'clio:matter:%'")" -eq 30
subscribed() { test "$(sqlite3 "$DB" "SELECT count(*) FROM tickler_sync_webhooks WHERE status = 'enabled'")" -eq 5; }
check "its five webhooks are subscribed and enabled" within 60 subscribed
exposure=$(inside /bin/systemd-analyze security --no-pager tickler-sync-clio.service \
  | sed -n 's/.*Overall exposure level for tickler-sync-clio.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security of the sync's unit is at most 1.5 ($exposure)" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }'
synclog=$(inside /bin/journalctl -b -u tickler-sync-clio -o verbose | grep -E '^ *(MESSAGE|TICKLER_[A-Z0-9_]+)=')
if grep -qE 'Canary|example\.test|e2e-clio' <<<"$synclog"; then
  bad "no client name or address, and no secret, in the sync's journal"
else
  ok "no client name or address, and no secret, in the sync's journal"
fi
check "systemctl stop tickler-sync-clio is clean" inside /bin/systemctl stop tickler-sync-clio
# The same sync as `tickler sync all` under tickler-sync.service (Clio only here: no mail server runs in
# the container), the unit that also holds the mailboxes.
rm -rf "$ROOT/etc/systemd/system/tickler-sync.service.d"
mkdir -p "$ROOT/etc/systemd/system/tickler-sync.service.d"
cp "$ROOT/etc/systemd/system/tickler-sync-clio.service.d/credentials.conf" "$ROOT/etc/systemd/system/tickler-sync.service.d/"
inside /bin/systemctl daemon-reload
check "tickler-sync.service verifies inside the container" \
  inside /bin/systemd-analyze verify --man=no /usr/local/lib/systemd/system/tickler-sync.service
check "systemctl start tickler-sync returns active" inside /bin/systemctl start tickler-sync
allsynced() { test "$(inside /bin/journalctl -b -u tickler-sync -o cat MESSAGE_ID=14637d343f9f455a87c4907deca78ed5 | wc -l)" -ge 1; }
check "tickler sync all journals the Clio pass" within 120 allsynced
exposure=$(inside /bin/systemd-analyze security --no-pager tickler-sync.service \
  | sed -n 's/.*Overall exposure level for tickler-sync.service: \([0-9.]*\).*/\1/p')
check "systemd-analyze security of tickler-sync.service is at most 1.5 ($exposure)" awk -v e="$exposure" 'BEGIN { exit !(e != "" && e <= 1.5) }'
check "systemctl stop tickler-sync is clean" inside /bin/systemctl stop tickler-sync
pkill -f "scripts/testing/clio_fake.py --dir $CLIO"

# A tick stuck in a store call (another program holds the write lock past the busy timeout) stops the
# watchdog pings; systemd's watchdog restarts the service.
example_config > "$ROOT/etc/tickler/tickler.yaml"
printf '[Service]\nWatchdogSec=3s\n' > "$ROOT/etc/systemd/system/ticklerd.service.d/watchdog.conf"
inside /bin/systemctl daemon-reload
inside /bin/systemctl start ticklerd
coproc holder { python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(300)' "$ROOT/var/lib/private/tickler/tickler.db"; }
holder_pid=$holder_PID
locked=
read -r -t 60 locked <&"${holder[0]}"
check "another program holds the store's write lock" test "$locked" = locked
for _ in $(seq 300); do
  [[ $(inside /bin/systemctl show -p NRestarts --value ticklerd) -ge 1 ]] && break
  sleep 0.2
done
check "the watchdog restarted a stuck loop" test "$(inside /bin/systemctl show -p NRestarts --value ticklerd)" -ge 1
kill "$holder_pid" 2>/dev/null; wait "$holder_pid" 2>/dev/null || true
unitlog=$(inside /bin/journalctl -b -u ticklerd)
check "journal records the watchdog timeout" grep -qi 'watchdog timeout' <<<"$unitlog"
inside /bin/systemctl stop ticklerd

rm -rf "$ROOT/etc/systemd/system/ticklerd.service.d" "$ROOT/etc/systemd/system/tickler-inbound.service.d" \
  "$ROOT/etc/systemd/system/tickler-sync-clio.service.d"
inside /bin/systemctl poweroff >/dev/null 2>&1

echo "e2e (systemd-nspawn): $passed passed, $failed failed"
[[ $failed -eq 0 ]]
