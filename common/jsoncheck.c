/* common/jsoncheck.c -- see jsoncheck.h. */
#include "common/jsoncheck.h"

#include <stdint.h>
#include <string.h>

#define JC_STR_(x) #x
#define JC_STR(x) JC_STR_(x)

typedef const unsigned char *jc_ptr;

typedef struct {
    jc_ptr s, p, e; /* start, cursor, end */
    jc_result *r;
    uint64_t open;  /* bit 0: the innermost container is an object */
    int depth;
} jc_in;

static bool jc_fail(jc_in *in, jc_ptr at, jc_status st)
{
    in->r->status = st;
    in->r->offset = (size_t)(at - in->s);
    return false;
}

/* RFC 8259's four whitespace bytes only (cJSON skips any byte <= 0x20). */
static void jc_ws(jc_in *in)
{
    while (in->p < in->e && (*in->p == ' ' || *in->p == '\n' || *in->p == '\r' || *in->p == '\t'))
        in->p++;
}

/* p at a byte >= 0x80: the length of the well-formed UTF-8 sequence there
 * (Unicode table 3-7), or 0. The second byte's narrower ranges are what
 * exclude overlong forms (E0, F0), surrogates (ED) and > U+10FFFF (F4). */
static size_t jc_utf8(jc_ptr p, jc_ptr e)
{
    unsigned c = p[0], lo = 0x80, hi = 0xbf;
    size_t n;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : lo;
        hi = c == 0xed ? 0x9f : hi;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : lo;
        hi = c == 0xf4 ? 0x8f : hi;
    } else {
        return 0;
    }
    if ((size_t)(e - p) < n || p[1] < lo || p[1] > hi)
        return 0;
    for (size_t k = 2; k < n; k++)
        if ((p[k] & 0xc0) != 0x80)
            return 0;
    return n;
}

/* Four hex digits at p: their value, or -1. */
static long jc_hex4(jc_ptr p, jc_ptr e)
{
    if (e - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        int d = c >= '0' && c <= '9' ? (int)(c - '0')
              : c >= 'a' && c <= 'f' ? (int)(c - 'a' + 10)
              : c >= 'A' && c <= 'F' ? (int)(c - 'A' + 10) : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* p at a backslash: just past the escape, or NULL (failed). */
static jc_ptr jc_escape(jc_in *in, jc_ptr p)
{
    if (in->e - p < 2)
        return jc_fail(in, in->e, JC_SYNTAX), NULL;
    if (memchr("\"\\/bfnrt", p[1], 8))
        return p + 2;
    long u = p[1] == 'u' ? jc_hex4(p + 2, in->e) : -1;
    if (u == 0)
        in->r->nul_escape = true;
    if (u >= 0 && (u < 0xd800 || u > 0xdfff))
        return p + 6;
    /* A high surrogate counts only with a low one right after it. */
    if (u >= 0xd800 && u <= 0xdbff && in->e - p >= 12 && p[6] == '\\' && p[7] == 'u') {
        long lo = jc_hex4(p + 8, in->e);
        if (lo >= 0xdc00 && lo <= 0xdfff)
            return p + 12;
    }
    return jc_fail(in, p, JC_ESCAPE), NULL;
}

/* 1 for the bytes a string holds as they are: printable ASCII (DEL too)
 * but the quote and the backslash. One load per byte in the common case;
 * controls and bytes >= 0x80 (0 here) take the slow path. */
#define JC_1x4 1, 1, 1, 1
#define JC_1x16 JC_1x4, JC_1x4, JC_1x4, JC_1x4
static const unsigned char jc_plain[256] = {
    [0x20] = 1, 1, 0 /* " */, 1, JC_1x4, JC_1x4, JC_1x4,
    JC_1x16, /* 0x30 */
    JC_1x16, /* 0x40 */
    JC_1x4, JC_1x4, JC_1x4, 0 /* \ */, 1, 1, 1,
    JC_1x16, /* 0x60 */
    JC_1x16, /* 0x70 */
};

/* in->p at the opening quote: moves just past the closing one. */
static bool jc_string(jc_in *in)
{
    jc_ptr p = in->p + 1, e = in->e;
    for (;;) {
        while (p < e && jc_plain[*p])
            p++;
        if (p >= e)
            return jc_fail(in, e, JC_SYNTAX); /* unterminated */
        if (*p == '"') {
            in->p = p + 1;
            return true;
        }
        if (*p < 0x20)
            return jc_fail(in, p, JC_CONTROL);
        size_t n;
        if (*p == '\\') {
            if (!(p = jc_escape(in, p)))
                return false;
        } else if ((n = jc_utf8(p, e)) != 0) {
            p += n;
        } else {
            return jc_fail(in, p, JC_UTF8);
        }
    }
}

static jc_ptr jc_digits(jc_ptr p, jc_ptr e)
{
    while (p < e && *p >= '0' && *p <= '9')
        p++;
    return p;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool jc_number(jc_in *in)
{
    jc_ptr s = in->p, p = s, e = in->e, q;
    if (*p == '-')
        p++;
    if (p < e && *p == '0') {
        if (++p < e && *p >= '0' && *p <= '9')
            return jc_fail(in, s, JC_NUMBER); /* 00100 */
    } else if ((q = jc_digits(p, e)) != p) {
        p = q;
    } else {
        return jc_fail(in, s, JC_NUMBER);
    }
    if (p < e && *p == '.') {
        if ((q = jc_digits(p + 1, e)) == p + 1)
            return jc_fail(in, s, JC_NUMBER); /* 1. */
        p = q;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        if ((q = jc_digits(p, e)) == p)
            return jc_fail(in, s, JC_NUMBER); /* 1e */
        p = q;
    }
    in->p = p;
    return true;
}

static bool jc_word(jc_in *in, const char *w, size_t n)
{
    if ((size_t)(in->e - in->p) < n || memcmp(in->p, w, n) != 0)
        return jc_fail(in, in->p, JC_SYNTAX);
    in->p += n;
    return true;
}

/* A string, number or literal at in->p. */
static bool jc_scalar(jc_in *in)
{
    if (in->p >= in->e)
        return jc_fail(in, in->e, JC_SYNTAX);
    switch (*in->p) {
    case '"': return jc_string(in);
    case 't': return jc_word(in, "true", 4);
    case 'f': return jc_word(in, "false", 5);
    case 'n': return jc_word(in, "null", 4);
    default:
        if (*in->p == '-' || (*in->p >= '0' && *in->p <= '9'))
            return jc_number(in);
        return jc_fail(in, in->p, JC_SYNTAX);
    }
}

/* An object member's name and colon; leaves in->p at its value. */
static bool jc_key(jc_in *in)
{
    if (in->p >= in->e || *in->p != '"')
        return jc_fail(in, in->p, JC_SYNTAX);
    if (!jc_string(in))
        return false;
    jc_ws(in);
    if (in->p >= in->e || *in->p != ':')
        return jc_fail(in, in->p, JC_SYNTAX);
    in->p++;
    jc_ws(in);
    return true;
}

/* in->p at '{' or '['. Returns 1 when it was empty and is closed already,
 * 0 when a value comes next, -1 on failure. */
static int jc_open(jc_in *in)
{
    bool obj = *in->p == '{';
    if (in->depth == JC_MAX_DEPTH)
        return jc_fail(in, in->p, JC_DEPTH), -1;
    in->open = (in->open << 1) | obj;
    in->depth++;
    in->p++;
    jc_ws(in);
    if (in->p < in->e && *in->p == (obj ? '}' : ']')) {
        in->p++;
        in->open >>= 1;
        in->depth--;
        return 1;
    }
    return obj && !jc_key(in) ? -1 : 0;
}

/* After a value inside a container: ',' then the next one (returns 0), or
 * the closing bracket (returns 1, the container is a finished value). */
static int jc_next(jc_in *in)
{
    bool obj = in->open & 1;
    if (in->p < in->e && *in->p == ',') {
        in->p++;
        jc_ws(in);
        return obj && !jc_key(in) ? -1 : 0;
    }
    if (in->p < in->e && *in->p == (obj ? '}' : ']')) {
        in->p++;
        in->open >>= 1;
        in->depth--;
        return 1;
    }
    return jc_fail(in, in->p, JC_SYNTAX), -1;
}

bool jc_check(const char *buf, size_t len, jc_result *out)
{
    jc_result local;
    jc_in in = {(jc_ptr)buf, (jc_ptr)buf, (jc_ptr)buf + len, out ? out : &local, 0, 0};
    memset(in.r, 0, sizeof *in.r);
    jc_ws(&in);
    if (in.p == in.e)
        return jc_fail(&in, in.p, JC_EMPTY);
    for (;;) {
        /* in.p is at a value, or at the end of a text cut short. */
        if (in.p >= in.e)
            return jc_fail(&in, in.p, JC_SYNTAX);
        int closed = 0;
        if (*in.p == '{' || *in.p == '[') {
            if ((closed = jc_open(&in)) <= 0) {
                if (closed < 0)
                    return false;
                continue;
            }
        } else if (!jc_scalar(&in)) {
            return false;
        }
        /* A value is done: close what it finishes, or go on to the next. */
        do {
            jc_ws(&in);
            if (in.depth == 0)
                return in.p == in.e || jc_fail(&in, in.p, JC_TRAILING);
        } while ((closed = jc_next(&in)) == 1);
        if (closed < 0)
            return false;
    }
}

const char *jc_reason(jc_status s)
{
    static const char *const why[JC_COUNT] = {
        [JC_OK] = "ok",
        [JC_EMPTY] = "empty message",
        [JC_SYNTAX] = "not JSON",
        [JC_UTF8] = "invalid UTF-8",
        [JC_CONTROL] = "raw control character in a string",
        [JC_ESCAPE] = "bad escape or lone surrogate",
        [JC_NUMBER] = "bad number (leading zero or missing digits)",
        [JC_DEPTH] = "nesting deeper than " JC_STR(JC_MAX_DEPTH) " levels",
        [JC_TRAILING] = "text after the JSON value",
    };
    return (unsigned)s < JC_COUNT ? why[s] : "not JSON";
}
