/* tests/fuzz/fuzz_rpc.c -- libFuzzer harness over the whole request path:
 * api_handle (decoding, validation, dispatch, encoding) on a real
 * ":memory:" SQLite domain, each message inside tk_batch_begin/commit as
 * the engine runs it.
 *
 * Input: up to FUZZ_MAX_MSGS messages separated by '\n'. Before a message
 * is handled these placeholders are replaced, so inputs can reach past
 * the token and user checks although ids are random per run:
 *   $U / $V   the user_id of member 1 / member 2 (both charged 100000)
 *   $T / $S   their active tokens          $K   the admin key
 * A line "#tick" moves the clock 6 minutes on and runs tk_tick (holds
 * lapse, tokens expire). Date 1 (50 seats, on sale) and concert 1 exist.
 *
 * Oracles, beyond "no crash, no sanitizer report": every message gets a
 * reply that is a JSON-RPC 2.0 object in strict JSON and valid UTF-8
 * (jv_parse runs jc_check), every batch commits, a PARSE_ERROR has id
 * null and changed nothing, and tk_check_invariants holds after every
 * message (no seat with two owners, no negative balance, money conserved).
 *
 * Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined.
 * tests/unit_fuzz.c includes this file (FUZZ_NO_MAIN is irrelevant: the
 * harness has no main) to replay tests/fuzz/corpus and
 * tests/fuzz/regressions under `make check` and `make check-asan`. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/util.h"
#include "server/api/api.h"
#include "server/domain/domain.h"

#define FUZZ_MAX_MSGS 8
#define FUZZ_MAX_INPUT (70 * 1024) /* a bit over RPC_MAX_MSG: the size check too */
#define FUZZ_KEY "fuzz-admin-key"

typedef struct {
    tk_domain *d;
    api_server *a;
    int64_t now;
    char user[2][UUID_STR_LEN];
    char token[2][TOKEN_MAX_LEN];
} fuzz_world;

/* Fails loudly: libFuzzer and the unit test both see a crash. */
#define FUZZ_CHECK(cond, ...)                                                                  \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fprintf(stderr, "fuzz_rpc: " __VA_ARGS__);                                         \
            fprintf(stderr, "\n");                                                             \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

/* A fixed clock: inputs replay the same on any day. 2030-01-01. */
#define FUZZ_T0 ((int64_t)1893456000000LL)

static void fuzz_member(fuzz_world *w, int i)
{
    tk_uuid u;
    tk_charge_result cr;
    tk_queue_info qi;
    char rid[16];
    FUZZ_CHECK(tk_user_register(w->d, i ? "fuzz two" : "fuzz one", w->now, &u, NULL) == TK_OK,
               "register");
    snprintf(rid, sizeof(rid), "seed-%d", i);
    FUZZ_CHECK(tk_wallet_charge(w->d, &u, 100000, rid, w->now, &cr, NULL) == TK_OK, "charge");
    FUZZ_CHECK(tk_queue_join(w->d, &u, w->now, &qi, NULL) == TK_OK, "join");
    uuid_format(u.b, w->user[i]);
    snprintf(w->token[i], sizeof(w->token[i]), "%s", qi.token);
}

static void fuzz_open(fuzz_world *w)
{
    tk_config cfg;
    tk_config_defaults(&cfg);
    cfg.db_path = ":memory:";
    for (int i = 0; i < TOKEN_KEY_BYTES; i++)
        cfg.token_key[i] = (uint8_t)(i * 13 + 5);
    memset(w, 0, sizeof(*w));
    w->now = FUZZ_T0;
    w->d = tk_open(&cfg, w->now);
    FUZZ_CHECK(w->d != NULL, "tk_open(:memory:) failed");
    /* Rate limits on, but roomy: the limiter's code runs, rarely refuses. */
    api_limits lim = {1000, 2000, 100000, 200000, NULL};
    w->a = api_new(w->d, FUZZ_KEY, &lim);
    FUZZ_CHECK(w->a != NULL, "api_new failed");

    int64_t concert = 0, date = 0, prices[TK_SEATS];
    for (int i = 0; i < TK_SEATS; i++)
        prices[i] = i < 10 ? 30000 : 10000;
    FUZZ_CHECK(tk_batch_begin(w->d) == 0, "batch begin");
    FUZZ_CHECK(tk_admin_concert_create(w->d, "Fuzz", "Hall", w->now, &concert, NULL) == TK_OK,
               "concert");
    FUZZ_CHECK(tk_admin_date_create(w->d, concert, w->now + 30LL * 86400000, prices, -1, w->now,
                                    &date, NULL) == TK_OK, "date");
    fuzz_member(w, 0);
    fuzz_member(w, 1);
    tk_tick(w->d, w->now); /* admits both */
    FUZZ_CHECK(tk_batch_commit(w->d) == 0, "batch commit");
    tk_event ev[64];
    while (tk_events_take(w->d, ev, 64) > 0)
        ;
}

static void fuzz_close(fuzz_world *w)
{
    api_free(w->a);
    tk_close(w->d);
}

/* Copies msg into out replacing the placeholders; returns the length. */
static size_t fuzz_expand(const fuzz_world *w, const char *msg, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o < cap; i++) {
        const char *sub = NULL;
        if (msg[i] == '$' && i + 1 < len) {
            switch (msg[i + 1]) {
            case 'U': sub = w->user[0]; break;
            case 'V': sub = w->user[1]; break;
            case 'T': sub = w->token[0]; break;
            case 'S': sub = w->token[1]; break;
            case 'K': sub = FUZZ_KEY; break;
            }
        }
        if (!sub) {
            out[o++] = msg[i];
            continue;
        }
        size_t n = strlen(sub);
        if (o + n > cap)
            break;
        memcpy(out + o, sub, n);
        o += n;
        i++;
    }
    return o;
}

static void fuzz_one(fuzz_world *w, const char *msg, size_t len)
{
    static char buf[FUZZ_MAX_INPUT + 4096];
    if (len == 5 && memcmp(msg, "#tick", 5) == 0) {
        w->now += 6 * 60 * 1000;
        FUZZ_CHECK(tk_batch_begin(w->d) == 0, "batch begin");
        tk_tick(w->d, w->now);
        FUZZ_CHECK(tk_batch_commit(w->d) == 0, "tick commit");
    } else {
        size_t n = fuzz_expand(w, msg, len, buf, sizeof(buf));
        bool wrote = false;
        FUZZ_CHECK(tk_batch_begin(w->d) == 0, "batch begin");
        int64_t changes = tk_batch_changes(w->d);
        char *reply = api_handle(w->a, buf, n, "ipc:pid=4242", w->now, &wrote);
        bool changed = tk_batch_changes(w->d) != changes;
        FUZZ_CHECK(tk_batch_commit(w->d) == 0, "commit failed after: %.*s", (int)n, buf);
        FUZZ_CHECK(reply != NULL, "no reply to: %.*s", (int)n, buf);
        cJSON *r = jv_parse(reply, strlen(reply));
        FUZZ_CHECK(r && cJSON_IsObject(r), "reply is not a JSON object: %s", reply);
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(r, "jsonrpc");
        bool one = (cJSON_GetObjectItemCaseSensitive(r, "result") != NULL) !=
                   (cJSON_GetObjectItemCaseSensitive(r, "error") != NULL);
        FUZZ_CHECK(cJSON_IsString(v) && strcmp(v->valuestring, "2.0") == 0 && one,
                   "not a JSON-RPC 2.0 reply: %s", reply);
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(
            cJSON_GetObjectItemCaseSensitive(r, "error"), "code");
        FUZZ_CHECK(!cJSON_IsNumber(code) || code->valuedouble != -32700 ||
                       (!changed && cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r, "id"))),
                   "a PARSE_ERROR changed something or kept an id: %s", reply);
        cJSON_Delete(r);
        free(reply);
    }
    tk_event ev[64];
    while (tk_events_take(w->d, ev, 64) > 0)
        ;
    char why[256];
    FUZZ_CHECK(tk_check_invariants(w->d, why, sizeof(why)) == 0,
               "invariant broken after: %.*s\n%s", (int)len, msg, why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_MAX_INPUT)
        return 0;
    fuzz_world w;
    fuzz_open(&w);
    const char *p = (const char *)data, *end = p + size;
    for (int k = 0; k < FUZZ_MAX_MSGS && p < end; k++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        fuzz_one(&w, p, len);
        p += len + (nl ? 1 : 0);
    }
    fuzz_close(&w);
    return 0;
}
