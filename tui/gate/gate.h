/* tui/gate/gate.h -- the door check-in screen, `kiosk --gate` (prefix gt_).
 *
 * A scanner types a ticket's code and Enter (or a person does); each scan
 * is one admin.booking.checkin, and its answer fills the screen: ADMITTED
 * with the seat (B-13), date and concert, or REFUSED and why, in block
 * letters across the screen, in colour and in words (NO_COLOR and a
 * monochrome terminal read the same). A running count of admitted / sold
 * for the date comes from `checkin` and `sales` events.
 *
 * The model (gate_model.c) and the block letters (gate_banner.c) are plain
 * C over cJSON, so tests/unit_gate.c checks them without a terminal; the
 * screen (screen_gate.c) is an app screen like the kiosk's. */
#ifndef TK_GATE_H
#define TK_GATE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tui/ui/app.h"

/* `kiosk --gate ...`: the whole program; its exit status. */
int gate_main(int argc, char **argv);

/* ---- the answer to one scan ---- */
typedef enum {
    GT_NONE = 0,     /* nothing scanned yet */
    GT_ADMITTED,
    GT_ALREADY_USED,
    GT_REFUNDED,
    GT_WRONG_DATE,
    GT_UNKNOWN_CODE,
    GT_FAILED,       /* no verdict: the call failed (detail says why) */
} gt_verdict;

typedef struct {
    gt_verdict v;
    char code[24];
    int64_t booking_id, date_id; /* 0 unknown */
    int seat_no;                 /* 0 unknown */
    char title[208], starts_at[40], checked_in_at[40], gate[40];
    char tz[64];                 /* the concert's zone ("" unknown: the server's) */
    char detail[200];            /* GT_FAILED: what went wrong */
} gt_scan;

/* An admin.booking.checkin result; false (out untouched) when it is not
 * the documented shape. */
bool gt_parse_scan(const cJSON *res, gt_scan *out);
/* The verdict's words: what the guard reads under the banner ("Already
 * used: scanned 19:02:11 at North."). */
void gt_why(char *out, size_t n, const gt_scan *s);
/* "19:02:11 KST" (today) or "2026-12-20 19:02 KST" of an RFC 3339 instant,
 * in venue time (tz NULL or "": the server's zone); the text as given when
 * it does not parse. */
void gt_time_text(char *out, size_t n, const char *rfc3339, const char *tz);

/* ---- admitted / sold for the date ---- */
typedef struct {
    int64_t date_id;  /* the date counted: --date, else the last ticket's */
    int checked_in, sold;
    bool known;
} gt_count;
/* A `checkin` or `sales` event body: true when it changed the count of
 * c->date_id (sales carries sold only). */
bool gt_count_event(gt_count *c, const char *topic, const cJSON *body);
/* An admin.dashboard result: the date's row, when it has one. Also fills
 * title / starts_at (may be NULL) for the heading. */
bool gt_count_dashboard(gt_count *c, const cJSON *res, char *title, size_t tn, char *starts,
                        size_t sn);

/* ---- block letters ---- */
#define GT_BANNER_ROWS 5
#define GT_BANNER_MAX 256 /* bytes per row */
/* text (A-Z as far as the font goes, digits, '-', ' ') as 5 rows of
 * block letters, pixels '#' (or U+2588 when utf8), into rows; returns the
 * width in columns. Letters the font lacks are blank. */
int gt_banner(const char *text, bool utf8, char rows[GT_BANNER_ROWS][GT_BANNER_MAX]);

/* ---- the screen ---- */
typedef struct {
    const char *gate_name; /* NULL or "" none */
    int64_t date_id;       /* 0: any date */
} gt_options;
extern const app_screen_ops gt_screen_ops;
void *gt_screen_new(const gt_options *o);
/* The last scan shown (tests). */
const gt_scan *gt_screen_scan(const void *st);
const gt_count *gt_screen_count(const void *st);

#endif
