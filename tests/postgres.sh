#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the production-like tests.
#
#   tests/postgres.sh start    install (root, when missing), init once, start, ensure the
#                              role and database `portal`; prints the DATABASE_URL on stdout
#   tests/postgres.sh stop     stop it (fast shutdown)
#   tests/postgres.sh status   tell whether it runs
#   tests/postgres.sh url      print the DATABASE_URL
#
# Typical use:  DATABASE_URL=$(tests/postgres.sh start) pytest …; tests/postgres.sh stop
# Everything but the URL goes to stderr.
#
# The cluster is tuned for speed, not safety (fsync off and the like): never keep data in it.
#
# Environment (all optional):
#   PG_PORT           TCP port on 127.0.0.1 (default 54329)
#   PG_DIR            cluster directory: data/, socket/, postgres.log (default: see below)
#   PG_BIN            directory of initdb, pg_ctl, … (default: newest /usr/lib/postgresql/*/bin)
#   PG_USER           user that runs the server when invoked as root (default: postgres)
#   PG_START_TIMEOUT  seconds to wait for the server (default 60)
#
# Exit status: 0 success; 1 failure; 2 usage error. `status`: 0 running, 3 not running.
set -euo pipefail

PG_PORT=${PG_PORT:-54329}
PG_START_TIMEOUT=${PG_START_TIMEOUT:-60}
DB_ROLE=portal
DB_NAME=portal
SUPERUSER=postgres # the bootstrap superuser initdb creates, whoever runs it

IS_ROOT=false
[[ $(id -u) -eq 0 ]] && IS_ROOT=true

# PostgreSQL refuses to run as root, so as root it runs as an unprivileged user, and that
# user cannot enter root's home (mode 700 on Debian): root's default is the system cache.
if [[ -z ${PG_DIR:-} ]]; then
    if $IS_ROOT && [[ -z ${XDG_CACHE_HOME:-} ]]; then
        PG_DIR=/var/cache/safer-internet/postgres-$PG_PORT
    else
        PG_DIR=${XDG_CACHE_HOME:-$HOME/.cache}/safer-internet/postgres-$PG_PORT
    fi
fi
DATA=$PG_DIR/data
SOCKET_DIR=$PG_DIR/socket
LOG=$PG_DIR/postgres.log
URL=postgres://$DB_ROLE@127.0.0.1:$PG_PORT/$DB_NAME

umask 022

say() { printf 'postgres.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
    echo "usage: $0 start|stop|status|url" >&2
    exit 2
}

# Exclusive lock on fd 9, so parallel runs do not init or start one cluster twice.
lock() {
    command -v flock >/dev/null 2>&1 || die "'flock' (util-linux) is needed but was not found"
    mkdir -p "$(dirname "$PG_DIR")" 2>/dev/null || die "cannot create $(dirname "$PG_DIR"); set PG_DIR"
    { exec 9>"$PG_DIR.lock"; } 2>/dev/null ||
        die "cannot write $PG_DIR.lock (is the directory another user's? set PG_DIR)"
    flock -w 300 9 || die "could not get the lock $PG_DIR.lock"
}

newest_bin() {
    local initdb
    initdb=$(printf '%s\n' /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)
    [[ -x $initdb ]] && dirname "$initdb"
    return 0
}

# Find the server binaries; as root install Debian's package when they are missing.
find_bin() {
    if [[ -n ${PG_BIN:-} ]]; then
        [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
        return
    fi
    PG_BIN=$(newest_bin)
    [[ -n $PG_BIN ]] && return
    $IS_ROOT || die "PostgreSQL's server is not installed (no /usr/lib/postgresql/*/bin/initdb); as root: apt-get install postgresql, or set PG_BIN"

    say "PostgreSQL is not installed; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    # The package lists may be stale or absent on a fresh machine: update only if needed.
    if ! apt-get install -y -q postgresql >&2; then
        apt-get update -q >&2 && apt-get install -y -q postgresql >&2 ||
            die "apt-get could not install postgresql"
    fi
    PG_BIN=$(newest_bin)
    [[ -n $PG_BIN ]] || die "postgresql installed, but /usr/lib/postgresql/*/bin/initdb is still missing"
}

# Run a server program as the unprivileged user when we are root.
AS_USER=()
setup_user() {
    $IS_ROOT || return 0
    local user=${PG_USER:-postgres}
    if ! id -u "$user" >/dev/null 2>&1; then
        [[ -n ${PG_USER:-} ]] && die "PG_USER=$user does not exist"
        useradd --system --user-group --no-create-home --home-dir /nonexistent \
            --shell /usr/sbin/nologin "$user" || die "could not create the user $user"
    fi
    command -v runuser >/dev/null 2>&1 || die "'runuser' (util-linux) is needed to run PostgreSQL as $user"
    AS_USER=(runuser -u "$user" --)
    PG_RUN_USER=$user
}

# Run a PostgreSQL program, as PG_USER when root; from / so that it does not complain that
# it cannot enter the caller's directory.
pg() {
    (cd / && exec "${AS_USER[@]}" "$PG_BIN/$1" "${@:2}")
}

running() {
    [[ -f $DATA/PG_VERSION ]] && pg pg_ctl status -D "$DATA" >/dev/null 2>&1
}

# initdb's --locale: C.UTF-8 where the C library has it (sorting by code point, UTF-8
# character classes), else plain C, which works with any encoding.
pick_locale() {
    if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
        echo C.UTF-8
    else
        echo C
    fi
}

# Quote a value for postgresql.conf.
conf_quote() {
    printf "'%s'" "${1//\'/\'\'}"
}

init_cluster() {
    local version
    version=$("$PG_BIN/pg_ctl" --version | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')
    if [[ -f $DATA/PG_VERSION ]]; then
        [[ $(<"$DATA/PG_VERSION") == "$version" ]] && return 0
        # Throwaway data: a cluster of another major version is simply made anew.
        say "the cluster in $DATA is PostgreSQL $(<"$DATA/PG_VERSION"), the binaries are $version; re-creating it"
    fi
    rm -rf "$DATA" # also what an interrupted initdb left behind
    mkdir -p "$DATA" "$SOCKET_DIR"
    $IS_ROOT && chown -R "$PG_RUN_USER:" "$PG_DIR"
    chmod 700 "$DATA"

    local loc
    loc=$(pick_locale)
    say "initialising a PostgreSQL $version cluster in $DATA (locale $loc)"
    # trust: only this machine can connect (127.0.0.1 and a private socket directory).
    pg initdb -D "$DATA" -U "$SUPERUSER" --encoding=UTF8 --locale="$loc" \
        --auth=trust >"$PG_DIR/initdb.log" 2>&1 ||
        { tail -n 40 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
    # Our settings live in their own file, rewritten at every start (see write_settings).
    echo "include_if_exists = 'test-settings.conf'" >>"$DATA/postgresql.conf"
}

write_settings() {
    local sockets=$SOCKET_DIR
    # A Unix socket path is limited to 107 bytes; clients here use TCP anyway.
    if ((${#SOCKET_DIR} + 16 > 107)); then
        say "PG_DIR is too long for a Unix socket path; listening on TCP only"
        sockets=
    fi
    cat >"$DATA/test-settings.conf" <<EOF
# Written by tests/postgres.sh at each start: a throwaway cluster for tests.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = $(conf_quote "$sockets")
# Speed over durability: the data is disposable.
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_wal_size = 1GB
checkpoint_timeout = 30min
jit = off
# Tests open and close many connections; keep the log about problems.
log_min_messages = warning
log_checkpoints = off
EOF
    $IS_ROOT && chown "$PG_RUN_USER:" "$DATA/test-settings.conf"
    return 0
}

psql_admin() {
    "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$SUPERUSER" -d postgres "$@"
}

ensure_database() {
    psql_admin -tA >/dev/null <<SQL
SELECT 'CREATE ROLE $DB_ROLE LOGIN CREATEDB'
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') \gexec
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_ROLE'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
SQL
}

cmd_start() {
    find_bin
    setup_user
    lock
    if running; then
        say "PostgreSQL already runs in $DATA"
    else
        # Something else answering on the port would make our start fail obscurely.
        if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$SUPERUSER" -d postgres -t 2; then
            die "another PostgreSQL answers on 127.0.0.1:$PG_PORT; choose another PG_PORT"
        fi
        mkdir -p "$PG_DIR"
        init_cluster
        mkdir -p "$SOCKET_DIR"
        write_settings
        if $IS_ROOT; then
            chown "$PG_RUN_USER:" "$PG_DIR" "$SOCKET_DIR"
            touch "$LOG" && chown "$PG_RUN_USER:" "$LOG"
            "${AS_USER[@]}" test -w "$DATA" -a -w "$LOG" ||
                die "user $PG_RUN_USER cannot reach $PG_DIR (is a parent directory private?); set PG_DIR"
        fi
        say "starting PostgreSQL on 127.0.0.1:$PG_PORT (data $DATA, log $LOG)"
        # fd 9 (our lock) is closed for the server, or it would hold the lock while it runs.
        pg pg_ctl start -D "$DATA" -l "$LOG" -w -t "$PG_START_TIMEOUT" >/dev/null 9>&- ||
            { tail -n 40 "$LOG" >&2; die "PostgreSQL did not start (log: $LOG)"; }
    fi

    local i
    for ((i = 0; i < PG_START_TIMEOUT; i++)); do
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$SUPERUSER" -d postgres -t 2 && break
        sleep 1
    done
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$SUPERUSER" -d postgres ||
        { tail -n 40 "$LOG" >&2; die "PostgreSQL does not accept connections on 127.0.0.1:$PG_PORT"; }

    ensure_database || die "could not create the role and database $DB_NAME"
    say "ready: DATABASE_URL=$URL"
    echo "$URL"
}

cmd_stop() {
    if [[ ! -f $DATA/PG_VERSION ]]; then
        say "no cluster in $DATA; nothing to stop"
        return 0
    fi
    find_bin
    setup_user
    lock
    if ! running; then
        say "PostgreSQL in $DATA is not running"
        return 0
    fi
    say "stopping PostgreSQL in $DATA"
    pg pg_ctl stop -D "$DATA" -m fast -w -t 60 >/dev/null || die "pg_ctl stop failed (log: $LOG)"
    say "stopped"
}

cmd_status() {
    if [[ -f $DATA/PG_VERSION ]]; then
        find_bin
        setup_user
        if running; then
            echo "running: PostgreSQL $(<"$DATA/PG_VERSION") on 127.0.0.1:$PG_PORT, data $DATA; DATABASE_URL=$URL"
            return 0
        fi
    fi
    echo "not running (cluster directory $PG_DIR)"
    return 3
}

[[ $# -eq 1 ]] || usage
case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) echo "$URL" ;;
    *) usage ;;
esac
