/* tools/bench/verify.c -- ticket-bench --verify LOG: did every write the
 * crash load saw acknowledged survive the kills? (Log format: crash.c.)
 *
 * Per user: the balance equals acknowledged charges minus acknowledged
 * payments (exact, because the load retried every write until answered);
 * every charge's entry_id is in wallet.history; every booking is in
 * booking.list as paid. Per seat (admin.seats.list, fetched once per
 * date): every booked seat is sold under its code, and every hold that
 * was not paid and whose deadline has not passed still holds its seat. */
#include "tools/bench/bench.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t id, date, seat, exp_ms;
} bver_hold;

typedef struct {
    int64_t id, date, seat;
    char code[20];
} bver_booking;

typedef struct {
    char uid[UUID_STR_LEN];
    int64_t charged, paid;
    bool lost;
    int64_t *entries;
    int nentries;
    bver_hold *holds;
    int nholds;
    bver_booking *books;
    int nbooks;
} bver_user;

typedef struct {
    bver_user *users;
    int nusers, cap;
    int *slots, nslots; /* uid -> index + 1 */
    bcall c;
    char key[80];
    int64_t dates[512];
    int ndates;
    cJSON *seatmaps[512]; /* admin.seats.list result per date, lazily */
    int64_t ok[5], bad[5]; /* charges, balances, holds, bookings, seats */
    int shown;
} bver;

enum { BV_CHARGE, BV_BALANCE, BV_HOLD, BV_BOOKING, BV_SEAT };
static const char *const bver_names[] = {"charges in wallet history", "balances exact",
                                         "unpaid live holds still held", "bookings listed as paid",
                                         "booked seats sold under their code"};

static void bver_fail(bver *v, int kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void bver_fail(bver *v, int kind, const char *fmt, ...)
{
    v->bad[kind]++;
    if (v->shown++ >= 20)
        return;
    va_list ap;
    va_start(ap, fmt);
    printf("not ok - %s: ", bver_names[kind]);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static uint64_t bver_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
    return h;
}

/* Open addressing over indices into v->users (slot value = index + 1);
 * rebuilt at twice the size when half full. */
static int bver_rehash(bver *v, int size)
{
    int *t = calloc((size_t)size, sizeof(int));
    if (!t)
        return -1;
    for (int i = 0; i < v->nusers; i++) {
        uint64_t h = bver_hash(v->users[i].uid) & (uint64_t)(size - 1);
        while (t[h])
            h = (h + 1) & (uint64_t)(size - 1);
        t[h] = i + 1;
    }
    free(v->slots);
    v->slots = t;
    v->nslots = size;
    return 0;
}

static bver_user *bver_user_get(bver *v, const char *uid)
{
    if ((v->nusers + 1) * 2 > v->nslots && bver_rehash(v, v->nslots ? v->nslots * 2 : 1024) != 0)
        return NULL;
    uint64_t h = bver_hash(uid) & (uint64_t)(v->nslots - 1);
    for (; v->slots[h]; h = (h + 1) & (uint64_t)(v->nslots - 1))
        if (strcmp(v->users[v->slots[h] - 1].uid, uid) == 0)
            return &v->users[v->slots[h] - 1];
    if (v->nusers == v->cap) {
        int cap = v->cap ? v->cap * 2 : 256;
        bver_user *n = realloc(v->users, (size_t)cap * sizeof(*n));
        if (!n)
            return NULL;
        v->users = n;
        v->cap = cap;
    }
    bver_user *u = &v->users[v->nusers++];
    memset(u, 0, sizeof(*u));
    snprintf(u->uid, sizeof(u->uid), "%.36s", uid);
    v->slots[h] = v->nusers;
    return u;
}

#define BVER_PUSH(arr, n, item)                                                              \
    do {                                                                                     \
        void *p_ = realloc((arr), sizeof(*(arr)) * (size_t)((n) + 1));                       \
        if (p_) {                                                                            \
            (arr) = p_;                                                                      \
            (arr)[(n)++] = (item);                                                           \
        }                                                                                    \
    } while (0)

static void bver_parse_pay(bver_user *u, char *rest)
{
    long long pid, amount, bal;
    int n, used = 0;
    if (sscanf(rest, "%lld %lld %lld %d%n", &pid, &amount, &bal, &n, &used) != 4)
        return;
    u->paid += amount;
    char *p = rest + used;
    for (int i = 0; i < n; i++) {
        bver_booking b = {0};
        long long id, date, seat;
        int adv = 0;
        if (sscanf(p, " %lld:%lld:%lld:%19s%n", &id, &date, &seat, b.code, &adv) != 4)
            break;
        b.id = id, b.date = date, b.seat = seat;
        BVER_PUSH(u->books, u->nbooks, b);
        p += adv;
    }
}

static int bver_parse(bver *v, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024], kind[16], uid[64];
    int used;
    while (fgets(line, sizeof(line), f)) {
        long long a, b, c, d;
        if (sscanf(line, "date %lld", &a) == 1 && v->ndates < 512) {
            v->dates[v->ndates++] = a;
            continue;
        }
        if (sscanf(line, "%15s %63s%n", kind, uid, &used) != 2)
            continue;
        bver_user *u = bver_user_get(v, uid);
        if (!u)
            return -1;
        char *rest = line + used;
        if (strcmp(kind, "charge") == 0 && sscanf(rest, " %*s %lld %lld %lld", &a, &b, &c) == 3) {
            u->charged += a;
            BVER_PUSH(u->entries, u->nentries, (int64_t)b);
        } else if (strcmp(kind, "hold") == 0 &&
                   sscanf(rest, "%lld %lld %lld %lld", &a, &b, &c, &d) == 4) {
            bver_hold h = {a, b, c, d};
            BVER_PUSH(u->holds, u->nholds, h);
        } else if (strcmp(kind, "pay") == 0) {
            bver_parse_pay(u, rest);
        } else if (strcmp(kind, "lost") == 0) {
            u->lost = true;
        }
    }
    fclose(f);
    return 0;
}

static int bver_call(bver *v, const char *method, const char *params, rpc_reply *rep)
{
    if (bcall_retry(&v->c, method, params, rep, 30000) != TK_OK)
        return -1;
    if (rep->err != TK_OK) {
        rpc_reply_free(rep);
        return -1;
    }
    return 0;
}

static void bver_wallet(bver *v, bver_user *u)
{
    char p[160];
    rpc_reply rep;
    int64_t bal = -1;
    snprintf(p, sizeof(p), "{\"user_id\":\"%s\"}", u->uid);
    if (!u->lost && bver_call(v, "wallet.balance", p, &rep) == 0) {
        jv_get_int(rep.result, "balance", 0, JV_INT_MAX, &bal);
        rpc_reply_free(&rep);
        if (bal == u->charged - u->paid)
            v->ok[BV_BALANCE]++;
        else
            bver_fail(v, BV_BALANCE, "user %.8s balance %lld, acknowledged %lld - %lld", u->uid,
                      (long long)bal, (long long)u->charged, (long long)u->paid);
    }
    snprintf(p, sizeof(p), "{\"user_id\":\"%s\",\"limit\":100}", u->uid);
    if (u->nentries && bver_call(v, "wallet.history", p, &rep) != 0) {
        bver_fail(v, BV_CHARGE, "user %.8s: wallet.history failed", u->uid);
        return;
    }
    for (int i = 0; i < u->nentries; i++) {
        bool found = false;
        const cJSON *e;
        cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(rep.result, "entries")) {
            int64_t id = 0;
            found |= jv_get_int(e, "entry_id", 1, JV_INT_MAX, &id) == JV_OK && id == u->entries[i];
        }
        if (found)
            v->ok[BV_CHARGE]++;
        else
            bver_fail(v, BV_CHARGE, "user %.8s entry %lld missing", u->uid, (long long)u->entries[i]);
    }
    if (u->nentries)
        rpc_reply_free(&rep);
}

static void bver_bookings(bver *v, bver_user *u)
{
    char p[160];
    rpc_reply rep;
    if (!u->nbooks)
        return;
    snprintf(p, sizeof(p), "{\"user_id\":\"%s\"}", u->uid);
    if (bver_call(v, "booking.list", p, &rep) != 0) {
        bver_fail(v, BV_BOOKING, "user %.8s: booking.list failed", u->uid);
        return;
    }
    for (int i = 0; i < u->nbooks; i++) {
        bool found = false;
        const cJSON *b;
        cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(rep.result, "bookings")) {
            int64_t id = 0, seat = 0;
            const char *state = "";
            jv_get_int(b, "booking_id", 1, JV_INT_MAX, &id);
            jv_get_int(b, "seat_no", 1, 50, &seat);
            jv_get_str(b, "state", 16, &state);
            found |= id == u->books[i].id && seat == u->books[i].seat && strcmp(state, "paid") == 0;
        }
        if (found)
            v->ok[BV_BOOKING]++;
        else
            bver_fail(v, BV_BOOKING, "user %.8s booking %lld missing or not paid", u->uid,
                      (long long)u->books[i].id);
    }
    rpc_reply_free(&rep);
}

/* The operator's seat map entry for (date, seat), or NULL. */
static const cJSON *bver_seat(bver *v, int64_t date, int64_t seat)
{
    int k = 0;
    while (k < v->ndates && v->dates[k] != date)
        k++;
    if (k == v->ndates)
        return NULL;
    if (!v->seatmaps[k]) {
        char p[160];
        rpc_reply rep;
        snprintf(p, sizeof(p), "{\"admin_key\":\"%s\",\"date_id\":%lld}", v->key, (long long)date);
        if (bver_call(v, "admin.seats.list", p, &rep) != 0)
            return NULL;
        v->seatmaps[k] = cJSON_DetachItemFromObjectCaseSensitive((cJSON *)rep.result, "seats");
        rpc_reply_free(&rep);
    }
    const cJSON *s;
    cJSON_ArrayForEach(s, v->seatmaps[k]) {
        int64_t no = 0;
        if (jv_get_int(s, "no", 1, 50, &no) == JV_OK && no == seat)
            return s;
    }
    return NULL;
}

static bool bver_is(const cJSON *o, const char *key, const char *want)
{
    const char *s = NULL;
    return jv_get_str(o, key, 64, &s) == JV_OK && strcmp(s, want) == 0;
}

static void bver_seats(bver *v, bver_user *u, int64_t now_ms)
{
    for (int i = 0; i < u->nbooks; i++) {
        const cJSON *s = bver_seat(v, u->books[i].date, u->books[i].seat);
        if (s && bver_is(s, "state", "sold") && bver_is(s, "code", u->books[i].code))
            v->ok[BV_SEAT]++;
        else
            bver_fail(v, BV_SEAT, "date %lld seat %lld not sold under %s",
                      (long long)u->books[i].date, (long long)u->books[i].seat, u->books[i].code);
    }
    for (int i = 0; i < u->nholds; i++) {
        const bver_hold *h = &u->holds[i];
        bool paid = false;
        for (int k = 0; k < u->nbooks; k++)
            paid |= u->books[k].date == h->date && u->books[k].seat == h->seat;
        if (paid || h->exp_ms <= now_ms + 2000)
            continue; /* sold (checked above) or lapsed by now: nothing to hold */
        const cJSON *s = bver_seat(v, h->date, h->seat);
        int64_t hid = 0;
        if (s && bver_is(s, "state", "held") &&
            jv_get_int(s, "hold_id", 1, JV_INT_MAX, &hid) == JV_OK && hid == h->id)
            v->ok[BV_HOLD]++;
        else
            bver_fail(v, BV_HOLD, "hold %lld (date %lld seat %lld) gone", (long long)h->id,
                      (long long)h->date, (long long)h->seat);
    }
}

int bcrash_verify(const char *rpc, const char *key_file, const char *log_path)
{
    static bver v;
    if (bsrv_read_key(key_file, v.key, sizeof(v.key)) != 0 || bver_parse(&v, log_path) != 0) {
        fprintf(stderr, "bench: cannot read %s or %s\n", key_file, log_path);
        return 2;
    }
    if (bcall_open(&v.c, rpc, 5000) != 0)
        return 2;
    int64_t now = clock_wall_ms();
    int64_t lost = 0;
    for (int i = 0; i < v.nusers; i++) {
        bver_user *u = &v.users[i];
        lost += u->lost;
        bver_wallet(&v, u);
        bver_bookings(&v, u);
        bver_seats(&v, u, now);
        free(u->entries);
        free(u->holds);
        free(u->books);
    }
    int64_t bad = 0;
    for (int k = 0; k < 5; k++) {
        printf("%s - %s: %lld of %lld\n", v.bad[k] ? "not ok" : "ok", bver_names[k],
               (long long)v.ok[k], (long long)(v.ok[k] + v.bad[k]));
        bad += v.bad[k];
    }
    printf("verify: %d users (%lld with a write never answered), %lld checks failed\n", v.nusers,
           (long long)lost, (long long)bad);
    for (int k = 0; k < v.ndates; k++)
        cJSON_Delete(v.seatmaps[k]);
    free(v.users);
    free(v.slots);
    bcall_close(&v.c);
    return bad ? 1 : 0;
}
