#!/usr/bin/env bash
# Run a throwaway, single-node Elasticsearch for tests and development.
#
#   search/elasticsearch.sh start    fetch (once), start, return when the cluster is healthy
#   search/elasticsearch.sh stop     stop the instance this script started on ES_PORT
#   search/elasticsearch.sh status   tell whether Elasticsearch answers on ES_PORT
#
# It uses Elasticsearch's integration-test distribution from Maven Central
# (org.elasticsearch.distribution.integ-test-zip:elasticsearch, a zip without a bundled
# JDK and with only a few modules), fetched with `mvn dependency:copy` and cached outside
# the work tree.
#
# Environment (all optional):
#   ES_VERSION        Elasticsearch version (default: the pinned one below)
#   ES_PORT           HTTP port on 127.0.0.1 (default 9200); each port gets its own data
#   ES_CACHE          cache directory (default: see below)
#   ES_HEAP           JVM heap, -Xms and -Xmx (default 512m)
#   ES_JAVA_HOME      JDK to run it with (default: the oldest suitable one found)
#   ES_USER           user to run it as when invoked as root (default: elasticsearch)
#   ES_START_TIMEOUT  seconds `start` waits for a healthy cluster (default 120)
#   ES_JAVA_OPTS      extra JVM options, appended after the heap settings
#
# Exit status: 0 success; 1 failure; 2 usage error.
# `status`: 0 Elasticsearch answers healthy on ES_PORT; 1 our process runs but does not
# answer healthy (yet); 3 nothing runs there.
set -euo pipefail

ES_VERSION_PINNED=8.19.8
ES_VERSION=${ES_VERSION:-$ES_VERSION_PINNED}
ES_PORT=${ES_PORT:-9200}
ES_HEAP=${ES_HEAP:-512m}
ES_START_TIMEOUT=${ES_START_TIMEOUT:-120}
ES_ARTIFACT=org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip

IS_ROOT=false
[[ $(id -u) -eq 0 ]] && IS_ROOT=true

# Where the download, the unpacked distribution, data and logs live. Elasticsearch refuses
# to run as root, so as root it runs as an unprivileged user, and that user cannot enter
# root's home (mode 700 on Debian): root's default is therefore the system cache directory.
if [[ -z ${ES_CACHE:-} ]]; then
    if $IS_ROOT && [[ -z ${XDG_CACHE_HOME:-} ]]; then
        ES_CACHE=/var/cache/safer-internet/elasticsearch
    else
        ES_CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/safer-internet/elasticsearch
    fi
fi

ES_HOME=$ES_CACHE/elasticsearch-$ES_VERSION          # unpacked distribution, read-only
ES_ZIP=$ES_CACHE/download/elasticsearch-$ES_VERSION.zip
INSTANCE=$ES_CACHE/instances/$ES_PORT                # config, data, logs of one port
PIDFILE=$INSTANCE/elasticsearch.pid
LOGDIR=$INSTANCE/logs
LOCKDIR=$ES_CACHE/locks
ES_URL=http://127.0.0.1:$ES_PORT

# Files are made readable by the unprivileged user that runs Elasticsearch.
umask 022

say() { printf 'elasticsearch.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

usage() {
    echo "usage: $0 start|stop|status" >&2
    exit 2
}

need() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is needed ($2) but was not found on PATH"
}

# Take an exclusive lock (file descriptor 9) so that concurrent invocations, e.g. from a
# parallel make, neither download twice nor start two instances on one port.
lock() {
    mkdir -p "$LOCKDIR" 2>/dev/null || die "cannot create $LOCKDIR; set ES_CACHE to a writable directory"
    { exec 9>"$LOCKDIR/$1.lock"; } 2>/dev/null ||
        die "cannot write $LOCKDIR/$1.lock (is the cache another user's? set ES_CACHE)"
    flock -w 600 9 || die "could not get the lock $LOCKDIR/$1.lock"
}

unlock() {
    flock -u 9
    exec 9>&-
}

# --- Java -------------------------------------------------------------------------------

# Feature version (8, 11, 17, 21, …) of the JDK at $1, or nothing if it is not a JDK.
java_major() {
    local home=$1 version=
    [[ -x $home/bin/java ]] || return 0
    if [[ -r $home/release ]]; then
        version=$(sed -n 's/^JAVA_VERSION="\(.*\)"$/\1/p' "$home/release")
    fi
    if [[ -z $version ]]; then
        version=$("$home/bin/java" -XshowSettings:properties -version 2>&1 |
            sed -n 's/^ *java\.specification\.version = //p')
    fi
    version=${version#1.}          # 1.8.0_412 -> 8.0_412
    version=${version%%[._+-]*}    # 17.0.15 -> 17
    [[ $version =~ ^[0-9]+$ ]] && echo "$version"
    return 0
}

# Print the JAVA_HOME to run Elasticsearch with, or fail.
find_java() {
    local major=${ES_VERSION%%.*} min candidate v best= best_v=
    case $major in
        8) min=17 ;;
        9 | [1-9][0-9]) min=21 ;;
        *) die "Elasticsearch $ES_VERSION is not supported by this script (8.x or later)" ;;
    esac

    if [[ -n ${ES_JAVA_HOME:-} ]]; then
        v=$(java_major "$ES_JAVA_HOME")
        [[ -n $v ]] || die "ES_JAVA_HOME=$ES_JAVA_HOME is not a JDK (no bin/java)"
        ((v >= min)) || die "ES_JAVA_HOME=$ES_JAVA_HOME is Java $v; Elasticsearch $ES_VERSION needs Java $min or later"
        echo "$ES_JAVA_HOME"
        return
    fi

    # Debian's OpenJDK 17 is what the 8.x line is tested with here.
    if ((min <= 17)); then
        for candidate in /usr/lib/jvm/java-17-openjdk-*; do
            [[ $(java_major "$candidate") == 17 ]] && { echo "$candidate"; return; }
        done
    fi

    # Otherwise the oldest JDK that is new enough: the most conservative choice.
    for candidate in /usr/lib/jvm/*; do
        [[ -d $candidate && ! -L $candidate ]] || continue
        v=$(java_major "$candidate")
        [[ -n $v ]] && ((v >= min)) || continue
        if [[ -z $best ]] || ((v < best_v)); then
            best=$candidate best_v=$v
        fi
    done
    [[ -n $best ]] && { echo "$best"; return; }

    if command -v java >/dev/null 2>&1; then
        candidate=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
        v=$(java_major "$candidate")
        [[ -n $v ]] && ((v >= min)) && { echo "$candidate"; return; }
    fi

    die "no JDK $min or later found for Elasticsearch $ES_VERSION (looked at ES_JAVA_HOME, /usr/lib/jvm/*, java on PATH); install one, e.g. apt-get install openjdk-17-jdk-headless, or set ES_JAVA_HOME"
}

# --- Distribution -----------------------------------------------------------------------

fetch() {
    [[ -x $ES_HOME/bin/elasticsearch ]] && return 0
    lock fetch
    if [[ ! -x $ES_HOME/bin/elasticsearch ]]; then
        if [[ ! -s $ES_ZIP ]]; then
            need mvn "to download Elasticsearch from Maven Central"
            say "downloading $ES_ARTIFACT with Maven…"
            mkdir -p "$(dirname "$ES_ZIP")"
            # Run Maven from its own directory so no project's pom.xml gets in the way. Its
            # output (even with -q it prints stray colour codes) is shown only on failure.
            local mvnlog=$ES_CACHE/download/mvn.log
            if ! (cd "$(dirname "$ES_ZIP")" &&
                mvn -q -B dependency:copy -Dartifact="$ES_ARTIFACT" \
                    -DoutputDirectory="$(dirname "$ES_ZIP")") >"$mvnlog" 2>&1; then
                sed 's/\x1b\[[0-9;]*m//g' "$mvnlog" | tail -n 40 >&2
                die "mvn could not fetch $ES_ARTIFACT (is ES_VERSION=$ES_VERSION right?)"
            fi
            [[ -s $ES_ZIP ]] || die "mvn finished but $ES_ZIP is missing"
        fi
        need unzip "to unpack the Elasticsearch distribution"
        say "unpacking into $ES_HOME"
        # Unpack beside the target and rename, so an interrupted unzip leaves nothing
        # that looks complete.
        local tmp
        tmp=$(mktemp -d "$ES_CACHE/unpack.XXXXXX")
        if ! unzip -q "$ES_ZIP" -d "$tmp"; then
            rm -rf "$tmp"
            rm -f "$ES_ZIP" # most likely a damaged download: fetch it again next time
            die "could not unpack $ES_ZIP (removed it; run again to download anew)"
        fi
        [[ -x $tmp/elasticsearch-$ES_VERSION/bin/elasticsearch ]] ||
            { rm -rf "$tmp"; die "$ES_ZIP does not hold elasticsearch-$ES_VERSION/bin/elasticsearch"; }
        chmod -R a+rX "$tmp"
        mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
        rmdir "$tmp"
    fi
    unlock
}

# --- Process helpers --------------------------------------------------------------------

# The pid from our pid file if that process is alive and is an Elasticsearch node
# (guards against a stale pid file whose number the kernel has given to someone else).
running_pid() {
    local pid
    [[ -s $PIDFILE ]] || return 1
    pid=$(<"$PIDFILE")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- '-Des.path.home=' || return 1
    echo "$pid"
}

# Does anything accept connections on the port? (curl exit 7: connection refused.)
port_in_use() {
    local rc=0
    curl -s -o /dev/null --max-time 3 "$ES_URL/" || rc=$?
    [[ $rc -ne 7 ]]
}

# Cluster health status (green/yellow) if the cluster answers at least yellow within $1 s.
healthy() {
    local wait=${1:-1} body
    body=$(curl -fsS --max-time $((wait + 5)) \
        "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=${wait}s" 2>/dev/null) || return 1
    sed -n 's/.*"status":"\([a-z]*\)".*/\1/p' <<<"$body"
}

# The node's version. Not from `GET /`: that handler lives in a module (rest-root) the
# integration-test distribution leaves out, so `/` answers 405 there.
es_version_at_port() {
    curl -fsS --max-time 5 "$ES_URL/_cat/nodes?h=version" 2>/dev/null | head -n 1 | tr -d '[:space:]'
}

# Show the last 40 lines of the first of the given logs that has any.
show_log() {
    local f
    for f in "$@"; do
        if [[ -s $f ]]; then
            say "last 40 lines of $f:"
            tail -n 40 "$f" >&2
            return 0
        fi
    done
    say "no log was written (looked for: $*)"
}

# Send SIGTERM and wait up to $2 seconds, then SIGKILL.
terminate() {
    local pid=$1 grace=${2:-60} i
    if ! kill "$pid" 2>/dev/null; then
        kill -0 "$pid" 2>/dev/null || return 0 # it had already gone
        die "cannot signal pid $pid (started by another user? try as root)"
    fi
    for ((i = 0; i < grace * 2; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    say "pid $pid still alive after ${grace}s; killing it"
    kill -9 "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.5
    done
    die "pid $pid did not exit"
}

# --- Commands ---------------------------------------------------------------------------

cmd_start() {
    need curl "to check the cluster's health"
    need flock "to serialise concurrent runs"

    local status
    if status=$(healthy 1) && [[ -n $status ]]; then
        say "Elasticsearch $(es_version_at_port) already answers on $ES_URL (status $status); not starting another"
        return 0
    fi

    # The JDK first: without one there is no point in downloading anything.
    local java_home
    java_home=$(find_java)
    fetch

    lock "instance-$ES_PORT"
    local pid started=false start_time=$SECONDS
    if pid=$(running_pid); then
        say "our Elasticsearch (pid $pid) already runs on port $ES_PORT; waiting until it is healthy"
    else
        if port_in_use; then
            die "port $ES_PORT on 127.0.0.1 is taken by something that is not a healthy Elasticsearch; choose another ES_PORT"
        fi
        rm -f "$PIDFILE"

        # A config directory per instance: Elasticsearch writes its keystore there, and the
        # distribution itself then stays read-only and shared between ports and users.
        mkdir -p "$INSTANCE/data" "$LOGDIR"
        if [[ ! -f $INSTANCE/config/elasticsearch.yml ]]; then
            rm -rf "$INSTANCE/config"
            cp -R "$ES_HOME/config" "$INSTANCE/config"
        fi

        # Keep the previous run's log aside, so a failure shows this run's lines only.
        if [[ -f $LOGDIR/elasticsearch.log ]]; then
            mv -f "$LOGDIR/elasticsearch.log" "$LOGDIR/elasticsearch.previous.log"
        fi

        local -a as_user=()
        if $IS_ROOT; then
            local user=${ES_USER:-elasticsearch}
            if ! id -u "$user" >/dev/null 2>&1; then
                if [[ -n ${ES_USER:-} ]]; then
                    die "ES_USER=$user does not exist"
                fi
                useradd --system --user-group --no-create-home --home-dir /nonexistent \
                    --shell /usr/sbin/nologin "$user" 2>/dev/null || user=nobody
            fi
            need runuser "to run Elasticsearch as the unprivileged user $user"
            chown -R "$user:" "$INSTANCE"
            runuser -u "$user" -- test -x "$ES_HOME/bin/elasticsearch" -a -w "$INSTANCE/data" ||
                die "user $user cannot reach $ES_HOME or $INSTANCE (is a parent directory private?); set ES_CACHE to a directory it can enter"
            as_user=(runuser -u "$user" --)
            say "running as user $user (Elasticsearch refuses to run as root)"
        fi

        say "starting Elasticsearch $ES_VERSION on $ES_URL (Java $(java_major "$java_home") at $java_home, heap $ES_HEAP)"
        # -d daemonises once the node has started; -p writes the node's pid. The working
        # directory is the instance's, so that nothing is written into the distribution.
        # fd 9 (our lock) is closed for the daemon, or it would hold the lock while it runs.
        local rc=0
        (
            cd "$INSTANCE"
            exec "${as_user[@]}" env -u JAVA_HOME \
                ES_JAVA_HOME="$java_home" \
                ES_PATH_CONF="$INSTANCE/config" \
                ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_JAVA_OPTS:-}" \
                timeout --kill-after=10 "$ES_START_TIMEOUT" \
                "$ES_HOME/bin/elasticsearch" -d -p "$PIDFILE" \
                -E path.data="$INSTANCE/data" \
                -E path.logs="$LOGDIR" \
                -E network.host=127.0.0.1 \
                -E http.port="$ES_PORT" \
                -E discovery.type=single-node \
                -E xpack.security.enabled=false \
                -E cluster.routing.allocation.disk.threshold_enabled=false
        ) >"$LOGDIR/launcher.log" 2>&1 9>&- || rc=$?
        started=true
        if ((rc != 0)); then
            say "the launcher exited with status $rc"
            show_log "$LOGDIR/launcher.log" "$LOGDIR/elasticsearch.log"
            pid=$(running_pid) && terminate "$pid" 30
            rm -f "$PIDFILE"
            exit 1
        fi
    fi

    # The node has started; wait until the cluster can take requests.
    while :; do
        if status=$(healthy 2) && [[ -n $status ]]; then
            say "Elasticsearch $(es_version_at_port) is up on $ES_URL (status $status) after $((SECONDS - start_time))s"
            return 0
        fi
        if ! running_pid >/dev/null; then
            say "Elasticsearch exited during start-up"
            show_log "$LOGDIR/elasticsearch.log" "$LOGDIR/launcher.log"
            exit 1
        fi
        if ((SECONDS - start_time >= ES_START_TIMEOUT)); then
            say "Elasticsearch did not become healthy within ${ES_START_TIMEOUT}s"
            show_log "$LOGDIR/elasticsearch.log" "$LOGDIR/launcher.log"
            if $started && pid=$(running_pid); then
                terminate "$pid" 30
                rm -f "$PIDFILE"
            fi
            exit 1
        fi
        sleep 1
    done
}

cmd_stop() {
    need flock "to serialise concurrent runs"
    lock "instance-$ES_PORT"
    local pid
    if ! pid=$(running_pid); then
        rm -f "$PIDFILE"
        if command -v curl >/dev/null 2>&1 && port_in_use; then
            say "no Elasticsearch started by this script on port $ES_PORT; something else listens there, left alone"
        else
            say "no Elasticsearch running on port $ES_PORT"
        fi
        return 0
    fi
    say "stopping Elasticsearch (pid $pid) on port $ES_PORT"
    terminate "$pid" 60
    rm -f "$PIDFILE"
    say "stopped"
}

cmd_status() {
    need curl "to check the cluster's health"
    local pid status
    if status=$(healthy 1) && [[ -n $status ]]; then
        if pid=$(running_pid); then
            echo "running: Elasticsearch $(es_version_at_port) on $ES_URL, pid $pid, status $status"
        else
            echo "running: Elasticsearch $(es_version_at_port) on $ES_URL, status $status (not started by this script)"
        fi
        return 0
    fi
    if pid=$(running_pid); then
        echo "starting or unhealthy: pid $pid on port $ES_PORT does not answer healthy; logs in $LOGDIR"
        return 1
    fi
    echo "not running on port $ES_PORT"
    return 3
}

[[ $# -eq 1 ]] || usage
case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    *) usage ;;
esac
