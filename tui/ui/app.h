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
 * what lets tests/unit_tui*.c drive screens headless: an app made with a
 * NULL client records calls in an outbox instead of sending them, and the
 * test answers them with app_test_reply.
 *
 * Stack changes requested from a handler (push/pop/replace/reset) are
 * applied after the handler returns, so a handler may replace its own
 * screen without pulling the state from under itself. */
#ifndef TK_APP_H
#define TK_APP_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "tui/net/client.h"

typedef struct app app;

typedef struct {
    int y, x, h, w;
} app_rect;

/* One entry of the key-hint bar and the '?' overlay. */
typedef struct {
    const char *key;  /* "Enter", "←→", "F10" */
    int text;         /* a tx() id */
} app_hint;

enum { APP_PASS = 0, APP_DONE = 1 }; /* key handler: consumed or not */

typedef struct app_screen_ops {
    const char *name;
    /* Became the top screen (pushed, or uncovered by a pop). */
    void (*enter)(app *a, void *st);
    /* Stopped being the top screen (covered or about to be popped). */
    void (*leave)(app *a, void *st);
    int (*key)(app *a, void *st, int key);
    void (*event)(app *a, void *st, const char *topic, const cJSON *body);
    /* The reply to a call this screen made with app_call(.., tag). */
    void (*reply)(app *a, void *st, int tag, const cl_reply *r);
    /* About 4 times a second; now is monotonic ms. */
    void (*tick)(app *a, void *st, int64_t now_ms);
    /* date_id > 0: a seq gap on seat.<date_id>; 0: back online after an
     * outage -- refetch whatever the screen shows. */
    void (*resync)(app *a, void *st, int64_t date_id);
    void (*draw)(app *a, void *st, const app_rect *r);
    /* Key hints for the bar and the help overlay; returns the count. */
    int (*hints)(void *st, const app_hint **out);
    void (*free)(void *st);
} app_screen_ops;

typedef struct {
    const char *title;   /* left of the title bar, e.g. "ticketd kiosk" */
    bool kiosk;          /* no key quits; idle resets */
    int idle_s;          /* kiosk idle timeout (default 90) */
} app_config;

/* client may be NULL: headless (tests). Does not init curses. */
app *app_new(cl_client *client, const app_config *cfg);
void app_free(app *a);

cl_client *app_client(app *a);
const app_config *app_cfg(app *a);
/* The title bar's text from now on (e.g. after a language switch); the
 * string must outlive the app (a tx() string does). */
void app_set_title(app *a, const char *title);
/* An opaque pointer for the program's shared model (kiosk session). */
void app_set_model(app *a, void *model);
void *app_model(app *a);
/* Called in kiosk mode after idle_s without a key (on the loop thread). */
void app_on_idle(app *a, void (*fn)(app *a));
/* Makes F2 switch between Korean and English (with a hint on the bar);
 * fn runs right after each switch, to retitle and the like. */
void app_on_lang(app *a, void (*fn)(app *a));

/* Screen stack (deferred to the end of the current dispatch). The app takes
 * ownership of st and frees it with ops->free when it leaves the stack. */
void app_push(app *a, const app_screen_ops *ops, void *st);
void app_pop(app *a);
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
/* The client's seat-stream seq bookkeeping (no-ops headless). */
void app_seq_pending(app *a, int64_t date_id);
void app_seq_reset(app *a, int64_t date_id, int64_t seq);
void app_seq_forget(app *a, int64_t date_id);

/* A message for the line above the hint bar, shown for a few seconds. */
void app_flash(app *a, const char *text);
const char *app_flash_text(app *a);
bool app_online(app *a);
void app_quit(app *a);          /* ignored in kiosk mode */
bool app_quitting(app *a);
/* Last mouse press, valid while a KEY_MOUSE is handled. */
bool app_mouse(app *a, int *y, int *x);

/* Feed one key as the loop would (global keys first: ?, F10, resize). */
void app_key(app *a, int key);
/* Run the loop on the terminal until app_quit; curses is set up here. */
int app_run(app *a);

/* ---- test hooks (headless apps only) ---- */
typedef struct {
    int64_t id;
    char method[48];
    char *params; /* JSON text */
} app_sent;
/* Calls made so far and not yet answered, oldest first. */
int app_test_outbox(app *a, const app_sent **out);
/* The newest unanswered call to method, or NULL. */
const app_sent *app_test_find(app *a, const char *method);
/* Answer a call: result_json for success, or err (with data_json) for a
 * failure; offline=true for a timeout. */
void app_test_reply(app *a, int64_t id, const char *result_json, tk_err err, const char *data_json);
void app_test_offline(app *a, int64_t id);
void app_test_event(app *a, const char *topic, const char *body_json);
void app_test_tick(app *a, int64_t now_ms);
void app_test_set_online(app *a, bool online);
void app_test_mouse(app *a, int y, int x);

#endif
