/* tests/unit_client.c -- the kiosk's and console's client across a change
 * of node: URL lists, resending a call whose reply was lost when
 * common/retry allows (and only then), and seat streams after the events
 * socket reconnects. The "nodes" are real nng REP sockets in this process;
 * a node's death is its listener closing, which closes its connections. */
#include <check.h>
#include <nng/nng.h>
#include <nng/protocol/reqrep0/rep.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/rpc.h"
#include "common/util.h"
#include "tests/unit_run.h"
#include "tui/net/client_int.h"

static int ndone, nevents, nresync;
static int64_t resync_date;
static cl_reply last;
static char last_result[256];

static void on_reply(void *ctx, const cl_reply *r)
{
    ndone++;
    last = *r;
    last_result[0] = '\0';
    char *t = r->result ? cJSON_PrintUnformatted(r->result) : NULL;
    if (t)
        snprintf(last_result, sizeof last_result, "%s", t);
    cJSON_free(t);
}
static void on_ev(void *ctx, const char *topic, const cJSON *body) { nevents++; }
static void on_rs(void *ctx, int64_t date_id)
{
    nresync++;
    resync_date = date_id;
}

typedef struct {
    nng_socket sock;
    nng_listener l;
    char url[128];
} node;

static void node_up(node *n, const char *name)
{
    snprintf(n->url, sizeof n->url, "ipc:///tmp/tk-unit-client-%d-%s.sock", (int)getpid(), name);
    ck_assert_int_eq(nng_rep0_open(&n->sock), 0);
    nng_socket_set_ms(n->sock, NNG_OPT_RECVTIMEO, 100);
    ck_assert_int_eq(nng_listen(n->sock, n->url, &n->l, 0), 0);
}

/* The socket file of a node still listening (sockets are never closed
 * here, see main). */
static void node_unlink(node *n) { unlink(n->url + strlen("ipc://")); }

static void pump(cl_client *c, int ms)
{
    int64_t end = clock_mono_ms() + ms;
    while (clock_mono_ms() < end) {
        poll(&(struct pollfd){.fd = cl_fd(c), .events = POLLIN}, 1, 10);
        cl_poll(c);
    }
}

/* The next request at n within ~3 s (pumping the client meanwhile), or
 * false; its text in buf. */
static bool node_take(node *n, cl_client *c, char *buf, size_t cap)
{
    for (int i = 0; i < 30; i++) {
        char *m = NULL;
        size_t len = 0;
        if (nng_recv(n->sock, &m, &len, NNG_FLAG_ALLOC) == 0) {
            snprintf(buf, cap, "%.*s", (int)len, m);
            nng_free(m, len);
            return true;
        }
        pump(c, 1);
    }
    return false;
}

static void node_answer(node *n, const char *req, const char *result_json)
{
    rpc_request q;
    ck_assert_int_eq(rpc_request_decode(req, strlen(req), &q), TK_OK);
    char *rep = rpc_encode_result(q.id, cJSON_Parse(result_json));
    ck_assert_int_eq(nng_send(n->sock, rep, strlen(rep), 0), 0);
    free(rep);
    rpc_request_free(&q);
}

/* Two nodes and a client given both URLs; the client calls method and
 * the node that got the request is *first (the other *second). */
static cl_client *call_two_nodes(node nodes[2], const char *tag, const char *method,
                                 const char *params, char *req, size_t cap, node **first,
                                 node **second)
{
    char names[2][16], urls[300];
    for (int i = 0; i < 2; i++) {
        snprintf(names[i], sizeof names[i], "%s%d", tag, i);
        node_up(&nodes[i], names[i]);
    }
    snprintf(urls, sizeof urls, "%s,%s", nodes[0].url, nodes[1].url);
    tk_err err;
    char ev[96];
    snprintf(ev, sizeof ev, "ipc:///nonexistent/tk-unit-ev-%s.sock", tag);
    cl_client *c = cl_new(urls, ev, &err);
    ck_assert_ptr_nonnull(c);
    ndone = 0;
    cl_call(c, method, cJSON_Parse(params), on_reply, NULL);
    for (int i = 0; i < 2; i++)
        if (node_take(&nodes[i], c, req, cap)) {
            *first = &nodes[i];
            *second = &nodes[1 - i];
            return c;
        }
    ck_abort_msg("no node got the request");
    return NULL;
}

/* First node takes the call and dies before answering: a seat.hold is
 * sent again, as it was, and the second node's answer is the call's. */
START_TEST(safe_call_resent_to_the_next_node)
{
    node nodes[2], *first, *second;
    char req1[512], req2[512];
    cl_client *c = call_two_nodes(nodes, "s", "seat.hold",
                                  "{\"token\":\"t\",\"date_id\":1,\"seat_no\":5}", req1,
                                  sizeof req1, &first, &second);
    nng_listener_close(first->l); /* the node dies with the request */
    ck_assert(node_take(second, c, req2, sizeof req2));
    ck_assert_str_eq(req2, req1);
    ck_assert_int_eq(ndone, 0);
    node_answer(second, req2, "{\"hold_id\":9}");
    for (int i = 0; i < 300 && !ndone; i++)
        pump(c, 10);
    ck_assert_int_eq(ndone, 1);
    ck_assert(!last.offline);
    ck_assert_str_eq(last_result, "{\"hold_id\":9}");
    node_unlink(second);
}
END_TEST

/* user.register is not in the retry table: a lost reply is reported
 * "unsure" and nothing is sent again. */
START_TEST(unsafe_call_not_resent)
{
    node nodes[2], *first, *second;
    char req[512];
    cl_client *c = call_two_nodes(nodes, "u", "user.register", "{\"name\":\"Once\"}", req,
                                  sizeof req, &first, &second);
    nng_listener_close(first->l);
    for (int i = 0; i < 300 && !ndone; i++)
        pump(c, 10);
    ck_assert_int_eq(ndone, 1);
    ck_assert(last.offline);
    ck_assert(last.unsure);
    ck_assert(!node_take(second, c, req, sizeof req));
    node_unlink(second);
}
END_TEST

START_TEST(url_lists)
{
    tk_err err = TK_OK;
    ck_assert_ptr_null(cl_new("ipc:///tmp/x.sock,,ipc:///tmp/y.sock", NULL, &err));
    ck_assert_int_eq(err, TK_INVALID_PARAMS);
    ck_assert_ptr_null(cl_new(NULL, "ipc:///tmp/x.sock,", &err));
    ck_assert_int_eq(err, TK_INVALID_PARAMS);
    cl_client *c = cl_new("ipc:///nonexistent/a.sock,tcp://127.0.0.1:1",
                          "ipc:///nonexistent/b.sock,tcp://127.0.0.1:1", &err);
    ck_assert_ptr_nonnull(c);
}
END_TEST

/* After the events socket reconnected (maybe to another node), a seat
 * stream takes the next event only if it follows its last one: a seq that
 * went back or jumped refetches the date; the next one in line is applied. */
START_TEST(seq_after_reconnect)
{
    tk_err err;
    cl_client *c = cl_new("ipc:///nonexistent/tk-unit3.sock", "ipc:///nonexistent/tk-unit3-ev.sock", &err);
    ck_assert_ptr_nonnull(c);
    cl_on_event(c, on_ev, NULL);
    cl_on_resync(c, on_rs, NULL);
    nevents = nresync = 0;
    cl_seq_reset(c, 4, 10);
    cl_seq_reset(c, 5, 20);
    cl_seq_suspect_all(c);
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":3,\"seat_no\":1,\"state\":\"held\"}");
    ck_assert_int_eq(nresync, 1); /* went back: another numbering */
    ck_assert_int_eq(resync_date, 4);
    ck_assert_int_eq(nevents, 0);
    cl_inject(c, "seat.5", "{\"date_id\":5,\"seq\":21,\"seat_no\":1,\"state\":\"held\"}");
    ck_assert_int_eq(nevents, 1); /* follows: nothing was lost */
    cl_seq_reset(c, 4, 3); /* the new node's snapshot */
    cl_inject(c, "seat.4", "{\"date_id\":4,\"seq\":4,\"seat_no\":2,\"state\":\"held\"}");
    ck_assert_int_eq(nevents, 2);
    cl_seq_suspect_all(c);
    cl_inject(c, "seat.5", "{\"date_id\":5,\"seq\":23,\"seat_no\":1,\"state\":\"free\"}");
    ck_assert_int_eq(nresync, 2); /* a gap across the switch */
    ck_assert_int_eq(resync_date, 5);
    /* once refetched, a stream is no longer suspect */
    cl_seq_reset(c, 5, 23);
    cl_inject(c, "seat.5", "{\"date_id\":5,\"seq\":24,\"seat_no\":1,\"state\":\"held\"}");
    ck_assert_int_eq(nevents, 3);
}
END_TEST

int main(void)
{
    /* No client is freed: nng 1.5.2 can lose requests on other sockets
     * when a process closes sockets (docs/architecture.md). */
    const TTest *tests[] = {url_lists, seq_after_reconnect, safe_call_resent_to_the_next_node,
                            unsafe_call_not_resent};
    Suite *s = suite_create("client");
    ur_tcase(s, "all", 30, tests, UR_LEN(tests));
    return ur_run(s);
}
