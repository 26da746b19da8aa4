/* common/retry.h -- the clients' failover rules (prefix rt_): which calls a
 * client may send again after their reply was lost, and the list of server
 * URLs a client dials.
 *
 * Several ticketd nodes may serve one database; only the leader listens. A
 * client is given every node's URL (comma-separated), dials them all on one
 * socket, and so reaches whichever leads. A request in flight when its
 * leader dies has an unknown outcome: the old leader may have committed it.
 * The contract (../shared/protocol.md, "Rules every implementation keeps")
 * makes every write but a few safe to repeat; this table is the one place
 * the clients (ticketctl, the kiosk and console, ticket-bench) read that
 * from, so none of them resends a call the contract does not cover. */
#ifndef TK_RETRY_H
#define TK_RETRY_H

#include <stdbool.h>
#include <stddef.h>

/* Sends of one call at most: the first and two resends. */
#define RT_MAX_ATTEMPTS 3
/* URLs in one list at most (one per node). */
#define RT_MAX_URLS 8

/* What a resend after a lost reply does to the server's state. */
typedef enum {
    RT_UNSAFE = 0, /* could do it twice: report "unknown outcome", never resend */
    RT_READ,       /* changes nothing */
    RT_SAME,       /* the server answers a repeat with the first outcome */
} rt_kind;

/* How method may be resent; RT_UNSAFE for a method not in the table. */
rt_kind rt_method_kind(const char *method);
/* Shorthand: kind != RT_UNSAFE. */
bool rt_resend_safe(const char *method);
/* Why a resend is harmless (the contract's rule, for logs and --help);
 * for unsafe methods what it would do. Never NULL. */
const char *rt_method_why(const char *method);

/* True when an nng error after the request was handed to a connection
 * means its reply was lost: the connection closed under it
 * (NNG_ECONNRESET: with NNG_OPT_REQ_RESENDTIME infinite nng 1.5.2 fails a
 * request in flight on a closing pipe so) or no reply came in time
 * (NNG_ETIMEDOUT). The request may or may not have been carried out. */
bool rt_reply_lost(int nng_rv);

/* A comma-separated list of URLs, split into urls[0..n) pointing into buf
 * (a copy of the text). Empty items, more than RT_MAX_URLS items, or text
 * longer than the buffer make it fail (-1); else 0. */
typedef struct {
    char buf[2048];
    const char *urls[RT_MAX_URLS];
    int n;
} rt_urls;
int rt_urls_parse(rt_urls *u, const char *list);

#endif
