/* tui/net/client_seq.c -- per-date seat streams: seq checks, gap resync,
 * buffering while a snapshot is pending (see client.h). UI thread only. */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tui/net/client_int.h"

cl_seq_t *cl_seq_find(cl_client *c, int64_t date_id, bool create)
{
    for (int i = 0; i < c->nseqs; i++)
        if (c->seqs[i].date_id == date_id)
            return &c->seqs[i];
    if (!create)
        return NULL;
    cl_seq_t *n = realloc(c->seqs, (size_t)(c->nseqs + 1) * sizeof(*n));
    if (!n)
        return NULL;
    c->seqs = n;
    cl_seq_t *s = &c->seqs[c->nseqs++];
    memset(s, 0, sizeof(*s));
    s->date_id = date_id;
    s->pending = true;
    return s;
}

static void seq_buffer(cl_seq_t *s, const cJSON *body)
{
    if (s->nbuf < CL_SEQ_BUF) {
        cJSON *d = cJSON_Duplicate(body, 1);
        if (d)
            s->buf[s->nbuf++] = d;
    }
}

/* The stream lost events (or the node's numbering is not ours): buffer
 * from here and ask for a fresh snapshot. */
static bool seq_refetch(cl_client *c, cl_seq_t *s, const cJSON *body, const char *why, int64_t seq)
{
    CL_TRACE("%s date=%lld last=%lld got=%lld\n", why, (long long)s->date_id, (long long)s->last,
             (long long)seq);
    s->pending = true;
    seq_buffer(s, body);
    if (c->rs_fn)
        c->rs_fn(c->rs_ctx, s->date_id);
    return false;
}

bool cl_seq_accept(cl_client *c, cl_seq_t *s, const cJSON *body)
{
    int64_t seq = 0;
    if (jv_get_int(body, "seq", 0, JV_INT_MAX, &seq) != JV_OK)
        return true;
    if (s->pending) {
        seq_buffer(s, body);
        return false;
    }
    bool reconnected = s->suspect;
    s->suspect = false;
    /* After a reconnect the next event must follow our last one: a gap is
     * lost events, a seq at or below ours a node that numbers otherwise. */
    if (reconnected && seq != s->last + 1)
        return seq_refetch(c, s, body, "resync after reconnect", seq);
    if (seq <= s->last) {
        CL_TRACE("old date=%lld last=%lld got=%lld\n", (long long)s->date_id, (long long)s->last, (long long)seq);
        return false; /* already in the snapshot */
    }
    if (seq == s->last + 1) {
        s->last = seq;
        return true;
    }
    return seq_refetch(c, s, body, "gap", seq); /* PUB/SUB dropped something */
}

void cl_deliver(cl_client *c, const char *topic, const cJSON *body)
{
    if (c->ev_fn)
        c->ev_fn(c->ev_ctx, topic, body);
}

void cl_seq_pending(cl_client *c, int64_t date_id)
{
    cl_seq_t *s = cl_seq_find(c, date_id, true);
    if (s)
        s->pending = true;
}

void cl_seq_forget(cl_client *c, int64_t date_id)
{
    cl_seq_t *s = cl_seq_find(c, date_id, false);
    if (!s)
        return;
    for (int j = 0; j < s->nbuf; j++)
        cJSON_Delete(s->buf[j]);
    *s = c->seqs[--c->nseqs];
}

void cl_seq_reset(cl_client *c, int64_t date_id, int64_t snapshot_seq)
{
    cl_seq_t *s = cl_seq_find(c, date_id, true);
    if (!s)
        return;
    CL_TRACE("snapshot date=%lld seq=%lld buffered=%d\n", (long long)date_id, (long long)snapshot_seq, s->nbuf);
    s->last = snapshot_seq;
    s->pending = false;
    s->suspect = false;
    int n = s->nbuf;
    cJSON *held[CL_SEQ_BUF];
    memcpy(held, s->buf, (size_t)n * sizeof(*held));
    s->nbuf = 0;
    char topic[32];
    snprintf(topic, sizeof(topic), "seat.%lld", (long long)date_id);
    for (int i = 0; i < n; i++) {
        /* s may move if a callback adds a stream: look it up again */
        cl_seq_t *cur = cl_seq_find(c, date_id, false);
        if (cur && cl_seq_accept(c, cur, held[i]))
            cl_deliver(c, topic, held[i]);
        cJSON_Delete(held[i]);
    }
}


void cl_seq_suspect_all(cl_client *c)
{
    for (int i = 0; i < c->nseqs; i++)
        c->seqs[i].suspect = true;
}
