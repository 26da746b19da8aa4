/* tui/net/client_int.h -- the client's insides, shared by client.c (sockets,
 * calls, retries, the pump) and client_seq.c (seat streams). Screens use
 * client.h only. */
#ifndef TK_CLIENT_INT_H
#define TK_CLIENT_INT_H

#include <nng/nng.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "tui/net/client.h"

#define CL_PROBE_MS 2000
#define CL_SEQ_BUF 512

typedef struct cl_call_s {
    int64_t id;
    nng_ctx ctx;
    nng_aio *aio;
    int stage; /* 0 sending, 1 receiving */
    int rv;
    nng_msg *reply;
    cl_client *c;
    cl_reply_fn cb;
    void *cbctx;
    bool probe;
    bool cancelled;
    char *method;                /* for the retry rule (common/retry) */
    nng_msg *req;                /* a copy of the request, to send again */
    int attempts;                /* sends so far */
    struct cl_call_s *next;      /* done queue (under mu) */
    struct cl_call_s *pnext;     /* pending list (UI thread) */
} cl_call_t;

typedef struct {
    int64_t date_id;
    int64_t last;   /* last applied seq */
    bool pending;   /* waiting for a snapshot: buffer */
    bool suspect;   /* events reconnected: the next one must follow last */
    cJSON *buf[CL_SEQ_BUF];
    int nbuf;
} cl_seq_t;

struct cl_client {
    nng_socket req, sub;
    nng_aio *sub_aio;
    int wake[2];
    int timeout_ms;
    char *admin_key;
    int64_t next_id;

    pthread_mutex_t mu;       /* guards done_head/tail, ev_head/tail */
    cl_call_t *done_head, *done_tail;
    nng_msg **evq;
    size_t nev, cap_ev;

    atomic_int req_pipes, sub_pipes;
    atomic_int pipe_epoch;
    atomic_int sub_drops;     /* SUB pipes lost: a reconnect (maybe another node) */
    atomic_bool closing;

    /* UI thread only */
    cl_call_t *pending;
    int seen_epoch;
    int seen_drops;
    bool stalled;   /* a call timed out and nothing answered since */
    bool online;
    bool probing;
    int64_t last_probe_ms;
    cl_seq_t *seqs;
    int nseqs;
    cl_event_fn ev_fn;
    void *ev_ctx;
    cl_resync_fn rs_fn;
    void *rs_ctx;
    cl_status_fn st_fn;
    void *st_ctx;
};

/* TK_CLIENT_TRACE=1: one stderr line per event, gap, resend and status
 * change (stderr is a file or /dev/null under curses). */
bool cl_trace_on(void);
#define CL_TRACE(...)                                                                              \
    do {                                                                                           \
        if (cl_trace_on())                                                                         \
            fprintf(stderr, "client: " __VA_ARGS__);                                               \
    } while (0)


/* ---- seat streams (client_seq.c), UI thread ---- */
cl_seq_t *cl_seq_find(cl_client *c, int64_t date_id, bool create);
/* Applies one seat event to a date's stream; true when it is to be delivered. */
bool cl_seq_accept(cl_client *c, cl_seq_t *s, const cJSON *body);
/* The events socket reconnected, maybe to another node: every stream's
 * next event must follow its last seq, or the date is refetched. */
void cl_seq_suspect_all(cl_client *c);
void cl_deliver(cl_client *c, const char *topic, const cJSON *body);

#endif
