/* server/api/api_staff.c -- what staff keys (issue 17) add: who a key is
 * (admin.whoami), finding a member at the counter (admin.member.find) and
 * the day's close (admin.report). Roles are checked in api.c. */
#include "common/util.h"
#include "server/api/api_int.h"

/* The console asks once at start, to greet the staff member and offer
 * only what the role allows. */
tk_err api_admin_whoami(api_call *c)
{
    cJSON *o = ar_new(c);
    ar_str(o, "name", c->staff->name);
    ar_str(o, "role", api_role_name(c->staff->role));
    ar_str(o, "topup", api_topup_staff(c->a) ? "staff" : "open");
    return TK_OK;
}

static void member_cb(void *ctx, const tk_member_info *m)
{
    cJSON *o = ar_push(ctx);
    if (!o)
        return;
    char id[UUID_STR_LEN];
    uuid_format(m->user_id.b, id);
    ar_str(o, "user_id", id);
    ar_str(o, "name", m->name);
    ar_int(o, "balance", m->balance);
    ar_int(o, "bookings", m->bookings);
}

tk_err api_admin_member_find(api_call *c)
{
    const char *name, *code;
    tk_err e;
    if ((e = ap_str_opt(c, "name", TK_NAME_MAX, &name)) ||
        (e = ap_str_opt(c, "code", 64, &code)))
        return e;
    cJSON *arr = ar_array(ar_new(c), "members");
    return tk_member_find(c->d, name, code, member_cb, arr, &c->ei);
}

static void report_cb(void *ctx, const tk_report_row *r)
{
    cJSON *o = ar_push(ctx);
    if (!o)
        return;
    ar_str(o, "kind", tk_report_kind_name(r->kind));
    ar_int(o, "date_id", r->date_id);
    ar_str(o, "staff", r->staff);
    ar_str(o, "method", r->method);
    ar_int(o, "count", r->count);
    ar_int(o, "amount", r->amount);
}

tk_err api_admin_report(api_call *c)
{
    int64_t from = 0, to = 0;
    tk_err e;
    if ((e = ap_time(c, "from", true, &from, NULL)) || (e = ap_time(c, "to", true, &to, NULL)))
        return e;
    cJSON *o = ar_new(c);
    ar_time(o, "from", from);
    ar_time(o, "to", to);
    return tk_report(c->d, from, to, report_cb, ar_array(o, "rows"), &c->ei);
}
