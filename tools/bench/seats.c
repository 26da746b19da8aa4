/* tools/bench/seats.c -- the seat phases: reads (dates.list, seats.list),
 * hold/release churn on a few hot seats, the one-seat race, and the buy
 * (hold a random seat, retrying on SEAT_TAKEN, then pay).
 *
 * Contention is the point: the churn puts `concurrency` users on
 * hot_dates x 50 seats, the race puts every slot on one seat (exactly one
 * may win, which is checked), and the buy has every user pick at random
 * among barely more seats than users. */
#include "tools/bench/bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct {
    bench_run *r;
    bench_stats *st, *st2;
    _Atomic int64_t next, won, taken, rng;
    int64_t limit;
    int64_t race_hold; /* the race winner's hold */
} bseat_phase;

/* splitmix64 over a shared counter: thread-safe and cheap. */
static uint64_t bseat_rand(bseat_phase *p)
{
    uint64_t z = (uint64_t)atomic_fetch_add(&p->rng, 1) * 0x9e3779b97f4a7c15ULL + 0x1234567ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static bench_user *bseat_any_user(bseat_phase *p)
{
    return &p->r->u[(uint64_t)atomic_fetch_add(&p->next, 1) % (uint64_t)p->r->nu];
}

/* ---- reads --------------------------------------------------------------- */

static bool dates_next(bench_phase *ph, bench_slot *s)
{
    bseat_phase *p = ph->arg;
    bflow_req(s, p->st, "dates.list", "\"token\":\"%s\"", bseat_any_user(p)->token);
    return true;
}

static bool seats_next(bench_phase *ph, bench_slot *s)
{
    bseat_phase *p = ph->arg;
    int64_t k = atomic_load(&p->next);
    bflow_req(s, p->st, "seats.list", "\"token\":\"%s\",\"date_id\":%lld",
              bseat_any_user(p)->token, (long long)p->r->dates[k % p->r->hot_dates]);
    return true;
}

static void read_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bseat_phase *p = ph->arg;
    char reason[40];
    if (!body || brep_error(body, reason, sizeof(reason)))
        bflow_error(p->st);
}

int bflow_reads(bench_run *r)
{
    bseat_phase p = {.r = r, .st = bflow_row(r, "dates.list")};
    bench_phase ph = {dates_next, read_done, &p, 0};
    bflow_drive(r, &ph, r->dur_us, &p.st, 1);
    bseat_phase q = {.r = r, .st = bflow_row(r, "seats.list")};
    bench_phase qh = {seats_next, read_done, &q, 0};
    bflow_drive(r, &qh, r->dur_us, &q.st, 1);
    return 0;
}

/* ---- churn: hold a random hot seat, release it, again ------------------- */

static bench_user *bseat_helper(bseat_phase *p, bench_slot *s)
{
    return &p->r->u[p->r->users + s->idx];
}

static bool churn_next(bench_phase *ph, bench_slot *s)
{
    bseat_phase *p = ph->arg;
    bench_user *u = bseat_helper(p, s);
    if (s->step == 1) { /* always give back what we hold, even past the end */
        bflow_req(s, p->st2, "hold.release", "\"token\":\"%s\",\"hold_id\":%lld", u->token,
                  (long long)s->aux);
        return true;
    }
    if (clock_mono_us() >= p->limit)
        return false;
    uint64_t x = bseat_rand(p);
    int64_t date = p->r->dates[(x >> 8) % (uint64_t)p->r->hot_dates];
    bflow_req(s, p->st, "seat.hold", "\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d", u->token,
              (long long)date, (int)(x % 50) + 1);
    return true;
}

static void churn_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bseat_phase *p = ph->arg;
    char reason[40];
    bool err = !body || brep_error(body, reason, sizeof(reason));
    if (s->step == 1) {
        if (err)
            bflow_error(p->st2);
        s->step = 0; /* a failed release is counted; the hold will lapse */
        return;
    }
    if (!err && brep_int(body, "hold_id", &s->aux)) {
        atomic_fetch_add(&p->won, 1);
        s->step = 1;
    } else if (body && strcmp(reason, "SEAT_TAKEN") == 0) {
        atomic_fetch_add(&p->taken, 1);
    } else {
        bflow_error(p->st);
    }
}

/* ---- race: every slot on one seat at once; exactly one may win --------- */

static bool race_next(bench_phase *ph, bench_slot *s)
{
    bseat_phase *p = ph->arg;
    if (s->step++ > 0)
        return false;
    bflow_req(s, NULL, "seat.hold", "\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%lld",
              bseat_helper(p, s)->token, (long long)p->r->dates[0], (long long)p->limit);
    return true;
}

static void race_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bseat_phase *p = ph->arg;
    char reason[40];
    int64_t hold;
    if (body && !brep_error(body, reason, sizeof(reason)) && brep_int(body, "hold_id", &hold)) {
        atomic_fetch_add(&p->won, 1);
        p->race_hold = hold;
    } else if (body && strcmp(reason, "SEAT_TAKEN") == 0) {
        atomic_fetch_add(&p->taken, 1);
    }
}

static void bflow_race(bench_run *r)
{
    int rounds = r->smoke ? 10 : 50;
    for (int i = 1; i <= rounds; i++) {
        bseat_phase p = {.r = r, .limit = i};
        bench_phase ph = {race_next, race_done, &p, 0};
        bpool_run(r->pool, &ph, r->concurrency);
        r->race_rounds++;
        int64_t won = atomic_load(&p.won), taken = atomic_load(&p.taken);
        if (won != 1 || taken != r->concurrency - 1) {
            r->race_bad++;
            bflow_violation(r, "race on seat %d: %lld winners, %lld SEAT_TAKEN of %d", i,
                            (long long)won, (long long)taken, r->concurrency);
        }
        if (won >= 1) {
            char extra[64];
            rpc_reply rep;
            snprintf(extra, sizeof(extra), "\"hold_id\":%lld", (long long)p.race_hold);
            if (bflow_admin(r, "admin.hold.release", extra, &rep) == 0)
                rpc_reply_free(&rep);
        }
    }
}

int bflow_holds(bench_run *r)
{
    bseat_phase p = {.r = r, .st = bflow_row(r, "seat.hold (churn)"),
                     .st2 = bflow_row(r, "hold.release (churn)")};
    p.limit = clock_mono_us() + r->dur_us;
    bench_phase ph = {churn_next, churn_done, &p, 0};
    bench_stats *rows[2] = {p.st, p.st2};
    bflow_drive(r, &ph, 0, rows, 2);
    r->hold_won += atomic_load(&p.won);
    r->hold_taken += atomic_load(&p.taken);
    bflow_race(r);
    return 0;
}

/* ---- buy: each user holds a random seat (retrying), then pays ---------- */

static bool buyhold_next(bench_phase *ph, bench_slot *s)
{
    bseat_phase *p = ph->arg;
    bench_run *r = p->r;
    if (s->step == 0) { /* a new buyer */
        s->user = atomic_fetch_add(&p->next, 1);
        if (s->user >= p->limit)
            return false;
        s->tries = 0;
        s->step = 1;
    }
    uint64_t x = bseat_rand(p);
    int nbuy = r->ndates - r->hot_dates;
    int64_t date = r->dates[r->hot_dates + (int)((x >> 8) % (uint64_t)nbuy)];
    bflow_req(s, p->st, "seat.hold", "\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d",
              r->u[s->user].token, (long long)date, (int)(x % 50) + 1);
    return true;
}

static void buyhold_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bseat_phase *p = ph->arg;
    bench_user *u = &p->r->u[s->user];
    char reason[40];
    bool err = !body || brep_error(body, reason, sizeof(reason));
    if (!err && brep_int(body, "hold_id", &u->hold_id) && brep_int(body, "price", &u->price)) {
        atomic_fetch_add(&p->won, 1);
        s->step = 0;
        return;
    }
    if (body && strcmp(reason, "SEAT_TAKEN") == 0)
        atomic_fetch_add(&p->taken, 1);
    else
        bflow_error(p->st);
    if (++s->tries >= 500) /* seats gone: give this buyer up */
        s->step = 0;
}

static bool pay_next(bench_phase *ph, bench_slot *s)
{
    bseat_phase *p = ph->arg;
    do {
        s->user = atomic_fetch_add(&p->next, 1);
        if (s->user >= p->limit)
            return false;
    } while (p->r->u[s->user].hold_id <= 0);
    bench_user *u = &p->r->u[s->user];
    bflow_req(s, p->st, "payment.pay", "\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p%lld\"",
              u->token, (long long)u->hold_id, (long long)s->user);
    return true;
}

static void pay_done(bench_phase *ph, bench_slot *s, const char *body, size_t len, int rc)
{
    bseat_phase *p = ph->arg;
    char reason[40];
    int64_t id;
    if (body && !brep_error(body, reason, sizeof(reason)) && brep_int(body, "payment_id", &id))
        atomic_fetch_add(&p->won, 1);
    else
        bflow_error(p->st);
}

/* Every sold seat on the buy dates is one acknowledged payment's. */
static void bflow_count_sold(bench_run *r)
{
    int64_t sold = 0;
    for (int i = r->hot_dates; i < r->ndates; i++) {
        char extra[64];
        rpc_reply rep;
        snprintf(extra, sizeof(extra), "\"date_id\":%lld", (long long)r->dates[i]);
        if (bflow_admin(r, "admin.seats.list", extra, &rep) != 0)
            return;
        const cJSON *seat;
        cJSON_ArrayForEach(seat, cJSON_GetObjectItemCaseSensitive(rep.result, "seats")) {
            const cJSON *st = cJSON_GetObjectItemCaseSensitive(seat, "state");
            sold += cJSON_IsString(st) && strcmp(st->valuestring, "sold") == 0;
        }
        rpc_reply_free(&rep);
    }
    if (sold != r->paid)
        bflow_violation(r, "%lld seats sold on the buy dates, %lld payments acknowledged",
                        (long long)sold, (long long)r->paid);
}

int bflow_buy(bench_run *r)
{
    int nbuy = r->users * 5 / 4 / 50 + 1;
    if (bflow_new_dates(r, nbuy) != 0) {
        bflow_note(r, "buy: could not create %d dates", nbuy);
        return -1;
    }
    bseat_phase h = {.r = r, .st = bflow_row(r, "seat.hold"), .limit = r->users};
    bench_phase hh = {buyhold_next, buyhold_done, &h, 0};
    bflow_drive(r, &hh, 0, &h.st, 1);
    r->hold_won += atomic_load(&h.won);
    r->hold_taken += atomic_load(&h.taken);

    bseat_phase p = {.r = r, .st = bflow_row(r, "payment.pay"), .limit = r->users};
    bench_phase ph = {pay_next, pay_done, &p, 0};
    bflow_drive(r, &ph, 0, &p.st, 1);
    r->paid = atomic_load(&p.won);
    bflow_count_sold(r);
    return 0;
}
