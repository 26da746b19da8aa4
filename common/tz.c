/* common/tz.c -- see tz.h. The C library reads the zone rules (TZif files,
 * including the POSIX rule for years past their last transition); this file
 * only picks the zone, under one lock, and does the local-time arithmetic
 * the library leaves ambiguous (gaps and folds). */
#include "common/tz.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/util.h"

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

static bool tz_name_ok(const char *zone)
{
    size_t n = zone ? strlen(zone) : 0;
    if (n == 0 || n > TZ_NAME_MAX || zone[0] == '/' || strstr(zone, ".."))
        return false;
    for (const char *p = zone; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("/_+-", *p))
            return false;
    return true;
}

bool tz_valid(const char *zone)
{
    if (!tz_name_ok(zone))
        return false;
    const char *dir = getenv("TZDIR");
    char path[512], magic[4];
    snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", zone);
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    bool ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "TZif", 4);
    fclose(f);
    return ok;
}

/* Takes the lock and makes zone the process's local time ("UTC0" for a
 * name that is not valid: glibc would quietly read an unknown name as UTC
 * but call it by the name). TZ itself is compared, not a copy of it, so a
 * test that sets TZ cannot leave this module believing in another zone;
 * tzset re-reads the zone file only when TZ changed. */
static void tz_enter(const char *zone)
{
    pthread_mutex_lock(&tz_lock);
    const char *cur = getenv("TZ");
    if (!zone || !cur || strcmp(cur, zone) != 0) {
        const char *want = zone && zone[0] && tz_valid(zone) ? zone : "UTC0";
        if (!cur || strcmp(cur, want) != 0)
            setenv("TZ", want, 1);
    }
    tzset();
}

static void tz_leave(void) { pthread_mutex_unlock(&tz_lock); }

void tz_format(const char *zone, int64_t ms, const char *fmt, char *out, size_t outlen)
{
    if (!outlen)
        return;
    time_t t = (time_t)(ms / 1000 - (ms < 0 && ms % 1000 ? 1 : 0));
    struct tm tm;
    out[0] = '\0';
    tz_enter(zone);
    if (localtime_r(&t, &tm) && strftime(out, outlen, fmt ? fmt : TZ_FMT_DATE, &tm) == 0)
        out[0] = '\0';
    tz_leave();
}

/* The instant of the local wall time *want in the current zone: the
 * earlier of the standard and daylight readings that map back to it.
 * Called under the lock. */
static bool tz_local_to_utc(const struct tm *want, int64_t *ms)
{
    bool found = false;
    for (int dst = 0; dst <= 1; dst++) {
        struct tm tm = *want, back;
        tm.tm_isdst = dst;
        time_t t = mktime(&tm);
        if (t == (time_t)-1 || !localtime_r(&t, &back))
            continue;
        if (back.tm_year != want->tm_year || back.tm_mon != want->tm_mon ||
            back.tm_mday != want->tm_mday || back.tm_hour != want->tm_hour ||
            back.tm_min != want->tm_min || back.tm_sec != want->tm_sec)
            continue; /* mktime moved it: this reading does not exist */
        if (!found || (int64_t)t * 1000 < *ms)
            *ms = (int64_t)t * 1000;
        found = true;
    }
    return found;
}

/* "YYYY-MM-DD[T ]HH:MM[:SS]" and nothing after it. */
static bool tz_read_local(const char *s, struct tm *tm)
{
    int Y, M, D, h, m, sec = 0, used = 0;
    char sep;
    if (sscanf(s, "%4d-%2d-%2d%c%2d:%2d%n", &Y, &M, &D, &sep, &h, &m, &used) != 6 ||
        (sep != 'T' && sep != 't' && sep != ' ') || used != 16)
        return false;
    if (s[16] == ':') {
        int more = 0;
        if (sscanf(s + 17, "%2d%n", &sec, &more) != 1 || more != 2)
            return false;
        used = 19;
    }
    if (s[used] || M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 59 ||
        h < 0 || m < 0 || sec < 0)
        return false;
    *tm = (struct tm){.tm_year = Y - 1900, .tm_mon = M - 1, .tm_mday = D,
                      .tm_hour = h, .tm_min = m, .tm_sec = sec};
    return true;
}

/* An offset form without seconds ("2026-12-21T19:00+09:00", "...19:00Z"):
 * time_parse wants them, so they are put in. */
static bool tz_parse_instant(const char *s, int64_t *ms)
{
    if (time_parse(s, ms))
        return true;
    size_t n = strlen(s);
    if (n < 17 || n > 40 || s[16] == ':' || s[13] != ':')
        return false;
    char full[48];
    snprintf(full, sizeof full, "%.16s:00%s", s, s + 16);
    return time_parse(full, ms);
}

tz_err tz_parse(const char *zone, const char *s, int64_t *ms)
{
    struct tm want;
    if (!s)
        return TZ_MALFORMED;
    if (!tz_read_local(s, &want))
        return tz_parse_instant(s, ms) ? TZ_OK : TZ_MALFORMED;
    if (!tz_valid(zone))
        return TZ_BAD_ZONE;
    tz_enter(zone);
    bool ok = tz_local_to_utc(&want, ms);
    tz_leave();
    return ok ? TZ_OK : TZ_NO_SUCH;
}

bool tz_next_hhmm(const char *zone, int hour, int minute, int64_t now_ms, int64_t *ms)
{
    if (!tz_valid(zone) || hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return false;
    time_t now = (time_t)(now_ms / 1000);
    struct tm day;
    bool ok = false;
    tz_enter(zone);
    if (localtime_r(&now, &day)) {
        for (int ahead = 0; ahead < 2 && !ok; ahead++) {
            struct tm want = {.tm_year = day.tm_year, .tm_mon = day.tm_mon,
                              .tm_mday = day.tm_mday + ahead, .tm_hour = 12, .tm_isdst = -1};
            time_t noon = mktime(&want); /* normalises the day after the month's last */
            if (noon == (time_t)-1 || !localtime_r(&noon, &want))
                break;
            want.tm_hour = hour;
            want.tm_min = minute;
            want.tm_sec = 0;
            ok = tz_local_to_utc(&want, ms) && *ms > now_ms;
        }
    }
    tz_leave();
    return ok;
}
