#!/bin/sh
# tools/pgtest.sh -- a throwaway PostgreSQL 15 cluster for the test suite.
#
#   dir=$(mktemp -d) && uri=$(sh tools/pgtest.sh start "$dir")   # prints the URI
#   sh tools/pgtest.sh stop "$dir"
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
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
dir=$(cd "$dir" && pwd) || exit 1

as_owner() { # run a command as the cluster's owner
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
start)
    [ -x "$PGBIN/initdb" ] || { echo "pgtest: $PGBIN/initdb missing (mk/deps.sh installs postgresql)" >&2; exit 1; }
    me=$(id -un)
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir" || exit 1
        chmod 0755 "$dir"
    fi
    as_owner "$PGBIN/initdb" -D "$dir/data" -A peer -U postgres -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    # A role for the caller (root is mapped to a role named root), so peer
    # auth lets the caller in as itself.
    cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
fsync = on
synchronous_commit = on
max_connections = 200
shared_buffers = 128MB
EOF
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        >"$dir/pg_ctl.log" 2>&1 || { cat "$dir/pg_ctl.log" "$dir/server.log" >&2; exit 1; }
    if [ "$me" != postgres ]; then
        as_owner "$PGBIN/psql" -h "$dir" -U postgres -d postgres -qAt \
            -c "CREATE ROLE \"$me\" SUPERUSER LOGIN" >/dev/null 2>"$dir/role.log" ||
            { cat "$dir/role.log" >&2; as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1; exit 1; }
    fi
    echo "postgresql:///postgres?host=$dir&user=$me"
    ;;
stop)
    [ -d "$dir/data" ] || exit 0
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
        as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
