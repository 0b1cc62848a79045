#!/usr/bin/env bash
# The PostgreSQL server the tests use: a cluster of their own, owned by an unprivileged user (initdb and
# the server refuse root), listening on loopback only, password (SCRAM) authentication over TCP.
#   postgres.sh start   create the cluster if there is none, start it unless it answers; prints nothing else
#   postgres.sh stop    stop it
#   postgres.sh resume  start it again (after a crash), its databases kept
#   postgres.sh crash   stop it as a crash would (pg_ctl stop -m immediate: no checkpoint, sessions cut)
#   postgres.sh url     the superuser's URL; the password is in "$(postgres.sh dir)/password"
# TICKLER_TEST_PG_PORT (default 55432) and TICKLER_TEST_PG_DIR choose another cluster.
set -euo pipefail
PORT=${TICKLER_TEST_PG_PORT:-55432}
DIR=${TICKLER_TEST_PG_DIR:-${TMPDIR:-/tmp}/tickler-test-pg-$PORT}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$BIN" ] || { echo "no PostgreSQL server binaries (Debian's postgresql package)" >&2; exit 1; }

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

answers() { "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; }

case "${1:-start}" in
start)
    if [ ! -s "$DIR/data/PG_VERSION" ]; then
        rm -rf "$DIR"
        mkdir -p "$DIR/data" "$DIR/run"
        head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/password"
        [ "$(id -u)" = 0 ] && chown -R nobody: "$DIR"
        chmod 0700 "$DIR/data"
        chmod 0644 "$DIR/password"
        as_owner "$BIN/initdb" -D "$DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
            --pwfile="$DIR/password" -E UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 \
            || { cat "$DIR/initdb.log" >&2; exit 1; }
        cat >> "$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR/run'
max_connections = 300
fsync = on
synchronous_commit = on
shared_buffers = 128MB
log_min_messages = warning
CONF
    fi
    if ! answers; then
        as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null \
            || { tail -20 "$DIR/server.log" >&2; exit 1; }
    fi
    answers || { echo "PostgreSQL on 127.0.0.1:$PORT does not answer" >&2; exit 1; }
    # The databases of an earlier run's tests (t_<pid>_*), which a test run that was stopped left behind;
    # those of a test process still running (tests of another checkout) are left alone.
    PGPASSWORD=$(cat "$DIR/password") "$BIN/psql" -X -q -A -t -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
        -c "SELECT datname FROM pg_database WHERE datname LIKE 't\_%'" | while read -r db; do
        pid=$(echo "$db" | sed -n 's/^t_\([0-9][0-9]*\)_.*/\1/p')
        if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then continue; fi
        PGPASSWORD=$(cat "$DIR/password") "$BIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
            -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    done
    ;;
stop)
    [ -d "$DIR/data" ] && as_owner "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null || true
    ;;
resume)
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -t 60 start >/dev/null \
        || { tail -20 "$DIR/server.log" >&2; exit 1; }
    ;;
crash)
    as_owner "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null
    ;;
url) echo "postgres://postgres@127.0.0.1:$PORT/postgres" ;;
dir) echo "$DIR" ;;
bin) echo "$BIN" ;;
*) echo "usage: $0 start|stop|resume|crash|url|dir|bin" >&2; exit 2 ;;
esac
