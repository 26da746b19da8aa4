/* common/jsoncheck.h -- a strict RFC 8259 check of raw bytes, run before
 * cJSON sees them.
 *
 * Why: cJSON is lenient. It takes a raw 0x00 inside a string and ends the
 * decoded C string there ("abc<NUL>first" and "abc<NUL>second" become one
 * request_id), raw control characters, invalid UTF-8 (which it then echoes
 * into replies), leading zeros ("00100"), "1.", a byte order mark and any
 * byte <= 0x20 as whitespace. jc_check accepts exactly one RFC 8259 value
 * in well-formed UTF-8 (Unicode table 3-7: no overlong forms, no
 * surrogates, nothing above U+10FFFF), with only space, tab, CR and LF
 * around it, nested at most JC_MAX_DEPTH deep.
 *
 * A \u escape of a lone surrogate (\uD800 without a low half after it, or
 * a \uDC00 alone) is refused too: it would decode to no valid UTF-8 and
 * cJSON refuses it as well, so the check and the parser agree. A pair
 * (\uD83C\uDFAB) is fine.
 *
 * One pass, no allocation, no recursion: the open containers are a bit
 * stack in one 64-bit word, hence the depth limit. The input need not be
 * NUL-terminated; a NUL anywhere (also at the end) is refused. */
#ifndef TK_JSONCHECK_H
#define TK_JSONCHECK_H

#include <stdbool.h>
#include <stddef.h>

/* Containers (objects and arrays) nested deeper than this are refused.
 * The deepest request of the contract nests 3. */
#define JC_MAX_DEPTH 64

typedef enum {
    JC_OK = 0,
    JC_EMPTY,    /* no value at all */
    JC_SYNTAX,   /* not JSON's grammar */
    JC_UTF8,     /* a byte sequence that is not well-formed UTF-8 */
    JC_CONTROL,  /* a raw U+0000..U+001F inside a string (NUL included) */
    JC_ESCAPE,   /* an unknown escape, or a \u escape of a lone surrogate */
    JC_NUMBER,   /* a leading zero, "1.", "-", "1e" ... */
    JC_DEPTH,    /* nested deeper than JC_MAX_DEPTH */
    JC_TRAILING, /* something after the value */
    JC_COUNT
} jc_status;

typedef struct {
    jc_status status;
    size_t offset;   /* the byte where the check failed */
    /* A string holds the escape \u0000: valid JSON, but cJSON would cut
     * the string there, so rpc_request_decode refuses it (INVALID_REQUEST,
     * the contract's answer). Set also when the check fails later. */
    bool nul_escape;
} jc_result;

/* True when buf[0..len) is one strict JSON text. r may be NULL. */
bool jc_check(const char *buf, size_t len, jc_result *r);

/* What went wrong, for an error message: "invalid UTF-8", ... */
const char *jc_reason(jc_status s);

#endif
