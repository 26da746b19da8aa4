/* common/retry.c -- the failover rules; see retry.h. */
#include "common/retry.h"

#include <nng/nng.h>
#include <string.h>

typedef struct {
    const char *method;
    rt_kind kind;
    const char *why;
} rt_rule;

/* Every method of the contract. A method missing here is unsafe: a new
 * write must be added with the rule that makes its repeat harmless. */
static const rt_rule rt_rules[] = {
    {"user.register", RT_UNSAFE, "a repeat registers a second member"},
    {"queue.join", RT_SAME, "a user with a live token gets that token back"},
    {"queue.status", RT_READ, "read"},
    {"queue.leave", RT_SAME, "an expired token answers state expired"},
    {"dates.list", RT_READ, "read"},
    {"seats.list", RT_READ, "read"},
    {"seat.hold", RT_SAME, "the same token on a seat it holds gets that same hold"},
    {"hold.release", RT_SAME, "the caller's own released hold answers released: true"},
    {"wallet.balance", RT_READ, "read"},
    {"wallet.charge", RT_SAME, "request_id: the first result again"},
    {"wallet.history", RT_READ, "read"},
    {"payment.pay", RT_SAME, "request_id: the first result again"},
    {"booking.list", RT_READ, "read"},
    {"server.info", RT_READ, "read"},
    {"admin.concert.create", RT_UNSAFE, "a repeat creates a second concert"},
    {"admin.date.create", RT_UNSAFE, "a repeat creates a second date"},
    {"admin.queue.set", RT_SAME, "sets the same values again"},
    {"admin.hold.release", RT_UNSAFE, "a repeat answers HOLD_NOT_FOUND: the caller must look"},
    {"admin.booking.refund", RT_UNSAFE, "a repeat answers CONFLICT: the caller must look"},
    {"admin.booking.checkin", RT_UNSAFE,
     "a repeat answers ALREADY_USED (this gate, just now): the gate must look"},
    {"admin.booking.find", RT_READ, "read"},
    {"admin.dashboard", RT_READ, "read"},
    {"admin.seats.list", RT_READ, "read"},
    {"admin.audit.list", RT_READ, "read"},
    {"admin.member.find", RT_READ, "read"},
    {"admin.report", RT_READ, "read"},
    {"admin.whoami", RT_READ, "read"},
};

static const rt_rule *rt_find(const char *method)
{
    for (size_t i = 0; method && i < sizeof(rt_rules) / sizeof(rt_rules[0]); i++)
        if (strcmp(rt_rules[i].method, method) == 0)
            return &rt_rules[i];
    return NULL;
}

rt_kind rt_method_kind(const char *method)
{
    const rt_rule *r = rt_find(method);
    return r ? r->kind : RT_UNSAFE;
}

bool rt_resend_safe(const char *method) { return rt_method_kind(method) != RT_UNSAFE; }

const char *rt_method_why(const char *method)
{
    const rt_rule *r = rt_find(method);
    return r ? r->why : "not in the retry table";
}

bool rt_reply_lost(int nng_rv) { return nng_rv == NNG_ECONNRESET || nng_rv == NNG_ETIMEDOUT; }

int rt_urls_parse(rt_urls *u, const char *list)
{
    u->n = 0;
    size_t len = list ? strlen(list) : 0;
    if (len == 0 || len >= sizeof(u->buf))
        return -1;
    memcpy(u->buf, list, len + 1);
    for (char *p = u->buf;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (*p == '\0' || u->n == RT_MAX_URLS)
            return -1;
        u->urls[u->n++] = p;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}
