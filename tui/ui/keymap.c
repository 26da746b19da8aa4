/* tui/ui/keymap.c -- key tables: dispatch and the hints they show. */
#include "tui/ui/keymap.h"

#include <stddef.h>

const km_binding *km_find(const km_binding *t, int n, int key)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < KM_KEYS && t[i].keys[k]; k++)
            if (t[i].keys[k] == key)
                return &t[i];
    return NULL;
}

int km_dispatch(const km_binding *t, int n, app *a, void *st, int key)
{
    const km_binding *b = km_find(t, n, key);
    return b && b->fn ? b->fn(a, st, key) : 0;
}

int km_hints(const km_binding *t, int n, bool help, wg_hint *out, int *len, int max)
{
    for (int i = 0; i < n && *len < max; i++) {
        if (t[i].show == KM_HIDDEN || (t[i].show == KM_HELP && !help) || !t[i].label)
            continue;
        out[(*len)++] = (wg_hint){t[i].label, help && t[i].help ? t[i].help : t[i].hint};
    }
    return *len;
}
