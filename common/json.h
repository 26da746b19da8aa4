/* common/json.h -- typed, range-checked access to cJSON values.
 *
 * Why: cJSON's valueint saturates (1e300 reads as INT_MAX) and a double can
 * carry 1.5 where an id is expected. Every numeric param goes through
 * jv_get_int, which reads valuedouble and insists on an exact integer inside
 * [min, max]; integers beyond 2^53 are refused as they cannot be exact.
 *
 * Each getter returns JV_OK, JV_MISSING or JV_BAD. Callers turn MISSING/BAD
 * of a required param into TK_INVALID_PARAMS with data.field = name. */
#ifndef TK_JSON_H
#define TK_JSON_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/jsoncheck.h"

typedef enum { JV_OK = 0, JV_MISSING = 1, JV_BAD = 2 } jv_status;

/* Largest integer a double holds exactly: the ceiling for any wire integer. */
#define JV_INT_MAX ((int64_t)9007199254740991LL)

/* obj[name] as an integer in [min, max]. A JSON null counts as missing. */
jv_status jv_get_int(const cJSON *obj, const char *name, int64_t min, int64_t max, int64_t *out);
/* obj[name] as a string of 1..maxlen bytes of valid UTF-8 with no control
 * characters. *out points into the cJSON tree (valid while obj lives). */
jv_status jv_get_str(const cJSON *obj, const char *name, size_t maxlen, const char **out);
/* Like jv_get_str but allows the empty string. */
jv_status jv_get_str0(const cJSON *obj, const char *name, size_t maxlen, const char **out);
jv_status jv_get_bool(const cJSON *obj, const char *name, bool *out);
/* A cJSON number item as an exact integer in [min, max]. */
jv_status jv_int_value(const cJSON *item, int64_t min, int64_t max, int64_t *out);

/* True when s (len bytes) is valid UTF-8 without C0 controls or DEL. */
bool jv_text_ok(const char *s, size_t len);

/* Add an integer member; returns false on allocation failure. */
bool jv_add_int(cJSON *obj, const char *name, int64_t v);

/* Parse exactly len bytes (no NUL needed) of strict JSON: jc_check first,
 * so cJSON never sees what RFC 8259 refuses. NULL on error; *why (may be
 * NULL) says what the check found (JC_OK when cJSON itself failed: out of
 * memory). Every JSON this project reads goes through here: requests,
 * replies, events, ticketctl's --params. */
cJSON *jv_parse_checked(const char *buf, size_t len, jc_result *why);
cJSON *jv_parse(const char *buf, size_t len);

#endif
