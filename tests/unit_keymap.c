/* tests/unit_keymap.c -- the key tables of every kiosk and console screen
 * (tui/ui/keymap.h) and the list widget (tui/ui/list.h), headless.
 *
 * A table must say what it does: every key a row handles is named by the
 * row's label (or the row is hidden on purpose), no key is in two rows,
 * and the app's help lists every row that is not hidden. */
#include "tests/unit_run.h"

#include <curses.h>
#include <sodium.h>
#include <string.h>

#include "tests/lib/tui_fake.h"
#include "tui/gate/gate.h"
#include "tui/console/console_int.h"
#include "tui/kiosk/kiosk.h"
#include "tui/kiosk/screens.h"
#include "tui/ui/keymap.h"
#include "tui/ui/list.h"
#include "tui/ui/text.h"

/* Does label name key? Letters and digits by themselves ("h j k l", or a
 * range "1-4"), the others by their usual names. */
static bool names(const char *label, int key)
{
    static const struct {
        int key;
        const char *name;
    } named[] = {
        {'\n', "Enter"}, {'\r', "Enter"}, {KEY_ENTER, "Enter"}, {27, "Esc"},       {' ', "Space"},
        {'\t', "Tab"},   {KEY_BTAB, "S-Tab"}, {KEY_UP, "↑"},     {KEY_DOWN, "↓"},   {KEY_LEFT, "←"},
        {KEY_RIGHT, "→"}, {KEY_PPAGE, "PgUp"}, {KEY_NPAGE, "Dn"}, {KEY_HOME, "Home"},
        {KEY_MOUSE, "mouse"},
    };
    for (size_t i = 0; i < sizeof named / sizeof *named; i++)
        if (named[i].key == key)
            return strstr(label, named[i].name) != NULL;
    if (key <= ' ' || key >= 127)
        return false;
    char buf[64];
    snprintf(buf, sizeof buf, "%s", label);
    for (char *save = NULL, *t = strtok_r(buf, " /", &save); t; t = strtok_r(NULL, " /", &save)) {
        if (strlen(t) == 1 && t[0] == key)
            return true;
        if (strlen(t) == 3 && t[1] == '-' && key >= t[0] && key <= t[2])
            return true;
    }
    return false;
}

/* The table of screen st is honest, and app a (with st on top) helps
 * with all of it. */
static void check_table(app *a, const app_screen_ops *ops, void *st)
{
    const km_binding *t = NULL;
    ck_assert_msg(ops->keys != NULL, "%s has no key table", ops->name);
    /* and a sentence on what it is for, atop the help, in both languages */
    ck_assert_msg(ops->about > 0, "%s has no sentence for the help", ops->name);
    ck_assert_str_eq(app_help_about(a), tx((tx_id)ops->about));
    tx_set_lang(TX_KO);
    ck_assert_msg(tx_width(tx((tx_id)ops->about)) > 20, "%s: no Korean sentence", ops->name);
    tx_set_lang(TX_EN);
    ck_assert_msg(tx_width(tx((tx_id)ops->about)) > 20, "%s: no sentence", ops->name);
    int n = ops->keys(st, &t);
    ck_assert_int_gt(n, 0);
    wg_hint help[64], bar[64];
    int nhelp = app_hints(a, true, help, 64, NULL), nbar = app_hints(a, false, bar, 64, NULL);
    for (int i = 0; i < n; i++) {
        ck_assert_msg(t[i].fn != NULL, "%s row %d has no action", ops->name, i);
        for (int k = 0; k < KM_KEYS && t[i].keys[k]; k++) {
            int key = t[i].keys[k];
            ck_assert_msg(km_find(t, n, key) == &t[i], "%s: key %d in two rows", ops->name, key);
            if (t[i].show != KM_HIDDEN)
                ck_assert_msg(t[i].label && names(t[i].label, key),
                              "%s: key %d handled, label \"%s\" does not say it", ops->name,
                              key, t[i].label ? t[i].label : "(none)");
        }
        if (t[i].show == KM_HIDDEN)
            continue;
        ck_assert_int_ne(t[i].hint, 0);
        bool in_help = false, in_bar = false;
        for (int h = 0; h < nhelp; h++)
            in_help = in_help || !strcmp(help[h].key, t[i].label);
        for (int h = 0; h < nbar; h++)
            in_bar = in_bar || !strcmp(bar[h].key, t[i].label);
        ck_assert_msg(in_help, "%s: \"%s\" not in the help", ops->name, t[i].label);
        ck_assert_msg(in_bar == (t[i].show == KM_BAR), "%s: \"%s\" %s the bar", ops->name,
                      t[i].label, in_bar ? "on" : "not on");
    }
}

static ks_session S;
static adm_console C;

static app *on(bool console, const app_screen_ops *ops, void *st)
{
    app *a = tf_app_new(&(app_config){.title = "t"});
    app_set_model(a, console ? (void *)&C : (void *)&S);
    app_push(a, ops, st);
    app_settle(a);
    check_table(a, ops, app_top_state(a));
    return a;
}

static void setup(void)
{
    ck_assert_int_ge(sodium_init(), 0);
    tx_set_lang(TX_EN);
    memset(&S, 0, sizeof S);
    memset(&C, 0, sizeof C);
    adm_model_init(&C.m);
    snprintf(S.user_id, sizeof S.user_id, "5b0c3c0e-8a4e-4c1e-9a8e-2f7d2d1f4a10");
    snprintf(S.token, sizeof S.token, "tok");
}

START_TEST(kiosk_tables)
{
    app *a = on(false, &ks_welcome_ops, ks_welcome_new());
    app_key(a, '\t'); /* register: another table */
    check_table(a, &ks_welcome_ops, app_top_state(a));
    app_free(a);
    app_free(on(false, &ks_queue_ops, ks_queue_new()));
    app_free(on(false, &ks_dates_ops, ks_dates_new()));
    app_free(on(false, &ks_seats_ops, ks_seats_new(1)));
    app_free(on(false, &ks_checkout_ops, ks_checkout_new()));
    a = on(false, &ks_wallet_ops, ks_wallet_new(false));
    app_key(a, 'c'); /* typing an amount: another table */
    check_table(a, &ks_wallet_ops, app_top_state(a));
    app_free(a);
    app_free(on(false, &ks_history_ops, ks_history_new()));
    ks_ticket t[2] = {{.booking_id = 1, .code = "TK-1"}, {.booking_id = 2, .code = "TK-2"}};
    app_free(on(false, &ks_ticket_ops, ks_ticket_new(t, 1)));
    app_free(on(false, &ks_ticket_ops, ks_ticket_new(t, 2)));
    app_free(on(false, &ks_leave_ops, ks_leave_new(NULL, NULL)));
}
END_TEST

START_TEST(gate_table)
{
    app_free(on(false, &gt_screen_ops, gt_screen_new(&(gt_options){"North", 1})));
}
END_TEST

static void no_answer(app *a, void *owner, int64_t ctx, int64_t answer) {}

START_TEST(console_tables)
{
    app_free(on(true, &adm_dash_ops, adm_dash_new()));
    app_free(on(true, &adm_seats_ops, adm_seats_new(1)));
    app_free(on(true, &adm_audit_ops, adm_audit_new()));
    app_free(on(true, &adm_start_ops, adm_start_new()));
    app_free(on(true, &adm_cash_ops, adm_cash_new()));
    app_free(on(true, &adm_report_ops, adm_report_new(true)));
    app *a = on(true, &adm_form_ops, adm_form_new_concert());
    adm_ask_yes(a, app_top_state(a), &adm_form_ops, "sure?", 0, no_answer);
    app_settle(a);
    check_table(a, &adm_ask_ops, app_top_state(a));
    app_key(a, 27);
    adm_ask_number(a, app_top_state(a), &adm_form_ops, "how many?", 1, 9, 0, no_answer);
    app_settle(a);
    check_table(a, &adm_ask_ops, app_top_state(a));
    app_free(a);
}
END_TEST

/* The seat map handled p, r and q while its hints left them out. */
START_TEST(seats_keys_in_help)
{
    app *a = on(false, &ks_seats_ops, ks_seats_new(1));
    wg_hint h[64];
    int n = app_hints(a, true, h, 64, NULL);
    const char *want[] = {"p", "r", "q", "Space", "h j k l", "?"};
    for (size_t w = 0; w < sizeof want / sizeof *want; w++) {
        bool found = false;
        for (int i = 0; i < n; i++)
            found = found || !strcmp(h[i].key, want[w]);
        ck_assert_msg(found, "\"%s\" not in the seat map's help", want[w]);
    }
    app_key(a, 'p'); /* and p does what the help says: checkout */
    ck_assert_str_eq(app_flash_text(a), tx(T_SEATS_NONE_HELD));
    app_free(a);
}
END_TEST

/* The help text a row gives instead of its hint. */
START_TEST(help_text)
{
    app *a = on(false, &ks_wallet_ops, ks_wallet_new(false));
    wg_hint h[64];
    int n = app_hints(a, true, h, 64, NULL), preset = -1;
    for (int i = 0; i < n; i++)
        if (!strcmp(h[i].key, "1-4"))
            preset = h[i].text;
    ck_assert_int_eq(preset, T_HK_PRESET);
    n = app_hints(a, false, h, 64, NULL);
    ck_assert_str_eq(h[0].key, "1-4");
    ck_assert_int_eq(h[0].text, T_H_CHARGE); /* the bar keeps the short word */
    app_free(a);
}
END_TEST

START_TEST(list_select_and_scroll)
{
    ls_list l = {0};
    ck_assert(!ls_move(&l, 1)); /* empty: nothing to select */
    ck_assert_int_eq(l.sel, 0);
    ls_set_count(&l, 10);
    ck_assert(ls_move(&l, 3));
    ck_assert_int_eq(ls_view(&l, 4), 0);
    ck_assert(ls_move(&l, 2)); /* 5: past the view, which follows */
    ck_assert_int_eq(ls_view(&l, 4), 2);
    ck_assert(ls_move(&l, -1));
    ck_assert_int_eq(l.sel, 4);
    ls_select(&l, 99);
    ck_assert_int_eq(l.sel, 9);
    ck_assert_int_eq(ls_view(&l, 4), 6);
    ck_assert(!ls_move(&l, 1)); /* at the end */
    ls_select(&l, 0);
    ck_assert_int_eq(ls_view(&l, 4), 0);
}
END_TEST

START_TEST(list_shrink_and_resize)
{
    ls_list l = {0};
    ls_set_count(&l, 20);
    ls_select(&l, 19);
    ck_assert_int_eq(ls_view(&l, 5), 15);
    ls_set_count(&l, 8); /* a shorter reply: the selection stays in the list */
    ck_assert_int_eq(l.sel, 7);
    ck_assert_int_eq(ls_view(&l, 5), 3);
    ck_assert_int_eq(ls_view(&l, 20), 0); /* a taller window: no blank tail */
    ck_assert_int_eq(ls_view(&l, 2), 6); /* a shorter one: the selection in view */
    ck_assert_int_eq(ls_view(&l, 0), 7); /* never less than a row */
}
END_TEST

static int drawn[8], ndrawn, drawn_sel;
static void row(void *ctx, int i, int y, bool sel)
{
    drawn[ndrawn++] = i * 100 + y;
    if (sel)
        drawn_sel = i;
}

START_TEST(list_draw)
{
    ls_list l = {0};
    ls_set_count(&l, 6);
    ls_select(&l, 4);
    ndrawn = 0;
    ls_draw(&l, 10, 3, row, NULL);
    ck_assert_int_eq(ndrawn, 3);
    ck_assert_int_eq(drawn[0], 210); /* rows 2..4 on lines 10..12 */
    ck_assert_int_eq(drawn[2], 412);
    ck_assert_int_eq(drawn_sel, 4);
}
END_TEST

int main(void)
{
    const TTest *const keys[] = {kiosk_tables, console_tables, gate_table, seats_keys_in_help,
                                  help_text};
    const TTest *const list[] = {list_select_and_scroll, list_shrink_and_resize, list_draw};
    Suite *s = suite_create("keymap");
    tcase_add_checked_fixture(ur_tcase(s, "keys", 0, keys, UR_LEN(keys)), setup, NULL);
    ur_tcase(s, "list", 0, list, UR_LEN(list));
    return ur_run(s);
}
