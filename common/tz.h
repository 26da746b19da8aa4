/* common/tz.h -- venue time: instants shown in, and read from, an IANA
 * time zone ("Asia/Seoul", "Europe/Berlin").
 *
 * The wire carries instants as RFC 3339 UTC; a concert carries the zone
 * its hall is in. Every screen writes a time with tz_format, so the
 * kiosk, the ticket, the console and the gate agree whatever the host's
 * own zone is. The server reads an operator's local time with tz_parse.
 *
 * The zone rules are the system's zoneinfo, read by the C library: the
 * process's TZ is switched under a lock for each call and left on the
 * last zone used, so nothing else in a process that links this may call
 * localtime or mktime (none does: this is the one place). */
#ifndef TK_TZ_H
#define TK_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TZ_NAME_MAX 64 /* bytes, without the NUL */
#define TZ_DEFAULT "Asia/Seoul"

/* A zone name the system knows: letters, digits and "/_+-" (no "..", not
 * absolute) naming a TZif file under $TZDIR or /usr/share/zoneinfo. */
bool tz_valid(const char *zone);

/* ms in zone: "2026-12-21 19:00 KST" (fmt NULL), or strftime's fmt
 * ("%H:%M", "%m-%d %H:%M %Z"). A zone that is NULL, empty or unknown
 * writes UTC, and says so ("UTC"). */
void tz_format(const char *zone, int64_t ms, const char *fmt, char *out, size_t outlen);
/* tz_format's default, "%Y-%m-%d %H:%M %Z". */
#define TZ_FMT_DATE "%Y-%m-%d %H:%M %Z"

typedef enum {
    TZ_OK = 0,
    TZ_MALFORMED, /* not a time of the forms below */
    TZ_NO_SUCH,   /* a local time the zone skips (clocks go forward) */
    TZ_BAD_ZONE,  /* a local time, and the zone is not tz_valid */
} tz_err;

/* An instant as an operator writes it: RFC 3339 with Z or an offset
 * ("2026-12-21T19:00:00+09:00", seconds optional), or a local time in zone
 * without one ("2026-12-21T19:00", "2026-12-21 19:00[:ss]"). A local time
 * the zone has twice (clocks go back) is the first of them. */
tz_err tz_parse(const char *zone, const char *s, int64_t *ms);

/* The next hh:mm in zone after now_ms (today's if still ahead, else
 * tomorrow's): the console's "20:00" for a sales opening. false if the
 * zone is not valid or the time does not exist. */
bool tz_next_hhmm(const char *zone, int hour, int minute, int64_t now_ms, int64_t *ms);

#endif
