/* tui/ui/keymap.h -- key bindings for both clients (prefix km_).
 *
 * A screen declares its keys in one table (htop's Action.c style): one row
 * per action with its keys, the action, how the keys are shown, the hint
 * bar's word and the '?' overlay's text. The app's key handler, the hint
 * bar and the help are all read from the same rows, so they cannot
 * disagree: a key a screen handles is in a row that is shown (on the bar,
 * or only in the help), or in a row marked hidden on purpose (mouse
 * clicks, the caps-lock twin of a letter). tests/unit_keymap.c checks
 * every table for that. */
#ifndef TK_KEYMAP_H
#define TK_KEYMAP_H

#include <stdbool.h>

#include "tui/ui/widgets.h"

typedef struct app app;

#define KM_KEYS 6
typedef int (*km_action)(app *a, void *st, int key); /* APP_DONE or APP_PASS */

typedef enum {
    KM_BAR,    /* on the hint bar (when it fits) and in the help */
    KM_HELP,   /* only in the help: aliases, rarer keys */
    KM_HIDDEN, /* nowhere, on purpose */
} km_show;

typedef struct {
    int keys[KM_KEYS];   /* 0-terminated when shorter */
    km_action fn;
    const char *label;   /* the keys as shown: "Enter", "↑↓", "1-4" */
    int hint;            /* tx id: the bar's word */
    km_show show;
    int help;            /* tx id for the help overlay; 0: the hint's */
} km_binding;

#define KM_COUNT(t) ((int)(sizeof(t) / sizeof *(t)))
/* A screen's keys() for a table that does not depend on its state. */
#define KM_TABLE_FN(fn, t)                                  \
    static int fn(void *st, const km_binding **out)         \
    {                                                       \
        *out = (t);                                         \
        return KM_COUNT(t);                                 \
    }

/* The row that has key, or NULL. */
const km_binding *km_find(const km_binding *t, int n, int key);
/* Runs the action of the row that has key; APP_PASS (0) when none. */
int km_dispatch(const km_binding *t, int n, app *a, void *st, int key);
/* Appends the rows shown on the bar (help: also the help-only rows, with
 * their help text) to out[*n..max); returns the new *n. */
int km_hints(const km_binding *t, int n, bool help, wg_hint *out, int *len, int max);

#endif
