/* tests/unit_console_util.h -- what the console's headless suites share
 * (unit_console, unit_console_staff, unit_console_edges): one app with the
 * test fake's outbox, the console's state, typing, and finding calls. */
#ifndef TK_TEST_UNIT_CONSOLE_UTIL_H
#define TK_TEST_UNIT_CONSOLE_UTIL_H

#include <check.h>
#include <string.h>

#include "tests/lib/tui_fake.h"
#include "tui/console/console_int.h"
#include "tui/ui/text.h"

static app *A;
static adm_console C;

/* A fresh console app in English, signed in as role (the suites add what
 * their screens need). */
static __attribute__((unused)) void uc_open(int role)
{
    tx_set_lang(TX_EN);
    A = tf_app_new(&(app_config){.title = "console"});
    memset(&C, 0, sizeof C);
    adm_model_init(&C.m);
    C.role = role;
    app_set_model(A, &C);
}

static __attribute__((unused)) void teardown(void) { app_free(A); }

static __attribute__((unused)) void type(const char *s)
{
    while (*s)
        app_key(A, (unsigned char)*s++);
}

/* The newest unanswered call to method (fails the test when none). */
static __attribute__((unused)) const tf_sent *call_of(const char *method)
{
    const tf_sent *s = tf_find(A, method);
    ck_assert_msg(s != NULL, "no %s call", method);
    return s;
}

/* How many calls to method wait for an answer. */
static __attribute__((unused)) int pending(const char *method)
{
    const tf_sent *o;
    int n = tf_outbox(A, &o), k = 0;
    for (int i = 0; i < n; i++)
        k += !strcmp(o[i].method, method);
    return k;
}

#endif
