/* tui/kiosk/screen_leave.c -- "You hold 2 seats. Leave and release them?
 * y/n": asked before a leave (Esc, q) gives held seats back. A second Esc
 * from the seat map used to end the session at once, and a customer who
 * only meant "back" lost seats they had picked. The question floats over
 * the screen that asked; y leaves as before, n or Esc stays. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>

#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/widgets.h"

typedef struct {
    const app_screen_ops *under_ops; /* the screen that asked: drawn below */
    void *under;
} leave_st;

void *ks_leave_new(const app_screen_ops *under_ops, void *under)
{
    leave_st *l = calloc(1, sizeof *l);
    if (l) {
        l->under_ops = under_ops;
        l->under = under;
    }
    return l;
}

/* The question in the current language, for the count of seats held. */
void ks_leave_question(char *out, size_t n, int held)
{
    snprintf(out, n, tx(held == 1 ? T_LEAVE_ASK_ONE : T_LEAVE_ASK), held);
}

static int act_yes(app *a, void *st, int key)
{
    ks_logout(a, T_COUNT); /* resets the stack, this screen with it */
    return APP_DONE;
}

/* Every other key is swallowed: the screen below must not act on a key
 * meant as an answer. '?', F1 and F2 still reach the app. */
static int leave_key(app *a, void *st, int key)
{
    return key == '?' || key == KEY_F(1) || key == KEY_F(2) ? APP_PASS : APP_DONE;
}

static const km_binding leave_keys[] = {
    {{'y'}, act_yes, "y", T_H_LEAVE_YES, KM_BAR, 0},
    {{'n'}, app_act_pop, "n", T_H_STAY, KM_BAR, 0},
    {{27}, app_act_pop, "Esc", T_H_STAY, KM_HELP, 0},
    {{'Y'}, act_yes, "Y", T_H_LEAVE_YES, KM_HIDDEN, 0}, /* caps lock */
    {{'N'}, app_act_pop, "N", T_H_STAY, KM_HIDDEN, 0},
};

KM_TABLE_FN(leave_keys_fn, leave_keys)

static void leave_draw(app *a, void *st, const wg_rect *r)
{
    leave_st *l = st;
    char q[256];
    if (l->under_ops && l->under_ops->draw)
        l->under_ops->draw(a, l->under, r);
    ks_leave_question(q, sizeof q, ks(a)->nholds);
    int w = r->w - 8 < 64 ? r->w - 8 : 64;
    int y = r->y + (r->h - 5) / 2, x = r->x + (r->w - w) / 2;
    wg_clear(y, x, 5, w);
    wg_box(y, x, 5, w, NULL);
    wg_text2(y + 2, x + 2, w - 4, q, WG_HEAD); /* two rows when it is long */
}

const app_screen_ops ks_leave_ops = {
    .name = "leave",
    .keys = leave_keys_fn,
    .key = leave_key,
    .draw = leave_draw,
    .free = free,
    .about = T_AB_LEAVE,
};
