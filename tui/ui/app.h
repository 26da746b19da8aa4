/* tui/ui/app.h -- the loop and the screen stack (prefix app_).
 *
 * A screen is a state plus a table of functions (htop's Panel/ScreenManager,
 * tig's views). The app owns the stack and the states; only the top screen
 * gets keys and is drawn, but every screen on the stack gets events, ticks
 * and the replies to its own calls, so a screen that is uncovered again is
 * already current.
 *
 * Screen logic never touches curses outside draw(): key/event/reply/tick
 * are functions of (state, input) -> new state plus app_* requests. That is
 * what lets tests/unit_tui*.c drive screens headless.
 *
 * The app knows nothing of the network: a link (app_link, below) carries
 * its calls and subscriptions out, and gives replies, events, resyncs and
 * the online state back through app_deliver_*; the loop polls the link's
 * fd next to stdin. bin/kiosk links the nng client (tui/net/link.c); the
 * tests link a fake that keeps calls in an outbox (tests/lib/tui_fake.c).
 *
 * Stack changes requested from a handler (push/pop/replace/reset) are
 * applied after the handler returns, so a handler may replace its own
 * screen without pulling the state from under itself. */
#ifndef TK_APP_H
#define TK_APP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "common/errors.h"
#include "common/rpc.h"
#include "tui/ui/keymap.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

typedef struct app app;

/* A finished call (common/rpc.h), valid only during the callback. */
typedef rpc_answer app_reply;

enum { APP_PASS = 0, APP_DONE = 1 }; /* key handler: consumed or not */

typedef struct app_screen_ops {
    const char *name;
    /* Became the top screen (pushed, or uncovered by a pop). */
    void (*enter)(app *a, void *st);
    /* Stopped being the top screen (covered or about to be popped). */
    void (*leave)(app *a, void *st);
    /* The screen's key table (tui/ui/keymap.h), which may depend on its
     * state; returns the count. Keys are looked up there first. */
    int (*keys)(void *st, const km_binding **out);
    /* Keys no row has: text fields and the like (may be NULL). */
    int (*key)(app *a, void *st, int key);
    void (*event)(app *a, void *st, const char *topic, const cJSON *body);
    /* The reply to a call this screen made with app_call(.., tag). */
    void (*reply)(app *a, void *st, int tag, const app_reply *r);
    /* About 4 times a second; now is monotonic ms. */
    void (*tick)(app *a, void *st, int64_t now_ms);
    /* date_id > 0: a seq gap on seat.<date_id>; 0: back online after an
     * outage -- refetch whatever the screen shows. */
    void (*resync)(app *a, void *st, int64_t date_id);
    void (*draw)(app *a, void *st, const wg_rect *r);
    void (*free)(void *st);
    /* tx id (tui/ui/text.h): a sentence or two on what the screen is for,
     * at the top of the '?' overlay, above its keys. Every screen has one
     * (tests/unit_keymap.c checks). */
    int about;
} app_screen_ops;

typedef struct {
    const char *title;   /* left of the title bar, e.g. "ticketd kiosk" */
    bool kiosk;          /* no key quits; idle resets */
    int idle_s;          /* kiosk idle timeout (default 90) */
} app_config;

/* Does not init curses. Without a link (app_set_link) calls go nowhere. */
app *app_new(const app_config *cfg);
void app_free(app *a);

/* ---- the link: what the app needs of whatever carries its calls ---- */
typedef struct {
    /* Sends a call (takes params, may be NULL); returns its id (> 0) or
     * -1. Its answer comes back, exactly once, through app_deliver_reply. */
    int64_t (*call)(void *ctx, const char *method, cJSON *params);
    /* Topic without the trailing space ("seat.4", "queue", "sales"). */
    void (*subscribe)(void *ctx, const char *topic, bool on);
    /* Seat-stream seq bookkeeping (see tui/net/client.h): a snapshot of
     * date_id is pending; it arrived with seq; the date is no longer shown. */
    void (*seq_pending)(void *ctx, int64_t date_id);
    void (*seq_reset)(void *ctx, int64_t date_id, int64_t seq);
    void (*seq_forget)(void *ctx, int64_t date_id);
    /* Readable when poll has work (-1: nothing to poll); poll runs due
     * deliveries on the loop's thread and is called at least 4 times a
     * second. Either may be NULL. */
    int (*fd)(void *ctx);
    void (*poll)(void *ctx);
    /* app_free lets go of ctx (NULL: ctx outlives the app). */
    void (*release)(void *ctx);
} app_link;
/* ops must outlive the app; ctx is passed back to each of them. */
void app_set_link(app *a, const app_link *ops, void *ctx);
void *app_link_ctx(app *a);
/* From the link, on the loop's thread. */
void app_deliver_reply(app *a, const app_reply *r);
/* topic without the trailing space, body parsed JSON. */
void app_deliver_event(app *a, const char *topic, const cJSON *body);
/* date_id > 0: a seq gap on seat.<date_id>; 0: refetch everything. */
void app_deliver_resync(app *a, int64_t date_id);
/* Every change of the link's state; a return to online resyncs. */
void app_set_online(app *a, bool online);

const app_config *app_cfg(app *a);
/* The title bar's text from now on (e.g. after a language switch); the
 * string must outlive the app (a tx() string does). */
void app_set_title(app *a, const char *title);
/* An opaque pointer for the program's shared model (kiosk session). */
void app_set_model(app *a, void *model);
void *app_model(app *a);
/* Called in kiosk mode after idle_s without a key (on the loop thread).
 * The last 15 s of it a box counts down ("Still there? Press any key");
 * any key closes it (and does nothing else) and the wait starts over. */
void app_on_idle(app *a, void (*fn)(app *a));
/* Asked when the countdown would start; false: no countdown now (waiting
 * is the point of the screen, or there is nothing to lose), the idle
 * handler still runs at the end. NULL (the default): always count down. */
void app_idle_warn(app *a, bool (*fn)(app *a));
/* Seconds the countdown shows, or -1 when none is shown. */
int app_idle_left(app *a);
/* Makes F2 switch between Korean and English (with a hint on the bar);
 * fn runs right after each switch, to retitle and the like. */
void app_on_lang(app *a, void (*fn)(app *a));

/* Screen stack (deferred to the end of the current dispatch). The app takes
 * ownership of st and frees it with ops->free when it leaves the stack. */
void app_push(app *a, const app_screen_ops *ops, void *st);
void app_pop(app *a);
/* A key action (tui/ui/keymap.h): app_pop, for "back" and "cancel" rows. */
int app_act_pop(app *a, void *st, int key);
void app_replace(app *a, const app_screen_ops *ops, void *st);
/* Clear the whole stack, then push. */
void app_reset(app *a, const app_screen_ops *ops, void *st);
/* Apply pending stack changes now (the loop and test hooks do this). */
void app_settle(app *a);
int app_depth(app *a);
const app_screen_ops *app_top_ops(app *a);
void *app_top_state(app *a);
/* The state of the nearest screen with these ops, or NULL. */
void *app_find(app *a, const app_screen_ops *ops);

/* A call on behalf of screen st; its reply goes to ops->reply(tag) if st is
 * still on the stack. Takes ownership of params. Returns the call id. */
int64_t app_call(app *a, void *st, const char *method, cJSON *params, int tag);
/* Fire and forget (e.g. releasing holds on the way out). */
void app_call_quiet(app *a, const char *method, cJSON *params);
void app_subscribe(app *a, const char *topic);
void app_unsubscribe(app *a, const char *topic);
/* The link's seat-stream seq bookkeeping (no-ops without a link). */
void app_seq_pending(app *a, int64_t date_id);
void app_seq_reset(app *a, int64_t date_id, int64_t seq);
void app_seq_forget(app *a, int64_t date_id);

/* A message for the line above the hint bar, shown for a few seconds. */
void app_flash(app *a, const char *text);
const char *app_flash_text(app *a);
/* The message while it is still on screen, else "". */
const char *app_flash_live(app *a);
bool app_online(app *a);
void app_quit(app *a);          /* ignored in kiosk mode */
bool app_quitting(app *a);
/* Last mouse press, valid while a KEY_MOUSE is handled. */
bool app_mouse(app *a, int *y, int *x);

/* Feed one key as the loop would: the top screen's table, then its key
 * handler, then the app's own keys (?/F1 help, F2 language, F10 quit). */
void app_key(app *a, int key);
/* What the hint bar (help false) or the '?' overlay (help true) lists now:
 * the top screen's rows, then the app's own; *keep (may be NULL) is how
 * many at the end the bar always shows. Returns the count. */
int app_hints(app *a, bool help, wg_hint *out, int max, int *keep);
/* The top screen's sentence for the overlay ("" when none). */
const char *app_help_about(app *a);
/* The '?' overlay is open. */
bool app_help_open(app *a);
/* Run the loop on the terminal until app_quit; curses is set up here. */
int app_run(app *a);

/* One tick of the loop's timer (idle check, screens' tick); now is
 * monotonic ms. The loop calls it 4 times a second. */
void app_tick(app *a, int64_t now_ms);
/* A mouse press at (y, x), fed as the loop would. */
void app_mouse_key(app *a, int y, int x);

#endif
