/* tui/console/console_seats.c -- one date's seat map as operators see it
 * (admin.seats.list): holds with their hold id and time left, sold seats
 * with their booking code; never a member id (the server sends none).
 *
 * Live: subscribed to seat.<date_id>; any change refetches the map (one
 * call in flight, a second change while it flies marks it stale). Time left
 * counts down locally from expires_in_s, so a wrong console clock does not
 * matter; a hold reaching zero triggers a refetch. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/ui/widgets.h"

typedef adm_seat_row seat_row;

typedef struct {
    int64_t date_id;
    char topic[32];
    bool loaded, inflight, stale;
    int64_t fetched_ms;   /* monotonic, when the map arrived */
    seat_row s[WG_SEATS];
    int cursor;           /* 1..50 */
    int action_seat;      /* the seat the last release / refund was about */
    char action_code[24]; /* its booking code (the map may change first) */
    int64_t action_hold;  /* the hold released: the map refetched before the reply has none */
    bool subscribed;
} adm_seats;

void *adm_seats_new_at(int64_t date_id, int seat)
{
    adm_seats *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->date_id = date_id;
    s->cursor = seat >= 1 && seat <= WG_SEATS ? seat : 1;
    snprintf(s->topic, sizeof s->topic, "seat.%lld", (long long)date_id);
    return s;
}

void *adm_seats_new(int64_t date_id) { return adm_seats_new_at(date_id, 1); }

static void seats_fetch(app *a, adm_seats *s)
{
    if (s->inflight) {
        s->stale = true;
        return;
    }
    s->inflight = true;
    s->stale = false;
    cJSON *p = cJSON_CreateObject();
    jv_add_int(p, "date_id", s->date_id);
    app_call(a, s, "admin.seats.list", p, ADM_TAG_SEATS);
}

static int64_t left_s(const adm_seats *s, const seat_row *r, int64_t now)
{
    int64_t left = r->expires_in_s - (now - s->fetched_ms) / 1000;
    return left > 0 ? left : 0;
}

/* ---- replies ----------------------------------------------------------- */

bool adm_seat_parse(const cJSON *o, adm_seat_row *r, int *no)
{
    int64_t n;
    const char *state;
    if (jv_get_int(o, "no", 1, WG_SEATS, &n) != JV_OK ||
        jv_get_str(o, "state", 16, &state) != JV_OK)
        return false;
    *no = (int)n;
    memset(r, 0, sizeof *r);
    r->state = wg_seat_parse(state, false);
    jv_get_int(o, "price", 0, JV_INT_MAX, &r->price);
    jv_get_int(o, "hold_id", 0, JV_INT_MAX, &r->hold_id);
    jv_get_int(o, "expires_in_s", 0, JV_INT_MAX, &r->expires_in_s);
    jv_get_int(o, "booking_id", 0, JV_INT_MAX, &r->booking_id); /* if the server adds it */
    const char *code;
    if (jv_get_str(o, "code", sizeof r->code - 1, &code) == JV_OK)
        snprintf(r->code, sizeof r->code, "%s", code);
    return true;
}

static void got_map(app *a, adm_seats *s, const app_reply *r)
{
    s->inflight = false;
    const cJSON *arr = r->result ? cJSON_GetObjectItemCaseSensitive(r->result, "seats") : NULL;
    if (r->err || !cJSON_IsArray(arr)) {
        adm_fail(a, "admin.seats.list", r);
        /* A map that never loaded (no such date) has nothing to show or act
         * on: back where the operator came from, the reason flashed. An
         * unanswered call stays: the reconnect fetches again. */
        if (!s->loaded && !r->offline && app_top_state(a) == s)
            app_pop(a);
        return;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        seat_row row;
        int no;
        if (adm_seat_parse(it, &row, &no))
            s->s[no - 1] = row;
    }
    s->loaded = true;
    s->fetched_ms = clock_mono_ms();
    int64_t seq;
    if (jv_get_int(r->result, "seq", 0, JV_INT_MAX, &seq) == JV_OK)
        app_seq_reset(a, s->date_id, seq);
    if (s->stale)
        seats_fetch(a, s);
}

static void seats_reply(app *a, void *st, int tag, const app_reply *r)
{
    adm_seats *s = st;
    if (tag == ADM_TAG_SEATS) {
        got_map(a, s, r);
        return;
    }
    const char *method = tag == ADM_TAG_RELEASE ? "admin.hold.release" : "admin.booking.refund";
    if (r->err || !r->result) {
        adm_fail(a, method, r);
    } else if (tag == ADM_TAG_RELEASE) {
        char name[8];
        wg_seat_name(name, s->action_seat);
        adm_ok(a, tx(A_R_RELEASED), (long long)s->action_hold, name);
    } else {
        int64_t amount = 0;
        char money[32];
        jv_get_int(r->result, "amount", 0, JV_INT_MAX, &amount);
        tx_money(money, sizeof money, amount);
        adm_ok(a, tx(A_R_REFUNDED), s->action_code, money);
    }
    seats_fetch(a, s);
    adm_dash_poll_now(a);
}

/* ---- lifecycle, events ------------------------------------------------- */

static void seats_enter(app *a, void *st)
{
    adm_seats *s = st;
    if (!s->subscribed) {
        s->subscribed = true;
        app_subscribe(a, s->topic);
        app_seq_pending(a, s->date_id);
    }
    seats_fetch(a, s);
}

static void seats_free(void *st) { free(st); }

static void seats_event(app *a, void *st, const char *topic, const cJSON *body)
{
    adm_seats *s = st;
    if (!strcmp(topic, s->topic))
        seats_fetch(a, s); /* the event lacks hold ids and codes: refetch */
}

static void seats_resync(app *a, void *st, int64_t date_id)
{
    adm_seats *s = st;
    if (date_id == 0 || date_id == s->date_id)
        seats_fetch(a, s);
}

static void seats_tick(app *a, void *st, int64_t now)
{
    adm_seats *s = st;
    for (int i = 0; s->loaded && !s->inflight && i < WG_SEATS; i++)
        if (s->s[i].state == WG_S_HELD && left_s(s, &s->s[i], clock_mono_ms()) == 0) {
            seats_fetch(a, s); /* lapsed: the server sweeps it, show that */
            return;
        }
}

/* ---- keys -------------------------------------------------------------- */

static int act_move(app *a, void *st, int key)
{
    adm_seats *s = st;
    int dr = key == KEY_UP || key == 'k' ? -1 : key == KEY_DOWN || key == 'j' ? 1 : 0;
    s->cursor = wg_seat_step(s->cursor, dr, dr ? 0 : key == KEY_LEFT || key == 'h' ? -1 : 1);
    return APP_DONE;
}

static void release_send(app *a, void *owner, int64_t hold_id, int64_t yes)
{
    cJSON *p = cJSON_CreateObject();
    jv_add_int(p, "hold_id", hold_id);
    app_call(a, owner, "admin.hold.release", p, ADM_TAG_RELEASE);
}

/* A customer may be paying for it this minute: y/n first, as for refunds. */
static int act_release(app *a, void *st, int key)
{
    adm_seats *s = st;
    const seat_row *r = &s->s[s->cursor - 1];
    char msg[160], name[8];
    wg_seat_name(name, s->cursor);
    if (r->state != WG_S_HELD) {
        snprintf(msg, sizeof msg, tx(A_S_NOT_HELD), name);
        app_flash(a, msg);
        return APP_DONE;
    }
    s->action_seat = s->cursor;
    s->action_hold = r->hold_id;
    snprintf(msg, sizeof msg, tx(A_S_CONFIRM_RELEASE), (long long)r->hold_id, name);
    adm_ask_yes(a, s, &adm_seats_ops, msg, r->hold_id, release_send);
    return APP_DONE;
}

/* Without a booking_id from the server the operator types it (it is on
 * the receipt and in ticketctl booking.list); then the confirmation. */
static void refund_confirm(app *a, void *owner, int64_t seat, int64_t booking_id)
{
    adm_seats *s = owner;
    const seat_row *r = &s->s[seat - 1];
    char q[256], money[32], name[8];
    tx_money(money, sizeof money, r->price);
    wg_seat_name(name, (int)seat);
    snprintf(q, sizeof q, tx(A_S_CONFIRM_REFUND), r->code, name, money);
    adm_ask_yes(a, s, &adm_seats_ops, q, booking_id, adm_refund_send);
}

static int act_refund(app *a, void *st, int key)
{
    adm_seats *s = st;
    const seat_row *r = &s->s[s->cursor - 1];
    char msg[256], name[8];
    if (r->state != WG_S_SOLD) {
        wg_seat_name(name, s->cursor);
        snprintf(msg, sizeof msg, tx(A_S_NOT_SOLD), name);
        app_flash(a, msg);
        return APP_DONE;
    }
    s->action_seat = s->cursor;
    snprintf(s->action_code, sizeof s->action_code, "%s", r->code);
    if (r->booking_id > 0) {
        refund_confirm(a, s, s->cursor, r->booking_id);
    } else {
        snprintf(msg, sizeof msg, tx(A_S_ASK_BOOKING), r->code);
        adm_ask_number(a, s, &adm_seats_ops, msg, 1, JV_INT_MAX, s->cursor, refund_confirm);
    }
    return APP_DONE;
}

static int act_back(app *a, void *st, int key)
{
    adm_seats *s = st;
    app_unsubscribe(a, s->topic);
    app_seq_forget(a, s->date_id);
    app_pop(a);
    return APP_DONE;
}

static int act_refresh(app *a, void *st, int key)
{
    seats_fetch(a, st);
    return APP_DONE;
}


static const km_binding seat_keys[] = {
    {{KEY_LEFT, KEY_RIGHT, KEY_UP, KEY_DOWN}, act_move, "\u2190\u2191\u2192\u2193", T_H_MOVE, KM_BAR, 0},
    {{'r'}, act_release, "r", A_H_RELEASE, KM_BAR, 0},
    {{'f'}, act_refund, "f", A_H_REFUND, KM_BAR, 0},
    {{ADM_KEY_ESC}, act_back, "Esc", T_H_BACK, KM_BAR, 0},
    {{'g'}, act_refresh, "g", T_H_REFRESH, KM_BAR, 0},
    {{'h', 'j', 'k', 'l'}, act_move, "h j k l", T_H_MOVE, KM_HELP, 0},
    {{'q'}, act_back, "q", T_H_BACK, KM_HELP, 0},
    ADM_KEY_LANG_ROW(KM_HELP),
};

KM_TABLE_FN(seat_keys_fn, seat_keys)

/* ---- drawing ----------------------------------------------------------- */

static void draw_cursor_line(const adm_seats *s, int y, int x, int w, int64_t now)
{
    const seat_row *r = &s->s[s->cursor - 1];
    char buf[256], money[32], left[16], name[8];
    tx_money(money, sizeof money, r->price);
    wg_seat_name(name, s->cursor);
    if (r->state == WG_S_HELD) {
        wg_mmss(left, left_s(s, r, now));
        snprintf(buf, sizeof buf, tx(A_S_HELD), name, (long long)r->hold_id, left, money);
    } else if (r->state == WG_S_SOLD) {
        snprintf(buf, sizeof buf, tx(A_S_SOLD), name, r->code, money);
    } else {
        snprintf(buf, sizeof buf, tx(A_S_FREE), name, money);
    }
    wg_text(y, x, w, buf, WG_HEAD);
}

/* "Holds: B-12:#34 04:31  B-13:#35 04:40 ..." wrapped over the rows left. */
static int draw_list(const adm_seats *s, int state, int y, int x, int w, int rows, int64_t now)
{
    const char *label = tx(state == WG_S_HELD ? A_S_HOLDS : A_S_SOLDS);
    int lw = tx_width(label) + 2, cx = lw, used = 1;
    wg_text(y, x, lw, label, WG_HEAD);
    for (int i = 0; i < WG_SEATS; i++) {
        const seat_row *r = &s->s[i];
        if (r->state != state)
            continue;
        char item[64], left[16], name[8];
        wg_seat_name(name, i + 1);
        if (state == WG_S_HELD) {
            wg_mmss(left, left_s(s, r, now));
            snprintf(item, sizeof item, "%s:#%lld %s", name, (long long)r->hold_id, left);
        } else {
            snprintf(item, sizeof item, "%s:%s", name, r->code);
        }
        int iw = tx_width(item) + 2;
        if (cx + iw > w) {
            if (used == rows)
                return used;
            used++;
            cx = lw;
        }
        wg_text(y + used - 1, x + cx, iw, item, state == WG_S_HELD ? WG_SEAT_HELD : WG_SEAT_SOLD);
        cx += iw;
    }
    return used;
}

static void seats_draw(app *a, void *st, const wg_rect *r)
{
    adm_seats *s = st;
    const adm_date_row *d = adm_model_date(&adm_get(a)->m, s->date_id);
    char buf[512], when[48];
    tx_when(when, sizeof when, d ? d->starts_at : "", d ? d->tz : NULL, NULL);
    snprintf(buf, sizeof buf, tx(A_S_TITLE), (long long)s->date_id, d ? d->title : "?", when);
    int x = r->x + 1, w = r->w - 2, y = r->y;
    wg_text(y++, x, w, buf, WG_HEAD);
    if (!s->loaded) {
        wg_text(y, x, w, tx(A_S_LOADING), WG_DIM);
        return;
    }
    wg_seat g[WG_SEATS];
    for (int i = 0; i < WG_SEATS; i++)
        g[i] = (wg_seat)s->s[i].state;
    int gx = r->x + (r->w - WG_GRID_W) / 2;
    wg_seat_grid(y + 1, gx > 0 ? gx : 0, g, s->cursor);
    y += WG_GRID_H + 2;
    int64_t now = clock_mono_ms();
    draw_cursor_line(s, y++, x, w, now);
    int left = r->y + r->h - y;
    int used = draw_list(s, WG_S_HELD, y, x, w, left > 2 ? left / 2 : 1, now);
    y += used;
    if (r->y + r->h - y > 0)
        draw_list(s, WG_S_SOLD, y, x, w, r->y + r->h - y, now);
}

const app_screen_ops adm_seats_ops = {
    .name = "admin-seats",
    .enter = seats_enter,
    .keys = seat_keys_fn,
    .event = seats_event,
    .reply = seats_reply,
    .tick = seats_tick,
    .resync = seats_resync,
    .draw = seats_draw,
    .free = seats_free,
    .about = A_AB_SEATS,
};
