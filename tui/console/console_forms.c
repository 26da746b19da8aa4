/* tui/console/console_forms.c -- validation and editing of the console's forms.
 * See admin_forms.h for the price syntax. */
#include "tui/console/console_forms.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"

/* ---- price ranges ------------------------------------------------------ */

static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Reads a decimal number of at most 9 digits (no seat or price needs more;
 * it also keeps the arithmetic far from overflow). */
static bool read_num(const char **pp, int64_t *out)
{
    const char *p = skip_ws(*pp);
    int64_t v = 0;
    int n = 0;
    /* Saturating: a number too large to hold is still a number, and the
     * caller's range check says what is wrong with it. */
    for (; isdigit((unsigned char)*p); p++, n++)
        v = v > (INT64_MAX - 9) / 10 ? INT64_MAX : v * 10 + (*p - '0');
    if (n == 0)
        return false;
    *out = v;
    *pp = skip_ws(p);
    return true;
}

/* One "lo[-hi]:price" range. Returns the error, or OK with *pp past it. */
static adm_form_err parse_range(const char **pp, int64_t *lo, int64_t *hi, int64_t *price)
{
    const char *p = *pp;
    if (!read_num(&p, lo))
        return ADM_FORM_PRICE_SYNTAX;
    *hi = *lo;
    if (*p == '-') {
        p++;
        if (!read_num(&p, hi))
            return ADM_FORM_PRICE_SYNTAX;
    }
    if (*p != ':' && *p != '=')
        return ADM_FORM_PRICE_SYNTAX;
    p++;
    if (!read_num(&p, price))
        return *skip_ws(p) == '-' ? ADM_FORM_PRICE_VALUE : ADM_FORM_PRICE_SYNTAX;
    if (*p && *p != ',' && *p != ';')
        return ADM_FORM_PRICE_SYNTAX;
    if (*lo < 1 || *hi > ADM_SEATS || *lo > *hi)
        return ADM_FORM_PRICE_SEAT;
    if (*price < 1 || *price > ADM_PRICE_MAX)
        return ADM_FORM_PRICE_VALUE;
    *pp = p;
    return ADM_FORM_OK;
}

adm_form_err adm_prices_parse(const char *text, int64_t prices[ADM_SEATS], int *where)
{
    int dummy;
    if (!where)
        where = &dummy;
    for (int i = 0; i < ADM_SEATS; i++)
        prices[i] = 0;
    const char *p = skip_ws(text ? text : "");
    int range = 0;
    while (*p) {
        range++;
        int64_t lo, hi, price;
        adm_form_err e = parse_range(&p, &lo, &hi, &price);
        if (e) {
            *where = range;
            return e;
        }
        for (int64_t s = lo; s <= hi; s++) {
            if (prices[s - 1]) {
                *where = (int)s;
                return ADM_FORM_PRICE_TWICE;
            }
            prices[s - 1] = price;
        }
        if (*p) /* a separator; a trailing one is forgiven, people type them */
            p = skip_ws(p + 1);
    }
    for (int i = 0; i < ADM_SEATS; i++) {
        if (!prices[i]) {
            *where = i + 1;
            return ADM_FORM_PRICE_MISSING;
        }
    }
    return ADM_FORM_OK;
}

void adm_prices_format(const int64_t prices[ADM_SEATS], char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (int lo = 0; lo < ADM_SEATS;) {
        int hi = lo;
        while (hi + 1 < ADM_SEATS && prices[hi + 1] == prices[lo])
            hi++;
        int w = hi == lo ? snprintf(out + n, outlen - n, "%s%d:%lld", n ? "," : "", lo + 1,
                                    (long long)prices[lo])
                         : snprintf(out + n, outlen - n, "%s%d-%d:%lld", n ? "," : "", lo + 1,
                                    hi + 1, (long long)prices[lo]);
        if (w < 0 || (size_t)w >= outlen - n)
            return; /* truncated: out stays NUL-terminated by snprintf */
        n += (size_t)w;
        lo = hi + 1;
    }
}

/* ---- editing ----------------------------------------------------------- */

void adm_form_init(adm_form *f, adm_form_kind kind)
{
    memset(f, 0, sizeof *f);
    f->kind = kind;
    f->nfields = kind == ADM_FORM_CONCERT ? 3 : 4;
    f->err_field = -1;
}

static size_t utf8_encode(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        if (cp >= 0xD800 && cp <= 0xDFFF)
            return 0; /* surrogates are not characters */
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    if (cp > 0x10FFFF)
        return 0;
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool adm_form_insert(adm_form *f, uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        return false;
    char enc[4];
    size_t k = utf8_encode(cp, enc);
    char *v = f->val[f->focus];
    size_t len = strlen(v);
    if (k == 0 || len + k >= ADM_FIELD_CAP)
        return false;
    memcpy(v + len, enc, k);
    v[len + k] = '\0';
    return true;
}

void adm_form_backspace(adm_form *f)
{
    char *v = f->val[f->focus];
    size_t len = strlen(v);
    while (len > 0 && ((unsigned char)v[len - 1] & 0xC0) == 0x80)
        len--; /* continuation bytes of the last character */
    if (len > 0)
        len--;
    v[len] = '\0';
}

void adm_form_focus(adm_form *f, int delta)
{
    f->focus = ((f->focus + delta) % f->nfields + f->nfields) % f->nfields;
}

/* ---- validation -------------------------------------------------------- */

/* Title / venue: trimmed of surrounding blanks in place, then checked. */
static adm_form_err check_text(char *v, adm_form_err if_empty)
{
    size_t len = strlen(v);
    while (len && (v[len - 1] == ' ' || v[len - 1] == '\t'))
        v[--len] = '\0';
    size_t lead = strspn(v, " \t");
    memmove(v, v + lead, len - lead + 1);
    len -= lead;
    if (len == 0)
        return if_empty;
    if (len > ADM_TEXT_MAX)
        return ADM_FORM_TEXT_LONG;
    if (!jv_text_ok(v, len))
        return ADM_FORM_TEXT_BAD;
    return ADM_FORM_OK;
}

static adm_form_err fail(adm_form *f, adm_form_err e, int field, int where)
{
    f->err = e;
    f->err_field = field;
    f->where = where;
    if (field >= 0)
        f->focus = field;
    return e;
}

static adm_form_err submit_concert(adm_form *f, cJSON **params)
{
    adm_form_err e = check_text(f->val[ADM_CF_TITLE], ADM_FORM_TITLE_EMPTY);
    if (e)
        return fail(f, e, ADM_CF_TITLE, 0);
    e = check_text(f->val[ADM_CF_VENUE], ADM_FORM_VENUE_EMPTY);
    if (e)
        return fail(f, e, ADM_CF_VENUE, 0);
    char *tz = f->val[ADM_CF_TZ];
    bool has_tz = check_text(tz, ADM_FORM_OK) != ADM_FORM_OK || tz[0]; /* trimmed */
    if (has_tz && !tz_valid(tz))
        return fail(f, ADM_FORM_TZ_BAD, ADM_CF_TZ, 0);
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "title", f->val[ADM_CF_TITLE]);
    cJSON_AddStringToObject(p, "venue", f->val[ADM_CF_VENUE]);
    if (has_tz)
        cJSON_AddStringToObject(p, "tz", tz);
    *params = p;
    return ADM_FORM_OK;
}

static bool parse_id(const char *s, int64_t *out)
{
    const char *p = s;
    return read_num(&p, out) && *p == '\0' && *out > 0 && *out < INT64_MAX; /* not saturated */
}

/* Trims a time in place and reads it as the server will (tz_parse: local
 * in zone, or with an offset). It is sent as typed: rewriting it as UTC
 * would show the operator another clock than the one they wrote. */
static tz_err parse_time(char *v, const char *zone, int64_t *ms)
{
    size_t lead = strspn(v, " \t");
    memmove(v, v + lead, strlen(v + lead) + 1);
    size_t len = strlen(v);
    while (len && v[len - 1] == ' ')
        v[--len] = '\0';
    return tz_parse(zone, v, ms);
}

static adm_form_err submit_date(adm_form *f, int64_t now_ms, cJSON **params)
{
    int64_t concert, starts, onsale = -1, prices[ADM_SEATS];
    int where = 0;
    if (!parse_id(f->val[ADM_DF_CONCERT], &concert))
        return fail(f, ADM_FORM_CONCERT_BAD, ADM_DF_CONCERT, 0);
    tz_err te = parse_time(f->val[ADM_DF_STARTS], f->zone, &starts);
    if (te)
        return fail(f, te == TZ_NO_SUCH ? ADM_FORM_START_NONE : ADM_FORM_START_FORMAT,
                    ADM_DF_STARTS, 0);
    if (starts <= now_ms)
        return fail(f, ADM_FORM_START_PAST, ADM_DF_STARTS, 0);
    bool has_onsale = f->val[ADM_DF_ONSALE][strspn(f->val[ADM_DF_ONSALE], " \t")] != '\0';
    if (has_onsale && parse_time(f->val[ADM_DF_ONSALE], f->zone, &onsale) != TZ_OK)
        return fail(f, ADM_FORM_ONSALE_FORMAT, ADM_DF_ONSALE, 0);
    if (has_onsale && onsale >= starts)
        return fail(f, ADM_FORM_ONSALE_LATE, ADM_DF_ONSALE, 0);
    adm_form_err e = adm_prices_parse(f->val[ADM_DF_PRICES], prices, &where);
    if (e)
        return fail(f, e, ADM_DF_PRICES, where);
    cJSON *p = cJSON_CreateObject();
    jv_add_int(p, "concert_id", concert);
    cJSON_AddStringToObject(p, "starts_at", f->val[ADM_DF_STARTS]);
    if (has_onsale)
        cJSON_AddStringToObject(p, "on_sale_at", f->val[ADM_DF_ONSALE]);
    /* The 50-integer array form: it says exactly what was validated here,
     * with no second reading of range syntax on the server. */
    cJSON *arr = cJSON_AddArrayToObject(p, "prices");
    for (int i = 0; i < ADM_SEATS; i++)
        cJSON_AddItemToArray(arr, cJSON_CreateNumber((double)prices[i]));
    *params = p;
    return ADM_FORM_OK;
}

#define OPENS_MAX_AHEAD_MS (366LL * 86400 * 1000) /* the server's TK_OPENS_MAX_AHEAD_MS */

/* "HH:MM" -> the next such time in zone after now_ms. */
static bool next_hhmm(const char *v, const char *zone, int64_t now_ms, int64_t *ms)
{
    int h, m, used = 0;
    if (strlen(v) != 5 || sscanf(v, "%2d:%2d%n", &h, &m, &used) != 2 || used != 5)
        return false;
    return tz_next_hhmm(zone, h, m, now_ms, ms);
}

adm_opens adm_opens_parse(const char *text, const char *zone, int64_t now_ms, int64_t *ms)
{
    char v[ADM_FIELD_CAP];
    snprintf(v, sizeof v, "%s", text ? text : "");
    size_t lead = strspn(v, " \t"), len;
    memmove(v, v + lead, strlen(v + lead) + 1);
    for (len = strlen(v); len && v[len - 1] == ' '; v[--len] = '\0') {
    }
    if (!strcmp(v, "-"))
        return ADM_OPENS_CLEAR;
    if (!next_hhmm(v, zone, now_ms, ms) && tz_parse(zone, v, ms) != TZ_OK)
        return ADM_OPENS_FORMAT;
    if (*ms <= now_ms)
        return ADM_OPENS_PAST;
    return *ms - now_ms > OPENS_MAX_AHEAD_MS ? ADM_OPENS_FAR : ADM_OPENS_SET;
}

adm_form_err adm_form_submit(adm_form *f, int64_t now_ms, cJSON **params)
{
    *params = NULL;
    f->err = ADM_FORM_OK;
    f->err_field = -1;
    f->where = 0;
    return f->kind == ADM_FORM_CONCERT ? submit_concert(f, params)
                                       : submit_date(f, now_ms, params);
}

const char *adm_form_method(const adm_form *f)
{
    return f->kind == ADM_FORM_CONCERT ? "admin.concert.create" : "admin.date.create";
}
