/* tests/unit_domain_util.h -- helpers shared by the unit_domain* suites:
 * open a domain on ":memory:" or a temp file, make users, dates, tokens. */
#ifndef UNIT_DOMAIN_UTIL_H
#define UNIT_DOMAIN_UTIL_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/domain/domain.h"
#include "tests/unit_run.h"

#define T0 1900000000000LL /* a fixed "now" (2030) */
#define DAY 86400000LL

static inline tk_config ut_cfg(const char *path)
{
    tk_config c;
    tk_config_defaults(&c);
    c.db_path = path;
    for (int i = 0; i < TOKEN_KEY_BYTES; i++)
        c.token_key[i] = (uint8_t)(i * 7 + 1);
    return c;
}

static inline tk_domain *ut_open_cfg(const tk_config *c, int64_t now)
{
    tk_domain *d = tk_open(c, now);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(tk_batch_begin(d), 0);
    return d;
}

static inline tk_domain *ut_open(int64_t now)
{
    tk_config c = ut_cfg(":memory:");
    return ut_open_cfg(&c, now);
}

/* Commits the open batch, checks the invariants, opens the next batch. */
static inline void ut_commit(tk_domain *d)
{
    char why[256];
    ck_assert_int_eq(tk_batch_commit(d), 0);
    int rc = tk_check_invariants(d, why, sizeof why);
    ck_assert_msg(rc == 0, "invariants: %s", why);
    ck_assert_int_eq(tk_batch_begin(d), 0);
}

static inline void ut_close(tk_domain *d)
{
    ut_commit(d);
    ck_assert_int_eq(tk_batch_commit(d), 0);
    tk_close(d);
}

static inline tk_uuid ut_user(tk_domain *d, const char *name, int64_t now)
{
    tk_uuid u;
    ck_assert_int_eq(tk_user_register(d, name, now, &u, NULL), TK_OK);
    return u;
}

/* A concert with one date on sale now, 14 days out, tiered prices:
 * 1-10 150000, 11-30 110000, 31-50 80000. Returns the date id. */
static inline int64_t ut_date(tk_domain *d, int64_t now)
{
    int64_t cid, did, prices[TK_SEATS];
    for (int i = 0; i < TK_SEATS; i++)
        prices[i] = i < 10 ? 150000 : i < 30 ? 110000 : 80000;
    ck_assert_int_eq(tk_admin_concert_create(d, "IU 콘서트", "Olympic Hall", now, &cid, NULL),
                     TK_OK);
    ck_assert_int_eq(tk_admin_date_create(d, cid, now + 14 * DAY, prices, -1, now, &did, NULL),
                     TK_OK);
    return did;
}

/* Registers a user and gets an active token (capacity permitting). */
static inline tk_uuid ut_active(tk_domain *d, const char *name, int64_t now, char *token)
{
    tk_uuid u = ut_user(d, name, now);
    tk_queue_info q;
    ck_assert_int_eq(tk_queue_join(d, &u, now, &q, NULL), TK_OK);
    ck_assert_int_eq(q.state, TK_TOKEN_ACTIVE);
    strcpy(token, q.token);
    return u;
}

static inline void ut_charge(tk_domain *d, const tk_uuid *u, int64_t amount, const char *rid,
                             int64_t now)
{
    tk_charge_result r;
    ck_assert_int_eq(tk_wallet_charge(d, u, amount, rid, now, &r, NULL), TK_OK);
}

static inline int64_t ut_hold(tk_domain *d, const char *token, int64_t date, int seat,
                              int64_t now)
{
    tk_hold_info h;
    tk_errinfo ei = {0};
    tk_err e = tk_seat_hold(d, token, date, seat, now, &h, &ei);
    ck_assert_msg(e == TK_OK, "hold seat %d: %s %s", seat, tk_err_reason(e), ei.msg);
    return h.hold_id;
}

static inline tk_seat_state ut_seat(tk_domain *d, int64_t date, int seat, int64_t now)
{
    tk_seat_info s[TK_SEATS];
    uint64_t seq;
    ck_assert_int_eq(tk_admin_seats(d, date, now, s, &seq, NULL), TK_OK);
    return s[seat - 1].state;
}

/* Takes the queued events: how many of kind k, the last of them in *last. */
static inline int ut_count_events(tk_domain *d, tk_event_kind k, tk_event *last)
{
    tk_event ev[256];
    size_t n = tk_events_take(d, ev, 256);
    int c = 0;
    for (size_t i = 0; i < n; i++)
        if (ev[i].kind == k) {
            c++;
            *last = ev[i];
        }
    return c;
}

/* This process's VmRSS in kB, -1 if unknown (printed, or a memory bound). */
static inline long ut_rss_kb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

/* A temp-file database path (caller frees and unlinks). */
static inline char *ut_tmpdb(void)
{
    char *dir = strdup("/tmp/unit_domain.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char *path = malloc(strlen(dir) + 16);
    sprintf(path, "%s/t.db", dir);
    free(dir);
    return path;
}

/* A domain on a fresh temp-file database (*path: free with ut_rmdb) with
 * max_active turns, its batch open; *c is its config, to reopen with. */
static inline tk_domain *ut_open_file(char **path, tk_config *c, int64_t max_active,
                                      int64_t now)
{
    *path = ut_tmpdb();
    *c = ut_cfg(*path);
    c->max_active = max_active;
    return ut_open_cfg(c, now);
}

/* Removes the database, its WAL files and the temp dir; frees path. */
static inline void ut_rmdb(char *path)
{
    char buf[600];
    const char *suffix[] = {"", "-wal", "-shm", "-journal", "-lock"};
    for (int i = 0; i < 5; i++) {
        snprintf(buf, sizeof buf, "%s%s", path, suffix[i]);
        unlink(buf);
    }
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    free(path);
}

#endif
