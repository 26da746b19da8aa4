/* tui/console/console_forms.h -- the console's two forms: a new concert, and a new
 * date of a concert with tiered prices.
 *
 * Why a module of its own: everything here is checked before a request
 * leaves the console (an operator sees "seat 23 has no price" at once rather
 * than an INVALID_PARAMS from the server), and all of it is plain C on
 * strings, so tests/unit_console_forms.c drives it with no terminal.
 *
 * Price text is what the operator types: ranges of seats with a price,
 * "1-10:150000, 11-40:100000, 41-50:70000". Ranges are separated by ',' or
 * ';', a single seat ("7:90000") is a range of one, '=' may stand for ':'.
 * Every seat 1..50 must be priced exactly once. */
#ifndef TK_ADMIN_FORMS_H
#define TK_ADMIN_FORMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/tz.h"

#define ADM_SEATS 50
#define ADM_PRICE_MAX 10000000   /* won: the wallet ceiling; no seat can cost more */
#define ADM_TEXT_MAX 200         /* title / venue bytes, the server's TK_TITLE_MAX */
#define ADM_FIELD_CAP 256        /* one field's buffer, bytes incl. NUL */
#define ADM_FORM_FIELDS 4

/* Why a form is refused; `where` (see below) says which seat / field. */
typedef enum {
    ADM_FORM_OK = 0,
    ADM_FORM_TITLE_EMPTY,
    ADM_FORM_VENUE_EMPTY,
    ADM_FORM_TEXT_LONG,       /* over ADM_TEXT_MAX bytes */
    ADM_FORM_TEXT_BAD,        /* control characters / bad UTF-8 */
    ADM_FORM_CONCERT_BAD,     /* concert id not a positive integer */
    ADM_FORM_START_FORMAT,    /* not RFC 3339 */
    ADM_FORM_START_PAST,      /* not in the future */
    ADM_FORM_ONSALE_FORMAT,
    ADM_FORM_ONSALE_LATE,     /* on sale only after the show starts */
    ADM_FORM_PRICE_SYNTAX,    /* where = 1-based range index */
    ADM_FORM_PRICE_SEAT,      /* seat number outside 1..50 or lo > hi; where = range */
    ADM_FORM_PRICE_VALUE,     /* price not in 1..ADM_PRICE_MAX; where = range */
    ADM_FORM_PRICE_TWICE,     /* where = the seat priced twice */
    ADM_FORM_PRICE_MISSING,   /* where = the first seat without a price */
    ADM_FORM_TZ_BAD,          /* a zone this machine's zoneinfo does not have */
    ADM_FORM_START_NONE,      /* a local time the zone skips (clocks go forward) */
    ADM_FORM_ERR_COUNT
} adm_form_err;

/* Parses price text into prices[0..49] (seat n at n-1). On error returns the
 * reason and sets *where (range index or seat number, by reason). */
adm_form_err adm_prices_parse(const char *text, int64_t prices[ADM_SEATS], int *where);

/* Formats prices back into the shortest range text ("1-10:150000,11-50:70000"). */
void adm_prices_format(const int64_t prices[ADM_SEATS], char *out, size_t outlen);

/* A pre-queue's opening as an operator types it: "20:00" (the next such
 * time in zone: the server's), a date and time in zone or with an offset
 * (tz_parse), or "-" to clear it. Checked here as the server would (future, within a year) so
 * the prompt says what is wrong before anything is sent. */
typedef enum {
    ADM_OPENS_SET,    /* *ms is the opening */
    ADM_OPENS_CLEAR,  /* "-": no pre-queue (an open one is drawn now) */
    ADM_OPENS_FORMAT, /* neither HH:MM, RFC 3339 nor "-" */
    ADM_OPENS_PAST,
    ADM_OPENS_FAR     /* more than a year ahead */
} adm_opens;
adm_opens adm_opens_parse(const char *text, const char *zone, int64_t now_ms, int64_t *ms);

typedef enum { ADM_FORM_CONCERT, ADM_FORM_DATE } adm_form_kind;

/* Field order of each kind. */
enum { ADM_CF_TITLE = 0, ADM_CF_VENUE = 1, ADM_CF_TZ = 2 }; /* tz: empty = the server's */
enum { ADM_DF_CONCERT = 0, ADM_DF_STARTS = 1, ADM_DF_ONSALE = 2, ADM_DF_PRICES = 3 };

typedef struct {
    adm_form_kind kind;
    int nfields;
    int focus;                                /* field being edited */
    char val[ADM_FORM_FIELDS][ADM_FIELD_CAP]; /* UTF-8 */
    adm_form_err err;                         /* last validation */
    int where;
    int err_field;                            /* field the error is about, -1 none */
    /* Venue time: the zone of a date form's concert, for times typed
     * without an offset (the caller keeps it current; "" reads UTC). */
    char zone[TZ_NAME_MAX + 1];
} adm_form;

void adm_form_init(adm_form *f, adm_form_kind kind);
/* Editing: append one Unicode code point to the focused field (false when
 * it does not fit or is a control), delete the last code point, move focus. */
bool adm_form_insert(adm_form *f, uint32_t cp);
void adm_form_backspace(adm_form *f);
void adm_form_focus(adm_form *f, int delta);

/* Validates the whole form. On success returns ADM_FORM_OK and *params is a
 * new cJSON object ready for the method adm_form_method() names (without
 * admin_key); on failure sets f->err / f->where / f->err_field and moves
 * focus to the offending field. now_ms is the wall clock. */
adm_form_err adm_form_submit(adm_form *f, int64_t now_ms, cJSON **params);
const char *adm_form_method(const adm_form *f);

#endif
