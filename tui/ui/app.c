/* tui/ui/app.c -- the loop, the screen stack, calls routed back to screens. */
#include "tui/ui/app.h"

#include <curses.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

#define APP_MAX_DEPTH 16
#define APP_MAX_OPS 8
#define APP_TICK_MS 250
#define APP_FLASH_MS 15000
#define APP_IDLE_WARN_MS 15000 /* "Still there?" this long before an idle reset */

typedef struct {
    const app_screen_ops *ops;
    void *st;
    uint64_t uid;
} app_entry;

typedef struct {
    int64_t call_id;
    uint64_t uid;
    int tag;
} app_pend;

enum { OP_PUSH, OP_POP, OP_REPLACE, OP_RESET };

struct app {
    const app_link *link;
    void *link_ctx;
    app_config cfg;
    void *model;
    void (*on_idle)(app *a);
    bool (*idle_warn)(app *a); /* NULL: always warn */
    bool warning;              /* the idle countdown is shown */
    void (*on_lang)(app *a); /* set: F2 switches the language */
    app_entry stack[APP_MAX_DEPTH];
    int depth;
    struct {
        int kind;
        const app_screen_ops *ops;
        void *st;
    } ops[APP_MAX_OPS];
    int nops;
    uint64_t next_uid;
    app_pend *pend;
    int npend, cappend;
    char flash[512];
    int64_t flash_until;
    bool help, quit, online, curses, ever_online;
    int64_t last_key_ms, last_tick_ms;
    int my, mx;
    bool mvalid;
    int nest; /* handler depth: stack changes wait for the outermost */
};

static int64_t app_now(void) { return clock_mono_ms(); }

app *app_new(const app_config *cfg)
{
    app *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    if (cfg)
        a->cfg = *cfg;
    if (!a->cfg.title)
        a->cfg.title = "ticketd";
    if (a->cfg.idle_s <= 0)
        a->cfg.idle_s = 90;
    a->last_key_ms = a->last_tick_ms = app_now();
    return a;
}

static void entry_free(app_entry *e)
{
    if (e->ops && e->ops->free)
        e->ops->free(e->st);
    e->ops = NULL;
    e->st = NULL;
}

void app_free(app *a)
{
    if (!a)
        return;
    for (int i = 0; i < a->nops; i++)
        if (a->ops[i].ops && a->ops[i].ops->free)
            a->ops[i].ops->free(a->ops[i].st);
    while (a->depth > 0)
        entry_free(&a->stack[--a->depth]);
    if (a->link && a->link->release)
        a->link->release(a->link_ctx);
    free(a->pend);
    free(a);
}

void app_set_link(app *a, const app_link *ops, void *ctx)
{
    a->link = ops;
    a->link_ctx = ctx;
}

void *app_link_ctx(app *a) { return a->link_ctx; }
const app_config *app_cfg(app *a) { return &a->cfg; }
void app_set_title(app *a, const char *title) { a->cfg.title = title ? title : "ticketd"; }

void app_set_model(app *a, void *model) { a->model = model; }
void *app_model(app *a) { return a->model; }
void app_on_idle(app *a, void (*fn)(app *a)) { a->on_idle = fn; }
void app_idle_warn(app *a, bool (*fn)(app *a)) { a->idle_warn = fn; }

int app_idle_left(app *a)
{
    if (!a->warning)
        return -1;
    int64_t left = a->last_key_ms + (int64_t)a->cfg.idle_s * 1000 - a->last_tick_ms;
    return left <= 0 ? 0 : (int)((left + 999) / 1000);
}
void app_on_lang(app *a, void (*fn)(app *a)) { a->on_lang = fn; }
int app_depth(app *a) { return a->depth; }
const app_screen_ops *app_top_ops(app *a) { return a->depth ? a->stack[a->depth - 1].ops : NULL; }
void *app_top_state(app *a) { return a->depth ? a->stack[a->depth - 1].st : NULL; }
bool app_online(app *a) { return a->online; }
bool app_help_open(app *a) { return a->help; }
void app_quit(app *a) { a->quit = a->quit || !a->cfg.kiosk; }
bool app_quitting(app *a) { return a->quit; }

void *app_find(app *a, const app_screen_ops *ops)
{
    for (int i = a->depth - 1; i >= 0; i--)
        if (a->stack[i].ops == ops)
            return a->stack[i].st;
    return NULL;
}

bool app_mouse(app *a, int *y, int *x)
{
    *y = a->my;
    *x = a->mx;
    return a->mvalid;
}

void app_flash(app *a, const char *text)
{
    snprintf(a->flash, sizeof(a->flash), "%s", text ? text : "");
    a->flash_until = app_now() + APP_FLASH_MS;
}

const char *app_flash_text(app *a) { return a->flash; }
const char *app_flash_live(app *a) { return a->flash[0] && app_now() < a->flash_until ? a->flash : ""; }

/* ---- stack ---- */

static void app_op(app *a, int kind, const app_screen_ops *ops, void *st)
{
    if (a->nops == APP_MAX_OPS) {
        if (ops && ops->free)
            ops->free(st);
        return;
    }
    a->ops[a->nops].kind = kind;
    a->ops[a->nops].ops = ops;
    a->ops[a->nops].st = st;
    a->nops++;
}

void app_push(app *a, const app_screen_ops *ops, void *st) { app_op(a, OP_PUSH, ops, st); }
void app_pop(app *a) { app_op(a, OP_POP, NULL, NULL); }

int app_act_pop(app *a, void *st, int key)
{
    app_pop(a);
    return APP_DONE;
}
void app_replace(app *a, const app_screen_ops *ops, void *st) { app_op(a, OP_REPLACE, ops, st); }
void app_reset(app *a, const app_screen_ops *ops, void *st) { app_op(a, OP_RESET, ops, st); }

static void top_call(app *a, bool enter)
{
    if (a->depth == 0)
        return;
    app_entry *e = &a->stack[a->depth - 1];
    void (*fn)(app *, void *) = enter ? e->ops->enter : e->ops->leave;
    if (fn)
        fn(a, e->st);
}

static void apply_op(app *a, int kind, const app_screen_ops *ops, void *st)
{
    if (kind == OP_PUSH && a->depth == APP_MAX_DEPTH) {
        if (ops->free)
            ops->free(st);
        return;
    }
    top_call(a, false);
    if (kind == OP_POP || kind == OP_REPLACE) {
        if (a->depth > 0)
            entry_free(&a->stack[--a->depth]);
    } else if (kind == OP_RESET) {
        while (a->depth > 0)
            entry_free(&a->stack[--a->depth]);
    }
    if (kind != OP_POP)
        a->stack[a->depth++] = (app_entry){ops, st, ++a->next_uid};
    a->help = false;
    top_call(a, true);
}

void app_settle(app *a)
{
    if (a->nest > 0)
        return;
    /* enter() may ask for more changes; a bound keeps a bad screen from
     * spinning the loop forever. */
    for (int round = 0; a->nops > 0 && round < 32; round++) {
        int kind = a->ops[0].kind;
        const app_screen_ops *ops = a->ops[0].ops;
        void *st = a->ops[0].st;
        memmove(&a->ops[0], &a->ops[1], (size_t)(a->nops - 1) * sizeof(a->ops[0]));
        a->nops--;
        apply_op(a, kind, ops, st);
    }
}

static app_entry *entry_of_state(app *a, void *st)
{
    for (int i = a->depth - 1; i >= 0; i--)
        if (a->stack[i].st == st)
            return &a->stack[i];
    return NULL;
}

static app_entry *entry_of_uid(app *a, uint64_t uid)
{
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i].uid == uid)
            return &a->stack[i];
    return NULL;
}

/* ---- calls ---- */

static void pend_add(app *a, int64_t id, uint64_t uid, int tag)
{
    if (a->npend == a->cappend) {
        int cap = a->cappend ? a->cappend * 2 : 16;
        app_pend *p = realloc(a->pend, (size_t)cap * sizeof(*p));
        if (!p)
            return;
        a->pend = p;
        a->cappend = cap;
    }
    a->pend[a->npend++] = (app_pend){id, uid, tag};
}

void app_deliver_reply(app *a, const app_reply *r)
{
    for (int i = 0; i < a->npend; i++) {
        if (a->pend[i].call_id != r->call_id)
            continue;
        app_pend p = a->pend[i];
        a->pend[i] = a->pend[--a->npend];
        app_entry *e = entry_of_uid(a, p.uid);
        a->nest++;
        if (e && e->ops->reply)
            e->ops->reply(a, e->st, p.tag, r);
        a->nest--;
        break;
    }
    app_settle(a);
}

static int64_t app_send(app *a, const char *method, cJSON *params)
{
    if (a->link && a->link->call)
        return a->link->call(a->link_ctx, method, params);
    cJSON_Delete(params);
    return -1;
}

int64_t app_call(app *a, void *st, const char *method, cJSON *params, int tag)
{
    app_entry *e = entry_of_state(a, st);
    int64_t id = app_send(a, method, params);
    if (id > 0 && e)
        pend_add(a, id, e->uid, tag);
    return id;
}

void app_call_quiet(app *a, const char *method, cJSON *params) { app_send(a, method, params); }

void app_subscribe(app *a, const char *topic)
{
    if (a->link && a->link->subscribe)
        a->link->subscribe(a->link_ctx, topic, true);
}

void app_unsubscribe(app *a, const char *topic)
{
    if (a->link && a->link->subscribe)
        a->link->subscribe(a->link_ctx, topic, false);
}

void app_seq_pending(app *a, int64_t date_id)
{
    if (a->link && a->link->seq_pending)
        a->link->seq_pending(a->link_ctx, date_id);
}

void app_seq_reset(app *a, int64_t date_id, int64_t seq)
{
    if (a->link && a->link->seq_reset)
        a->link->seq_reset(a->link_ctx, date_id, seq);
}

void app_seq_forget(app *a, int64_t date_id)
{
    if (a->link && a->link->seq_forget)
        a->link->seq_forget(a->link_ctx, date_id);
}

/* ---- deliveries from the link ---- */

void app_deliver_event(app *a, const char *topic, const cJSON *body)
{
    a->nest++;
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i].ops->event)
            a->stack[i].ops->event(a, a->stack[i].st, topic, body);
    a->nest--;
    app_settle(a);
}

void app_deliver_resync(app *a, int64_t date_id)
{
    a->nest++;
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i].ops->resync)
            a->stack[i].ops->resync(a, a->stack[i].st, date_id);
    a->nest--;
    app_settle(a);
}

void app_set_online(app *a, bool online)
{
    bool was = a->online;
    a->online = online;
    if (online && !was && a->ever_online) {
        app_flash(a, tx(T_BACK_ONLINE));
        app_deliver_resync(a, 0); /* whatever we show may have moved meanwhile */
    }
    a->ever_online = a->ever_online || online;
}

void app_tick(app *a, int64_t now)
{
    a->last_tick_ms = now;
    int64_t idle_ms = (int64_t)a->cfg.idle_s * 1000, quiet = now - a->last_key_ms;
    if (a->cfg.kiosk && a->on_idle && quiet >= idle_ms) {
        a->last_key_ms = now;
        a->warning = false;
        a->on_idle(a);
        app_settle(a);
    } else if (a->cfg.kiosk && a->on_idle && !a->warning && quiet >= idle_ms - APP_IDLE_WARN_MS) {
        /* A reset out of the blue loses a customer who was only reading:
         * count down on screen first, where waiting is not the point. */
        a->warning = !a->idle_warn || a->idle_warn(a);
    }
    a->nest++;
    for (int i = 0; i < a->depth; i++)
        if (a->stack[i].ops->tick)
            a->stack[i].ops->tick(a, a->stack[i].st, now);
    a->nest--;
    app_settle(a);
}

/* ---- keys ---- */

static int act_help(app *a, void *st, int key)
{
    a->help = true;
    return APP_DONE;
}

static int act_lang(app *a, void *st, int key)
{
    if (!a->on_lang)
        return APP_PASS;
    tx_set_lang(tx_get_lang() == TX_KO ? TX_EN : TX_KO);
    a->on_lang(a);
    return APP_DONE;
}

static int act_quit(app *a, void *st, int key)
{
    app_quit(a);
    return APP_DONE;
}

/* The app's own keys, after the screen's. F2 is named in the language it
 * switches to; the bar shows it when the screen's hints leave room. */
enum { APP_KEY_LANG, APP_KEY_HELP, APP_KEY_QUIT, APP_NKEYS };
static const km_binding app_keys[APP_NKEYS] = {
    [APP_KEY_LANG] = {{KEY_F(2)}, act_lang, "F2", T_H_LANG, KM_BAR, 0},
    [APP_KEY_HELP] = {{'?', KEY_F(1)}, act_help, "?", T_H_HELP, KM_BAR, 0},
    [APP_KEY_QUIT] = {{KEY_F(10), 3 /* ^C in raw mode */}, act_quit, "F10", T_H_QUIT, KM_BAR, 0},
};

/* F2 only with a language hook; F10 not in kiosk mode (it would do
 * nothing there). F1 and ^C are shown as "?" and "F10". */
static bool app_key_on(app *a, int i)
{
    return (i != APP_KEY_LANG || a->on_lang) && (i != APP_KEY_QUIT || !a->cfg.kiosk);
}

static int app_screen_keys(app_entry *e, const km_binding **t)
{
    *t = NULL;
    return e && e->ops->keys ? e->ops->keys(e->st, t) : 0;
}

void app_key(app *a, int key)
{
    a->last_key_ms = app_now();
    if (key == KEY_RESIZE || key == 12 /* ^L */) {
        if (a->curses)
            clearok(curscr, TRUE);
        return;
    }
    if (a->curses && (LINES < WG_MIN_H || COLS < WG_MIN_W)) {
        /* nothing to see: act on no key but quitting (outside kiosk mode) */
        if (key == KEY_F(10) || key == 3)
            app_quit(a);
        return;
    }
    if (a->warning) { /* "Still there?": the key is the answer, nothing more */
        a->warning = false;
        return;
    }
    a->flash[0] = 0; /* a key acknowledges the last message */
    if (a->help) { /* any key closes the overlay */
        a->help = false;
        return;
    }
    app_entry *e = a->depth ? &a->stack[a->depth - 1] : NULL;
    const km_binding *t;
    int n = app_screen_keys(e, &t);
    a->nest++;
    int done = e ? km_dispatch(t, n, a, e->st, key) : APP_PASS;
    if (done == APP_PASS && e && e->ops->key)
        done = e->ops->key(a, e->st, key);
    a->nest--;
    for (int i = 0; done == APP_PASS && i < APP_NKEYS; i++)
        if (app_key_on(a, i) && km_find(&app_keys[i], 1, key))
            done = app_keys[i].fn(a, NULL, key);
    a->mvalid = false;
    app_settle(a);
}

/* ---- drawing ---- */

const char *app_help_about(app *a)
{
    const app_screen_ops *o = app_top_ops(a);
    return o && o->about ? tx((tx_id)o->about) : "";
}

int app_hints(app *a, bool help, wg_hint *out, int max, int *keep)
{
    int n = 0, first;
    const km_binding *t;
    int nt = app_screen_keys(a->depth ? &a->stack[a->depth - 1] : NULL, &t);
    km_hints(t, nt, help, out, &n, max - APP_NKEYS);
    if (app_key_on(a, APP_KEY_LANG))
        km_hints(&app_keys[APP_KEY_LANG], 1, help, out, &n, max);
    first = n;
    for (int i = APP_KEY_HELP; i < APP_NKEYS; i++)
        if (app_key_on(a, i))
            km_hints(&app_keys[i], 1, help, out, &n, max);
    if (keep)
        *keep = n - first;
    return n;
}

/* The idle countdown, boxed in the middle over whatever is shown. */
static void app_draw_idle(app *a, const wg_rect *r)
{
    char line[160];
    int w = r->w - 8 < 60 ? r->w - 8 : 60;
    int y = r->y + (r->h - 5) / 2, x = r->x + (r->w - w) / 2;
    wg_clear(y, x, 5, w);
    wg_box(y, x, 5, w, NULL);
    wg_center(y + 1, x + 1, w - 2, tx(T_IDLE_ASK), WG_HEAD);
    snprintf(line, sizeof line, tx(T_IDLE_LEFT), app_idle_left(a));
    wg_center(y + 3, x + 1, w - 2, line, WG_WARN);
}

static void app_draw(app *a)
{
    int h = LINES, w = COLS;
    if (wg_too_small(h, w)) {
        refresh();
        return;
    }
    erase();
    attron(wg_attr(WG_TITLE));
    mvhline(0, 0, ' ', w);
    attroff(wg_attr(WG_TITLE));
    wg_text(0, 1, w - 2, a->cfg.title, WG_TITLE);
    if (!a->online)
        wg_center(1, 0, w, tx(T_OFFLINE), WG_BANNER);
    wg_rect r = {2, 0, h - 4, w};
    app_entry *e = a->depth ? &a->stack[a->depth - 1] : NULL;
    if (e && e->ops->draw && r.h > 0)
        e->ops->draw(a, e->st, &r);
    if (a->flash[0] && app_now() < a->flash_until)
        wg_text2(h - 2, 1, w - 2, a->flash, WG_WARN);
    wg_hint hints[32];
    int keep, n = app_hints(a, false, hints, 32, &keep);
    wg_hintbar(h - 1, w, hints, n, keep);
    if (a->help) {
        n = app_hints(a, true, hints, 32, NULL);
        wg_help(&r, app_help_about(a), hints, n);
    }
    if (a->warning)
        app_draw_idle(a, &r);
    refresh();
}

static void app_curses_on(app *a)
{
    initscr();
    raw(); /* no key (^C, ^Z, ^\) may drop a kiosk to a shell */
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    timeout(0);
    set_escdelay(25);
    curs_set(0);
    mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED, NULL);
    mouseinterval(0);
    wg_colors_init();
    a->curses = true;
}

static void app_read_keys(app *a)
{
    int k;
    while ((k = getch()) != ERR) {
        if (k == KEY_MOUSE) {
            MEVENT ev;
            if (getmouse(&ev) != OK || !(ev.bstate & (BUTTON1_PRESSED | BUTTON1_CLICKED)))
                continue;
            app_mouse_key(a, ev.y, ev.x);
            continue;
        }
        app_key(a, k);
    }
}

int app_run(app *a)
{
    app_curses_on(a);
    app_settle(a);
    while (!a->quit) {
        app_draw(a);
        int lfd = a->link && a->link->fd ? a->link->fd(a->link_ctx) : -1;
        struct pollfd p[2] = {{.fd = 0, .events = POLLIN}, {.fd = lfd, .events = POLLIN}};
        int64_t now = app_now();
        int wait = (int)(a->last_tick_ms + APP_TICK_MS - now);
        poll(p, 2, wait < 0 ? 0 : wait);
        if (p[0].revents & (POLLHUP | POLLERR))
            break; /* terminal gone (ssh dropped): nothing to draw on */
        if (p[0].revents & POLLIN)
            app_read_keys(a);
        if (a->link && a->link->poll)
            a->link->poll(a->link_ctx);
        now = app_now();
        if (now - a->last_tick_ms >= APP_TICK_MS)
            app_tick(a, now);
    }
    endwin();
    a->curses = false;
    return 0;
}

void app_mouse_key(app *a, int y, int x)
{
    a->my = y;
    a->mx = x;
    a->mvalid = true;
    app_key(a, KEY_MOUSE);
}
