/* server/api/events.h -- the wire form of domain events.
 *
 * A PUB message is "<topic> <json>": subscribers filter on the topic with
 * its trailing space ("seat.4 " does not match "seat.42 "). Encoding is
 * here, apart from the socket, so tests can check it without nng. Member
 * ids never appear in an event: tk_event has no field for one. */
#ifndef TK_EVENTS_H
#define TK_EVENTS_H

#include <stddef.h>

#include "server/domain/domain.h"

#define EVENTS_MSG_MAX 256 /* every event fits: a few integers and a word */

/* Writes the message into out (EVENTS_MSG_MAX bytes) and returns its
 * length (no NUL counted), or 0 for an unknown kind. */
size_t events_encode(const tk_event *ev, char out[EVENTS_MSG_MAX]);

#endif
