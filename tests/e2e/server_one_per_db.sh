#!/bin/sh
# e2e: a second ticketd started on the database a running one holds
# refuses to start and says why (two servers would each sell from their own
# memory); the first keeps serving, and once it stops the database opens
# again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/console_lib.sh"
e2e_init server_one_per_db
start_server || { not_ok "ticketd starts"; e2e_done; }

# Same work dir, so the same var/ticket.db; sockets of its own.
(cd "$E2E_WORK" && exec timeout 20 "$TICKETD" --rpc "ipc://$E2E_WORK/var/b.sock" \
    --events "ipc://$E2E_WORK/var/bev.sock" >"$E2E_WORK/second.log" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
    ok "a second ticketd on the same database exits ($rc)"
else
    not_ok "a second ticketd on the same database exits (status $rc)"
fi
check "it says the database is in use" grep -q 'in use by another ticketd' "$E2E_WORK/second.log"
ctl_quiet() { ctl "$@" >/dev/null; }
check "the first one still answers" ctl_quiet user.register '{"name":"Still Here"}'
stop_server
# (not through check: start_server's loop counter would overwrite its name)
if start_server; then
    ok "once the first has stopped, the database opens again"
else
    not_ok "once the first has stopped, the database opens again"
fi
stop_server
e2e_done
