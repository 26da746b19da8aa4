/* tui/kiosk/screen_seats.c -- the 50-seat map of one date. A snapshot from
 * seats.list, then seat.<date_id> events on top (the client checks seq and
 * asks for a new snapshot on a gap). Enter holds a free seat or releases
 * one of ours; a seat someone else got first stays on the map, marked. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

enum { TAG_LIST = 1, TAG_HOLD, TAG_RELEASE, TAG_TURN };

typedef struct {
    int64_t date_id;
    wg_seat seat[WG_SEATS];
    int64_t price[WG_SEATS];
    int cursor; /* 1..50 */
    int acting; /* seat of the hold/release in flight, 0 when none */
    bool loaded, fetching;
    bool pending_act; /* Enter before the first snapshot: act once it is here */
    wg_rect rect; /* last drawn, for mouse hits */
} seats_st;

void *ks_seats_new(int64_t date_id)
{
    seats_st *s = calloc(1, sizeof(*s));
    if (s) {
        s->date_id = date_id;
        s->cursor = 1;
        s->rect = (wg_rect){2, 0, 20, 80}; /* what app_draw gives at 80x24 */
    }
    return s;
}

static void topic_of(const seats_st *s, char *out, size_t n) { snprintf(out, n, "seat.%lld", (long long)s->date_id); }

static void grid_origin(const wg_rect *r, int *gy, int *gx)
{
    *gy = r->y + 4;
    *gx = r->x + (r->w > wg_grid_width() ? (r->w - wg_grid_width()) / 2 : 0);
}

static void fetch(app *a, seats_st *s)
{
    if (s->fetching)
        return;
    s->fetching = true;
    app_seq_pending(a, s->date_id); /* buffer events until the snapshot */
    cJSON *p = ks_token_params(a);
    jv_add_int(p, "date_id", s->date_id);
    app_call(a, s, "seats.list", p, TAG_LIST);
}

static void seats_enter(app *a, void *st)
{
    char t[32];
    topic_of(st, t, sizeof(t));
    app_subscribe(a, t);
    fetch(a, st);
}

static void seats_leave(app *a, void *st)
{
    seats_st *s = st;
    char t[32];
    topic_of(s, t, sizeof(t));
    app_unsubscribe(a, t);
    app_seq_forget(a, s->date_id);
    s->fetching = false; /* a reply still in flight is dropped on re-entry */
}

static void act(app *a, seats_st *s);

static void apply_snapshot(app *a, seats_st *s, const ks_seat_map *m)
{
    ks_session *ses = ks(a);
    int64_t now = clock_mono_ms();
    memcpy(s->seat, m->seat, sizeof s->seat);
    memcpy(s->price, m->price, sizeof s->price);
    for (int i = 0; i < WG_SEATS; i++)
        if (m->hold_id[i])
            ks_sync_hold(ses, m->hold_id[i], s->date_id, i + 1, m->price[i], m->expires_in_s[i], now);
    /* holds we remember but the server no longer has: lapsed, or staff */
    for (int i = ses->nholds - 1; i >= 0 && i < ses->nholds; i--)
        if (ses->holds[i].date_id == s->date_id && m->seat[ses->holds[i].seat_no - 1] != WG_S_MINE &&
            ks_hold_gone(a, s->date_id, ses->holds[i].seat_no, now))
            return; /* the turn is over: the queue screen takes it from here */
    ks_turn_note(ses, -1, m->turn_expires_in_s, now);
    s->loaded = true;
    app_seq_reset(a, s->date_id, m->seq); /* replays buffered later events */
    if (s->pending_act) {
        s->pending_act = false;
        act(a, s);
    }
}

static void flash_seat(app *a, tx_id fmt, int no, const char *arg)
{
    char m[256], name[8];
    wg_seat_name(name, no);
    if (arg)
        snprintf(m, sizeof(m), tx(fmt), name, arg);
    else
        snprintf(m, sizeof(m), tx(fmt), name);
    app_flash(a, m);
}

static void hold_done(app *a, seats_st *s, int no, const app_reply *r)
{
    if (r->err == TK_SEAT_TAKEN) {
        if (s->seat[no - 1] == WG_S_FREE)
            s->seat[no - 1] = WG_S_HELD;
        flash_seat(a, T_SEAT_TAKEN_MSG, no, NULL);
        return;
    }
    if (r->err == TK_HOLD_LIMIT || r->err == TK_NOT_ON_SALE) {
        app_flash(a, tx(r->err == TK_HOLD_LIMIT ? T_HOLD_LIMIT : T_NOT_ON_SALE));
        return;
    }
    if (r->offline) {
        /* Not sent, or sent and never answered: say which at once rather
         * than "retrying" (nothing retries a hold). Either way the
         * snapshot settles it, now or on the way back online. */
        flash_seat(a, r->unsure ? T_SEAT_HOLD_UNSURE : T_SEAT_NOT_HELD_AWAY, no, NULL);
        fetch(a, s);
        return;
    }
    if (r->err) {
        ks_reply_error(a, r);
        return;
    }
    ks_hold_reply h;
    ks_parse_hold(r->result, &h);
    int64_t price = h.price >= 0 ? h.price : s->price[no - 1];
    ks_add_hold(ks(a), h.hold_id, s->date_id, no, price, h.expires_in_s, clock_mono_ms());
    ks_turn_note(ks(a), -1, h.turn_expires_in_s, clock_mono_ms());
    s->seat[no - 1] = WG_S_MINE;
    char t[16];
    wg_mmss(t, h.expires_in_s);
    flash_seat(a, T_SEAT_HELD_OK, no, t);
}

static void release_done(app *a, seats_st *s, int no, const app_reply *r)
{
    if (r->err && r->err != TK_HOLD_NOT_FOUND && r->err != TK_HOLD_EXPIRED) {
        if (!ks_common_error(a, r))
            app_flash(a, r->message);
        return;
    }
    ks_drop_hold_seat(ks(a), s->date_id, no);
    if (s->seat[no - 1] == WG_S_MINE)
        s->seat[no - 1] = WG_S_FREE;
    flash_seat(a, T_SEAT_RELEASED, no, NULL);
    if (ks(a)->nholds == 0) /* the server restarts the active window: ask its end */
        ks_turn_ask(a, s, TAG_TURN);
    if (r->err)
        fetch(a, s);
}

static void seats_reply(app *a, void *st, int tag, const app_reply *r)
{
    seats_st *s = st;
    int no = s->acting;
    if (tag == TAG_TURN) {
        ks_turn_reply(a, r);
        return;
    }
    if (tag == TAG_LIST) {
        s->fetching = false;
        if (!r->err) {
            ks_seat_map m;
            ks_parse_seats(r->result, &m);
            apply_snapshot(a, s, &m);
        }
        else if (!ks_common_error(a, r))
            app_flash(a, r->message);
        return;
    }
    s->acting = 0;
    if (no < 1 || no > WG_SEATS)
        return;
    if (tag == TAG_HOLD)
        hold_done(a, s, no, r);
    else
        release_done(a, s, no, r);
}

static void seats_event(app *a, void *st, const char *topic, const cJSON *body)
{
    seats_st *s = st;
    char t[32];
    ks_seat_event ev;
    topic_of(s, t, sizeof(t));
    if (strcmp(topic, t) != 0 || !ks_parse_seat_event(body, &ev))
        return;
    int no = ev.seat_no;
    bool ours = ks_find_hold(ks(a), s->date_id, no) != NULL;
    if (strcmp(ev.state, "held") != 0 && ours) {
        ours = false;
        if (ks_hold_gone(a, s->date_id, no, clock_mono_ms()))
            return;
    }
    s->seat[no - 1] = wg_seat_parse(ev.state, ours);
}

static void seats_resync(app *a, void *st, int64_t date_id)
{
    seats_st *s = st;
    if (date_id == 0 || date_id == s->date_id)
        fetch(a, s);
}

static void seats_tick(app *a, void *st, int64_t now)
{
    seats_st *s = st;
    /* only while on top: under checkout, the checkout decides */
    if (app_top_state(a) == st && !s->acting && !ks_check_lapse(a, now))
        ks_turn_tick(a, s, TAG_TURN, now);
}

static void act(app *a, seats_st *s)
{
    int no = s->cursor;
    if (!s->loaded) {
        s->pending_act = true; /* the cursor may still move; the seat is read then */
        app_flash(a, tx(T_LOADING));
        return;
    }
    if (s->acting)
        return;
    ks_session *ses = ks(a);
    const ks_hold *h = ks_find_hold(ses, s->date_id, no);
    cJSON *p = ks_token_params(a);
    if (h) {
        jv_add_int(p, "hold_id", h->hold_id);
        s->acting = no;
        app_call(a, s, "hold.release", p, TAG_RELEASE);
        return;
    }
    if (s->seat[no - 1] != WG_S_FREE) { /* the map already says so: no call */
        cJSON_Delete(p);
        flash_seat(a, s->seat[no - 1] == WG_S_SOLD ? T_SEAT_SOLD_MSG : T_SEAT_HELD_MSG, no, NULL);
        return;
    }
    if (ses->nholds >= KS_MAX_HOLDS) {
        cJSON_Delete(p);
        app_flash(a, tx(T_HOLD_LIMIT));
        return;
    }
    if (!app_online(a)) { /* the banner is up: a call would only time out */
        cJSON_Delete(p);
        flash_seat(a, T_SEAT_NOT_HELD_AWAY, no, NULL);
        return;
    }
    jv_add_int(p, "date_id", s->date_id);
    jv_add_int(p, "seat_no", no);
    s->acting = no;
    app_call(a, s, "seat.hold", p, TAG_HOLD);
}

static int act_move(app *a, void *st, int key)
{
    seats_st *s = st;
    int dr = key == KEY_UP || key == 'k' ? -1 : key == KEY_DOWN || key == 'j' ? 1 : 0;
    s->cursor = wg_seat_step(s->cursor, dr, dr ? 0 : key == KEY_LEFT || key == 'h' ? -1 : 1);
    return APP_DONE;
}

static int act_hold(app *a, void *st, int key)
{
    act(a, st);
    return APP_DONE;
}

static int act_mouse(app *a, void *st, int key)
{
    seats_st *s = st;
    int my, mx, gy, gx, hit;
    grid_origin(&s->rect, &gy, &gx);
    if (app_mouse(a, &my, &mx) && (hit = wg_seat_at(gy, gx, my, mx)) > 0) {
        s->cursor = hit;
        act(a, s);
    }
    return APP_DONE;
}

static int act_checkout(app *a, void *st, int key)
{
    if (ks(a)->nholds == 0)
        app_flash(a, tx(T_SEATS_NONE_HELD));
    else
        ks_go_checkout(a);
    return APP_DONE;
}

static int act_refresh(app *a, void *st, int key)
{
    fetch(a, st);
    return APP_DONE;
}

static const km_binding seats_keys[] = {
    {{KEY_LEFT, KEY_UP, KEY_DOWN, KEY_RIGHT}, act_move, "←↑↓→", T_H_MOVE, KM_BAR, 0},
    {{'\n', '\r', KEY_ENTER}, act_hold, "Enter", T_H_HOLD, KM_BAR, 0},
    {{'c'}, act_checkout, "c", T_H_CHECKOUT, KM_BAR, T_HK_CHECKOUT},
    {{'w'}, ks_act_wallet, "w", T_H_WALLET, KM_BAR, 0},
    {{27}, app_act_pop, "Esc", T_H_BACK, KM_BAR, 0},
    {{'h', 'j', 'k', 'l'}, act_move, "h j k l", T_H_MOVE, KM_HELP, 0},
    {{' '}, act_hold, "Space", T_H_HOLD, KM_HELP, 0},
    {{KEY_MOUSE}, act_mouse, "mouse", T_H_MOUSE, KM_HELP, 0},
    {{'p'}, act_checkout, "p", T_H_CHECKOUT, KM_HELP, T_HK_CHECKOUT},
    {{'r'}, act_refresh, "r", T_H_REFRESH, KM_HELP, 0},
    {{'q'}, app_act_pop, "q", T_H_BACK, KM_HELP, 0},
};

KM_TABLE_FN(seats_keys_fn, seats_keys)

/* "1-10 150,000  11-30 110,000  31-50 80,000": runs of one price. */
static void price_tiers(const seats_st *s, char *out, size_t n)
{
    size_t o = 0;
    out[0] = 0;
    for (int i = 0; i < WG_SEATS && o + 1 < n;) {
        int j = i;
        while (j + 1 < WG_SEATS && s->price[j + 1] == s->price[i])
            j++;
        char m[32];
        tx_money(m, sizeof(m), s->price[i]);
        int k = snprintf(out + o, n - o, "%s%d-%d %s", o ? "  " : "", i + 1, j + 1, m);
        if (k < 0 || (size_t)k >= n - o)
            break;
        o += (size_t)k;
        i = j + 1;
    }
}

static void draw_footer(app *a, seats_st *s, int y, int x, int w)
{
    static const tx_id names[] = {T_SEAT_FREE, T_SEAT_HELD, T_SEAT_MINE, T_SEAT_SOLD};
    char line[512], tiers[400], money[48];
    wg_seat_legend(y, x, w);
    price_tiers(s, tiers, sizeof(tiers));
    snprintf(line, sizeof(line), "%s: %s", tx(T_SEATS_PRICES), tiers);
    wg_text(y + 1, x, w, line, WG_NORMAL);
    ks_won(money, sizeof(money), s->price[s->cursor - 1]);
    char what[200];
    snprintf(what, sizeof(what), "%s, %s", money, tx(names[s->seat[s->cursor - 1] & 3]));
    char name[8];
    wg_seat_name(name, s->cursor);
    snprintf(line, sizeof(line), tx(T_SEAT_CURSOR), name, what);
    wg_text(y + 2, x, w, line, WG_HEAD);
    ks_session *ses = ks(a);
    int o = snprintf(line, sizeof(line), "%s:", tx(T_SEATS_YOURS));
    for (int i = 0; i < ses->nholds && o < (int)sizeof(line) - 8; i++) {
        wg_seat_name(name, ses->holds[i].seat_no);
        o += snprintf(line + o, sizeof(line) - (size_t)o, " %s", name);
    }
    if (ses->nholds > 0) /* their time is the one countdown, at the top */
        snprintf(line + o, sizeof(line) - (size_t)o, "  c: %s", tx(T_H_CHECKOUT));
    wg_text(y + 3, x, w, line, ses->nholds ? WG_SEAT_MINE : WG_DIM);
}

static void seats_draw(app *a, void *st, const wg_rect *r)
{
    seats_st *s = st;
    ks_session *ses = ks(a);
    char line[512];
    int gy, gx;
    s->rect = *r;
    wg_seat_compact(r->w < WG_GRID_W + 2);
    grid_origin(r, &gy, &gx);
    ks_date_line(line, sizeof line, ses, r->w - 4);
    wg_text(r->y, r->x + 2, r->w - 4, line, WG_HEAD);
    ks_turn_draw(ses, clock_mono_ms(), r->y + 1, r->x + 2, r->w - 4);
    if (!s->loaded) {
        wg_text(r->y + 2, r->x + 2, r->w - 4, tx(T_WORKING), WG_DIM);
        return;
    }
    snprintf(line, sizeof(line), "==========  %s  ==========", tx(T_SEATS_STAGE));
    wg_center(r->y + 2, gx, wg_grid_width(), line, WG_DIM);
    wg_seat_grid(gy, gx, s->seat, s->cursor);
    if (r->h >= WG_GRID_H + 9)
        draw_footer(a, s, gy + WG_GRID_H + 1, gx, r->x + r->w - gx - 1);
}

const app_screen_ops ks_seats_ops = {
    .name = "seats",
    .enter = seats_enter,
    .leave = seats_leave,
    .keys = seats_keys_fn,
    .event = seats_event,
    .reply = seats_reply,
    .resync = seats_resync,
    .tick = seats_tick,
    .draw = seats_draw,
    .free = free,
    .about = T_AB_SEATS,
};
