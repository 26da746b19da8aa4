/* server/api/api.c -- the dispatch table and the request pipeline:
 * size check -> decode -> per-peer limit -> method -> admin key ->
 * per-user limit -> handler -> reply (+ audit). */
#include "server/api/api.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/rpc.h"
#include "common/util.h"
#include "server/api/api_int.h"
#include "server/api/ratelimit.h"

typedef struct {
    const char *name;
    api_fn fn;
    unsigned flags;
    unsigned roles; /* API_ADMIN, API_TOPUP: the staff roles whose key may call it */
} api_method;

#define W API_WRITES
#define R API_SHARED
#define AD (API_ADMIN | API_AUDIT | API_WRITES)
#define ADMIN API_ROLE_ADMIN
#define CASHIER API_ROLE_CASHIER
#define GATE API_ROLE_GATE
/* Every protocol method, in one place, with the roles allowed to call it
 * (the last column: a new admin method says who may use it here). */
static const api_method api_methods[] = {
    {"user.register", api_user_register, W, 0},
    {"queue.join", api_queue_join, W | API_BYUSER, 0},
    {"queue.status", api_queue_status, API_BYTOK | R, 0},
    {"queue.leave", api_queue_leave, W | API_BYTOK, 0},
    {"dates.list", api_dates_list, API_BYTOK | R, 0},
    {"seats.list", api_seats_list, API_BYTOK | R, 0},
    {"seat.hold", api_seat_hold, W | API_BYTOK, 0},
    {"hold.release", api_hold_release, W | API_BYTOK, 0},
    {"wallet.balance", api_wallet_balance, API_BYUSER | R, 0},
    {"wallet.charge", api_wallet_charge, W | API_BYUSER | API_TOPUP, ADMIN | CASHIER},
    {"wallet.history", api_wallet_history, API_BYUSER | R, 0},
    {"payment.pay", api_payment_pay, W | API_BYTOK, 0},
    {"booking.list", api_booking_list, API_BYUSER | R, 0},
    {"server.info", api_server_info, R, 0},
    {"admin.concert.create", api_admin_concert_create, AD, ADMIN},
    {"admin.date.create", api_admin_date_create, AD, ADMIN},
    {"admin.queue.set", api_admin_queue_set, AD, ADMIN},
    {"admin.hold.release", api_admin_hold_release, AD, ADMIN},
    {"admin.booking.refund", api_admin_booking_refund, AD, ADMIN},
    {"admin.booking.find", api_admin_booking_find, API_ADMIN, ADMIN | CASHIER | GATE},
    {"admin.booking.checkin", api_admin_booking_checkin, AD, ADMIN | GATE},
    {"admin.dashboard", api_admin_dashboard, API_ADMIN, ADMIN},
    {"admin.seats.list", api_admin_seats_list, API_ADMIN, ADMIN},
    {"admin.audit.list", api_admin_audit_list, API_ADMIN, ADMIN},
    {"admin.member.find", api_admin_member_find, API_ADMIN, ADMIN | CASHIER},
    {"admin.report", api_admin_report, API_ADMIN, ADMIN | CASHIER},
    {"admin.whoami", api_admin_whoami, API_ADMIN, ADMIN | CASHIER | GATE},
};
#undef W
#undef R
#undef AD
#undef ADMIN
#undef CASHIER
#undef GATE

struct api_server {
    tk_domain *d;
    api_staff *staff; /* the admin key file's first, then the staff file's */
    size_t nstaff;
    bool topup_staff;
    rl_table *per_user, *per_peer;
    cidr_list peer_exempt;
    tk_stats *stats;
};

static const api_method *api_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof api_methods / sizeof api_methods[0]; i++)
        if (strcmp(api_methods[i].name, name) == 0)
            return &api_methods[i];
    return NULL;
}

const char *api_method_at(size_t i, bool *writes)
{
    if (i >= sizeof api_methods / sizeof api_methods[0])
        return NULL;
    *writes = (api_methods[i].flags & API_WRITES) != 0;
    return api_methods[i].name;
}

api_server *api_new(tk_domain *d, const char *admin_key, const api_limits *lim)
{
    if (sodium_init() < 0)
        return NULL;
    api_server *a = calloc(1, sizeof(*a));
    if (!a)
        return NULL;
    a->d = d;
    if (admin_key && admin_key[0] && api_staff_add(a, "admin", API_ROLE_ADMIN, admin_key) != 0) {
        api_free(a);
        return NULL;
    }
    api_limits none = {0, 0, 0, 0, NULL};
    if (!lim)
        lim = &none;
    if (lim->peer_exempt)
        a->peer_exempt = *lim->peer_exempt;
    a->per_user = rl_new(lim->user_rps, lim->user_burst);
    a->per_peer = rl_new(lim->peer_rps, lim->peer_burst);
    a->stats = stats_new(clock_steady_ms());
    if (!a->per_user || !a->per_peer || !a->stats) {
        api_free(a);
        return NULL;
    }
    return a;
}

void api_free(api_server *a)
{
    if (!a)
        return;
    rl_free(a->per_user);
    rl_free(a->per_peer);
    stats_free(a->stats);
    if (a->staff)
        sodium_memzero(a->staff, a->nstaff * sizeof *a->staff);
    free(a->staff);
    free(a);
}

tk_stats *api_stats(api_server *a) { return a->stats; }

static const char *const api_role_names[] = {"admin", "cashier", "gate"};

const char *api_role_name(api_role r)
{
    for (unsigned i = 0; i < 3; i++)
        if (r == 1u << i)
            return api_role_names[i];
    return "";
}

int api_role_parse(const char *name)
{
    for (unsigned i = 0; name && i < 3; i++)
        if (!strcmp(name, api_role_names[i]))
            return (int)(1u << i);
    return -1;
}

int api_staff_add(api_server *a, const char *name, api_role role, const char *key)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > API_STAFF_NAME_MAX || !key || !key[0])
        return -1;
    uint8_t h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const uint8_t *)key, strlen(key), NULL, 0);
    for (size_t i = 0; i < a->nstaff; i++) /* one key, one member: else a role could change */
        if (sodium_memcmp(h, a->staff[i].hash, sizeof h) == 0)
            return -2;
    api_staff *grown = realloc(a->staff, (a->nstaff + 1) * sizeof *grown);
    if (!grown)
        return -1;
    a->staff = grown;
    api_staff *s = &a->staff[a->nstaff++];
    memcpy(s->name, name, n + 1);
    s->role = role;
    memcpy(s->hash, h, sizeof h);
    return 0;
}

void api_set_topup_staff(api_server *a, bool staff) { a->topup_staff = staff; }
bool api_topup_staff(const api_server *a) { return a->topup_staff; }

/* The staff member whose key admin_key is, or NULL. Constant time: both
 * sides are hashed to a fixed length first and every key is compared, so
 * neither a key's content, its length nor which member matched leaks
 * through timing. */
static const api_staff *api_key_staff(const api_server *a, const cJSON *params)
{
    const cJSON *k = cJSON_GetObjectItemCaseSensitive(params, "admin_key");
    if (!a->nstaff || !cJSON_IsString(k))
        return NULL;
    uint8_t h[crypto_generichash_BYTES];
    crypto_generichash(h, sizeof h, (const uint8_t *)k->valuestring, strlen(k->valuestring),
                       NULL, 0);
    size_t found = a->nstaff;
    for (size_t i = 0; i < a->nstaff; i++) {
        int eq = sodium_memcmp(h, a->staff[i].hash, sizeof h) == 0;
        found = eq ? i : found;
    }
    return found < a->nstaff ? &a->staff[found] : NULL;
}

/* API_ADMIN methods need a staff key of their roles; an API_TOPUP one
 * needs it under --topup staff and whenever a key is given (a cashier's
 * top-up is recorded as theirs in either mode). c->staff is set. */
static tk_err api_staff_check(api_server *a, const api_method *m, api_call *c)
{
    bool given = cJSON_GetObjectItemCaseSensitive(c->params, "admin_key") != NULL;
    if (!(m->flags & API_ADMIN) && !((m->flags & API_TOPUP) && (a->topup_staff || given)))
        return TK_OK;
    c->staff = api_key_staff(a, c->params);
    if (!c->staff)
        return ap_fail(c, TK_FORBIDDEN, "admin_key missing or wrong");
    if (!(c->staff->role & m->roles)) {
        snprintf(c->ei.msg, sizeof c->ei.msg, "%s (role %s) may not call %s", c->staff->name,
                 api_role_name(c->staff->role), m->name);
        return TK_FORBIDDEN;
    }
    return TK_OK;
}

/* A tcp peer's port changes with every connection; the limit is per host. */
static size_t api_peer_key(const char *peer, char *out, size_t outlen)
{
    size_t n = strlen(peer);
    if (strncmp(peer, "ipc:", 4) != 0) {
        const char *colon = strrchr(peer, ':');
        if (colon && colon > strchr(peer, ':'))
            n = (size_t)(colon - peer);
    }
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, peer, n);
    out[n] = '\0';
    return n;
}

/* Per-user bucket: user_id as given, or the token's user. A token that is
 * still waiting is keyed by its own text (one live token per user). */
static int64_t api_user_limit(api_server *a, const api_method *m, const cJSON *params,
                              int64_t now_ms)
{
    tk_uuid u;
    if (!rl_enabled(a->per_user))
        return 0; /* and spare the token check below */
    if (m->flags & API_BYUSER) {
        const cJSON *s = cJSON_GetObjectItemCaseSensitive(params, "user_id");
        if (!cJSON_IsString(s) || !uuid_parse(s->valuestring, u.b))
            return 0; /* the handler reports INVALID_PARAMS */
        return rl_take(a->per_user, u.b, sizeof u.b, now_ms);
    }
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(params, "token");
    if (!cJSON_IsString(t) || strlen(t->valuestring) >= TOKEN_MAX_LEN)
        return 0;
    tk_errinfo ei;
    tk_err e = tk_token_user(a->d, t->valuestring, now_ms, &u, &ei);
    if (e == TK_OK)
        return rl_take(a->per_user, u.b, sizeof u.b, now_ms);
    if (e == TK_NOT_ADMITTED)
        return rl_take(a->per_user, t->valuestring, strlen(t->valuestring), now_ms);
    return 0;
}

static const char *api_default_msg(tk_err e)
{
    switch (e) {
    case TK_PARSE_ERROR: return "parse error: not JSON";
    case TK_INVALID_REQUEST: return "not a JSON-RPC 2.0 request object";
    case TK_METHOD_NOT_FOUND: return "method not found";
    case TK_INVALID_PARAMS: return "invalid params";
    case TK_INTERNAL: return "internal error";
    case TK_USER_NOT_FOUND: return "no such user";
    case TK_TOKEN_INVALID: return "invalid token";
    case TK_TOKEN_EXPIRED: return "token expired";
    case TK_NOT_ADMITTED: return "still waiting in the queue";
    case TK_DATE_NOT_FOUND: return "no such date";
    case TK_SEAT_NOT_FOUND: return "no such seat";
    case TK_SEAT_TAKEN: return "seat is taken";
    case TK_HOLD_NOT_FOUND: return "no such hold";
    case TK_HOLD_EXPIRED: return "hold expired";
    case TK_HOLD_LIMIT: return "too many seats held";
    case TK_NOT_ON_SALE: return "not on sale";
    case TK_AMOUNT_INVALID: return "invalid amount";
    case TK_INSUFFICIENT_FUNDS: return "insufficient funds";
    case TK_BALANCE_LIMIT: return "balance limit reached";
    case TK_FORBIDDEN: return "forbidden";
    case TK_RATE_LIMITED: return "rate limited";
    case TK_CONFLICT: return "request_id reused with different params";
    default: return tk_err_reason(e);
    }
}

/* The error's data members the contract names, from the call's errinfo. */
static cJSON *api_error_data(tk_err e, const api_call *c)
{
    cJSON *d = cJSON_CreateObject();
    if (!d)
        return NULL;
    const tk_errinfo *ei = &c->ei;
    switch (e) {
    case TK_INVALID_PARAMS:
        if (ei->field)
            cJSON_AddStringToObject(d, "field", ei->field);
        break;
    case TK_NOT_ADMITTED:
        ar_int(d, "position", ei->position);
        ar_int(d, "eta_s", ei->eta_s);
        break;
    case TK_INSUFFICIENT_FUNDS:
        ar_int(d, "balance", ei->balance);
        ar_int(d, "amount", ei->amount);
        break;
    case TK_RATE_LIMITED:
        ar_int(d, "retry_after_ms", c->retry_after_ms);
        break;
    case TK_AMOUNT_INVALID: /* the limit, so a client can say what is allowed */
        if (ei->max)
            ar_int(d, "max", ei->max);
        break;
    case TK_BALANCE_LIMIT:
        ar_int(d, "max", ei->max);
        ar_int(d, "balance", ei->balance);
        break;
    case TK_SEAT_TAKEN:
    case TK_SEAT_NOT_FOUND: /* always the seat asked for, seat 0 included */
        ar_int(d, "seat_no", ei->seat_no);
        break;
    case TK_HOLD_NOT_FOUND:
    case TK_HOLD_EXPIRED:
        if (ei->hold_id)
            ar_int(d, "hold_id", ei->hold_id);
        break;
    default:
        break;
    }
    return d;
}

static char *api_error(const cJSON *id, tk_err e, const api_call *c)
{
    const char *msg = c->ei.msg[0] ? c->ei.msg : api_default_msg(e);
    return rpc_encode_error(id, e, msg, api_error_data(e, c));
}

/* The audit row: params without the key, and "ok" or the reason. */
static void api_audit(api_server *a, const api_method *m, const api_call *c, tk_err e)
{
    const char *result = e == TK_OK ? "ok" : tk_err_reason(e);
    if (e == TK_FORBIDDEN) {
        /* Without the key nothing reaches the database, not even the audit
         * log: otherwise anyone could make the single writer store (and
         * flush) rows of up to a message's size, as fast as the per-peer
         * limit allows. The refusal is logged instead. */
        log_warn("admin", "method=%s peer=%s staff=%s result=%s", m->name, c->peer,
                 c->staff ? c->staff->name : "-", result);
        return;
    }
    cJSON *p = c->params ? cJSON_Duplicate(c->params, 1) : cJSON_CreateObject();
    /* Every copy: a request may repeat the member, and the key must never
     * reach the log whichever copy was checked. */
    while (cJSON_GetObjectItemCaseSensitive(p, "admin_key"))
        cJSON_DeleteItemFromObjectCaseSensitive(p, "admin_key");
    char *txt = p ? cJSON_PrintUnformatted(p) : NULL;
    const char *who = c->staff ? c->staff->name : "";
    /* Which node took it: with several nodes on one database, the log
     * says which one's operator, logs and clock to look at. */
    tk_lead lead;
    tk_lead_get(a->d, &lead);
    if (tk_audit_append(a->d, c->now_ms, m->name, c->peer, txt ? txt : "{}", result, who,
                        lead.node) != 0)
        log_error("audit_failed", "method=%s", m->name);
    log_info("admin", "method=%s peer=%s staff=%s result=%s", m->name, c->peer, who, result);
    cJSON_free(txt);
    cJSON_Delete(p);
}

/* Steps after decoding; returns TK_OK with c->result set, or the error. */
static tk_err api_run(api_server *a, const rpc_request *req, api_call *c, bool *wrote)
{
    const api_method *m = api_lookup(req->method);
    if (!m) {
        snprintf(c->ei.msg, sizeof c->ei.msg, "method '%s' not found", req->method);
        return TK_METHOD_NOT_FOUND;
    }
    if (m->flags & API_WRITES)
        *wrote = true;
    tk_err e = api_staff_check(a, m, c);
    if (e == TK_OK && (m->flags & (API_BYUSER | API_BYTOK))) {
        c->retry_after_ms = api_user_limit(a, m, req->params, c->now_ms);
        if (c->retry_after_ms > 0)
            e = TK_RATE_LIMITED;
    }
    if (e == TK_OK) {
        int64_t changes = (m->flags & API_WRITES) ? tk_batch_changes(a->d) : 0;
        /* Ledger entries this call makes are the staff member's (a refund;
         * a top-up adds how it was paid). Writes only: they run on the
         * engine thread, which owns the domain. */
        bool acts = c->staff && (m->flags & API_WRITES);
        if (acts && tk_actor_set(a->d, c->staff->name, TK_PAY_NONE) != 0)
            e = TK_INTERNAL;
        else
            e = m->fn(c);
        if (acts)
            tk_actor_set(a->d, NULL, TK_PAY_NONE);
        if (e == TK_OK && !c->result)
            e = TK_INTERNAL; /* out of memory building the result */
        /* INTERNAL says nothing was changed: a write that failed after it
         * staged rows takes its batch down with it (see tk_batch_void). */
        if (e == TK_INTERNAL && (m->flags & API_WRITES) && tk_batch_changes(a->d) != changes)
            tk_batch_void(a->d);
    }
    if (m->flags & API_AUDIT)
        api_audit(a, m, c, e);
    return e;
}

/* The pipeline after decoding; frees req. */
static char *api_reply(api_server *a, api_call *c, rpc_request *req, tk_err e, bool *wrote)
{
    char pk[RL_KEY_MAX + 1];
    size_t pkn = api_peer_key(c->peer, pk, sizeof pk);
    int64_t wait = cidr_match_peer(&a->peer_exempt, c->peer) ? 0
                   : rl_take(a->per_peer, pk, pkn, c->now_ms);
    if (wait > 0) {
        e = TK_RATE_LIMITED;
        c->retry_after_ms = wait;
    } else if (e == TK_OK) {
        c->params = req->params;
        e = api_run(a, req, c, wrote);
    }
    /* A numeric id is the client's own text (rpc_request_decode). */
    const cJSON *id = req->id;
    char *out = e == TK_OK ? rpc_encode_result(id, c->result) : api_error(id, e, c);
    if (e != TK_OK)
        cJSON_Delete(c->result);
    if (e == TK_INTERNAL)
        log_error("internal", "method=%s", req->method ? req->method : "-");
    /* By method for the metrics: a name from the table, so the labels stay
     * few whatever clients send. */
    const api_method *m = req->method ? api_lookup(req->method) : NULL;
    stats_request(a->stats, c->now_ms, m ? m->name : req->method ? "unknown" : "none", e);
    rpc_request_free(req);
    return out;
}

static void api_call_init(api_call *c, api_server *a, const char *peer, int64_t now_ms)
{
    memset(c, 0, sizeof *c);
    c->a = a;
    c->d = a->d;
    c->peer = peer ? peer : "unknown";
    c->now_ms = now_ms;
}

char *api_handle(api_server *a, const char *msg, size_t len, const char *peer, int64_t now_ms,
                 bool *wrote)
{
    *wrote = false;
    api_call c;
    api_call_init(&c, a, peer, now_ms);
    rpc_request req;
    memset(&req, 0, sizeof req);
    tk_err e;
    if (len > RPC_MAX_MSG) {
        e = TK_INVALID_REQUEST;
        snprintf(c.ei.msg, sizeof c.ei.msg, "message over %d bytes", RPC_MAX_MSG);
    } else if ((e = rpc_request_decode(msg, len, &req)) == TK_PARSE_ERROR &&
               req.check.status != JC_OK) {
        /* What and where, so a client's author can find the byte. */
        snprintf(c.ei.msg, sizeof c.ei.msg, "parse error: %s at byte %zu",
                 jc_reason(req.check.status), req.check.offset);
    }
    return api_reply(a, &c, &req, e, wrote);
}

char *api_handle_shared(api_server *a, const char *msg, size_t len, const char *peer,
                        int64_t now_ms, bool *declined)
{
    *declined = true;
    if (len > RPC_MAX_MSG)
        return NULL;
    rpc_request req;
    memset(&req, 0, sizeof req);
    if (rpc_request_decode(msg, len, &req) != TK_OK) {
        rpc_request_free(&req);
        return NULL;
    }
    const api_method *m = api_lookup(req.method);
    if (!m || !(m->flags & API_SHARED)) {
        rpc_request_free(&req);
        return NULL;
    }
    *declined = false;
    api_call c;
    api_call_init(&c, a, peer, now_ms);
    bool wrote = false;
    return api_reply(a, &c, &req, TK_OK, &wrote);
}

bool api_shared_hint(const char *msg, size_t len)
{
    /* A cheap look at the first "method" member, before any parse: a
     * wrong guess costs one parse, never a wrong answer, because
     * api_handle_shared decides on the parsed request. */
    const char *p = memmem(msg, len, "\"method\"", 8), *end = msg + len;
    if (!p)
        return false;
    for (p += 8; p < end && (*p == ' ' || *p == ':' || *p == '\t' || *p == '\n' || *p == '\r'); p++)
        ;
    if (p >= end || *p++ != '"')
        return false;
    const char *q = memchr(p, '"', (size_t)(end - p));
    if (!q)
        return false;
    size_t n = (size_t)(q - p);
    for (size_t i = 0; i < sizeof api_methods / sizeof api_methods[0]; i++)
        if ((api_methods[i].flags & API_SHARED) && strlen(api_methods[i].name) == n &&
            memcmp(api_methods[i].name, p, n) == 0)
            return true;
    return false;
}
