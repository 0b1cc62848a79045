#!/usr/bin/env bash
# A Dovecot IMAP server of the tests' own: one per test, in DIR, owned by an unprivileged user, on
# 127.0.0.1:PORT with TLS only (a certificate made for it, DIR/cert.pem, for 127.0.0.1), a password
# database of its own (DIR/passwd) and Maildir mailboxes under DIR/mail/USER. With an OAuth 2 introspection
# URL, tokens log in by XOAUTH2 too (Dovecot's oauth2 passdb asks that URL about each token).
#   dovecot.sh start DIR PORT [--oauth2 URL] USER:PASSWORD...   create and start it; returns once it listens
#   dovecot.sh stop DIR                                         kill it (its mail kept)
#   dovecot.sh resume DIR                                       start it again
set -euo pipefail
cmd=${1:?usage: dovecot.sh start|stop|resume DIR ...}
DIR=${2:?DIR}
if [ "$(id -u)" = 0 ]; then U=nobody; G=$(id -gn nobody); else U=$(id -un); G=$(id -gn); fi
as_owner() { if [ "$(id -u)" = 0 ]; then runuser -u "$U" -- "$@"; else "$@"; fi; }
BIN=/usr/sbin/dovecot
[ -x "$BIN" ] || { echo "no Dovecot (Debian's dovecot-imapd package)" >&2; exit 1; }

# Whether something accepts connections on 127.0.0.1:PORT (bash's /dev/tcp: no process started).
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Whether the instance's master runs (a killed one nobody reaped is a zombie: not running).
master_runs() {
    local pid
    pid=$(cat "$DIR/base/master.pid" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] && [ "$(awk '{print $3}' "/proc/$pid/stat")" != Z ]
}

wait_port() {
    for i in $(seq 1 600); do
        listening "$1" && return 0
        # Dovecot forks and the command returns at once; a master that died says why in its log.
        if [ "$i" -gt 30 ] && ! master_runs; then break; fi
        sleep 0.1
    done
    echo "Dovecot did not listen on 127.0.0.1:$1" >&2
    tail -20 "$DIR/dovecot.log" >&2 || true
    exit 1
}

case "$cmd" in
start)
    PORT=${3:?PORT}
    shift 3
    OAUTH=""
    if [ "${1:-}" = "--oauth2" ]; then OAUTH=$2; shift 2; fi
    mkdir -p "$DIR/mail" "$DIR/base" "$DIR/state"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$DIR/key.pem" -out "$DIR/cert.pem" -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1
    : > "$DIR/passwd"
    for pair in "$@"; do
        user=${pair%%:*}
        echo "$user:{PLAIN}${pair#*:}::::$DIR/mail/$user::" >> "$DIR/passwd"
        mkdir -p "$DIR/mail/$user/Maildir"
    done
    OAUTH_PASSDB=""
    MECHS="plain login"
    if [ -n "$OAUTH" ]; then
        MECHS="plain login xoauth2 oauthbearer"
        cat > "$DIR/oauth2.conf" <<CONF
introspection_mode = post
introspection_url = $OAUTH
username_attribute = username
active_attribute = active
active_value = true
CONF
        OAUTH_PASSDB="passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $DIR/oauth2.conf
}"
    fi
    cat > "$DIR/dovecot.conf" <<CONF
base_dir = $DIR/base
state_dir = $DIR/state
instance_name = tickler-test-$PORT
log_path = $DIR/dovecot.log
info_log_path = $DIR/dovecot.log
default_internal_user = $U
default_internal_group = $G
default_login_user = $U
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <$DIR/cert.pem
ssl_key = <$DIR/key.pem
disable_plaintext_auth = yes
auth_failure_delay = 0
auth_mechanisms = $MECHS
$OAUTH_PASSDB
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u $DIR/passwd
}
userdb {
  driver = static
  args = uid=$U gid=$G home=$DIR/mail/%u
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  mailbox Sent {
    special_use = \\Sent
    auto = create
  }
}
service imap-login {
  inet_listener imap {
    port = 0
  }
  inet_listener imaps {
    port = $PORT
    ssl = yes
  }
  chroot =
}
service anvil {
  chroot =
}
service auth {
  user = $U
}
service auth-worker {
  user = $U
}
CONF
    echo "$PORT" > "$DIR/port"
    [ "$(id -u)" = 0 ] && chown -R "$U:$G" "$DIR"
    as_owner "$BIN" -c "$DIR/dovecot.conf" </dev/null >>"$DIR/start.log" 2>&1 || { cat "$DIR/start.log" >&2; exit 1; }
    wait_port "$PORT"
    ;;
stop)
    # At once, as a crash or a pulled cable would: the master and every process of this instance.
    PORT=$(cat "$DIR/port")
    if [ -s "$DIR/base/master.pid" ]; then kill -KILL "$(cat "$DIR/base/master.pid")" 2>/dev/null || true; fi
    pkill -KILL -f "^dovecot-tickler-test-$PORT/" 2>/dev/null || true
    # Its pid file goes too: a killed master that nobody reaps still answers kill -0, and Dovecot would take
    # it for running.
    for _ in $(seq 1 100); do
        if ! master_runs && ! pgrep -f "^dovecot-tickler-test-$PORT/" >/dev/null; then break; fi
        sleep 0.1
    done
    rm -f "$DIR/base/master.pid"
    ;;
resume)
    as_owner "$BIN" -c "$DIR/dovecot.conf" </dev/null >>"$DIR/start.log" 2>&1 || { cat "$DIR/start.log" >&2; exit 1; }
    wait_port "$(cat "$DIR/port")"
    ;;
*) echo "usage: dovecot.sh start|stop|resume DIR ..." >&2; exit 2 ;;
esac
