/* tui/admin_queue.c -- the dashboard's queue panel and its actions: pause
 * or resume, set max_active, set admit_per_min (all admin.queue.set). */
#include <stdio.h>

#include "common/json.h"
#include "common/rpc.h"
#include "tui/admin.h"
#include "tui/widgets.h"

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

bool adm_queue_reply(app *a, int tag, const cl_reply *r)
{
    if (tag != ADM_TAG_QUEUE)
        return false;
    if (r->err || !r->result) {
        adm_fail(a, "admin.queue.set", r);
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
    char wait[48];
    adm_wait_text(wait, sizeof wait, q);
    snprintf(line, sizeof line, tx(A_D_Q_LINE), (long long)q->waiting, wait, (long long)q->active,
             (long long)q->max_active, (long long)q->admit_per_min, (long long)q->admitted);
    wg_text(y, x + hw + sw + 1, w - hw - sw - 1, line, WG_NORMAL);
}
