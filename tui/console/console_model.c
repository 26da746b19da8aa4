/* tui/console/console_model.c -- the dashboard model; see admin_model.h. */
#include "tui/console/console_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/ui/text.h"

void adm_model_init(adm_model *m)
{
    memset(m, 0, sizeof *m);
    m->hist.last_min = -1;
    m->hist.last_sold = -1;
}

/* ---- history ----------------------------------------------------------- */

/* Moves the newest bucket up to the minute of mono_ms, zeroing the minutes
 * that passed with no data. */
static void hist_advance(adm_history *h, int64_t mono_ms)
{
    int64_t min = mono_ms / 60000;
    if (h->last_min < 0) {
        h->last_min = h->first_min = min;
        return;
    }
    int64_t shift = min - h->last_min;
    if (shift <= 0)
        return; /* same minute (or a clock step back: keep what we have) */
    if (shift >= ADM_HIST) {
        memset(h->sales, 0, sizeof h->sales);
        memset(h->queue, 0, sizeof h->queue);
    } else {
        int s = (int)shift;
        memmove(h->sales, h->sales + s, sizeof h->sales[0] * (size_t)(ADM_HIST - s));
        memmove(h->queue, h->queue + s, sizeof h->queue[0] * (size_t)(ADM_HIST - s));
        memset(h->sales + ADM_HIST - s, 0, sizeof h->sales[0] * (size_t)s);
        memset(h->queue + ADM_HIST - s, 0, sizeof h->queue[0] * (size_t)s);
    }
    h->last_min = min;
}

int adm_hist_minutes(const adm_history *h, int series)
{
    if (h->srv_queue_min > 0)
        return series == ADM_SERIES_QUEUE ? h->srv_queue_min : ADM_HIST;
    if (h->last_min < 0)
        return 0;
    int64_t n = h->last_min - h->first_min + 1;
    return n > ADM_HIST ? ADM_HIST : (int)n;
}

/* Sales per minute come from rises of the total sold count: a refund lowers
 * it, and the seat sold again later counts as a new sale, which it is. */
static void hist_note(adm_model *m, int64_t mono_ms)
{
    adm_history *h = &m->hist;
    if (h->srv_queue_min > 0)
        return; /* the server's history: the next poll brings this too */
    hist_advance(h, mono_ms);
    if (h->last_sold >= 0 && m->t_sold > h->last_sold)
        h->sales[ADM_HIST - 1] += m->t_sold - h->last_sold;
    h->last_sold = m->t_sold;
    if (m->q.waiting > h->queue[ADM_HIST - 1])
        h->queue[ADM_HIST - 1] = m->q.waiting;
}

void adm_model_tick(adm_model *m, int64_t mono_ms)
{
    if (m->hist.srv_queue_min == 0)
        hist_advance(&m->hist, mono_ms);
}

void adm_wait_text(char *out, size_t n, const adm_queue_info *q)
{
    out[0] = '\0';
    if (q->waiting <= 0 || q->ms_per_place <= 0 || q->paused)
        return;
    double min = (double)q->waiting * (double)q->ms_per_place / 60000.0;
    if (min < 1.0)
        snprintf(out, n, "%s", tx(A_D_Q_WAIT_LT));
    else if (min < 120.0)
        snprintf(out, n, tx(A_D_Q_WAIT_MIN), (long long)(min + 0.5));
    else
        snprintf(out, n, tx(A_D_Q_WAIT_H), (long long)(min / 60.0 + 0.5));
}

int adm_spark_span(const int64_t v[ADM_HIST], int minutes, int width, int64_t *max)
{
    int shown = width < ADM_HIST ? (width > 0 ? width : 0) : ADM_HIST;
    *max = 0;
    for (int i = ADM_HIST - shown; i < ADM_HIST; i++)
        *max = v[i] > *max ? v[i] : *max;
    int span = minutes < shown ? minutes : shown;
    return span > 0 ? span : 1;
}

static bool parse_series(const cJSON *o, const char *name, int64_t out[ADM_HIST])
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, name);
    if (!cJSON_IsArray(a) || cJSON_GetArraySize(a) != ADM_HIST)
        return false;
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (jv_int_value(it, 0, JV_INT_MAX, &out[i++]) != JV_OK)
            return false;
    }
    return true;
}

/* admin.dashboard's "history": the server's last hour replaces whatever
 * the console had. A reply without one (an older server) goes back to the
 * console's own sampling, from now. False when present but malformed. */
static bool hist_from_server(adm_history *h, const cJSON *result)
{
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(result, "history");
    if (!o) {
        if (h->srv_queue_min > 0)
            *h = (adm_history){.last_min = -1, .last_sold = -1};
        return true;
    }
    adm_history t = *h;
    int64_t mins = 0;
    if (!cJSON_IsObject(o) || !parse_series(o, "sold", t.sales) ||
        !parse_series(o, "waiting", t.queue) ||
        jv_get_int(o, "waiting_minutes", 1, ADM_HIST, &mins) != JV_OK)
        return false;
    t.srv_queue_min = (int)mins;
    *h = t;
    return true;
}

/* ---- parsing ----------------------------------------------------------- */

static void copy_str(const cJSON *o, const char *name, char *out, size_t cap)
{
    const char *s = NULL;
    out[0] = '\0';
    if (jv_get_str(o, name, cap - 1, &s) == JV_OK)
        snprintf(out, cap, "%s", s);
}

static int64_t get_i(const cJSON *o, const char *name, bool *ok)
{
    int64_t v = 0;
    if (jv_get_int(o, name, 0, JV_INT_MAX, &v) != JV_OK)
        *ok = false;
    return v;
}

/* Latencies and rates may come as fractions. */
static double get_d(const cJSON *o, const char *name)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsNumber(it) ? it->valuedouble : 0.0;
}

static bool parse_date(const cJSON *o, adm_date_row *r)
{
    bool ok = cJSON_IsObject(o);
    r->date_id = get_i(o, "date_id", &ok);
    r->concert_id = get_i(o, "concert_id", &ok);
    r->free = (int)get_i(o, "free", &ok);
    r->held = (int)get_i(o, "held", &ok);
    r->sold = (int)get_i(o, "sold", &ok);
    r->revenue = get_i(o, "revenue", &ok);
    copy_str(o, "title", r->title, sizeof r->title);
    copy_str(o, "venue", r->venue, sizeof r->venue);
    copy_str(o, "starts_at", r->starts_at, sizeof r->starts_at);
    copy_str(o, "on_sale_at", r->on_sale_at, sizeof r->on_sale_at);
    copy_str(o, "tz", r->tz, sizeof r->tz);
    int64_t in = -1; /* an addition: absent from an older server */
    jv_get_int(o, "checked_in", 0, 1000000, &in);
    r->checked_in = (int)in;
    return ok;
}

static bool parse_queue(const cJSON *o, adm_queue_info *q)
{
    bool ok = cJSON_IsObject(o);
    q->waiting = get_i(o, "waiting", &ok);
    q->active = get_i(o, "active", &ok);
    q->admit_per_min = get_i(o, "admit_per_min", &ok);
    q->admitted_seq = get_i(o, "admitted_seq", &ok);
    /* Only in the dashboard, not in `queue` events: kept when absent. */
    jv_get_int(o, "admitted", 0, JV_INT_MAX, &q->admitted);
    jv_get_int(o, "max_active", 0, JV_INT_MAX, &q->max_active);
    jv_get_int(o, "ms_per_place", 0, JV_INT_MAX, &q->ms_per_place);
    if (jv_get_bool(o, "paused", &q->paused) != JV_OK)
        ok = false;
    /* Both the dashboard and `queue` events carry prequeue only while a
     * pre-queue is open; only the dashboard says when it opens. */
    q->prequeue_open = jv_get_int(o, "prequeue", 0, JV_INT_MAX, &q->prequeue) == JV_OK;
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "opens_at");
    if (cJSON_IsString(at))
        snprintf(q->opens_at, sizeof q->opens_at, "%s", at->valuestring);
    else if (at || !q->prequeue_open)
        q->opens_at[0] = '\0';
    return ok;
}

/* The dashboard lists every date in the server's order (by id); operators
 * read them by start time, so sort here. Unparsable times go last. */
static int64_t start_ms(const adm_date_row *r)
{
    int64_t ms;
    return time_parse(r->starts_at, &ms) ? ms : INT64_MAX;
}

static int by_start(const void *pa, const void *pb)
{
    const adm_date_row *a = pa, *b = pb;
    int64_t x = start_ms(a), y = start_ms(b);
    if (x != y)
        return x < y ? -1 : 1;
    return a->date_id < b->date_id ? -1 : a->date_id > b->date_id;
}

static void totals(adm_model *m)
{
    m->t_free = m->t_held = m->t_sold = m->t_revenue = 0;
    for (int i = 0; i < m->ndates; i++) {
        m->t_free += m->dates[i].free;
        m->t_held += m->dates[i].held;
        m->t_sold += m->dates[i].sold;
        m->t_revenue += m->dates[i].revenue;
    }
}

bool adm_model_dashboard(adm_model *m, const cJSON *result, int64_t mono_ms)
{
    const cJSON *dates = cJSON_GetObjectItemCaseSensitive(result, "dates");
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(result, "queue");
    if (!cJSON_IsArray(dates) || !cJSON_IsObject(q))
        return false;
    /* Parse into a scratch copy so a bad reply leaves the model whole. */
    adm_model tmp = *m; /* ~70 KiB: fine on the main thread's stack */
    tmp.ndates = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, dates) {
        if (tmp.ndates == ADM_MAX_DATES)
            break; /* the screen could not show more anyway */
        if (!parse_date(it, &tmp.dates[tmp.ndates]))
            return false;
        tmp.ndates++;
    }
    adm_queue_info qi = tmp.q;
    if (!parse_queue(q, &qi))
        return false;
    tmp.q = qi;
    const cJSON *rq = cJSON_GetObjectItemCaseSensitive(result, "requests");
    bool ok = true;
    tmp.rq.total = get_i(rq, "total", &ok);
    tmp.rq.errors = get_i(rq, "errors", &ok);
    tmp.rq.per_s = get_d(rq, "per_s");
    tmp.rq.p50_ms = get_d(rq, "p50_ms");
    tmp.rq.p90_ms = get_d(rq, "p90_ms");
    tmp.rq.p99_ms = get_d(rq, "p99_ms");
    const cJSON *sv = cJSON_GetObjectItemCaseSensitive(result, "server");
    copy_str(sv, "version", tmp.version, sizeof tmp.version);
    copy_str(sv, "now", tmp.server_now, sizeof tmp.server_now);
    tmp.uptime_s = get_i(sv, "uptime_s", &ok);
    if (!hist_from_server(&tmp.hist, result))
        return false;
    tmp.loaded = true;
    qsort(tmp.dates, (size_t)tmp.ndates, sizeof tmp.dates[0], by_start);
    totals(&tmp);
    *m = tmp;
    hist_note(m, mono_ms);
    return true;
}

bool adm_model_sales(adm_model *m, const cJSON *body, int64_t mono_ms)
{
    adm_date_row r;
    bool ok = true;
    r.date_id = get_i(body, "date_id", &ok);
    r.free = (int)get_i(body, "free", &ok);
    r.held = (int)get_i(body, "held", &ok);
    r.sold = (int)get_i(body, "sold", &ok);
    r.revenue = get_i(body, "revenue", &ok);
    if (!ok)
        return false;
    for (int i = 0; i < m->ndates; i++) {
        adm_date_row *d = &m->dates[i];
        if (d->date_id != r.date_id)
            continue;
        d->free = r.free;
        d->held = r.held;
        d->sold = r.sold;
        d->revenue = r.revenue;
        totals(m);
        hist_note(m, mono_ms);
        return true;
    }
    return false; /* a new date: the next poll brings its title */
}

bool adm_model_queue(adm_model *m, const cJSON *body, int64_t mono_ms)
{
    adm_queue_info q = m->q;
    if (!parse_queue(body, &q))
        return false;
    m->q = q;
    hist_note(m, mono_ms);
    return true;
}

bool adm_model_checkin(adm_model *m, const cJSON *body)
{
    bool ok = true;
    int64_t id = get_i(body, "date_id", &ok), in = get_i(body, "checked_in", &ok),
            sold = get_i(body, "sold", &ok);
    if (!ok || in > sold || sold > 1000000)
        return false;
    for (int i = 0; i < m->ndates; i++)
        if (m->dates[i].date_id == id) {
            m->dates[i].checked_in = (int)in;
            m->dates[i].sold = (int)sold;
            totals(m);
            return true;
        }
    return false;
}

const adm_date_row *adm_model_date(const adm_model *m, int64_t date_id)
{
    for (int i = 0; i < m->ndates; i++)
        if (m->dates[i].date_id == date_id)
            return &m->dates[i];
    return NULL;
}
