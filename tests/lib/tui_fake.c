/* tests/lib/tui_fake.c -- the outbox link behind tf_app_new. */
#include "tests/lib/tui_fake.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"

typedef struct {
    tf_sent *out;
    int n, cap;
    int64_t next_id;
} tf_box;

static int64_t tf_call(void *ctx, const char *method, cJSON *params)
{
    tf_box *b = ctx;
    if (b->n == b->cap) {
        int cap = b->cap ? b->cap * 2 : 16;
        tf_sent *o = realloc(b->out, (size_t)cap * sizeof(*o));
        if (!o) {
            cJSON_Delete(params);
            return -1;
        }
        b->out = o;
        b->cap = cap;
    }
    tf_sent *s = &b->out[b->n++];
    s->id = ++b->next_id;
    snprintf(s->method, sizeof(s->method), "%s", method);
    s->params = params ? cJSON_PrintUnformatted(params) : strdup("{}");
    cJSON_Delete(params);
    return s->id;
}

/* app_free hands the outbox back: every test's app is freed whole. */
static void tf_release(void *ctx)
{
    tf_box *b = ctx;
    for (int i = 0; i < b->n; i++)
        free(b->out[i].params);
    free(b->out);
    free(b);
}

static const app_link tf_link = {.call = tf_call, .release = tf_release};

app *tf_app_new(const app_config *cfg)
{
    app *a = app_new(cfg);
    tf_box *b = calloc(1, sizeof *b);
    if (!a || !b) {
        free(b);
        app_free(a);
        return NULL;
    }
    app_set_link(a, &tf_link, b);
    app_set_online(a, true);
    return a;
}

int tf_outbox(app *a, const tf_sent **out)
{
    tf_box *b = app_link_ctx(a);
    *out = b->out;
    return b->n;
}

const tf_sent *tf_find(app *a, const char *method)
{
    tf_box *b = app_link_ctx(a);
    for (int i = b->n - 1; i >= 0; i--)
        if (strcmp(b->out[i].method, method) == 0)
            return &b->out[i];
    return NULL;
}

static void tf_drop(app *a, int64_t id)
{
    tf_box *b = app_link_ctx(a);
    for (int i = 0; i < b->n; i++)
        if (b->out[i].id == id) {
            free(b->out[i].params);
            memmove(&b->out[i], &b->out[i + 1], (size_t)(b->n - i - 1) * sizeof(b->out[0]));
            b->n--;
            return;
        }
}

void tf_reply(app *a, int64_t id, const char *result_json, tk_err err, const char *data_json)
{
    cJSON *res = result_json ? jv_parse(result_json, strlen(result_json)) : NULL;
    cJSON *data = data_json ? jv_parse(data_json, strlen(data_json)) : NULL;
    app_reply r = {.call_id = id, .err = err, .code = tk_err_code(err), .message = tk_err_reason(err),
                   .result = err ? NULL : res, .data = data};
    tf_drop(a, id);
    app_deliver_reply(a, &r);
    cJSON_Delete(res);
    cJSON_Delete(data);
}

static void tf_lost(app *a, int64_t id, bool unsure)
{
    app_reply r = {.call_id = id, .offline = true, .unsure = unsure, .err = TK_INTERNAL, .message = "timed out"};
    tf_drop(a, id);
    app_deliver_reply(a, &r);
}

void tf_offline(app *a, int64_t id) { tf_lost(a, id, false); }
void tf_unsure(app *a, int64_t id) { tf_lost(a, id, true); }

void tf_event(app *a, const char *topic, const char *body_json)
{
    cJSON *b = jv_parse(body_json, strlen(body_json));
    if (b)
        app_deliver_event(a, topic, b);
    cJSON_Delete(b);
}
