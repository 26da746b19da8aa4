/* server/api/api_dashboard.c -- admin.dashboard: every date's sales, totals,
 * the queue, the last hour per minute, request counters and latency, and
 * the server itself. */
#include <math.h>
#include <stdio.h>

#include "common/json.h"
#include "common/util.h"
#include "server/api/api_int.h"

typedef struct {
    cJSON *arr;
    int64_t free, held, sold, revenue;
} dash_acc;

static void dash_date(void *ctx, const tk_date_info *di)
{
    dash_acc *acc = ctx;
    acc->free += di->free;
    acc->held += di->held;
    acc->sold += di->sold;
    acc->revenue += di->revenue;
    cJSON_AddItemToArray(acc->arr, ar_date(di, true));
}

/* Milliseconds with three decimals: enough, and stable to print. */
static void dash_ms(cJSON *o, const char *name, double ms)
{
    cJSON_AddNumberToObject(o, name, round(ms * 1000.0) / 1000.0);
}

static void dash_requests(api_call *c, cJSON *root)
{
    stats_view v;
    stats_get(api_stats(c->a), c->now_ms, &v);
    cJSON *r = cJSON_AddObjectToObject(root, "requests");
    ar_int(r, "total", v.total);
    ar_int(r, "errors", v.errors);
    cJSON_AddNumberToObject(r, "per_s", round(v.per_s * 10.0) / 10.0);
    dash_ms(r, "p50_ms", v.p50_ms);
    dash_ms(r, "p90_ms", v.p90_ms);
    dash_ms(r, "p99_ms", v.p99_ms);
    ar_int(r, "latency_window_s", v.latency_window_s);
    cJSON *s = cJSON_AddObjectToObject(root, "server");
    ar_str(s, "version", TK_VERSION);
    ar_int(s, "uptime_s", v.uptime_s);
    ar_time(s, "now", tk_wall_ms(c->d, c->now_ms));
    tk_lead l;
    tk_lead_get(c->d, &l);
    ar_str(s, "node", l.node);
    ar_bool(s, "leader", l.leader);
    ar_int(s, "epoch", l.epoch);
    ar_time(s, "since", l.since_ms);
    cJSON *n = cJSON_AddObjectToObject(root, "connections");
    ar_int(n, "open", v.conns_open);
    ar_int(n, "refused", v.conns_refused);
    ar_int(n, "listener_restarts", v.listener_restarts);
}

/* An array of integers, as raw text (exact, like ar_int). */
static void dash_series(cJSON *o, const char *name, const int64_t *v, int n)
{
    char buf[TK_HIST_MINUTES * 21 + 3];
    size_t off = 0;
    buf[off++] = '[';
    for (int i = 0; i < n && off < sizeof buf - 24; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%lld", i ? "," : "",
                                (long long)v[i]);
    snprintf(buf + off, sizeof buf - off, "]");
    cJSON_AddRawToObject(o, name, buf);
}

static void dash_history(api_call *c, cJSON *root)
{
    tk_history h;
    tk_history_get(c->d, c->now_ms, &h);
    cJSON *o = cJSON_AddObjectToObject(root, "history");
    dash_series(o, "sold", h.sold, TK_HIST_MINUTES);
    dash_series(o, "waiting", h.waiting, TK_HIST_MINUTES);
    ar_int(o, "waiting_minutes", h.waiting_minutes);
}

tk_err api_admin_dashboard(api_call *c)
{
    cJSON *root = ar_new(c);
    dash_acc acc = {ar_array(root, "dates"), 0, 0, 0, 0};
    if (!acc.arr)
        return TK_INTERNAL;
    tk_dates_all(c->d, c->now_ms, dash_date, &acc);
    cJSON *t = cJSON_AddObjectToObject(root, "totals");
    ar_int(t, "free", acc.free);
    ar_int(t, "held", acc.held);
    ar_int(t, "sold", acc.sold);
    ar_int(t, "revenue", acc.revenue);

    tk_queue_stats q;
    tk_queue_stats_get(c->d, c->now_ms, &q);
    cJSON *qo = cJSON_AddObjectToObject(root, "queue");
    ar_int(qo, "waiting", q.waiting);
    ar_int(qo, "active", q.active);
    ar_int(qo, "admitted", q.admitted);
    ar_int(qo, "admitted_seq", (int64_t)q.admitted_seq);
    ar_queue_settings(qo, &q.settings);
    ar_int(qo, "ms_per_place", q.ms_per_place);
    if (q.settings.opens_at_ms) {
        ar_int(qo, "prequeue", q.prequeue);
        ar_int(qo, "opens_in_s", q.opens_in_s);
    }
    if (q.draw_at_ms) { /* the bench and the console read the lottery's cost here */
        cJSON *w = cJSON_AddObjectToObject(qo, "last_draw");
        ar_int(w, "n", q.draw_n);
        ar_int(w, "ms", q.draw_ms);
        ar_time(w, "at", q.draw_at_ms);
    }
    dash_history(c, root);
    dash_requests(c, root);
    return TK_OK;
}
