/* tui/ui/text.c -- the string table and column-aware helpers. */
#include "tui/ui/text.h"

#include <langinfo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "common/tz.h"
#include "common/util.h"

static const char *const tx_table[T_COUNT][2] = {
#define TX(id, en, ko) [id] = {en, ko},
#include "tui/ui/text_strings.h"
#undef TX
};

static tx_lang tx_cur = TX_EN;

int tx_find(const char *s)
{
    for (int i = 0; s && i < T_COUNT; i++)
        if (s == tx((tx_id)i)) /* the table's own pointer, not a copy */
            return i;
    return -1;
}

const char *tx(tx_id id)
{
    if ((int)id < 0 || id >= T_COUNT)
        return "?";
    const char *s = tx_table[id][tx_cur];
    return (s && *s) ? s : tx_table[id][TX_EN];
}

const char *tx_pick(const char *en, const char *ko) { return tx_cur == TX_KO && ko ? ko : en; }
void tx_set_lang(tx_lang l) { tx_cur = l == TX_KO ? TX_KO : TX_EN; }
tx_lang tx_get_lang(void) { return tx_cur; }

bool tx_parse_lang(const char *s, tx_lang *out)
{
    if (!s)
        return false;
    if (strncasecmp(s, "ko", 2) == 0) {
        *out = TX_KO;
        return true;
    }
    if (strncasecmp(s, "en", 2) == 0) {
        *out = TX_EN;
        return true;
    }
    return false;
}

tx_lang tx_lang_from_env(void)
{
    static const char *vars[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
        const char *v = getenv(vars[i]);
        if (v && *v) /* the first one set wins, as in POSIX */
            return strncasecmp(v, "ko", 2) == 0 ? TX_KO : TX_EN;
    }
    return TX_EN;
}

bool tx_utf8(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

/* Decodes one UTF-8 sequence; returns its length (1 for a bad byte) and
 * stores the code point (or -1). Independent of the C locale so tests and
 * the C locale agree on widths. */
static int utf8_next(const unsigned char *s, int *cp)
{
    int n = s[0] < 0x80 ? 1 : (s[0] >> 5) == 6 ? 2 : (s[0] >> 4) == 14 ? 3 : (s[0] >> 3) == 30 ? 4 : 0;
    if (n == 0) {
        *cp = -1;
        return 1;
    }
    int v = n == 1 ? s[0] : s[0] & (0x7f >> n);
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *cp = -1;
            return 1;
        }
        v = (v << 6) | (s[i] & 0x3f);
    }
    *cp = v;
    return n;
}

/* East Asian wide ranges that matter here (Hangul, CJK, fullwidth), then
 * wcwidth for the rest when the locale knows it. */
static int cp_width(int cp)
{
    if (cp < 0)
        return 1;
    if (cp == 0)
        return 0;
    if ((cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
        (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
        (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
        (cp >= 0xffe0 && cp <= 0xffe6))
        return 2;
    if (cp < 0x300)
        return cp < 0x20 || cp == 0x7f ? 0 : 1;
    int w = wcwidth((wchar_t)cp);
    return w < 0 ? 1 : w;
}

int tx_width(const char *s)
{
    int w = 0, cp;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        p += utf8_next(p, &cp);
        w += cp_width(cp);
    }
    return w;
}

int tx_fit(char *dst, size_t dstsz, const char *s, int cols, bool pad)
{
    size_t o = 0;
    int w = 0, cp;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    if (dstsz == 0)
        return 0;
    while (*p) {
        int n = utf8_next(p, &cp);
        int cw = cp_width(cp);
        if (w + cw > cols || o + (size_t)n >= dstsz)
            break;
        memcpy(dst + o, p, (size_t)n);
        o += (size_t)n;
        w += cw;
        p += n;
    }
    while (pad && w < cols && o + 1 < dstsz) {
        dst[o++] = ' ';
        w++;
    }
    dst[o] = 0;
    return w;
}

int tx_cell(char *dst, size_t dstsz, const char *s, int cols)
{
    if (cols <= 1 || tx_width(s) <= cols - 1)
        return tx_fit(dst, dstsz, s, cols, true);
    /* Cut: the text up to cols-2 columns, then the mark, then the gap.
     * A non-UTF-8 terminal gets '~' (it cannot show the ellipsis). */
    const char *mark = tx_utf8() ? "\xe2\x80\xa6" : "~"; /* U+2026 */
    int w = tx_fit(dst, dstsz, s, cols - 2, false);
    size_t o = strlen(dst), ml = strlen(mark);
    if (o + ml + 1 > dstsz)
        return w;
    memcpy(dst + o, mark, ml + 1);
    o += ml;
    w++;
    while (w < cols && o + 1 < dstsz) { /* the gap (a wide char cut may leave 2) */
        dst[o++] = ' ';
        w++;
    }
    dst[o] = 0;
    return w;
}

void tx_money(char *dst, size_t dstsz, long long won)
{
    char raw[32];
    unsigned long long v = won < 0 ? (unsigned long long)(-won) : (unsigned long long)won;
    int n = snprintf(raw, sizeof(raw), "%llu", v);
    char out[48];
    int o = 0;
    if (won < 0)
        out[o++] = '-';
    for (int i = 0; i < n; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = raw[i];
    }
    out[o] = 0;
    snprintf(dst, dstsz, "%s", out);
}

static char tx_zone_name[TZ_NAME_MAX + 1] = TZ_DEFAULT;

void tx_set_zone(const char *zone)
{
    if (zone && zone[0] && strlen(zone) <= TZ_NAME_MAX)
        snprintf(tx_zone_name, sizeof tx_zone_name, "%s", zone);
}

const char *tx_zone(void) { return tx_zone_name; }

void tx_when_ms(char *dst, size_t dstsz, int64_t ms, const char *zone, const char *fmt)
{
    tz_format(zone && zone[0] ? zone : tx_zone_name, ms, fmt, dst, dstsz);
}

void tx_when(char *dst, size_t dstsz, const char *rfc3339, const char *zone, const char *fmt)
{
    int64_t ms;
    if (!rfc3339 || !time_parse(rfc3339, &ms))
        snprintf(dst, dstsz, "%s", rfc3339 ? rfc3339 : "");
    else
        tx_when_ms(dst, dstsz, ms, zone, fmt);
}
