/* tui/console/console_queue.c -- the dashboard's queue panel and its actions: pause
 * or resume, set max_active, set admit_per_min, set or clear a pre-queue's
 * opening (all admin.queue.set). */
#include <stdio.h>
#include <time.h>

#include "common/json.h"
#include "common/rpc.h"
#include "common/util.h"
#include "tui/console/console_int.h"
#include "tui/console/console_forms.h"
#include "tui/ui/widgets.h"

#define QUEUE_SET_MAX RPC_QUEUE_SETTING_MAX

static void queue_set(app *a, void *owner, const char *name, int64_t v, bool is_bool)
{
    cJSON *p = cJSON_CreateObject();
    if (is_bool)
        cJSON_AddBoolToObject(p, name, v != 0);
    else
        jv_add_int(p, name, v);
    app_call(a, owner, "admin.queue.set", p, ADM_TAG_QUEUE);
}

int adm_queue_pause(app *a, void *st, int key)
{
    /* Toggles what the console last saw; the reply says what the server did. */
    queue_set(a, st, "paused", !adm_get(a)->m.q.paused, true);
    return APP_DONE;
}

static void max_answer(app *a, void *owner, int64_t ctx, int64_t v)
{
    queue_set(a, owner, "max_active", v, false);
}

static void rate_answer(app *a, void *owner, int64_t ctx, int64_t v)
{
    queue_set(a, owner, "admit_per_min", v, false);
}

int adm_queue_max(app *a, void *st, int key)
{
    adm_ask_number(a, st, &adm_dash_ops, tx(A_P_MAXACT), 1, QUEUE_SET_MAX, 0, max_answer);
    return APP_DONE;
}

int adm_queue_rate(app *a, void *st, int key)
{
    adm_ask_number(a, st, &adm_dash_ops, tx(A_P_RATE), 1, QUEUE_SET_MAX, 0, rate_answer);
    return APP_DONE;
}

/* An RFC 3339 time as "12-24 19:00 KST" in the server's zone (as is if odd). */
static void local_time(const char *rfc, char *out, size_t n)
{
    tx_when(out, n, rfc, NULL, "%m-%d %H:%M %Z");
}

static const char *opens_check(const char *text)
{
    int64_t ms;
    switch (adm_opens_parse(text, tx_zone(), clock_wall_ms(), &ms)) {
    case ADM_OPENS_FORMAT: return tx(A_P_OPENS_FORMAT);
    case ADM_OPENS_PAST: return tx(A_P_OPENS_PAST);
    case ADM_OPENS_FAR: return tx(A_P_OPENS_FAR);
    default: return NULL;
    }
}

static void opens_send(app *a, void *owner, const char *text)
{
    int64_t ms = 0;
    char at[40];
    cJSON *p = cJSON_CreateObject();
    if (adm_opens_parse(text, tx_zone(), clock_wall_ms(), &ms) == ADM_OPENS_SET) {
        time_format(ms, at, sizeof at);
        cJSON_AddStringToObject(p, "opens_at", at);
    } else {
        cJSON_AddNullToObject(p, "opens_at"); /* checked: this is "-" */
    }
    app_call(a, owner, "admin.queue.set", p, ADM_TAG_OPENS);
}

int adm_queue_opens(app *a, void *st, int key)
{
    adm_ask_text(a, st, &adm_dash_ops, tx(A_P_OPENS), opens_check, opens_send);
    return APP_DONE;
}

static void opens_reply(app *a, const app_reply *r)
{
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(r->result, "opens_at");
    char shown[40];
    if (cJSON_IsString(at)) {
        local_time(at->valuestring, shown, sizeof shown);
        adm_ok(a, tx(A_R_OPENS), shown);
    } else {
        adm_ok(a, "%s", tx(A_R_OPENS_NONE));
    }
}

bool adm_queue_reply(app *a, int tag, const app_reply *r)
{
    if (tag != ADM_TAG_QUEUE && tag != ADM_TAG_OPENS)
        return false;
    if (r->err || !r->result) {
        adm_fail(a, "admin.queue.set", r);
        return true;
    }
    if (tag == ADM_TAG_OPENS) {
        opens_reply(a, r);
        adm_dash_poll_now(a);
        return true;
    }
    adm_queue_info *q = &adm_get(a)->m.q;
    bool paused = q->paused;
    jv_get_bool(r->result, "paused", &paused);
    q->paused = paused;
    jv_get_int(r->result, "max_active", 0, JV_INT_MAX, &q->max_active);
    jv_get_int(r->result, "admit_per_min", 0, JV_INT_MAX, &q->admit_per_min);
    adm_ok(a, tx(A_R_QUEUE), tx(paused ? A_D_Q_PAUSED : A_D_Q_RUNNING), (long long)q->max_active,
           (long long)q->admit_per_min);
    adm_dash_poll_now(a);
    return true;
}

/* One row: "Queue PAUSED  waiting 3  active 2/100  admit 600/min ...". */
void adm_queue_draw(const adm_model *m, int y, int x, int w)
{
    const adm_queue_info *q = &m->q;
    char line[256];
    int hw = tx_width(tx(A_D_QUEUE)) + 1;
    wg_text(y, x, hw, tx(A_D_QUEUE), WG_HEAD);
    const char *state = tx(q->paused ? A_D_Q_PAUSED : A_D_Q_RUNNING);
    int sw = tx_width(state) + 1;
    wg_text(y, x + hw, sw, state, q->paused ? WG_BAD : WG_GOOD);
    if (q->prequeue_open) { /* what matters until the opening */
        char at[40];
        local_time(q->opens_at[0] ? q->opens_at : "?", at, sizeof at);
        snprintf(line, sizeof line, tx(A_D_Q_OPENS), at, (long long)q->prequeue);
        int pw = tx_width(tx(A_D_Q_PRE)) + 1;
        wg_text(y, x + hw + sw + 1, pw, tx(A_D_Q_PRE), WG_WARN);
        wg_text(y, x + hw + sw + 1 + pw, w - hw - sw - 1 - pw, line, WG_NORMAL);
        return;
    }
    char wait[48];
    adm_wait_text(wait, sizeof wait, q);
    snprintf(line, sizeof line, tx(A_D_Q_LINE), (long long)q->waiting, wait, (long long)q->active,
             (long long)q->max_active, (long long)q->admit_per_min, (long long)q->admitted);
    wg_text(y, x + hw + sw + 1, w - hw - sw - 1, line, WG_NORMAL);
}
