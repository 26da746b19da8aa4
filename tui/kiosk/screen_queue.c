/* tui/kiosk/screen_queue.c -- the waiting line: place, people ahead, estimated
 * wait, progress. Follows `queue` events (my seq - admitted_seq is an upper
 * bound of the place); polls queue.status only when events stop coming.
 * The estimate counts down between changes, down to what the places still
 * ahead take, so a customer sees it move while the line stands still.
 * Before a pre-queue's opening there is no place yet: the screen says when
 * sales open and that places are drawn then, counts down to it, and asks
 * for its drawn place when the events stop carrying the pre-queue. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

#define QUEUE_QUIET_MS 5000 /* no event for this long: ask instead */

enum { TAG_JOIN = 1, TAG_STATUS, TAG_LEAVE };

typedef struct {
    bool busy, waiting, paused;
    int64_t position, first_position, eta_s, admit_per_min;
    int64_t ms_per_place; /* the server's pace; 0 unknown */
    int64_t eta_since_ms; /* when eta_s last changed (mono) */
    int64_t eta_position; /* the place eta_s was for */
    int64_t last_event_ms, last_ask_ms;
    bool prequeue;        /* waiting for the draw: no place yet */
    int64_t pre_count;    /* members in the pre-queue */
    int64_t opens_in_s, opens_since_ms; /* the countdown (mono) */
} queue_st;

void *ks_queue_new(void) { return calloc(1, sizeof(queue_st)); }

static void ask(app *a, queue_st *q)
{
    if (q->busy)
        return;
    q->busy = true;
    q->last_ask_ms = clock_mono_ms();
    ks_session *s = ks(a);
    if (s->stale_token[0]) { /* see ks_session.stale_token; then join */
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "token", s->stale_token);
        app_call(a, q, "queue.leave", p, TAG_LEAVE);
    } else if (s->token[0])
        app_call(a, q, "queue.status", ks_token_params(a), TAG_STATUS);
    else
        app_call(a, q, "queue.join", ks_user_params(a), TAG_JOIN);
}

static void queue_enter(app *a, void *st)
{
    app_subscribe(a, "queue");
    ask(a, st);
}

static void set_position(queue_st *q, int64_t pos)
{
    q->position = pos;
    if (pos > q->first_position)
        q->first_position = pos;
}

/* A new estimate restarts the countdown; the same one again (every queue
 * event recomputes it) does not. */
static void set_eta(queue_st *q, int64_t eta_s)
{
    if (eta_s != q->eta_s || q->eta_since_ms == 0)
        q->eta_since_ms = clock_mono_ms();
    q->eta_s = eta_s;
    q->eta_position = q->position;
}

bool ks_eta_take(int64_t fresh_s, int64_t shown_s, bool same_place)
{
    return !same_place || fresh_s <= shown_s || fresh_s * 5 > shown_s * 6;
}

int64_t ks_eta_shown(int64_t eta_s, int64_t elapsed_ms, int64_t position, int64_t ms_per_place)
{
    if (ms_per_place <= 0 || position < 1)
        return eta_s; /* no pace known: nothing to count down to */
    int64_t left = eta_s - elapsed_ms / 1000;
    int64_t floor = (position - 1) * ms_per_place / 1000;
    return left > floor ? left : floor;
}

/* A reply or event that says whether we are still before the draw. */
static void note_prequeue(queue_st *q, bool pre, int64_t count, int64_t opens_in_s)
{
    q->prequeue = pre;
    if (!pre)
        return;
    q->pre_count = count;
    q->opens_in_s = opens_in_s;
    q->opens_since_ms = clock_mono_ms();
}

static void queue_reply(app *a, void *st, int tag, const app_reply *r)
{
    queue_st *q = st;
    ks_session *s = ks(a);
    q->busy = false;
    if (tag == TAG_LEAVE) { /* whatever the answer (expired already is fine) */
        ks_stale_left(s);
        ask(a, q);
        return;
    }
    if (!r->offline && (r->err == TK_TOKEN_EXPIRED || r->err == TK_TOKEN_INVALID)) {
        ks_turn_lost(s, false); /* our turn ran out while away: take a new place */
        ask(a, q);
        return;
    }
    if (!r->offline && r->err == TK_USER_NOT_FOUND) {
        ks_logout(a, T_USER_NOT_FOUND);
        return;
    }
    if (r->err) {
        ks_reply_error(a, r);
        return;
    }
    ks_queue_reply qr;
    ks_parse_queue(r->result, &qr);
    if (tag != TAG_JOIN)
        qr.token[0] = 0; /* only a join hands out a token */
    ks_queue_answer(s, &qr, clock_mono_ms());
    note_prequeue(q, qr.prequeue, qr.position, qr.opens_in_s);
    if (qr.active) {
        ks_go_dates(a);
        return;
    }
    int64_t pos = qr.position, eta = qr.eta_s;
    q->waiting = true;
    set_position(q, pos);
    set_eta(q, eta);
    if (pos > 0) /* the pace behind the server's estimate, until an event says */
        q->ms_per_place = eta * 1000 / pos;
}

/* The wait for our place at the server's pace. A server older than
 * ms_per_place gave only its admission rate, which ignores full capacity. */
static void estimate(queue_st *q)
{
    int64_t fresh;
    if (q->ms_per_place > 0)
        fresh = (q->position * q->ms_per_place + 999) / 1000;
    else if (q->admit_per_min > 0)
        fresh = (q->position * 60 + q->admit_per_min - 1) / q->admit_per_min;
    else
        return;
    int64_t shown = ks_eta_shown(q->eta_s, clock_mono_ms() - q->eta_since_ms, q->position,
                                 q->ms_per_place);
    if (ks_eta_take(fresh, shown, q->eta_since_ms && q->position == q->eta_position))
        set_eta(q, fresh);
}

static void queue_event(app *a, void *st, const char *topic, const cJSON *body)
{
    queue_st *q = st;
    if (strcmp(topic, "queue") != 0)
        return;
    ks_queue_event ev;
    ks_parse_queue_event(body, &ev);
    q->last_event_ms = clock_mono_ms();
    q->paused = ev.paused;
    if (ev.admit_per_min >= 0)
        q->admit_per_min = ev.admit_per_min;
    if (ev.ms_per_place >= 0)
        q->ms_per_place = ev.ms_per_place;
    bool pre = ev.prequeue;
    if (q->waiting && q->prequeue && !pre) { /* drawn: learn our place */
        q->prequeue = false;
        ask(a, q);
        return;
    }
    if (q->prequeue) { /* no place yet: admitted_seq says nothing about us */
        note_prequeue(q, pre, ev.pre_count, ev.opens_in_s);
        return;
    }
    if (!q->waiting || !ev.has_admitted)
        return;
    int64_t est = ks(a)->queue_seq - ev.admitted_seq;
    if (est <= 0) { /* the line has reached us: confirm and go */
        ask(a, q);
        return;
    }
    if (q->position == 0 || est < q->position)
        set_position(q, est);
    estimate(q);
}

static void queue_tick(app *a, void *st, int64_t now)
{
    queue_st *q = st;
    if (app_top_state(a) != st)
        return;
    if (now - q->last_event_ms >= QUEUE_QUIET_MS && now - q->last_ask_ms >= QUEUE_QUIET_MS)
        ask(a, q);
}

static void queue_resync(app *a, void *st, int64_t date_id)
{
    if (date_id == 0)
        ask(a, st);
}

static int act_refresh(app *a, void *st, int key)
{
    ask(a, st);
    return APP_DONE;
}

static const km_binding queue_keys[] = {
    KS_KEYS_GO,
    {{'r'}, act_refresh, "r", T_H_REFRESH, KM_BAR, 0},
    KS_KEYS_LEAVE,
};

KM_TABLE_FN(queue_keys_fn, queue_keys)

/* Before the opening: when, a countdown, how many are in the draw. */
static void prequeue_draw(const queue_st *q, int y, int x, int iw, int lw)
{
    char line[256], t[32];
    int64_t left = q->opens_in_s - (clock_mono_ms() - q->opens_since_ms) / 1000;
    ks_prequeue_text(line, sizeof line, clock_wall_ms(), left > 0 ? left : 0);
    wg_text(y + 3, x + 3, iw, line, WG_HEAD);
    wg_text(y + 5, x + 3, lw, tx(T_QUEUE_PRE_IN), WG_NORMAL);
    if (left > 0)
        wg_mmss(t, left);
    wg_text(y + 5, x + 3 + lw, iw - lw, left > 0 ? t : tx(T_QUEUE_PRE_DRAWING), WG_HEAD);
    wg_text(y + 6, x + 3, lw, tx(T_QUEUE_PRE_COUNT), WG_NORMAL);
    snprintf(line, sizeof line, "%lld", (long long)q->pre_count);
    wg_text(y + 6, x + 3 + lw, iw - lw, line, WG_NORMAL);
    wg_text(y + 10, x + 3, iw, tx(T_QUEUE_KEEP), WG_DIM);
}

static void queue_draw(app *a, void *st, const wg_rect *r)
{
    queue_st *q = st;
    char line[256], t[32];
    int bw = r->w - 4 < 64 ? r->w - 4 : 64, bh = 13;
    int y = r->y + (r->h - bh) / 2, x = r->x + (r->w - bw) / 2, iw = bw - 6;
    wg_box(y, x, bh, bw, tx(T_QUEUE_TITLE));
    /* Without a name, only the start of the member id: the whole id is the
     * member's credential, and a kiosk screen is read over shoulders. */
    char shown[16];
    snprintf(shown, sizeof shown, "%.8s...", ks(a)->user_id);
    snprintf(line, sizeof(line), tx(T_HELLO), ks(a)->name[0] ? ks(a)->name : shown);
    wg_text(y + 1, x + 3, iw, line, WG_HEAD);
    if (!q->waiting) {
        wg_text(y + 3, x + 3, iw, tx(T_QUEUE_JOINING), WG_DIM);
        return;
    }
    int lw = 20;
    if (q->prequeue) {
        prequeue_draw(q, y, x, iw, lw);
        return;
    }
    wg_text(y + 3, x + 3, lw, tx(T_QUEUE_PLACE), WG_NORMAL);
    snprintf(line, sizeof(line), "%lld", (long long)q->position);
    wg_text(y + 3, x + 3 + lw, iw - lw, line, WG_HEAD);
    wg_text(y + 4, x + 3, lw, tx(T_QUEUE_AHEAD), WG_NORMAL);
    snprintf(line, sizeof(line), "%lld", (long long)(q->position > 0 ? q->position - 1 : 0));
    wg_text(y + 4, x + 3 + lw, iw - lw, line, WG_NORMAL);
    wg_text(y + 5, x + 3, lw, tx(T_QUEUE_ETA), WG_NORMAL);
    int64_t eta = ks_eta_shown(q->eta_s, clock_mono_ms() - q->eta_since_ms, q->position,
                               q->ms_per_place);
    if (q->paused) /* nobody is admitted while paused: no estimate to give */
        snprintf(t, sizeof t, "--:--");
    else if (eta == 0) /* counted down, still waiting: the next slot is ours */
        snprintf(t, sizeof t, "%s", tx(T_QUEUE_SOON));
    else
        wg_mmss(t, eta);
    wg_text(y + 5, x + 3 + lw, iw - lw, t, WG_NORMAL);
    double done = q->first_position > 0 ? 1.0 - (double)q->position / (double)q->first_position : 0;
    wg_progress(y + 7, x + 3, iw, done, WG_GOOD);
    if (q->paused)
        wg_text(y + 9, x + 3, iw, tx(T_QUEUE_PAUSED), WG_WARN);
    wg_text(y + 10, x + 3, iw, tx(T_QUEUE_KEEP), WG_DIM);
}

const app_screen_ops ks_queue_ops = {
    .name = "queue",
    .enter = queue_enter,
    .keys = queue_keys_fn,
    .event = queue_event,
    .reply = queue_reply,
    .tick = queue_tick,
    .resync = queue_resync,
    .draw = queue_draw,
    .free = free,
    .about = T_AB_QUEUE,
};
