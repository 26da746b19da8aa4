/* common/util.c -- see util.h. */
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

void uuid_v4(uint8_t out[16])
{
    randombytes_buf(out, 16);
    out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);
    out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);
}

void uuid_format(const uint8_t u[16], char out[UUID_STR_LEN])
{
    static const char hx[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hx[u[i] >> 4];
        *p++ = hx[u[i] & 15];
    }
    *p = '\0';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

bool uuid_parse(const char *s, uint8_t out[16])
{
    if (!s || strlen(s) != 36)
        return false;
    int j = 0;
    for (int i = 0; i < 36;) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i++] != '-')
                return false;
            continue;
        }
        int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[j++] = (uint8_t)(hi << 4 | lo);
        i += 2;
    }
    return true;
}

bool uuid_parse_loose(const char *s, uint8_t out[16])
{
    if (!s)
        return false;
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == ' ')
        n--;
    char buf[UUID_STR_LEN];
    if (n == 36) {
        memcpy(buf, s, 36);
    } else if (n == 32) { /* put the dashes where they go */
        for (int i = 0, j = 0; i < 36; i++)
            buf[i] = (i == 8 || i == 13 || i == 18 || i == 23) ? '-' : s[j++];
    } else {
        return false;
    }
    buf[36] = '\0';
    return uuid_parse(buf, out);
}

void uuid_short(const uint8_t u[16], char out[9])
{
    char full[UUID_STR_LEN];
    uuid_format(u, full);
    memcpy(out, full, 8);
    out[8] = '\0';
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int64_t clock_sys_wall_ms(void) { return clock_ns(CLOCK_REALTIME) / 1000000; }
static int64_t clock_sys_boot_ms(void) { return clock_ns(CLOCK_BOOTTIME) / 1000000; }

static int64_t (*_Atomic clock_wall_fn)(void) = clock_sys_wall_ms;
static int64_t (*_Atomic clock_boot_fn)(void) = clock_sys_boot_ms;
static _Atomic int64_t clock_base = INT64_MIN; /* steady - boot; MIN: not yet fixed */

void clock_set_source(int64_t (*wall_ms)(void), int64_t (*boot_ms)(void))
{
    atomic_store(&clock_wall_fn, wall_ms ? wall_ms : clock_sys_wall_ms);
    atomic_store(&clock_boot_fn, boot_ms ? boot_ms : clock_sys_boot_ms);
    atomic_store(&clock_base, INT64_MIN);
}

int64_t clock_wall_ms(void) { return atomic_load(&clock_wall_fn)(); }

int64_t clock_steady_ms(void)
{
    int64_t boot = atomic_load(&clock_boot_fn)();
    int64_t base = atomic_load(&clock_base);
    if (base == INT64_MIN) {
        /* The first reading fixes it; a racing first reader takes the
         * winner's, so every thread sees one line. */
        int64_t mine = clock_wall_ms() - boot;
        base = atomic_compare_exchange_strong(&clock_base, &base, mine) ? mine : base;
    }
    return boot + base;
}
int64_t clock_mono_ms(void) { return clock_ns(CLOCK_MONOTONIC) / 1000000; }
int64_t clock_mono_us(void) { return clock_ns(CLOCK_MONOTONIC) / 1000; }

void time_format(int64_t ms, char *out, size_t outlen)
{
    time_t t = (time_t)(ms / 1000);
    if (ms < 0 && ms % 1000)
        t--;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, outlen, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool time_parse(const char *s, int64_t *ms)
{
    int Y, M, D, h, m, sec, frac = 0;
    if (!s || strlen(s) < 20 || !digits(s, 4, &Y) || s[4] != '-' || !digits(s + 5, 2, &M) ||
        s[7] != '-' || !digits(s + 8, 2, &D) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        !digits(s + 11, 2, &h) || s[13] != ':' || !digits(s + 14, 2, &m) || s[16] != ':' ||
        !digits(s + 17, 2, &sec))
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        int n = 0, scale = 100;
        for (p++; isdigit((unsigned char)*p); p++, n++) {
            if (scale) { frac += (*p - '0') * scale; scale /= 10; }
        }
        if (n == 0)
            return false;
    }
    int off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int oh, om;
        if (!digits(p + 1, 2, &oh) || p[3] != ':' || !digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        off = (oh * 60 + om) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return false;
    }
    if (*p || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60 || Y < 1970)
        return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
    if (D > mdays[M - 1] + (M == 2 && leap))
        return false;
    /* Days from civil (Howard Hinnant's algorithm). */
    int y = Y - (M <= 2);
    int era = y / 400;
    int yoe = y - era * 400;
    int doy = (153 * (M + (M > 2 ? -3 : 9)) + 2) / 5 + D - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    int64_t secs = days * 86400 + h * 3600 + m * 60 + sec - (int64_t)off * 60;
    *ms = secs * 1000 + frac;
    return true;
}

void log_kv(const char *level, const char *event, const char *fmt, ...)
{
    char ts[32], line[1024];
    time_format(clock_wall_ms(), ts, sizeof ts);
    int n = snprintf(line, sizeof line, "ts=%s level=%s event=%s ", ts, level, event);
    if (n < 0 || (size_t)n >= sizeof line)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s\n", line); /* one write per line: lines never interleave */
}

int admin_key_read(const char *path, char out[ADMIN_KEY_MAX + 1])
{
    char buf[ADMIN_KEY_MAX + 64]; /* room for trailing whitespace */
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf, f);
    bool more = false; /* past the buffer: anything but whitespace is too much */
    for (int ch; n == sizeof buf && !more && (ch = fgetc(f)) != EOF;)
        more = !strchr(" \t\r\n", ch);
    fclose(f);
    while (n > 0 && strchr(" \t\r\n", buf[n - 1]))
        n--;
    if (more || n > ADMIN_KEY_MAX || n == 0) {
        sodium_memzero(buf, sizeof buf);
        errno = n == 0 ? ENODATA : E2BIG;
        return -1;
    }
    memcpy(out, buf, n);
    out[n] = '\0';
    sodium_memzero(buf, sizeof buf);
    return 0;
}

bool log_file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[4096];
    bool hit = false;
    while (!hit && fgets(line, sizeof(line), f))
        hit = strstr(line, needle) != NULL;
    fclose(f);
    return hit;
}
