/* server/domain/core.c -- domain life cycle, batches, events, the periodic tick,
 * and the small containers every module shares (arrays, arena, hash). */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

#define EVENTS_MAX 65536 /* beyond this the oldest are dropped, like PUB does */

void tk_config_defaults(tk_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->hold_ms = 300000;
    cfg->active_window_ms = 600000;
    cfg->turn_ms = 900000;
    cfg->max_active = 100;
    cfg->admit_per_min = 600;
    cfg->max_holds = 4;
    cfg->max_charge = 1000000;
    cfg->max_balance = 10000000;
    cfg->tz = TZ_DEFAULT;
}

const tk_config *tk_config_of(const tk_domain *d) { return &d->cfg; }

const char *tk_seat_state_name(tk_seat_state s)
{
    static const char *const n[] = {"free", "held", "sold"};
    return (unsigned)s < 3 ? n[s] : "free";
}

const char *tk_token_state_name(tk_token_state s)
{
    static const char *const n[] = {"waiting", "active", "expired"};
    return (unsigned)s < 3 ? n[s] : "expired";
}

/* ---- shared containers ---------------------------------------------------- */

void *(*tk_realloc)(void *p, size_t size) = realloc;

int dm_reserve(void **arr, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    while (nc <= n)
        nc *= 2;
    void *p = tk_realloc(*arr, nc * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = nc;
    return 0;
}

struct dm_chunk {
    dm_chunk *next;
    size_t used, cap;
    char data[];
};

const char *dm_strdup(dm_arena *a, const char *s)
{
    size_t len = strlen(s) + 1;
    dm_chunk *c = a->head;
    if (!c || c->cap - c->used < len) {
        size_t cap = len > 65536 ? len : 65536;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = a->head;
        c->used = 0;
        c->cap = cap;
        a->head = c;
    }
    char *p = c->data + c->used;
    memcpy(p, s, len);
    c->used += len;
    return p;
}

void dm_arena_free(dm_arena *a)
{
    while (a->head) {
        dm_chunk *n = a->head->next;
        free(a->head);
        a->head = n;
    }
}

uint64_t dm_hash_bytes(const void *p, size_t n, uint64_t h)
{
    const uint8_t *b = p;
    if (!h)
        h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return h ^ (h >> 29);
}

int64_t dm_hash_find(const dm_hash *h, uint64_t key,
                     bool (*eq)(const tk_domain *, uint32_t, const void *), const tk_domain *d,
                     const void *arg)
{
    if (!h->cap)
        return -1;
    for (size_t i = key & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        uint32_t v = h->slot[i];
        if (!v)
            return -1;
        if (eq(d, v - 1, arg))
            return v - 1;
    }
}

static void hash_insert(dm_hash *h, uint64_t key, uint32_t value)
{
    size_t i = key & (h->cap - 1);
    while (h->slot[i])
        i = (i + 1) & (h->cap - 1);
    h->slot[i] = value + 1;
}

int dm_hash_put(dm_hash *h, uint64_t key, uint32_t value,
                uint64_t (*rehash)(const tk_domain *, uint32_t), const tk_domain *d)
{
    if ((h->n + 1) * 2 > h->cap) { /* load factor <= 1/2 */
        dm_hash nh = {NULL, h->cap ? h->cap * 2 : 1024, h->n};
        nh.slot = calloc(nh.cap, sizeof *nh.slot);
        if (!nh.slot)
            return -1;
        for (size_t i = 0; i < h->cap; i++)
            if (h->slot[i])
                hash_insert(&nh, rehash(d, h->slot[i] - 1), h->slot[i] - 1);
        free(h->slot);
        *h = nh;
    }
    hash_insert(h, key, value);
    h->n++;
    return 0;
}

void dm_hash_free(dm_hash *h)
{
    free(h->slot);
    memset(h, 0, sizeof *h);
}

/* ---- errors and events ------------------------------------------------------ */

tk_err dm_fail(tk_errinfo *ei, tk_err err, const char *fmt, ...)
{
    if (ei && fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(ei->msg, sizeof ei->msg, fmt, ap);
        va_end(ap);
    }
    return err;
}

tk_err dm_bad_param(tk_errinfo *ei, const char *field, const char *msg)
{
    if (ei)
        ei->field = field;
    return dm_fail(ei, TK_INVALID_PARAMS, "%s", msg ? msg : "");
}

void dm_emit(tk_domain *d, const tk_event *e)
{
    dm_events *q = &d->events;
    if (q->n == q->cap) {
        if (q->cap >= EVENTS_MAX) { /* drop the oldest */
            q->head = (q->head + 1) % q->cap;
            q->n--;
        } else {
            size_t nc = q->cap ? q->cap * 2 : 256;
            tk_event *ne = malloc(nc * sizeof *ne);
            if (!ne)
                return;
            for (size_t i = 0; i < q->n; i++)
                ne[i] = q->ev[(q->head + i) % q->cap];
            free(q->ev);
            q->ev = ne;
            q->cap = nc;
            q->head = 0;
        }
    }
    q->ev[(q->head + q->n) % q->cap] = *e;
    q->n++;
}

size_t tk_events_take(tk_domain *d, tk_event *out, size_t max)
{
    dm_events *q = &d->events;
    size_t k = 0;
    for (; k < max && q->n > 0; k++) {
        out[k] = q->ev[q->head];
        q->head = (q->head + 1) % q->cap;
        q->n--;
    }
    return k;
}

/* ---- life cycle --------------------------------------------------------------- */

/* Writes the seq of every date changed in the open batch, then commits. */
int dm_commit(tk_domain *d)
{
    dm_seat_seqs_store(d);
    return store_commit(d->st);
}

tk_domain *tk_open(const tk_config *cfg, int64_t now_ms)
{
    if (sodium_init() < 0 || !cfg || !cfg->db_path)
        return NULL;
    tk_domain *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->cfg = *cfg;
    d->qs.max_active = cfg->max_active;
    d->qs.admit_per_min = cfg->admit_per_min;
    fw_init(&d->waiting_fw);
    d->cursor = 1;
    min_init(&d->sold_min);
    min_init(&d->waiting_min);
    min_init(&d->ended_min);
    d->opened_ms = now_ms;
    d->wall_off_ms = cfg->wall_offset_ms; /* before the load converts deadlines */
    d->st = store_open_as(cfg->db_path, cfg->node);
    if (!d->st || dm_load(d, now_ms) < 0 || dm_commit(d) < 0) {
        log_error("domain_open", "db=%s", cfg->db_path);
        tk_close(d);
        return NULL;
    }
    d->events.n = 0; /* nobody listens yet to what loading did */
    min_max(&d->waiting_min, now_ms, d->nwaiting);
    /* Sessions that ran out while the server was down are not a pace. */
    min_init(&d->ended_min);
    return d;
}

void tk_lead_get(const tk_domain *d, tk_lead *out) { store_lead_get(d->st, out); }

bool tk_leased(const tk_domain *d) { return store_leased(d->st); }
int tk_ping(tk_domain *d) { return store_ping(d->st); }

void tk_clock_set(tk_domain *d, int64_t wall_ms, int64_t now_ms)
{
    d->wall_off_ms = wall_ms - now_ms;
}

int64_t tk_wall_ms(const tk_domain *d, int64_t at_ms) { return dm_wall(d, at_ms); }

void tk_close(tk_domain *d)
{
    if (!d)
        return;
    if (d->st) {
        dm_commit(d);
        store_close(d->st);
    }
    for (size_t i = 0; i < d->nconcerts; i++) {
        free(d->concerts[i].title);
        free(d->concerts[i].venue);
        free(d->concerts[i].tz);
    }
    free(d->concerts);
    free(d->users);
    dm_hash_free(&d->user_ix);
    free(d->entries);
    dm_draws_free(d);
    fw_free(&d->waiting_fw);
    free(d->active);
    free(d->dates);
    free(d->dirty);
    free(d->holds);
    free(d->heap);
    free(d->bookings);
    free(d->gates); /* the names are in the arena */
    dm_hash_free(&d->code_ix);
    free(d->payments);
    free(d->ledger);
    free(d->staff);
    free(d->idem);
    dm_hash_free(&d->idem_ix);
    free(d->events.ev);
    dm_arena_free(&d->arena);
    sodium_memzero(d->rnd, sizeof d->rnd); /* unused code material */
    free(d);
}

int tk_load_demo(tk_domain *d, const char *sql_path, int64_t now_ms)
{
    if (d->nconcerts > 0 || store_count_concerts(d->st) != 0)
        return 0;
    bool own_tx = !store_in_tx(d->st); /* called outside a batch: commit here */
    if (store_exec_file(d->st, sql_path) < 0 || dm_reload_catalog(d) < 0 ||
        (own_tx && dm_commit(d) < 0))
        return -1;
    log_info("demo_loaded", "concerts=%zu dates=%zu", d->nconcerts, d->ndates);
    return 1;
}

int tk_batch_begin(tk_domain *d) { return store_begin(d->st); }
int tk_batch_commit(tk_domain *d) { return dm_commit(d); }
bool tk_batch_dirty(tk_domain *d) { return store_dirty(d->st); }
int64_t tk_batch_changes(tk_domain *d) { return store_changes(d->st); }
void tk_batch_void(tk_domain *d) { store_void(d->st); }
int tk_sync_defer(tk_domain *d) { return store_defer_sync(d->st); }
int tk_sync(tk_domain *d) { return store_sync(d->st); }

void dm_begin_mutation(tk_domain *d, int64_t now_ms)
{
    if (!store_in_tx(d->st))
        store_begin(d->st);
    dm_sweep_lapsed(d, now_ms);
}

void tk_tick(tk_domain *d, int64_t now_ms)
{
    dm_begin_mutation(d, now_ms);
    dm_prequeue_due(d, now_ms);
    dm_queue_idle_sweep(d, now_ms);
    dm_queue_admit(d, now_ms);
    min_max(&d->waiting_min, now_ms, d->nwaiting); /* so a quiet minute shows its line */
    /* A session that ended (a turn over, a lapse, a payment) changed the
     * active count: say so even when no admission followed to say it. */
    if (d->queue_ev_due ||
        ((d->nwaiting > 0 || d->qs.opens_at_ms) && now_ms - d->last_queue_ev_ms >= 1000))
        dm_queue_event(d, now_ms);
}

int64_t tk_next_deadline(const tk_domain *d, int64_t now_ms)
{
    int64_t next = now_ms + 1000; /* idle windows, admission, queue events */
    if (d->nheap > 0 && d->holds[d->heap[0]].expires_ms < next)
        next = d->holds[d->heap[0]].expires_ms;
    if ((d->nwaiting > 0 || d->qs.opens_at_ms) && d->last_queue_ev_ms + 1000 < next)
        next = d->last_queue_ev_ms + 1000;
    if (d->qs.opens_at_ms && dm_steady(d, d->qs.opens_at_ms) < next)
        next = dm_steady(d, d->qs.opens_at_ms); /* the draw, on time (a wall instant) */
    return next < now_ms ? now_ms : next;
}
