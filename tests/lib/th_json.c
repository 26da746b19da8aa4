/* tests/lib/th_json.c -- the reply arena and asserting JSON accessors. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tests/lib/harness.h"

/* One list for cJSON trees and malloc'd blocks; worker threads add to it
 * too, hence the mutex. Freed only by th_teardown (main thread, no worker
 * running). */
typedef struct th_cell {
    struct th_cell *next;
    cJSON *json;
    char *mem;
} th_cell;

static th_cell *th_arena;
static pthread_mutex_t th_arena_mu = PTHREAD_MUTEX_INITIALIZER;

static void th_arena_add(cJSON *j, char *m)
{
    th_cell *c = calloc(1, sizeof(*c));
    if (!c)
        abort();
    c->json = j;
    c->mem = m;
    pthread_mutex_lock(&th_arena_mu);
    c->next = th_arena;
    th_arena = c;
    pthread_mutex_unlock(&th_arena_mu);
}

void th_keep_json(cJSON *j)
{
    if (j)
        th_arena_add(j, NULL);
}

char *th_keep_mem(char *p)
{
    if (p)
        th_arena_add(NULL, p);
    return p;
}

void th_arena_free(void)
{
    pthread_mutex_lock(&th_arena_mu);
    th_cell *c = th_arena;
    th_arena = NULL;
    pthread_mutex_unlock(&th_arena_mu);
    while (c) {
        th_cell *next = c->next;
        cJSON_Delete(c->json);
        free(c->mem);
        free(c);
        c = next;
    }
}

char *th_sprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return th_keep_mem(s);
}

static const cJSON *th_member(const cJSON *obj, const char *name)
{
    ck_assert_msg(cJSON_IsObject(obj), "not an object where \"%s\" was expected", name);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (!v) {
        char *t = th_keep_mem(cJSON_PrintUnformatted(obj));
        ck_abort_msg("member \"%s\" missing in %s", name, t ? t : "?");
    }
    return v;
}

int64_t th_int(const cJSON *obj, const char *name)
{
    const cJSON *v = th_member(obj, name);
    int64_t out = 0;
    ck_assert_msg(jv_int_value(v, -JV_INT_MAX, JV_INT_MAX, &out) == JV_OK,
                  "member \"%s\" is not an exact integer", name);
    return out;
}

int64_t th_int_or(const cJSON *obj, const char *name, int64_t dflt)
{
    int64_t out = 0;
    if (jv_get_int(obj, name, -JV_INT_MAX, JV_INT_MAX, &out) != JV_OK)
        return dflt;
    return out;
}

const char *th_str(const cJSON *obj, const char *name)
{
    const cJSON *v = th_member(obj, name);
    ck_assert_msg(cJSON_IsString(v), "member \"%s\" is not a string", name);
    return v->valuestring;
}

bool th_bool(const cJSON *obj, const char *name)
{
    const cJSON *v = th_member(obj, name);
    ck_assert_msg(cJSON_IsBool(v), "member \"%s\" is not a boolean", name);
    return cJSON_IsTrue(v);
}

const cJSON *th_arr(const cJSON *obj, const char *name)
{
    const cJSON *v = th_member(obj, name);
    ck_assert_msg(cJSON_IsArray(v), "member \"%s\" is not an array", name);
    return v;
}

const cJSON *th_obj(const cJSON *obj, const char *name)
{
    const cJSON *v = th_member(obj, name);
    ck_assert_msg(cJSON_IsObject(v), "member \"%s\" is not an object", name);
    return v;
}

const char *th_reply_str(const rpc_reply *r)
{
    static __thread char buf[1024];
    if (r->err == TK_ERR_COUNT) {
        snprintf(buf, sizeof(buf), "transport failure (%s)", r->message ? r->message : "?");
        return buf;
    }
    char *t = r->root ? cJSON_PrintUnformatted(r->root) : NULL;
    snprintf(buf, sizeof(buf), "%s", t ? t : "(no reply)");
    free(t);
    return buf;
}

void th_assert_field(const rpc_reply *r, const char *field, const char *file, int line)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(r->data, "field");
    ck_assert_msg(r->err == TK_INVALID_PARAMS && cJSON_IsString(f) &&
                      strcmp(f->valuestring, field) == 0,
                  "%s:%d: expected INVALID_PARAMS with data.field \"%s\", got %s", file, line,
                  field, th_reply_str(r));
}
