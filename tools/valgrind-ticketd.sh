#!/bin/sh
# tools/valgrind-ticketd.sh -- runs the real ticketd under valgrind's
# memcheck, for `make check-valgrind` (ticket-bench --ticketd this-script).
#
# Any memory error, and any definitely or indirectly lost block at exit,
# makes the process exit 99 instead of 0; the bench treats a SIGTERM exit
# other than 0 as a violation, so the make target fails. "Possibly lost"
# blocks are nng's worker-thread stacks (nng_fini is never called) and do
# not count. The report goes to $VG_LOG (one file per process, %p).
#   TICKETD_REAL  the ticketd binary to run (required)
#   VG_LOG        valgrind --log-file pattern (default /tmp/ticketd-vg.%p.log)
: "${TICKETD_REAL:?set TICKETD_REAL to the ticketd binary}"
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
    --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-file="${VG_LOG:-/tmp/ticketd-vg.%p.log}" "$TICKETD_REAL" "$@"
