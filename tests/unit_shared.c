/* tests/unit_shared.c -- the read path that runs beside the engine, no
 * sockets: api_shared_hint (the pre-parse guess), api_handle_shared (it
 * declines every write, admin call, malformed or oversized message and
 * changes nothing; for the six pure reads its reply is byte-for-byte the
 * engine's, errors included), and pipelined durability (tk_sync_defer +
 * tk_sync on a real SQLite file in a temp dir, then a reopen). */
#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "tests/unit_api.h"

/* ---- helpers ------------------------------------------------------------- */

/* A JSON-RPC request (static buffer, valid until the next call). */
static const char *req(const char *method, const char *params_fmt, ...)
    __attribute__((format(printf, 2, 3)));
static const char *req(const char *method, const char *params_fmt, ...)
{
    static char msg[4400];
    int n = snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"%s\",\"params\":",
                     method);
    va_list ap;
    va_start(ap, params_fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n - 1, params_fmt, ap);
    va_end(ap);
    strcat(msg, "}");
    return msg;
}

static bool hint(const char *msg) { return api_shared_hint(msg, strlen(msg)); }

static int64_t requests_counted(void)
{
    stats_view v;
    stats_get(api_stats(A), NOW, &v);
    return v.total;
}

/* The engine's answer, as the engine runs it (inside a batch). */
static char *engine_reply(const char *msg, size_t len, int64_t now_ms)
{
    ck_assert_int_eq(tk_batch_begin(D), 0);
    char *out = api_handle(A, msg, len, PEER, now_ms, &WROTE);
    ck_assert_int_eq(tk_batch_commit(D), 0);
    ck_assert_ptr_nonnull(out);
    return out;
}

/* The shared path must serve msg, with the engine's very bytes, and the
 * engine must agree it wrote nothing. */
static void same_reply_len(const char *msg, size_t len, int64_t now_ms)
{
    bool declined = true;
    int64_t before = requests_counted();
    char *shared = api_handle_shared(A, msg, len, PEER, now_ms, &declined);
    ck_assert_msg(!declined && shared, "declined a pure read: %.200s", msg);
    ck_assert_int_eq(requests_counted(), before + 1);
    char *eng = engine_reply(msg, len, now_ms);
    ck_assert_msg(!strcmp(shared, eng), "request %.200s\nshared: %s\nengine: %s", msg, shared,
                  eng);
    ck_assert_msg(!WROTE, "the engine says a read wrote: %.200s", msg);
    free(shared);
    free(eng);
}

static void same_reply(const char *msg, int64_t now_ms)
{
    same_reply_len(msg, strlen(msg), now_ms);
}

/* The shared path must decline msg, and count nothing. */
static void declined_len(const char *msg, size_t len)
{
    bool declined = false;
    int64_t before = requests_counted();
    char *out = api_handle_shared(A, msg, len, PEER, NOW, &declined);
    ck_assert_msg(out == NULL && declined, "not declined: %.200s -> %s", msg, out ? out : "NULL");
    ck_assert_int_eq(requests_counted(), before);
}

static void declined(const char *msg) { declined_len(msg, strlen(msg)); }

/* A seat's state and the caller's balance, read through the shared path. */
static cJSON *shared_call(const char *msg)
{
    bool d = true;
    char *out = api_handle_shared(A, msg, strlen(msg), PEER, NOW, &d);
    ck_assert_msg(!d && out, "declined: %s", msg);
    cJSON *r = cJSON_Parse(out);
    free(out);
    ck_assert_ptr_nonnull(r);
    return r;
}

static void seat_is(const char *tok, int64_t date, int seat, const char *state)
{
    cJSON *r = shared_call(req("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", tok,
                               (long long)date));
    const cJSON *s = cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "seats"), seat - 1);
    ck_assert_int_eq(num(s, "no"), seat);
    ck_assert_str_eq(str(s, "state"), state);
    cJSON_Delete(r);
}

static int64_t balance_of(const char *uid)
{
    cJSON *r = shared_call(req("wallet.balance", "{\"user_id\":\"%s\"}", uid));
    int64_t b = num(ok(r), "balance");
    cJSON_Delete(r);
    return b;
}

static const char *state_of(const char *tok)
{
    static char st[16];
    cJSON *r = shared_call(req("queue.status", "{\"token\":\"%s\"}", tok));
    snprintf(st, sizeof st, "%s", str(ok(r), "state"));
    cJSON_Delete(r);
    return st;
}

/* A scene with something in every list: u has a paid booking (seat 3),
 * then a fresh active token holding seat 5; w is active with nothing;
 * v waits (max_active 2). */
typedef struct {
    char u[UUID_STR_LEN], w[UUID_STR_LEN], v[UUID_STR_LEN];
    char tu[TOKEN_MAX_LEN], tw[TOKEN_MAX_LEN], tv[TOKEN_MAX_LEN];
    int64_t date, hold5, booking;
} scene;

static int64_t hold_seat(const char *tok, int64_t date, int seat)
{
    cJSON *r = call("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":%d}", tok,
                    (long long)date, seat);
    int64_t h = num(ok(r), "hold_id");
    cJSON_Delete(r);
    return h;
}

static void scene_build(scene *s)
{
    teardown();
    open_all(2, NULL);
    char st[16];
    s->date = new_date();
    new_user(s->u);
    cJSON_Delete(call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":500000,\"request_id\":\"c1\"}",
                      s->u));
    join(s->u, s->tu, st);
    ck_assert_str_eq(st, "active");
    int64_t h3 = hold_seat(s->tu, s->date, 3);
    cJSON *r = call("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p1\"}",
                    s->tu, (long long)h3);
    s->booking = num(cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "bookings"), 0), "booking_id");
    cJSON_Delete(r);
    join(s->u, s->tu, st); /* the paid token expired: a new one */
    ck_assert_str_eq(st, "active");
    s->hold5 = hold_seat(s->tu, s->date, 5);
    new_user(s->w);
    join(s->w, s->tw, st);
    ck_assert_str_eq(st, "active");
    new_user(s->v);
    join(s->v, s->tv, st);
    ck_assert_str_eq(st, "waiting");
}

/* ---- api_shared_hint ----------------------------------------------------- */

static const char *const READS[] = {"queue.status", "dates.list", "seats.list",
                                    "wallet.balance", "wallet.history", "booking.list"};

START_TEST(hint_reads_and_others)
{
    char m[256];
    for (size_t i = 0; i < UR_LEN(READS); i++) {
        ck_assert_msg(hint(req(READS[i], "{}")), "%s", READS[i]);
        snprintf(m, sizeof m, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\" : \"%s\"}", READS[i]);
        ck_assert_msg(hint(m), "%s", m);
        snprintf(m, sizeof m, "{\n\t\"method\"\r\n:\t\"%s\",\"id\":1,\"jsonrpc\":\"2.0\"}", READS[i]);
        ck_assert_msg(hint(m), "%s", m);
    }
    const char *no[] = {"seat.hold", "payment.pay", "admin.seats.list", "user.register",
                        "hold.release", "wallet.charge", "seats.listx", "seats.lis",
                        "SEATS.LIST", "queue.join", "admin.dashboard"};
    for (size_t i = 0; i < UR_LEN(no); i++)
        ck_assert_msg(!hint(req(no[i], "{}")), "%s", no[i]);
    const char *junk[] = {"", "garbage", "{", "\"method\"", "\"method\":", "\"method\":\"",
                          "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{}}",
                          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}",
                          "{\"method\":\"seats.list"};
    for (size_t i = 0; i < UR_LEN(junk); i++)
        ck_assert_msg(!hint(junk[i]), "%s", junk[i]);
    ck_assert(!api_shared_hint("", 0));
    /* The length, not the NUL, ends the message: cut before the quote. */
    const char *cut = "{\"method\":\"seats.list\"}";
    ck_assert(api_shared_hint(cut, strlen(cut)));
    ck_assert(!api_shared_hint(cut, strlen("{\"method\":\"seats.list")));
}
END_TEST

START_TEST(hint_fooled_but_handler_declines)
{
    scene s;
    scene_build(&s);
    /* params carry the text "method":"seats.list" ahead of the real
     * method: the hint may be fooled, the handler must not be. */
    char m[1024];
    snprintf(m, sizeof m,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"note\":{\"method\":\"seats.list\"},"
             "\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":9},\"method\":\"seat.hold\"}",
             s.tw, (long long)s.date);
    declined(m);
    snprintf(m, sizeof m,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"x\":\"\\\"method\\\":\\\"seats.list\\\"\","
             "\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":9},\"method\":\"seat.hold\"}",
             s.tw, (long long)s.date);
    declined(m);
    /* "method" only inside params: no method at all. */
    declined("{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"method\":\"seats.list\"}}");
    seat_is(s.tw, s.date, 9, "free");
    /* The engine does take the first one: it really was a hold. */
    snprintf(m, sizeof m,
             "{\"jsonrpc\":\"2.0\",\"id\":1,\"params\":{\"note\":{\"method\":\"seats.list\"},"
             "\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":9},\"method\":\"seat.hold\"}",
             s.tw, (long long)s.date);
    free(engine_reply(m, strlen(m), NOW));
    ck_assert(WROTE);
    seat_is(s.tw, s.date, 9, "held");
}
END_TEST

/* ---- api_handle_shared declines, and changes nothing -------------------- */

START_TEST(shared_declines_writes)
{
    scene s;
    scene_build(&s);
    int64_t bal = balance_of(s.u);
    declined(req("seat.hold", "{\"token\":\"%s\",\"date_id\":%lld,\"seat_no\":10}", s.tw,
                 (long long)s.date));
    declined(req("hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}", s.tu, (long long)s.hold5));
    declined(req("wallet.charge", "{\"user_id\":\"%s\",\"amount\":1000,\"request_id\":\"x\"}", s.u));
    declined(req("payment.pay", "{\"token\":\"%s\",\"hold_ids\":[%lld],\"request_id\":\"p2\"}",
                 s.tu, (long long)s.hold5));
    declined(req("queue.leave", "{\"token\":\"%s\"}", s.tw));
    declined(req("queue.join", "{\"user_id\":\"%s\"}", s.v));
    declined(req("user.register", "{\"name\":\"Lee\"}"));
    seat_is(s.tw, s.date, 10, "free");
    seat_is(s.tw, s.date, 5, "held");
    ck_assert_int_eq(balance_of(s.u), bal);
    ck_assert_str_eq(state_of(s.tw), "active");
    ck_assert_str_eq(state_of(s.tv), "waiting");
    /* The hold the pay attempt named is still the user's to release. */
    cJSON *r = call("hold.release", "{\"token\":\"%s\",\"hold_id\":%lld}", s.tu, (long long)s.hold5);
    ok(r);
    cJSON_Delete(r);
    seat_is(s.tw, s.date, 5, "free");
}
END_TEST

START_TEST(shared_declines_admin)
{
    scene s;
    scene_build(&s);
    const char *k = "\"admin_key\":\"" KEY "\"";
    declined(req("admin.hold.release", "{%s,\"hold_id\":%lld}", k, (long long)s.hold5));
    declined(req("admin.booking.refund", "{%s,\"booking_id\":%lld}", k, (long long)s.booking));
    declined(req("admin.seats.list", "{%s,\"date_id\":%lld}", k, (long long)s.date));
    declined(req("admin.dashboard", "{%s}", k));
    declined(req("admin.audit.list", "{%s}", k));
    declined(req("admin.queue.set", "{%s,\"paused\":true}", k));
    declined(req("admin.concert.create", "{%s,\"title\":\"X\",\"venue\":\"Y\"}", k));
    declined(req("admin.date.create", "{%s,\"concert_id\":1,\"starts_at\":\"" FAR "\","
                 "\"prices\":{\"1-50\":1000}}", k));
    declined(req("admin.dashboard", "{\"admin_key\":\"wrong\"}"));
    seat_is(s.tw, s.date, 5, "held");
    seat_is(s.tw, s.date, 3, "sold");
    cJSON *r = shared_call(req("dates.list", "{\"token\":\"%s\"}", s.tw));
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ok(r), "dates")), 1);
    cJSON_Delete(r);
    r = shared_call(req("booking.list", "{\"user_id\":\"%s\"}", s.u));
    const cJSON *b = cJSON_GetArrayItem(cJSON_GetObjectItem(ok(r), "bookings"), 0);
    ck_assert_str_eq(str(b, "state"), "paid");
    cJSON_Delete(r);
    ck_assert_str_eq(state_of(s.tv), "waiting"); /* the queue was not paused */
}
END_TEST

START_TEST(shared_declines_malformed_and_oversized)
{
    scene s;
    scene_build(&s);
    const char *bad[] = {
        "", "{", "nope", "[]", "42", "{} x",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"seats.list\",\"params\":",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"seats.list\",\"params\":{}}",
        "{\"id\":1,\"method\":\"wallet.balance\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"seats.list\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dates.list\",\"params\":[1]}",
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"dates.list\"}]",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"no.such\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}"};
    for (size_t i = 0; i < UR_LEN(bad); i++)
        declined(bad[i]);
    /* A real seats.list padded past the limit is declined; at exactly the
     * limit it is served, the same as by the engine. */
    const char *m = req("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", s.tw, (long long)s.date);
    size_t n = RPC_MAX_MSG + 1;
    char *big = malloc(n);
    memset(big, ' ', n);
    memcpy(big, m, strlen(m));
    ck_assert(api_shared_hint(big, n));
    declined_len(big, n);
    char *eng = engine_reply(big, n, NOW);
    ck_assert_msg(strstr(eng, "INVALID_REQUEST"), "engine on an oversized message: %s", eng);
    free(eng);
    same_reply_len(big, RPC_MAX_MSG, NOW);
    free(big);
}
END_TEST

/* ---- the same bytes as the engine ---------------------------------------- */

START_TEST(shared_equals_engine)
{
    scene s;
    scene_build(&s);
    const char *forged = "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA";
    const char *ghost = "123e4567-e89b-42d3-a456-426614174000";
    const char *toks[] = {s.tu, s.tw, s.tv, forged, "", "x"};
    long long dates[] = {s.date, 999};
    for (size_t t = 0; t < UR_LEN(toks); t++) {
        same_reply(req("queue.status", "{\"token\":\"%s\"}", toks[t]), NOW);
        same_reply(req("dates.list", "{\"token\":\"%s\"}", toks[t]), NOW);
        for (size_t d = 0; d < UR_LEN(dates); d++)
            same_reply(req("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", toks[t], dates[d]),
                       NOW);
    }
    const char *users[] = {s.u, s.w, s.v, ghost, "not-a-uuid"};
    for (size_t u = 0; u < UR_LEN(users); u++) {
        same_reply(req("wallet.balance", "{\"user_id\":\"%s\"}", users[u]), NOW);
        same_reply(req("wallet.history", "{\"user_id\":\"%s\"}", users[u]), NOW);
        same_reply(req("wallet.history", "{\"user_id\":\"%s\",\"limit\":1}", users[u]), NOW);
        same_reply(req("booking.list", "{\"user_id\":\"%s\"}", users[u]), NOW);
    }
    /* Ill-typed params, other ids, no params at all. */
    same_reply(req("seats.list", "{\"token\":\"%s\",\"date_id\":1.5}", s.tu), NOW);
    same_reply(req("seats.list", "{\"token\":\"%s\"}", s.tu), NOW);
    same_reply(req("wallet.history", "{\"user_id\":\"%s\",\"limit\":\"x\"}", s.u), NOW);
    same_reply("{\"jsonrpc\":\"2.0\",\"id\":\"abc\",\"method\":\"dates.list\",\"params\":{}}", NOW);
    same_reply("{\"jsonrpc\":\"2.0\",\"method\":\"queue.status\"}", NOW);
    same_reply("{\"jsonrpc\":\"2.0\",\"id\":9007199254740991,\"method\":\"booking.list\","
               "\"params\":null}", NOW);
    /* Later, with u's hold lapsed but not swept, and later still, with
     * every token past its active window: both paths judge by now_ms. */
    int64_t later[] = {NOW + 300000 + 1000, NOW + 600000 + 1000};
    for (size_t i = 0; i < UR_LEN(later); i++) {
        for (size_t t = 0; t < 3; t++) {
            same_reply(req("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", toks[t],
                           (long long)s.date), later[i]);
            same_reply(req("queue.status", "{\"token\":\"%s\"}", toks[t]), later[i]);
        }
    }
}
END_TEST

START_TEST(shared_equals_engine_named_errors)
{
    scene s;
    scene_build(&s);
    /* The errors the brief names, asserted by reason, not only by bytes. */
    cJSON *r = shared_call(req("seats.list", "{\"token\":\"v1.forged.token\",\"date_id\":%lld}",
                               (long long)s.date));
    err(r, "TOKEN_INVALID");
    cJSON_Delete(r);
    r = shared_call(req("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", s.tv, (long long)s.date));
    const cJSON *d = err(r, "NOT_ADMITTED");
    ck_assert_int_eq(num(d, "position"), 1);
    cJSON_Delete(r);
    /* A real token with one byte changed is forged too. */
    char t[TOKEN_MAX_LEN];
    snprintf(t, sizeof t, "%s", s.tw);
    size_t n = strlen(t);
    t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
    const char *m = req("seats.list", "{\"token\":\"%s\",\"date_id\":%lld}", t, (long long)s.date);
    same_reply(m, NOW);
    r = shared_call(m);
    err(r, "TOKEN_INVALID");
    cJSON_Delete(r);
    m = req("dates.list", "{\"token\":\"%s\"}", s.tv);
    same_reply(m, NOW);
}
END_TEST

/* ---- pipelined durability on a real file ---------------------------------- */

/* Open descriptors of this process on path (or on what was path). */
static int fds_on(const char *path)
{
    DIR *dir = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(dir);
    struct dirent *e;
    int n = 0;
    char link[PATH_MAX + 32], target[PATH_MAX];
    while ((e = readdir(dir)) != NULL) {
        snprintf(link, sizeof link, "/proc/self/fd/%s", e->d_name);
        ssize_t k = readlink(link, target, sizeof target - 1);
        if (k <= 0)
            continue;
        target[k] = '\0';
        /* A descriptor outliving the file reads "<path> (deleted)". */
        size_t pl = strlen(path);
        n += !strncmp(target, path, pl) && (!target[pl] || !strcmp(target + pl, " (deleted)"));
    }
    closedir(dir);
    return n;
}

static tk_domain *open_file(const char *db)
{
    tk_config cfg;
    tk_config_defaults(&cfg);
    cfg.db_path = db;
    memset(cfg.token_key, 3, sizeof cfg.token_key);
    tk_domain *d = tk_open(&cfg, NOW);
    ck_assert_ptr_nonnull(d);
    return d;
}

/* One charge, committed without a flush, then flushed. */
static void charge_flushed(tk_domain *d, const tk_uuid *u, int64_t amount, const char *rid)
{
    tk_charge_result cr;
    ck_assert_int_eq(tk_batch_begin(d), 0);
    ck_assert_int_eq(tk_wallet_charge(d, u, amount, rid, NOW, &cr, NULL), TK_OK);
    ck_assert_int_eq(tk_batch_commit(d), 0);
    ck_assert_int_eq(tk_sync(d), 0);
}

static int64_t balance_in(tk_domain *d, const tk_uuid *u)
{
    int64_t b = -1;
    ck_assert_int_eq(tk_wallet_balance(d, u, &b, NULL), TK_OK);
    return b;
}

START_TEST(deferred_sync_survives_reopen)
{
    char dir[] = "/tmp/unit_shared.XXXXXX", db[64], wal[80];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(db, sizeof db, "%s/t.db", dir);
    snprintf(wal, sizeof wal, "%s-wal", db);
    tk_uuid u;
    for (int round = 1; round <= 3; round++) {
        tk_domain *d = open_file(db);
        int before = fds_on(wal);
        ck_assert_int_eq(tk_sync_defer(d), 0);
        /* The flush has a descriptor of its own on the WAL (a reopened
         * database too, whose WAL SQLite deleted at the last close). */
        ck_assert_int_eq(fds_on(wal), before + 1);
        if (round == 1) {
            ck_assert_int_eq(tk_batch_begin(d), 0);
            ck_assert_int_eq(tk_user_register(d, "Park", NOW, &u, NULL), TK_OK);
            ck_assert_int_eq(tk_batch_commit(d), 0);
        } else {
            ck_assert_int_eq(balance_in(d, &u), 1000 * (round - 1));
        }
        char rid[16];
        snprintf(rid, sizeof rid, "r%d", round);
        charge_flushed(d, &u, 1000, rid);
        ck_assert_int_eq(balance_in(d, &u), 1000 * round);
        tk_close(d);
        ck_assert_int_eq(fds_on(wal), 0); /* tk_close let go of it */
    }
    tk_domain *d = open_file(db);
    ck_assert_int_eq(balance_in(d, &u), 3000);
    tk_close(d);
    const char *files[] = {"t.db", "t.db-wal", "t.db-shm", "t.db-lock"};
    char p[96];
    for (size_t i = 0; i < UR_LEN(files); i++) {
        snprintf(p, sizeof p, "%s/%s", dir, files[i]);
        unlink(p);
    }
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(sync_in_memory_is_a_noop)
{
    ck_assert_int_eq(tk_sync(D), 0); /* before any defer */
    ck_assert_int_eq(tk_sync_defer(D), 0);
    char uid[UUID_STR_LEN];
    new_user(uid);
    cJSON_Delete(call("wallet.charge", "{\"user_id\":\"%s\",\"amount\":700,\"request_id\":\"m\"}",
                      uid));
    ck_assert_int_eq(tk_sync(D), 0);
    ck_assert_int_eq(balance_of(uid), 700);
}
END_TEST

int main(void)
{
    const TTest *const tests[] = {
        hint_reads_and_others, hint_fooled_but_handler_declines, shared_declines_writes,
        shared_declines_admin, shared_declines_malformed_and_oversized, shared_equals_engine,
        shared_equals_engine_named_errors, deferred_sync_survives_reopen,
        sync_in_memory_is_a_noop};
    return run_suite("unit_shared", tests, UR_LEN(tests));
}
