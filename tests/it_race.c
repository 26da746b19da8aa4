/* tests/it_race.c -- concurrency over real sockets: many clients on one
 * seat (one winner), two pays with one request_id (one payment),
 * concurrent charges and replays (money conserved), and many buyers
 * competing for few seats (no seat sold twice, money conserved).
 *
 * Worker threads each own a REQ socket and never ck_assert; they record
 * what they saw and the main thread judges. */
#include <pthread.h>

#include "tests/lib/harness.h"

#define NRACERS 16

typedef struct {
    th_server *s;
    th_user *u;
    pthread_barrier_t *bar;
    int64_t date_id;
    int seat_no;
    const char *body;  /* pay race: the request params */
    rpc_reply rep;
    int64_t value;     /* hold_id / payment_id */
} racer;

static void *hold_racer(void *arg)
{
    racer *r = arg;
    th_client *c = th_client_open(r->s);
    /* A first call makes sure the socket is connected before the start. */
    th_ccall(c, "wallet.balance", "{\"user_id\":\"%s\"}", r->u->user_id);
    pthread_barrier_wait(r->bar);
    r->rep = th_ccall(c, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}",
                      r->u->token, (long long)r->date_id, r->seat_no);
    r->value = r->rep.err == TK_OK ? th_int_or(r->rep.result, "hold_id", -1) : 0;
    th_client_close(c);
    return NULL;
}

static void run_racers(racer *rs, int n, void *(*fn)(void *))
{
    pthread_t t[NRACERS];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        rs[i].bar = &bar;
        pthread_create(&t[i], NULL, fn, &rs[i]);
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&bar);
}

START_TEST(one_seat_one_winner)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 1000);
    static th_user users[NRACERS];
    for (int i = 0; i < NRACERS; i++)
        th_user_active(s, &users[i], "Racer", 0);
    for (int round = 0; round < 5; round++) {
        int seat = 20 + round;
        racer rs[NRACERS];
        for (int i = 0; i < NRACERS; i++)
            rs[i] = (racer){.s = s, .u = &users[i], .date_id = d, .seat_no = seat};
        run_racers(rs, NRACERS, hold_racer);
        int winner = -1, taken = 0;
        for (int i = 0; i < NRACERS; i++) {
            if (rs[i].rep.err == TK_OK) {
                ck_assert_msg(winner < 0, "seat %d held by two racers (%d and %d)", seat, winner,
                              i);
                winner = i;
            } else {
                ck_assert_msg(rs[i].rep.err == TK_SEAT_TAKEN, "racer %d got %s", i,
                              th_reply_str(&rs[i].rep));
                taken++;
            }
        }
        ck_assert_msg(winner >= 0, "nobody won seat %d", seat);
        ck_assert_int_eq(taken, NRACERS - 1);
        const cJSON *mine = th_seat(s, &users[winner], d, seat);
        ck_assert_str_eq(th_str(mine, "state"), "held");
        ck_assert(th_bool(mine, "mine"));
        const cJSON *theirs = th_seat(s, &users[(winner + 1) % NRACERS], d, seat);
        ck_assert(!th_bool(theirs, "mine"));
        ck_assert_int_eq(th_int(th_admin_seat(s, d, seat), "hold_id"), rs[winner].value);
        /* Give the hold back so one racer cannot reach the hold limit. */
        TH_OK(th_call(s, "hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}",
                      users[winner].token, (long long)rs[winner].value));
    }
}
END_TEST

static void *pay_racer(void *arg)
{
    racer *r = arg;
    th_client *c = th_client_open(r->s);
    th_ccall(c, "wallet.balance", "{\"user_id\":\"%s\"}", r->u->user_id);
    pthread_barrier_wait(r->bar);
    r->rep = th_ccall(c, "payment.pay", "%s", r->body);
    r->value = r->rep.err == TK_OK ? th_int_or(r->rep.result, "payment_id", -1) : 0;
    th_client_close(c);
    return NULL;
}

START_TEST(pay_race_same_request_id)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 30000);
    for (int round = 0; round < 3; round++) {
        th_user u;
        th_user_active(s, &u, "Double", 100000);
        int64_t h[2] = {th_hold(s, &u, d, 1 + 2 * round), th_hold(s, &u, d, 2 + 2 * round)};
        const char *body = th_sprintf("{\"token\":\"%s\",\"hold_ids\":%s,\"request_id\":\"race\"}",
                                      u.token, th_ids_json(h, 2));
        racer rs[2] = {{.s = s, .u = &u, .body = body}, {.s = s, .u = &u, .body = body}};
        run_racers(rs, 2, pay_racer);
        for (int i = 0; i < 2; i++)
            TH_OK(rs[i].rep);
        ck_assert_int_eq(rs[0].value, rs[1].value);
        ck_assert_int_eq(th_int(rs[0].rep.result, "balance"), 40000);
        ck_assert_int_eq(th_int(rs[1].rep.result, "balance"), 40000);
        ck_assert_int_eq(th_balance(s, u.user_id), 40000);
        rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", u.user_id);
        TH_OK(l);
        ck_assert_int_eq(cJSON_GetArraySize(th_arr(l.result, "bookings")), 2);
        th_money_check(s, &u, 1, 0);
    }
}
END_TEST

/* ---- concurrent charges ------------------------------------------------ */

#define NCHARGERS 8
#define NWALLETS 4
#define NCHARGES 25

typedef struct {
    th_server *s;
    th_user *users;
    int id;
    pthread_barrier_t *bar;
    int64_t acked[NWALLETS];
    int errors;
    char first_error[256];
} charger;

static void charger_fail(charger *c, const rpc_reply *r)
{
    if (c->errors++ == 0)
        snprintf(c->first_error, sizeof(c->first_error), "%s", th_reply_str(r));
}

static void *charge_worker(void *arg)
{
    charger *c = arg;
    th_client *cl = th_client_open(c->s);
    pthread_barrier_wait(c->bar);
    for (int n = 0; n < NCHARGES; n++) {
        int w = (c->id + n) % NWALLETS;
        long long amount = 1000 + c->id * 10 + n;
        const char *fmt = "{\"user_id\":\"%s\",\"amount\":%lld,\"request_id\":\"t%d-%d\"}";
        rpc_reply r = th_ccall(cl, "wallet.charge", fmt, c->users[w].user_id, amount, c->id, n);
        if (r.err != TK_OK) {
            charger_fail(c, &r);
            if (r.err == TK_ERR_COUNT)
                break; /* server gone: do not wait out every deadline */
            continue;
        }
        c->acked[w] += amount;
        /* A resend of the same request returns the same entry. */
        rpc_reply again = th_ccall(cl, "wallet.charge", fmt, c->users[w].user_id, amount, c->id, n);
        if (again.err != TK_OK ||
            th_int_or(again.result, "entry_id", -1) != th_int_or(r.result, "entry_id", -2))
            charger_fail(c, &again);
    }
    th_client_close(cl);
    return NULL;
}

START_TEST(concurrent_charges_conserve_money)
{
    th_server *s = th_start(NULL);
    th_user users[NWALLETS];
    for (int i = 0; i < NWALLETS; i++)
        th_user_new(s, &users[i], "Wallet");
    charger cs[NCHARGERS];
    pthread_t t[NCHARGERS];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, NCHARGERS);
    for (int i = 0; i < NCHARGERS; i++) {
        cs[i] = (charger){.s = s, .users = users, .id = i, .bar = &bar};
        pthread_create(&t[i], NULL, charge_worker, &cs[i]);
    }
    for (int i = 0; i < NCHARGERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&bar);
    for (int i = 0; i < NCHARGERS; i++) {
        ck_assert_msg(cs[i].errors == 0, "charger %d: %d errors, first %s", i, cs[i].errors,
                      cs[i].first_error);
        for (int w = 0; w < NWALLETS; w++)
            users[w].charged += cs[i].acked[w];
    }
    for (int w = 0; w < NWALLETS; w++)
        ck_assert_int_eq(th_balance(s, users[w].user_id), users[w].charged);
    th_money_check(s, users, NWALLETS, 0);
}
END_TEST

/* ---- many buyers, few seats -------------------------------------------- */

#define NBUYERS 12
#define NSEATS 20
#define BUDGET 200000

typedef struct {
    th_server *s;
    th_user *u;
    int64_t date_id;
    unsigned seed;
    pthread_barrier_t *bar;
    int64_t spent;
    int errors;
    char first_error[256];
} buyer;

static void *buyer_worker(void *arg)
{
    buyer *b = arg;
    th_client *c = th_client_open(b->s);
    pthread_barrier_wait(b->bar);
    int64_t holds[3];
    int n = 0;
    for (int tries = 0; tries < 40 && n < 3; tries++) {
        int seat = 1 + (int)(rand_r(&b->seed) % NSEATS);
        rpc_reply r = th_ccall(c, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}",
                               b->u->token, (long long)b->date_id, seat);
        if (r.err == TK_OK) {
            /* Holding a seat one already holds may return that same hold. */
            int64_t id = th_int_or(r.result, "hold_id", -1);
            bool dup = false;
            for (int k = 0; k < n; k++)
                dup |= holds[k] == id;
            if (!dup)
                holds[n++] = id;
        }
        else if (r.err != TK_SEAT_TAKEN && b->errors++ == 0)
            snprintf(b->first_error, sizeof(b->first_error), "hold: %s", th_reply_str(&r));
        if (r.err == TK_ERR_COUNT)
            break; /* server gone: do not wait out every deadline */
    }
    if (n > 0) {
        rpc_reply p = th_ccall(c, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":%s,\"request_id\":\"buy\"}",
                               b->u->token, th_ids_json(holds, n));
        if (p.err == TK_OK)
            b->spent = th_int_or(p.result, "amount", -1);
        else if (b->errors++ == 0)
            snprintf(b->first_error, sizeof(b->first_error), "pay: %s", th_reply_str(&p));
    }
    th_client_close(c);
    return NULL;
}

START_TEST(many_buyers_few_seats)
{
    th_server *s = th_start(NULL);
    int64_t d = th_date_new(s, 5, 10000);
    static th_user users[NBUYERS];
    buyer bs[NBUYERS];
    pthread_t t[NBUYERS];
    pthread_barrier_t bar;
    pthread_barrier_init(&bar, NULL, NBUYERS);
    for (int i = 0; i < NBUYERS; i++) {
        th_user_active(s, &users[i], "Buyer", BUDGET);
        bs[i] = (buyer){.s = s, .u = &users[i], .date_id = d, .seed = 7u * (unsigned)i + 1,
                        .bar = &bar};
    }
    for (int i = 0; i < NBUYERS; i++)
        pthread_create(&t[i], NULL, buyer_worker, &bs[i]);
    for (int i = 0; i < NBUYERS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&bar);

    int owner[NSEATS + 1];
    memset(owner, -1, sizeof(owner));
    int64_t spent = 0;
    int sold = 0;
    for (int i = 0; i < NBUYERS; i++) {
        ck_assert_msg(bs[i].errors == 0, "buyer %d: %s", i, bs[i].first_error);
        spent += bs[i].spent;
        ck_assert_int_eq(th_balance(s, users[i].user_id), BUDGET - bs[i].spent);
        rpc_reply l = th_call(s, "booking.list", "{\"user_id\":\"%s\"}", users[i].user_id);
        TH_OK(l);
        const cJSON *b;
        cJSON_ArrayForEach(b, th_arr(l.result, "bookings")) {
            int no = (int)th_int(b, "seat_no");
            ck_assert(no >= 1 && no <= NSEATS);
            ck_assert_msg(owner[no] < 0, "seat %d sold to buyers %d and %d", no, owner[no], i);
            owner[no] = i;
            sold++;
        }
    }
    ck_assert_int_gt(sold, 0);
    ck_assert_int_eq(spent, (int64_t)sold * 10000);
    rpc_reply dash = th_admin(s, "admin.dashboard", NULL);
    TH_OK(dash);
    const cJSON *tot = th_obj(dash.result, "totals");
    ck_assert_int_eq(th_int(tot, "sold"), sold);
    ck_assert_int_eq(th_int(tot, "revenue"), spent);
    for (int no = 1; no <= NSEATS; no++)
        ck_assert_str_eq(th_str(th_admin_seat(s, d, no), "state"), owner[no] >= 0 ? "sold" : "free");
    th_money_check(s, users, NBUYERS, 0);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("it_race");
    TCase *tc = th_tcase("race");
    tcase_add_test(tc, one_seat_one_winner);
    tcase_add_test(tc, pay_race_same_request_id);
    tcase_add_test(tc, concurrent_charges_conserve_money);
    tcase_add_test(tc, many_buyers_few_seats);
    suite_add_tcase(su, tc);
    return th_main(su);
}
