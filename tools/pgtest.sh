#!/bin/sh
# tools/pgtest.sh -- a throwaway PostgreSQL 15 cluster for the test suite.
#
#   dir=$(mktemp -d) && uri=$(sh tools/pgtest.sh start "$dir")   # prints the URI
#   sh tools/pgtest.sh stop "$dir"
#
#   uri=$(sh tools/pgtest.sh pair "$dir")   # a primary and a synchronous standby
#   sh tools/pgtest.sh kill-primary "$dir"  # pg_ctl -m immediate: the crash
#   sh tools/pgtest.sh promote "$dir"       # the standby becomes the primary
#   sh tools/pgtest.sh stop "$dir"          # stops whatever runs of either
#
# pair: the primary's data in DIR/data (port 5432), the standby's in
# DIR/standby (port 5433, pg_basebackup -R of the primary), both sockets in
# DIR; the primary waits for the standby on every COMMIT
# (synchronous_standby_names, synchronous_commit = on), so what a COMMIT
# acknowledged survives the primary's death. The printed URI names both
# (host=DIR,DIR&port=5432,5433) with target_session_attrs=read-write: libpq
# takes whichever of them is the primary now.
#
# The cluster lives in DIR: data in DIR/data, its unix socket in DIR, no TCP
# (listen_addresses=''), fsync on (the suite tests durability, not speed).
# PostgreSQL refuses to run as root, so as root initdb and pg_ctl run as the
# `postgres` user (runuser) and DIR is handed to that user; the role is then
# the one the tests connect as: a superuser named after the calling user, so
# harness and ticketd (running as the caller) reach it by peer auth without a
# password. The printed URI names the socket dir and that role; the harness
# creates one database per server it starts (CREATE DATABASE).
# start prints nothing and exits 1, with the log on stderr, on failure.
set -u
cmd=${1:-}
dir=${2:-}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
usage="usage: $0 start|pair|kill-primary|promote|stop DIR"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "$usage" >&2; exit 2; }
dir=$(cd "$dir" && pwd) || exit 1

as_owner() { # run a command as the cluster's owner
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_one DATA PORT EXTRA_CONF: its settings, then pg_ctl start.
start_one() {
    cat >>"$1/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $2
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 128MB
$3
EOF
    as_owner "$PGBIN/pg_ctl" -D "$1" -l "$1.log" -w -t 60 start >"$dir/pg_ctl.log" 2>&1 ||
        { cat "$dir/pg_ctl.log" "$1.log" >&2; return 1; }
}

stop_all() {
    for d in "$dir/data" "$dir/standby"; do
        [ -f "$d/postmaster.pid" ] || continue
        as_owner "$PGBIN/pg_ctl" -D "$d" -m fast -w -t 60 stop >/dev/null 2>&1 ||
            as_owner "$PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1
    done
}

init_primary() { # EXTRA_CONF: initdb, start, a role for the caller
    [ -x "$PGBIN/initdb" ] || { echo "pgtest: $PGBIN/initdb missing (mk/deps.sh installs postgresql)" >&2; return 1; }
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir" || return 1
        chmod 0755 "$dir"
    fi
    as_owner "$PGBIN/initdb" -D "$dir/data" -A peer -U postgres -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
    start_one "$dir/data" 5432 "$1" || return 1
    # A role for the caller (root is mapped to a role named root), so peer
    # auth lets the caller in as itself.
    if [ "$me" != postgres ]; then
        as_owner "$PGBIN/psql" -h "$dir" -U postgres -d postgres -qAt \
            -c "CREATE ROLE \"$me\" SUPERUSER LOGIN" >/dev/null 2>"$dir/role.log" ||
            { cat "$dir/role.log" >&2; stop_all; return 1; }
    fi
}

me=$(id -un)
case "$cmd" in
start)
    init_primary "" || exit 1
    echo "postgresql:///postgres?host=$dir&user=$me"
    ;;
pair)
    init_primary "" || exit 1
    as_owner "$PGBIN/pg_basebackup" -h "$dir" -p 5432 -U postgres -D "$dir/standby" -R -c fast \
        >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; stop_all; exit 1; }
    # The name the primary will wait for; the copied port is the primary's.
    echo "primary_conninfo = 'host=$dir port=5432 user=postgres application_name=ticketd_standby'" \
        >>"$dir/standby/postgresql.auto.conf"
    sed -i '/^port = /d' "$dir/standby/postgresql.conf"
    start_one "$dir/standby" 5433 "" || { stop_all; exit 1; }
    # Only now (a COMMIT before the standby runs would wait for it forever).
    as_owner "$PGBIN/psql" -h "$dir" -p 5432 -U postgres -d postgres -qAt \
        -c "ALTER SYSTEM SET synchronous_standby_names = 'ticketd_standby'" \
        -c "SELECT pg_reload_conf()" >/dev/null || { stop_all; exit 1; }
    i=0 # synchronous from the first COMMIT on
    until [ "$(as_owner "$PGBIN/psql" -h "$dir" -p 5432 -U postgres -d postgres -qAt \
        -c "SELECT sync_state FROM pg_stat_replication" 2>/dev/null)" = sync ]; do
        i=$((i + 1))
        [ $i -lt 300 ] || { echo "pgtest: the standby never became synchronous" >&2; stop_all; exit 1; }
        sleep 0.1
    done
    echo "postgresql:///postgres?host=$dir,$dir&port=5432,5433&user=$me&target_session_attrs=read-write"
    ;;
kill-primary)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null
    ;;
promote)
    as_owner "$PGBIN/pg_ctl" -D "$dir/standby" -w -t 60 promote >/dev/null
    ;;
stop)
    [ -d "$dir/data" ] || exit 0
    stop_all
    rm -rf "$dir"
    ;;
*)
    echo "$usage" >&2
    exit 2
    ;;
esac
