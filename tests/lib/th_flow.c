/* tests/lib/th_flow.c -- multi-call flows the suites share: a member with
 * money and an active token, a bookable date, holds, payment, and the
 * money-conservation check. Each helper fails the test on an error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/util.h"
#include "tests/lib/harness.h"

void th_user_new(th_server *s, th_user *u, const char *name)
{
    memset(u, 0, sizeof(*u));
    rpc_reply r = th_call(s, "user.register", "{\"name\":\"%s\"}", name);
    TH_OK(r);
    const char *id = th_str(r.result, "user_id");
    ck_assert_msg(strlen(id) == 36, "user_id is not a uuid: %s", id);
    snprintf(u->user_id, sizeof(u->user_id), "%s", id);
}

int64_t th_charge(th_server *s, th_user *u, int64_t amount)
{
    rpc_reply r = th_call(s, "wallet.charge",
                          "{\"user_id\":\"%s\",\"amount\":%lld,\"request_id\":\"th-c%d\"}",
                          u->user_id, (long long)amount, ++u->nreq);
    TH_OK(r);
    u->charged += amount;
    return th_int(r.result, "balance");
}

const char *th_join(th_server *s, th_user *u)
{
    rpc_reply r = th_call(s, "queue.join", "{\"user_id\":\"%s\"}", u->user_id);
    TH_OK(r);
    snprintf(u->token, sizeof(u->token), "%s", th_str(r.result, "token"));
    u->seq = th_int(r.result, "seq");
    return th_str(r.result, "state");
}

void th_wait_active(th_server *s, th_user *u)
{
    int64_t end = clock_mono_ms() + TH_WAIT_MS;
    rpc_reply r;
    do {
        r = th_call(s, "queue.status", "{\"token\":\"%s\"}", u->token);
        TH_OK(r);
        if (strcmp(th_str(r.result, "state"), "active") == 0)
            return;
        th_sleep_ms(25);
    } while (clock_mono_ms() < end);
    ck_abort_msg("not admitted within %d ms: %s", TH_WAIT_MS, th_reply_str(&r));
}

void th_user_active(th_server *s, th_user *u, const char *name, int64_t charge)
{
    th_user_new(s, u, name);
    if (charge > 0)
        th_charge(s, u, charge);
    if (strcmp(th_join(s, u), "active") != 0)
        th_wait_active(s, u);
}

const char *th_time_in(int64_t secs)
{
    char *buf = th_keep_mem(malloc(40));
    time_format(clock_wall_ms() + secs * 1000, buf, 40);
    return buf;
}

int64_t th_concert_new(th_server *s, const char *title)
{
    rpc_reply r = th_admin(s, "admin.concert.create", "{\"title\":\"%s\",\"venue\":\"Hall A\"}",
                           title);
    TH_OK(r);
    return th_int(r.result, "concert_id");
}

int64_t th_date_new_full(th_server *s, int64_t concert_id, int days_ahead,
                         const char *prices_json, const char *on_sale_at)
{
    rpc_reply r;
    const char *starts = th_time_in((int64_t)days_ahead * 86400);
    if (on_sale_at)
        r = th_admin(s, "admin.date.create",
                     "{\"concert_id\":%lld,\"starts_at\":\"%s\",\"prices\":%s,\"on_sale_at\":\"%s\"}",
                     (long long)concert_id, starts, prices_json, on_sale_at);
    else
        r = th_admin(s, "admin.date.create",
                     "{\"concert_id\":%lld,\"starts_at\":\"%s\",\"prices\":%s}",
                     (long long)concert_id, starts, prices_json);
    TH_OK(r);
    return th_int(r.result, "date_id");
}

int64_t th_date_new(th_server *s, int days_ahead, int64_t price)
{
    char prices[50 * 24 + 4], *p = prices;
    *p++ = '[';
    for (int i = 0; i < 50; i++)
        p += sprintf(p, "%s%lld", i ? "," : "", (long long)price);
    strcpy(p, "]");
    int64_t c = th_concert_new(s, "Test Concert");
    return th_date_new_full(s, c, days_ahead, prices, NULL);
}

int64_t th_pick_date(th_server *s, th_user *u)
{
    rpc_reply r = th_call(s, "dates.list", "{\"token\":\"%s\"}", u->token);
    TH_OK(r);
    const cJSON *d = cJSON_GetArrayItem(th_arr(r.result, "dates"), 0);
    ck_assert_msg(d != NULL, "no bookable date: %s", th_reply_str(&r));
    return th_int(d, "date_id");
}

static const cJSON *th_seats(th_server *s, th_user *u, int64_t date_id)
{
    rpc_reply r = th_call(s, "seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", u->token,
                          (long long)date_id);
    TH_OK(r);
    const cJSON *seats = th_arr(r.result, "seats");
    ck_assert_int_eq(cJSON_GetArraySize(seats), 50);
    return seats;
}

int th_free_seats(th_server *s, th_user *u, int64_t date_id, int *out, int max)
{
    int n = 0;
    const cJSON *seat;
    cJSON_ArrayForEach(seat, th_seats(s, u, date_id))
        if (n < max && strcmp(th_str(seat, "state"), "free") == 0)
            out[n++] = (int)th_int(seat, "no");
    return n;
}

static const cJSON *th_find_seat(const cJSON *seats, int seat_no)
{
    const cJSON *seat;
    cJSON_ArrayForEach(seat, seats)
        if (th_int(seat, "no") == seat_no)
            return seat;
    ck_abort_msg("seat %d not in the seat list", seat_no);
    return NULL;
}

const cJSON *th_seat(th_server *s, th_user *u, int64_t date_id, int seat_no)
{
    return th_find_seat(th_seats(s, u, date_id), seat_no);
}

const cJSON *th_admin_seat(th_server *s, int64_t date_id, int seat_no)
{
    rpc_reply r = th_admin(s, "admin.seats.list", "{\"date_id\":%lld}", (long long)date_id);
    TH_OK(r);
    const cJSON *seats = th_arr(r.result, "seats");
    ck_assert_int_eq(cJSON_GetArraySize(seats), 50);
    return th_find_seat(seats, seat_no);
}

int64_t th_hold(th_server *s, th_user *u, int64_t date_id, int seat_no)
{
    rpc_reply r = th_call(s, "seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}",
                          u->token, (long long)date_id, seat_no);
    TH_OK(r);
    ck_assert_int_eq(th_int(r.result, "seat_no"), seat_no);
    ck_assert_int_eq(th_int(r.result, "date_id"), date_id);
    return th_int(r.result, "hold_id");
}

const char *th_ids_json(const int64_t *ids, int n)
{
    char *buf = th_keep_mem(malloc((size_t)n * 24 + 3));
    char *p = buf;
    *p++ = '[';
    for (int i = 0; i < n; i++)
        p += sprintf(p, "%s%lld", i ? "," : "", (long long)ids[i]);
    strcpy(p, "]");
    return buf;
}

rpc_reply th_pay(th_server *s, th_user *u, const int64_t *hold_ids, int n)
{
    return th_call(s, "payment.pay", "{\"token\":\"%s\",\"hold_ids\":%s,\"request_id\":\"th-p%d\"}",
                   u->token, th_ids_json(hold_ids, n), ++u->nreq);
}

int64_t th_balance(th_server *s, const char *user_id)
{
    rpc_reply r = th_call(s, "wallet.balance", "{\"user_id\":\"%s\"}", user_id);
    TH_OK(r);
    return th_int(r.result, "balance");
}

void th_money_check(th_server *s, th_user *users, int n, int64_t extra_charged)
{
    int64_t charged = 0, ledger_charges = 0;
    for (int i = 0; i < n; i++) {
        int64_t bal = th_balance(s, users[i].user_id);
        ck_assert_msg(bal >= 0, "negative balance %lld", (long long)bal);
        /* 500 is the most wallet.history returns: with that many the
         * sum below would be partial, so the caller must keep under it. */
        rpc_reply r = th_call(s, "wallet.history", "{\"user_id\":\"%s\",\"limit\":500}",
                              users[i].user_id);
        TH_OK(r);
        ck_assert_msg(cJSON_GetArraySize(th_arr(r.result, "entries")) < 500,
                      "user %d: too many ledger entries to sum", i);
        int64_t sum = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, th_arr(r.result, "entries")) {
            sum += th_int(e, "amount");
            if (strcmp(th_str(e, "kind"), "charge") == 0)
                ledger_charges += th_int(e, "amount");
        }
        ck_assert_msg(sum == bal, "user %d: ledger sums to %lld, balance is %lld", i,
                      (long long)sum, (long long)bal);
        charged += users[i].charged;
    }
    ck_assert_msg(ledger_charges == charged + extra_charged,
                  "ledger charges %lld != acknowledged charges %lld", (long long)ledger_charges,
                  (long long)(charged + extra_charged));
}

void th_sub_warmup(th_server *s, th_sub *sub, th_user *u, int64_t date_id, int seat_no)
{
    th_event ev;
    bool got = false;
    for (int i = 0; i < 50 && !got; i++) {
        int64_t h = th_hold(s, u, date_id, seat_no);
        TH_OK(th_call(s, "hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}", u->token,
                      (long long)h));
        got = th_sub_recv(sub, 200, &ev);
    }
    ck_assert_msg(got, "no event after 50 hold/release rounds");
    th_sub_drain(sub);
}
