/* server/domain/wallet.c -- users, balances, the ledger, request_id records and
 * the member's booking list. */
#include <stdio.h>
#include <string.h>

#include "common/util.h"
#include "server/domain/domain_int.h"

/* ---- users --------------------------------------------------------------- */

uint64_t dm_user_hash(const tk_domain *d, uint32_t ix)
{
    return dm_hash_bytes(d->users[ix].id, 16, 0);
}

static bool user_eq(const tk_domain *d, uint32_t ix, const void *id)
{
    return memcmp(d->users[ix].id, id, 16) == 0;
}

int64_t dm_user_find(const tk_domain *d, const uint8_t id[16])
{
    return dm_hash_find(&d->user_ix, dm_hash_bytes(id, 16, 0), user_eq, d, id);
}

int dm_user_add(tk_domain *d, const uint8_t id[16], const char *name, int64_t balance)
{
    if (DM_RESERVE(d->users, d->capusers, d->nusers) < 0)
        return -1;
    dm_user *u = &d->users[d->nusers];
    memcpy(u->id, id, 16);
    u->balance = balance;
    u->name = dm_strdup(&d->arena, name ? name : "");
    u->entry = 0;
    u->first_hold = u->last_ledger = u->last_booking = -1;
    if (!u->name || dm_hash_put(&d->user_ix, dm_hash_bytes(id, 16, 0), (uint32_t)d->nusers,
                                dm_user_hash, d) < 0)
        return -1;
    d->nusers++;
    return 0;
}

static tk_err user_get(const tk_domain *d, const tk_uuid *user, uint32_t *ix, tk_errinfo *ei)
{
    int64_t i = user ? dm_user_find(d, user->b) : -1;
    if (i < 0)
        return dm_fail(ei, TK_USER_NOT_FOUND, "no such user");
    *ix = (uint32_t)i;
    return TK_OK;
}

tk_err tk_user_register(tk_domain *d, const char *name, int64_t now_ms, tk_uuid *out,
                        tk_errinfo *ei)
{
    size_t len = name ? strlen(name) : 0;
    if (len == 0 || len > TK_NAME_MAX)
        return dm_bad_param(ei, "name", "name must be 1..64 bytes");
    dm_begin_mutation(d, now_ms);
    tk_uuid id;
    do
        uuid_v4(id.b);
    while (dm_user_find(d, id.b) >= 0);
    if (dm_user_add(d, id.b, name, 0) < 0)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    store_user_insert(d->st, (int64_t)d->nusers, id.b, name, dm_wall(d, now_ms));
    *out = id;
    return TK_OK;
}

tk_err tk_wallet_balance(tk_domain *d, const tk_uuid *user, int64_t *balance, tk_errinfo *ei)
{
    uint32_t u = 0;
    tk_err err = user_get(d, user, &u, ei);
    if (!err)
        *balance = d->users[u].balance;
    return err;
}

/* ---- ledger ------------------------------------------------------------- */

static const char *const kind_names[] = {"charge", "payment", "refund"};

const char *dm_ledger_kind_name(int kind)
{
    return kind >= 0 && kind < 3 ? kind_names[kind] : "charge";
}

int dm_ledger_kind(const char *name)
{
    for (int i = 0; name && i < 3; i++)
        if (!strcmp(name, kind_names[i]))
            return i;
    return -1;
}

int32_t dm_staff_intern(tk_domain *d, const char *name)
{
    if (!name || !name[0])
        return 0;
    for (size_t i = 0; i < d->nstaff; i++)
        if (!strcmp(d->staff[i], name))
            return (int32_t)i + 1;
    if (d->nstaff >= UINT16_MAX || DM_RESERVE(d->staff, d->capstaff, d->nstaff) < 0)
        return -1;
    if (!(d->staff[d->nstaff] = dm_strdup(&d->arena, name)))
        return -1;
    return (int32_t)++d->nstaff;
}

static const char *const pay_method_names[] = {"", "cash", "card", "other"};

const char *tk_pay_method_name(tk_pay_method m)
{
    return (unsigned)m < 4 ? pay_method_names[m] : "";
}

int tk_pay_method_parse(const char *name)
{
    for (int i = 1; name && i < 4; i++)
        if (!strcmp(name, pay_method_names[i]))
            return i;
    return -1;
}

int tk_actor_set(tk_domain *d, const char *staff, tk_pay_method method)
{
    int32_t ix = dm_staff_intern(d, staff);
    if (ix < 0)
        return -1;
    d->act_staff = (uint16_t)ix;
    d->act_method = (uint8_t)method;
    return 0;
}

int dm_ledger_push(tk_domain *d, const dm_ledger *e)
{
    if (DM_RESERVE(d->ledger, d->capledger, d->nledger) < 0)
        return -1;
    dm_ledger *x = &d->ledger[d->nledger];
    *x = *e;
    x->prev = d->users[e->user].last_ledger;
    d->users[e->user].last_ledger = (int32_t)d->nledger++;
    return 0;
}

int32_t dm_ledger_add(tk_domain *d, uint32_t user, int kind, int64_t amount, int64_t at_ms,
                      int64_t ref)
{
    dm_user *u = &d->users[user];
    dm_ledger e = {amount, u->balance + amount, at_ms, ref, user, -1, (uint8_t)kind,
                   d->act_method, d->act_staff};
    if (dm_ledger_push(d, &e) < 0)
        return -1;
    u->balance = e.balance;
    int64_t id = (int64_t)d->nledger;
    st_ledger row = {id, user + 1, dm_ledger_kind_name(kind), amount, e.balance, at_ms, ref,
                     tk_pay_method_name(e.method), dm_staff_name(d, e.staff)};
    store_ledger_insert(d->st, &row);
    store_user_balance(d->st, user + 1, u->balance);
    return (int32_t)(id - 1);
}

/* ---- request ids --------------------------------------------------------- */

typedef struct { uint32_t user; const char *rid; } idem_key;

static uint64_t idem_hash_of(uint32_t user, const char *rid)
{
    return dm_hash_bytes(rid, strlen(rid), dm_hash_bytes(&user, sizeof user, 0));
}

static uint64_t idem_rehash(const tk_domain *d, uint32_t ix)
{
    return idem_hash_of(d->idem[ix].user, d->idem[ix].request_id);
}

static bool idem_eq(const tk_domain *d, uint32_t ix, const void *arg)
{
    const idem_key *k = arg;
    return d->idem[ix].user == k->user && !strcmp(d->idem[ix].request_id, k->rid);
}

const dm_idem *dm_idem_find(const tk_domain *d, uint32_t user, const char *rid)
{
    idem_key k = {user, rid};
    int64_t ix = dm_hash_find(&d->idem_ix, idem_hash_of(user, rid), idem_eq, d, &k);
    return ix < 0 ? NULL : &d->idem[ix];
}

int dm_idem_add(tk_domain *d, uint32_t user, const char *rid, int method, const char *params,
                int64_t ref, bool persist)
{
    if (DM_RESERVE(d->idem, d->capidem, d->nidem) < 0)
        return -1;
    dm_idem *r = &d->idem[d->nidem];
    r->request_id = dm_strdup(&d->arena, rid);
    r->params = dm_strdup(&d->arena, params);
    r->ref = ref;
    r->user = user;
    r->method = (uint8_t)method;
    if (!r->request_id || !r->params ||
        dm_hash_put(&d->idem_ix, idem_hash_of(user, rid), (uint32_t)d->nidem, idem_rehash, d) < 0)
        return -1;
    d->nidem++;
    if (persist) {
        st_idem row = {user + 1, rid, method == IDEM_CHARGE ? "wallet.charge" : "payment.pay",
                       params, ref};
        store_idem_insert(d->st, &row);
    }
    return 0;
}

tk_err dm_check_request_id(const char *rid, tk_errinfo *ei)
{
    size_t len = rid ? strlen(rid) : 0;
    if (len == 0 || len > TK_REQUEST_ID_MAX)
        return dm_bad_param(ei, "request_id", "request_id must be 1..64 bytes");
    return TK_OK;
}

/* ---- charge, history, bookings ---------------------------------------------- */

tk_err tk_wallet_charge(tk_domain *d, const tk_uuid *user, int64_t amount,
                        const char *request_id, int64_t now_ms, tk_charge_result *out,
                        tk_errinfo *ei)
{
    uint32_t u = 0;
    tk_err err = user_get(d, user, &u, ei);
    if (err)
        return err;
    if (amount < 1 || amount > d->cfg.max_charge) {
        if (ei)
            ei->max = d->cfg.max_charge;
        return dm_fail(ei, TK_AMOUNT_INVALID, "amount must be 1..%lld won",
                       (long long)d->cfg.max_charge);
    }
    if ((err = dm_check_request_id(request_id, ei)))
        return err;
    char params[40];
    snprintf(params, sizeof params, "amount=%lld", (long long)amount);
    const dm_idem *r = dm_idem_find(d, u, request_id);
    if (r) {
        if (r->method != IDEM_CHARGE || strcmp(r->params, params))
            return dm_fail(ei, TK_CONFLICT, "request_id already used with other params");
        out->entry_id = r->ref;
        out->balance = d->ledger[r->ref - 1].balance;
        return TK_OK;
    }
    if (d->users[u].balance + amount > d->cfg.max_balance) {
        if (ei) {
            ei->max = d->cfg.max_balance;
            ei->balance = d->users[u].balance;
        }
        return dm_fail(ei, TK_BALANCE_LIMIT, "balance would exceed %lld won",
                       (long long)d->cfg.max_balance);
    }
    dm_begin_mutation(d, now_ms);
    int32_t e = dm_ledger_add(d, u, LEDGER_CHARGE, amount, dm_wall(d, now_ms), 0);
    if (e < 0 || dm_idem_add(d, u, request_id, IDEM_CHARGE, params, e + 1, true) < 0)
        return dm_fail(ei, TK_INTERNAL, "out of memory");
    out->entry_id = e + 1;
    out->balance = d->users[u].balance;
    return TK_OK;
}

tk_err tk_wallet_history(tk_domain *d, const tk_uuid *user, int64_t limit, tk_ledger_cb cb,
                         void *ctx, tk_errinfo *ei)
{
    uint32_t u = 0;
    tk_err err = user_get(d, user, &u, ei);
    if (err)
        return err;
    if (limit <= 0)
        limit = 50;
    for (int32_t i = d->users[u].last_ledger; i >= 0 && limit > 0; i = d->ledger[i].prev, limit--) {
        const dm_ledger *l = &d->ledger[i];
        tk_ledger_entry e = {i + 1, dm_ledger_kind_name(l->kind), l->amount, l->balance,
                             l->at_ms, tk_pay_method_name(l->method),
                             dm_staff_name(d, l->staff)};
        cb(ctx, &e);
    }
    return TK_OK;
}

void dm_booking_info(const tk_domain *d, int32_t i, tk_booking_info *out)
{
    const dm_booking *b = &d->bookings[i];
    const dm_date *dt = &d->dates[b->date];
    const dm_concert *c = &d->concerts[dt->concert];
    *out = (tk_booking_info){i + 1, b->code, c->title, c->venue,
                             b->date + 1, dt->starts_ms, b->seat, b->price, b->paid_ms,
                             b->state == BOOK_PAID ? "paid" : "refunded", c->tz,
                             b->checkin_ms, b->gate ? b->gate : ""};
}

tk_err tk_booking_list(tk_domain *d, const tk_uuid *user, tk_booking_cb cb, void *ctx,
                       tk_errinfo *ei)
{
    uint32_t u = 0;
    tk_err err = user_get(d, user, &u, ei);
    if (err)
        return err;
    for (int32_t i = d->users[u].last_booking; i >= 0; i = d->bookings[i].prev) {
        tk_booking_info bi;
        dm_booking_info(d, i, &bi);
        cb(ctx, &bi);
    }
    return TK_OK;
}
