/* server/api/events.c -- see events.h. snprintf, not cJSON: events are hot (one
 * or two per seat change) and their shape is fixed. */
#include "server/api/events.h"

#include <inttypes.h>
#include <stdio.h>

size_t events_encode(const tk_event *ev, char out[EVENTS_MSG_MAX])
{
    int n = 0;
    switch (ev->kind) {
    case TK_EV_SEAT:
        n = snprintf(out, EVENTS_MSG_MAX,
                     "seat.%" PRId64 " {\"date_id\":%" PRId64 ",\"seq\":%" PRIu64
                     ",\"seat_no\":%d,\"state\":\"%s\"}",
                     ev->date_id, ev->date_id, ev->seq, ev->seat_no,
                     tk_seat_state_name(ev->state));
        break;
    case TK_EV_SALES:
        n = snprintf(out, EVENTS_MSG_MAX,
                     "sales {\"date_id\":%" PRId64 ",\"free\":%d,\"held\":%d,\"sold\":%d"
                     ",\"revenue\":%" PRId64 "}",
                     ev->date_id, ev->free, ev->held, ev->sold, ev->revenue);
        break;
    case TK_EV_QUEUE:
        n = snprintf(out, EVENTS_MSG_MAX,
                     "queue {\"admitted_seq\":%" PRIu64 ",\"waiting\":%" PRId64
                     ",\"active\":%" PRId64 ",\"admit_per_min\":%" PRId64
                     ",\"ms_per_place\":%" PRId64 ",\"paused\":%s",
                     ev->admitted_seq, ev->waiting, ev->active, ev->admit_per_min,
                     ev->ms_per_place, ev->paused ? "true" : "false");
        if (ev->prequeue_open && n > 0 && n < EVENTS_MSG_MAX) /* only while one exists */
            n += snprintf(out + n, EVENTS_MSG_MAX - (size_t)n,
                          ",\"prequeue\":%" PRId64 ",\"opens_in_s\":%" PRId64, ev->prequeue,
                          ev->opens_in_s);
        if (n > 0 && n < EVENTS_MSG_MAX)
            n += snprintf(out + n, EVENTS_MSG_MAX - (size_t)n, "}");
        break;
    case TK_EV_CHECKIN:
        n = snprintf(out, EVENTS_MSG_MAX,
                     "checkin {\"date_id\":%" PRId64 ",\"checked_in\":%d,\"sold\":%d}",
                     ev->date_id, ev->checked_in, ev->sold);
        break;
    default:
        return 0;
    }
    return (n > 0 && n < EVENTS_MSG_MAX) ? (size_t)n : 0;
}
