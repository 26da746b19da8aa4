/* tui/kiosk/format.h -- how the kiosk writes money, times, dates and the
 * turn's countdown (prefix ks_): text in the current language, no state
 * but what it is given. */
#ifndef TK_KS_FORMAT_H
#define TK_KS_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#include "tui/kiosk/session.h"

/* "110,000 won" / "110,000원". */
void ks_won(char *out, size_t outsz, int64_t won);
/* RFC 3339 -> "2026-12-24 19:00 KST" in the concert's zone tz (tx_when;
 * "" the server's), the raw text if unparsable. */
void ks_when(char *out, size_t outsz, const char *rfc3339, const char *tz);
/* "title  date  venue" of the session's date in w columns: a title too
 * long is cut (with an ellipsis) before the date and venue are, so the
 * customer always sees when and where. */
void ks_date_line(char *out, size_t outsz, const ks_session *s, int w);
/* A booking's state ("paid", "refunded") in the kiosk's language. */
const char *ks_booking_state(const char *state);
/* The pre-queue's line, "Sales open at 20:00 KST; your place is drawn
 * then.", the opening (now_wall_ms + opens_in_s) in the server's zone. */
void ks_prequeue_text(char *out, size_t n, int64_t now_wall_ms, int64_t opens_in_s);
/* A fresh request_id for an idempotent call ("k-<uuid>"). */
void ks_request_id(char out[40]);
/* The countdown, "Your turn: 09:12 left" (or "Seats held: 04:12 left"
 * when a hold ends first), right-aligned in [x, x+w); a warning under 60 s. */
void ks_turn_draw(const ks_session *s, int64_t now_ms, int y, int x, int w);

#endif
