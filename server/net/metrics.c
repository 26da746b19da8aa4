/* server/net/metrics.c -- see metrics.h. */
#include "server/net/metrics.h"

#include <nng/nng.h>
#include <nng/supplemental/http/http.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "common/version.h"

struct metrics {
    nng_http_server *srv;
    nng_http_handler *h;
    bool started;
    engine *e;
    tk_stats *stats;
};

/* ---- a growing text buffer; a failed allocation sticks (NULL at the end) */

typedef struct {
    char *p;
    size_t len, cap;
    bool oom;
} mx_buf;

static void mx_printf(mx_buf *b, const char *fmt, ...)
{
    for (int pass = 0; pass < 2 && !b->oom; pass++) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->len : NULL, b->p ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = true;
            return;
        }
        if (b->p && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t cap = (b->cap ? b->cap : 4096);
        while (cap <= b->len + (size_t)n)
            cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
}

/* A family's HELP and TYPE lines. */
static void mx_family(mx_buf *b, const char *name, const char *type, const char *help)
{
    mx_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample of a family without labels. */
static void mx_one(mx_buf *b, const char *name, const char *type, const char *help, int64_t v)
{
    mx_family(b, name, type, help);
    mx_printf(b, "%s %lld\n", name, (long long)v);
}

/* A label value as the format wants it: \ " and newline escaped. */
static void mx_label(mx_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '\\' || *s == '"')
            mx_printf(b, "\\%c", *s);
        else if (*s == '\n')
            mx_printf(b, "\\n");
        else
            mx_printf(b, "%c", *s);
    }
}

/* ---- the domain's figures, under the engine's shared lock --------------- */

typedef struct {
    mx_buf *b;
    int what; /* 0: seats, 1: revenue */
} mx_dates;

static void mx_date_labels(mx_buf *b, const tk_date_info *di)
{
    mx_printf(b, "date_id=\"%lld\",concert=\"", (long long)di->date_id);
    mx_label(b, di->title);
    mx_printf(b, "\"");
}

static void mx_date(void *ctx, const tk_date_info *di)
{
    mx_dates *x = ctx;
    if (x->what == 1) {
        mx_printf(x->b, "ticketd_revenue_won{");
        mx_date_labels(x->b, di);
        mx_printf(x->b, "} %lld\n", (long long)di->revenue);
        return;
    }
    const char *state[3] = {"free", "held", "sold"};
    int n[3] = {di->free, di->held, di->sold};
    for (int i = 0; i < 3; i++) {
        mx_printf(x->b, "ticketd_seats{");
        mx_date_labels(x->b, di);
        mx_printf(x->b, ",state=\"%s\"} %d\n", state[i], n[i]);
    }
}

static void mx_domain(void *arg, tk_domain *d, int64_t now_ms)
{
    mx_buf *b = arg;
    tk_queue_stats q;
    tk_queue_stats_get(d, now_ms, &q);
    mx_one(b, "ticketd_queue_waiting", "gauge", "Members waiting in line.", q.waiting);
    mx_one(b, "ticketd_queue_active", "gauge", "Members admitted and shopping now.", q.active);
    mx_one(b, "ticketd_queue_admitted_total", "counter", "Members ever admitted.", q.admitted);
    mx_one(b, "ticketd_queue_prequeue", "gauge",
           "Members in the pre-queue's draw (0 without a pre-queue).",
           q.settings.opens_at_ms ? q.prequeue : 0);
    mx_one(b, "ticketd_queue_paused", "gauge", "1 while the queue is paused.", q.settings.paused);
    mx_one(b, "ticketd_queue_max_active", "gauge", "Members active at once, at most.",
           q.settings.max_active);
    mx_one(b, "ticketd_queue_admit_per_min", "gauge", "Admissions per minute, at most.",
           q.settings.admit_per_min);
    mx_dates x = {b, 0};
    mx_family(b, "ticketd_seats", "gauge", "Seats per date by state (free, held, sold).");
    tk_dates_all(d, now_ms, mx_date, &x);
    x.what = 1;
    mx_family(b, "ticketd_revenue_won", "gauge", "Revenue per date, in won (refunds deducted).");
    tk_dates_all(d, now_ms, mx_date, &x);
    mx_one(b, "ticketd_holds_lapsed_total", "counter",
           "Seat holds that ran out unpaid since the server started.", tk_holds_lapsed(d));
}

/* ---- counters kept outside the domain ---------------------------------- */

static void mx_request(void *ctx, const char *method, tk_err e, int64_t n)
{
    mx_printf(ctx, "ticketd_requests_total{method=\"%s\",result=\"%s\"} %lld\n", method,
              e == TK_OK ? "ok" : tk_err_reason(e), (long long)n);
}

static void mx_latency(mx_buf *b, tk_stats *s)
{
    stats_latency l;
    stats_latency_get(s, &l);
    mx_family(b, "ticketd_request_duration_seconds", "histogram",
              "Time from a request's arrival to its reply's send.");
    uint64_t cum = 0;
    for (int i = 0; i <= STATS_LE_N; i++) {
        cum += l.bucket[i];
        if (i < STATS_LE_N)
            mx_printf(b, "ticketd_request_duration_seconds_bucket{le=\"%g\"} %llu\n",
                      stats_le_s[i], (unsigned long long)cum);
        else
            mx_printf(b, "ticketd_request_duration_seconds_bucket{le=\"+Inf\"} %llu\n",
                      (unsigned long long)cum);
    }
    mx_printf(b, "ticketd_request_duration_seconds_sum %.6f\n", l.sum_s);
    mx_printf(b, "ticketd_request_duration_seconds_count %llu\n", (unsigned long long)cum);
}

static void mx_lead(void *arg, tk_domain *d, int64_t now_ms)
{
    (void)now_ms;
    tk_lead_get(d, arg);
}

static void mx_server(mx_buf *b, engine *e, tk_stats *s)
{
    stats_view v;
    stats_get(s, clock_steady_ms(), &v);
    mx_family(b, "ticketd_info", "gauge", "The server's version.");
    mx_printf(b, "ticketd_info{version=\"%s\"} 1\n", TK_VERSION);
    mx_one(b, "ticketd_uptime_seconds", "gauge", "Seconds since the server started.", v.uptime_s);
    mx_family(b, "ticketd_requests_total", "counter",
              "Requests answered, by method and result (ok or the error reason).");
    stats_each(s, mx_request, b);
    mx_latency(b, s);
    engine_counts c;
    engine_counts_get(e, &c);
    mx_one(b, "ticketd_commits_total", "counter", "Batches committed that changed data.",
           c.commits);
    mx_family(b, "ticketd_flush_seconds", "summary",
              "Time spent making commits durable (one fdatasync covers many).");
    mx_printf(b, "ticketd_flush_seconds_sum %.6f\nticketd_flush_seconds_count %lld\n",
              (double)c.flush_us / 1e6, (long long)c.flushes);
    mx_one(b, "ticketd_connections_open", "gauge", "Client connections open.", v.conns_open);
    mx_one(b, "ticketd_connections_refused_total", "counter",
           "Connections closed on arrival by --max-conns or --max-conns-per-peer.",
           v.conns_refused);
    mx_one(b, "ticketd_listener_restarts_total", "counter",
           "Listeners found broken and replaced.", v.listener_restarts);
    /* The PostgreSQL deployment's (one SQLite server is always its own
     * leader, in epoch 0). A standby has no endpoint yet: it opens with
     * the listeners, once the node leads. */
    tk_lead l;
    engine_read(e, mx_lead, &l);
    mx_one(b, "ticketd_leader", "gauge", "1 while this node is the leader.", l.leader);
    mx_one(b, "ticketd_epoch", "gauge", "The leader's epoch.", l.epoch);
}

char *metrics_render(engine *e, tk_stats *stats, size_t *len)
{
    mx_buf b = {0};
    mx_server(&b, e, stats);
    engine_read(e, mx_domain, &b);
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.len;
    return b.p;
}

/* ---- HTTP --------------------------------------------------------------- */

static void mx_serve(nng_aio *aio)
{
    nng_http_handler *h = nng_aio_get_input(aio, 1);
    metrics *m = nng_http_handler_get_data(h);
    size_t len = 0;
    char *text = metrics_render(m->e, m->stats, &len);
    nng_http_res *res = NULL;
    int rv = text ? nng_http_res_alloc(&res) : NNG_ENOMEM;
    if (rv == 0)
        rv = nng_http_res_set_header(res, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    if (rv == 0)
        rv = nng_http_res_copy_data(res, text, len);
    free(text);
    if (rv != 0) {
        nng_http_res_free(res);
        log_warn("metrics", "err=\"%s\"", nng_strerror(rv));
        nng_aio_finish(aio, rv); /* nng answers 500 and closes */
        return;
    }
    nng_aio_set_output(aio, 0, res);
    nng_aio_finish(aio, 0);
}

static int mx_open(metrics *m, const char *url)
{
    nng_url *u = NULL;
    int rv = nng_url_parse(&u, url);
    if (rv == 0 && strcmp(u->u_scheme, "http") != 0)
        rv = NNG_EADDRINVAL;
    const char *path = rv == 0 && u->u_path[0] && strcmp(u->u_path, "/") ? u->u_path : "/metrics";
    if (rv == 0)
        rv = nng_http_server_hold(&m->srv, u);
    if (rv == 0)
        rv = nng_http_handler_alloc(&m->h, path, mx_serve);
    if (rv == 0)
        rv = nng_http_handler_set_data(m->h, m, NULL);
    if (rv == 0 && (rv = nng_http_server_add_handler(m->srv, m->h)) != 0)
        nng_http_handler_free(m->h);
    if (rv == 0)
        rv = nng_http_server_start(m->srv);
    m->started = rv == 0;
    if (rv == 0)
        log_info("metrics", "url=http://%s:%s%s", u->u_hostname, u->u_port, path);
    nng_url_free(u);
    return rv;
}

metrics *metrics_start(const char *url, engine *e, tk_stats *stats)
{
    metrics *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->e = e;
    m->stats = stats;
    int rv = mx_open(m, url);
    if (rv != 0) {
        log_error("metrics", "url=%s err=\"%s\"", url, nng_strerror(rv));
        metrics_stop(m);
        return NULL;
    }
    return m;
}

void metrics_stop(metrics *m)
{
    if (!m)
        return;
    if (m->srv) {
        if (m->started)
            nng_http_server_stop(m->srv);
        nng_http_server_release(m->srv); /* frees the handler with it */
    }
    free(m);
}
