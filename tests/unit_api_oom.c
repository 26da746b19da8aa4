/* tests/unit_api_oom.c -- memory running out in the middle of a write.
 *
 * INTERNAL promises that nothing was changed. A charge that runs out of
 * memory after it has already added its ledger entry must not commit half
 * of itself: its batch is voided, the commit fails, and the database
 * reopened from the file holds every acknowledged charge and nothing of
 * the failed one. Whichever of the domain's array growths fails (the
 * ledger's, before anything changed, or the request_id's, after), the
 * outcome must be the same from the client's side: balance equals the
 * acknowledged charges, the invariants hold, and a retry of the failed
 * request_id lands exactly once. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/util.h"
#include "server/api/api.h"
#include "tests/unit_domain_util.h"

#define OOM_KEY "oom-admin-key"
#define OOM_AMOUNT 1000
#define OOM_MAX_CHARGES 200

static int oom_calls, oom_fail_at; /* the fail_at-th growth fails; 0: none */

static void *oom_realloc(void *p, size_t size)
{
    if (oom_fail_at && ++oom_calls == oom_fail_at)
        return NULL;
    return realloc(p, size);
}

typedef struct {
    char *path;
    tk_config cfg;
    tk_domain *d;
    api_server *a;
} oom_server;

static void oom_open(oom_server *s)
{
    s->d = tk_open(&s->cfg, T0);
    ck_assert_ptr_nonnull(s->d);
    s->a = api_new(s->d, OOM_KEY, NULL);
    ck_assert_ptr_nonnull(s->a);
}

static void oom_close(oom_server *s)
{
    api_free(s->a);
    tk_close(s->d);
}

/* One request in a batch of its own, as the engine would run it. Returns
 * the reply (caller frees) and whether the batch committed. */
static cJSON *oom_call(oom_server *s, const char *method, const char *params, bool *committed)
{
    char msg[512];
    bool wrote;
    snprintf(msg, sizeof msg, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"%s\",\"params\":%s}",
             method, params);
    ck_assert_int_eq(tk_batch_begin(s->d), 0);
    char *out = api_handle(s->a, msg, strlen(msg), "ipc:pid=1", T0, &wrote);
    *committed = tk_batch_commit(s->d) == 0;
    cJSON *r = cJSON_Parse(out);
    free(out);
    ck_assert_ptr_nonnull(r);
    return r;
}

static const char *oom_reason(const cJSON *r)
{
    const cJSON *e = cJSON_GetObjectItem(r, "error");
    return e ? cJSON_GetObjectItem(cJSON_GetObjectItem(e, "data"), "reason")->valuestring : "ok";
}

static int64_t oom_balance(oom_server *s, const char *uid)
{
    char p[128];
    bool c;
    snprintf(p, sizeof p, "{\"user_id\":\"%s\"}", uid);
    cJSON *r = oom_call(s, "wallet.balance", p, &c);
    int64_t b = (int64_t)cJSON_GetObjectItem(cJSON_GetObjectItem(r, "result"), "balance")->valuedouble;
    cJSON_Delete(r);
    return b;
}

/* Charges until one fails with INTERNAL (the fail_at-th growth); returns
 * its number, or -1 if every charge went through. *acked: charges
 * answered ok in a committed batch. *voided: the failed one's batch did
 * not commit. */
static int oom_charge_until_internal(oom_server *s, const char *uid, int *acked, bool *voided)
{
    for (int k = 0; k < OOM_MAX_CHARGES; k++) {
        char p[160];
        bool committed;
        snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":%d,\"request_id\":\"c-%d\"}", uid,
                 OOM_AMOUNT, k);
        cJSON *r = oom_call(s, "wallet.charge", p, &committed);
        const char *why = oom_reason(r);
        bool ok = !strcmp(why, "ok"), internal = !strcmp(why, "INTERNAL");
        cJSON_Delete(r);
        ck_assert_msg(ok || internal, "charge %d: %s", k, why);
        if (internal) {
            *voided = !committed;
            return k;
        }
        ck_assert_msg(committed, "charge %d answered ok but its batch did not commit", k);
        (*acked)++;
    }
    return -1;
}

START_TEST(internal_write_changes_nothing)
{
    oom_server s;
    int fail_at = _i + 1;
    s.d = ut_open_file(&s.path, &s.cfg, 10, T0);
    ck_assert_int_eq(tk_batch_commit(s.d), 0);
    s.a = api_new(s.d, OOM_KEY, NULL);
    bool c;
    cJSON *r = oom_call(&s, "user.register", "{\"name\":\"Oh\"}", &c);
    char uid[UUID_STR_LEN];
    snprintf(uid, sizeof uid, "%s", cJSON_GetObjectItem(cJSON_GetObjectItem(r, "result"),
                                                        "user_id")->valuestring);
    cJSON_Delete(r);

    int acked = 0;
    bool voided = false;
    oom_calls = 0;
    oom_fail_at = fail_at;
    tk_realloc = oom_realloc;
    int failed = oom_charge_until_internal(&s, uid, &acked, &voided);
    tk_realloc = realloc;
    oom_fail_at = 0;
    ck_assert_msg(failed >= 0, "growth %d never came", fail_at);

    if (voided) { /* memory may be ahead of disk: start again from the file */
        oom_close(&s);
        oom_open(&s);
    }
    char why[256];
    ck_assert_int_eq(tk_batch_begin(s.d), 0);
    ck_assert_msg(tk_check_invariants(s.d, why, sizeof why) == 0, "%s", why);
    ck_assert_int_eq(tk_batch_commit(s.d), 0);
    ck_assert_int_eq(oom_balance(&s, uid), (int64_t)acked * OOM_AMOUNT);
    /* The failed request_id was not recorded: its retry lands, once. */
    char p[160];
    snprintf(p, sizeof p, "{\"user_id\":\"%s\",\"amount\":%d,\"request_id\":\"c-%d\"}", uid,
             OOM_AMOUNT, failed);
    for (int i = 0; i < 2; i++) {
        r = oom_call(&s, "wallet.charge", p, &c);
        ck_assert_str_eq(oom_reason(r), "ok");
        ck_assert(c);
        cJSON_Delete(r);
    }
    ck_assert_int_eq(oom_balance(&s, uid), (int64_t)(acked + 1) * OOM_AMOUNT);
    oom_close(&s);
    ut_rmdb(s.path);
}
END_TEST

int main(void)
{
    Suite *su = suite_create("api_oom");
    TCase *tc = tcase_create("all");
    tcase_set_timeout(tc, 60);
    /* The first growths: the ledger's and the request_ids' arrays take
     * turns, so odd and even cover a failure before and after a change. */
    tcase_add_loop_test(tc, internal_write_changes_nothing, 0, 6);
    suite_add_tcase(su, tc);
    return ur_run(su);
}
