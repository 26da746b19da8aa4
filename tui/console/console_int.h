/* tui/console/console_int.h -- what the console's screens share (prefix adm_).
 *
 * Each console screen is an app screen (tui/ui/app.h) in a file of its own:
 * console_dashboard.c, console_seats.c, console_audit.c, console_formview.c,
 * and the small dialogs in console_widgets.c. Their logic is (state, key / event /
 * reply / tick) -> state plus app_call()s, so tests/unit_console*.c drive
 * them on a headless app and answer the calls with tf_reply (tests/lib/tui_fake.h).
 *
 * Keys are declared in a table per screen (tui/ui/keymap.h, as the kiosk's):
 * one row per action with its keys, its hint and its function; the hint
 * bar and the '?' overlay are built from the same rows, so they cannot
 * disagree. */
#ifndef TK_ADMIN_H
#define TK_ADMIN_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "tui/console/console_model.h"
#include "tui/ui/app.h"
#include "tui/ui/text.h"

/* Staff roles as the server names them (admin.whoami, issue 17). */
enum { ADM_ROLE_ADMIN = 1, ADM_ROLE_CASHIER = 2, ADM_ROLE_GATE = 4 };

/* A hold or booking by id, looked up in every date's map (console_byid.c). */
typedef struct {
    bool booking; /* else a hold */
    int64_t id, date_id, price;
    int seat, waiting; /* seat 0: not found (yet); waiting: maps still to come */
    char code[24];
    bool failed; /* a map could not be read (and that was said) */
} adm_lookup;

/* The console's shared state: app_model(a). */
typedef struct {
    adm_model m;
    char staff[40];   /* who is signed in (admin.whoami); "" until known */
    int role;         /* ADM_ROLE_*; an older server without whoami: admin */
    char title[160];  /* the title bar's text with the name (adm_title) */
    char last[320];   /* the last action's result, kept on the dashboard */
    char last_other[320]; /* the same in the other language: L swaps them */
    bool last_bad;
    int64_t poll_ms;  /* dashboard poll period */
    const char *key_file; /* where the key was read, to name it when refused */
    bool key_refused;     /* admin.whoami said FORBIDDEN (and the console said so) */
    adm_lookup look;      /* h / b: the hold or booking, found before the y/n */
} adm_console;

adm_console *adm_get(app *a);
/* The signed-in key's role is one of roles (ADM_ROLE_* or'ed). */
bool adm_role_allows(app *a, int roles);
/* "ticketd console: park (cashier)" as the title, in the language now. */
void adm_title(app *a);
/* o[name] as text into out ("" when absent or not a string). */
void adm_str(const cJSON *o, const char *name, char *out, size_t cap);

/* ---- results: every action ends in one of these, shown in the flash
 * line and kept as "Last action" on the dashboard ---- */
void adm_ok(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same, for a plain "no" that is not a failed call (shown as one). */
void adm_bad(app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "<method> failed: REASON (detail)"; FORBIDDEN says "wrong admin key". */
void adm_fail(app *a, const char *method, const app_reply *r);
/* The same text adm_fail shows, for screens that keep it on their own. */
void adm_fail_text(char *out, size_t outsz, const char *method, const app_reply *r);

/* ---- key tables (tui/ui/keymap.h) ---- */
/* 'L' switches the language; every console screen has ADM_KEY_LANG_ROW
 * (shown where the screen says). */
int adm_act_lang(app *a, void *st, int key);
#define ADM_KEY_LANG_ROW(show) {{'L'}, adm_act_lang, "L", A_H_LANG, show, 0}

/* ---- dialogs (admin_widgets.c) ---- */
/* Called with the answer when the dialog is accepted: the number typed, or
 * 1 for a yes. owner is the screen that asked (still on the stack). */
typedef void (*adm_answer_fn)(app *a, void *owner, int64_t ctx, int64_t answer);
void adm_ask_number(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                    int64_t lo, int64_t hi, int64_t ctx, adm_answer_fn fn);
void adm_ask_yes(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                 int64_t ctx, adm_answer_fn fn);
/* A booking code (letters, digits, '-'); fn gets the text as typed. */
typedef void (*adm_text_fn)(app *a, void *owner, const char *text);
void adm_ask_code(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                  adm_text_fn fn);
/* Free text (printable ASCII); check says why it is refused (shown in the
 * dialog, nothing sent) or NULL to accept it and call fn. */
typedef const char *(*adm_check_fn)(const char *text);
void adm_ask_text(app *a, void *owner, const app_screen_ops *owner_ops, const char *question,
                  adm_check_fn check, adm_text_fn fn);
extern const app_screen_ops adm_ask_ops;

/* "[###++.....]": sold '#', held '+', free '.' (UTF-8: █ ▒ ·) in w cells. */
void adm_stack_text(char *out, size_t outsz, int w, int sold, int held, int free, bool utf8);
void adm_stack_bar(int y, int x, int w, int sold, int held, int free);

/* ---- screens ---- */
extern const app_screen_ops adm_dash_ops;
void *adm_dash_new(void);
void adm_dash_poll_now(app *a);      /* after a change: refresh at once */
int64_t adm_dash_selected(app *a);   /* date_id of the selected row, 0 none */

/* admin_queue.c: the queue panel of the dashboard and its three actions. */
int adm_queue_pause(app *a, void *st, int key);
int adm_queue_max(app *a, void *st, int key);
int adm_queue_rate(app *a, void *st, int key);
int adm_queue_opens(app *a, void *st, int key);
/* Handles replies with tag ADM_TAG_QUEUE; true when it was one. */
bool adm_queue_reply(app *a, int tag, const app_reply *r);
void adm_queue_draw(const adm_model *m, int y, int x, int w);

/* admin_byid.c: the same actions on an id typed in; and a ticket's code,
 * which opens its date's map on its seat. */
int adm_byid_date(app *a, void *st, int key);
int adm_byid_release(app *a, void *st, int key);
int adm_byid_refund(app *a, void *st, int key);
int adm_byid_code(app *a, void *st, int key);
bool adm_byid_reply(app *a, void *owner, int tag, const app_reply *r);
/* Sends admin.booking.refund for booking_id on behalf of owner (an
 * adm_answer_fn: ctx is the booking id). */
void adm_refund_send(app *a, void *owner, int64_t booking_id, int64_t yes);

extern const app_screen_ops adm_seats_ops;
void *adm_seats_new(int64_t date_id);
/* The same, with the cursor on `seat` (1..50). */
void *adm_seats_new_at(int64_t date_id, int seat);

extern const app_screen_ops adm_audit_ops;
void *adm_audit_new(void);

/* console_start.c: asks admin.whoami, then opens what the role may use:
 * the dashboard (admin), the counter (cashier), or says a gate key is for
 * `kiosk --gate`. */
extern const app_screen_ops adm_start_ops;
void *adm_start_new(void);

/* console_cashier.c: the counter; console_report.c: the day's close, or
 * (shift) the signed-in cashier's own top-ups today per method. */
extern const app_screen_ops adm_cash_ops;
void *adm_cash_new(void);
extern const app_screen_ops adm_report_ops;
void *adm_report_new(bool shift);
int adm_report_count(const void *report_st); /* the rows it shows (tests) */
int adm_open_cashier(app *a, void *st, int key);
int adm_open_report(app *a, void *st, int key);

extern const app_screen_ops adm_form_ops;
/* concert_id > 0 prefills the date form's concert field. */
void *adm_form_new_concert(void);
void *adm_form_new_date(int64_t concert_id);

/* Reply tags, unique across the console (one screen may see several). */
enum {
    ADM_TAG_DASH = 1,
    ADM_TAG_QUEUE,
    ADM_TAG_SEATS,
    ADM_TAG_RELEASE,
    ADM_TAG_REFUND,
    ADM_TAG_FIND,
    ADM_TAG_AUDIT,
    ADM_TAG_CREATE,
    ADM_TAG_OPENS,
    ADM_TAG_WHOAMI,
    ADM_TAG_CASH_FIND,
    ADM_TAG_CASH_BALANCE,
    ADM_TAG_CASH_HISTORY,
    ADM_TAG_CASH_CHARGE,
    ADM_TAG_REPORT,
    ADM_TAG_LOOKUP, /* admin.seats.list of each date: a hold or booking by id */
};

/* Shared key codes besides curses' KEY_*. */
#define ADM_KEY_ESC 27
#define ADM_KEY_ENTER '\r'
#define ADM_KEY_TAB '\t'

/* The dashboard's "Last action" would repeat the status line (the same
 * text, still shown there): it is left out until the line clears. */
bool adm_dash_last_repeats(app *a);
/* "The server refused the key read from FILE ...", in the language now. */
void adm_key_refused_text(app *a, char *out, size_t n);

/* One seat of admin.seats.list, as the seat map and the by-id lookups
 * read it. */
typedef struct {
    int state;            /* WG_S_FREE / WG_S_HELD / WG_S_SOLD */
    int64_t price, hold_id, expires_in_s, booking_id;
    char code[24];
} adm_seat_row;
/* o (one element of "seats") into *r and its seat number; false when
 * malformed. */
bool adm_seat_parse(const cJSON *o, adm_seat_row *r, int *no);
/* The question a dialog (adm_ask_ops' state) asks. */
const char *adm_ask_question(const void *st);

#endif
