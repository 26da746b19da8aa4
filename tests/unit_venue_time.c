/* tests/unit_venue_time.c -- venue time: the one formatter and parser
 * (common/tz) whatever the host's zone, and the api's side of it: a
 * concert's zone, local times in admin.date.create, `tz` beside every
 * `starts_at`, server.info's zone. */
#include "tests/unit_api.h"

#include "common/tz.h"
#include "tui/ui/text.h"

/* Instants used below, checked against `date -u -d`. */
#define SEOUL_19H 1797847200000LL /* 2026-12-21T10:00:00Z = 19:00 KST */

static int64_t utc(const char *s)
{
    int64_t ms;
    ck_assert_msg(time_parse(s, &ms), "%s", s);
    return ms;
}

START_TEST(format_in_the_venue_zone)
{
    char out[64];
    setenv("TZ", "America/Los_Angeles", 1); /* the host's zone must not matter */
    tz_format("Asia/Seoul", SEOUL_19H, NULL, out, sizeof out);
    ck_assert_str_eq(out, "2026-12-21 19:00 KST");
    tz_format("Europe/Berlin", utc("2026-07-01T17:00:00Z"), NULL, out, sizeof out);
    ck_assert_str_eq(out, "2026-07-01 19:00 CEST");
    tz_format("Europe/Berlin", utc("2026-12-01T18:00:00Z"), NULL, out, sizeof out);
    ck_assert_str_eq(out, "2026-12-01 19:00 CET");
    tz_format("Asia/Seoul", SEOUL_19H, "%H:%M %Z", out, sizeof out);
    ck_assert_str_eq(out, "19:00 KST");
    /* unknown or missing zone: UTC, and it says so */
    tz_format("Mars/Olympus", SEOUL_19H, NULL, out, sizeof out);
    ck_assert_str_eq(out, "2026-12-21 10:00 UTC");
    tz_format(NULL, SEOUL_19H, NULL, out, sizeof out);
    ck_assert_str_eq(out, "2026-12-21 10:00 UTC");
    /* the clients' wrapper: RFC 3339 in, the server's zone for "" */
    tx_set_zone("Asia/Seoul");
    tx_when(out, sizeof out, "2026-12-21T10:00:00Z", "", NULL);
    ck_assert_str_eq(out, "2026-12-21 19:00 KST");
    tx_when(out, sizeof out, "2026-12-21T10:00:00Z", "Europe/Berlin", NULL);
    ck_assert_str_eq(out, "2026-12-21 11:00 CET");
    tx_when(out, sizeof out, "soon", NULL, NULL); /* as it is */
    ck_assert_str_eq(out, "soon");
    unsetenv("TZ");
}
END_TEST

START_TEST(parse_local_offset_and_z)
{
    int64_t ms = 0;
    setenv("TZ", "UTC", 1);
    ck_assert_int_eq(tz_parse("Asia/Seoul", "2026-12-21T19:00", &ms), TZ_OK);
    ck_assert_int_eq(ms, SEOUL_19H);
    ck_assert_int_eq(tz_parse("Asia/Seoul", "2026-12-21 19:00:00", &ms), TZ_OK);
    ck_assert_int_eq(ms, SEOUL_19H);
    /* an explicit offset or Z wins over the zone, seconds optional */
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-12-21T19:00+09:00", &ms), TZ_OK);
    ck_assert_int_eq(ms, SEOUL_19H);
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-12-21T10:00Z", &ms), TZ_OK);
    ck_assert_int_eq(ms, SEOUL_19H);
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-12-21T10:00:00Z", &ms), TZ_OK);
    ck_assert_int_eq(ms, SEOUL_19H);
    ck_assert_int_eq(tz_parse(NULL, "2026-12-21T10:00:00Z", &ms), TZ_OK); /* no zone needed */
    const char *bad[] = {"", "19:00", "2026-12-21", "2026-12-21T25:00", "2026-13-01T19:00",
                         "2026-12-21T19:00x", "2026-12-21T19:00+9", "tomorrow"};
    for (size_t i = 0; i < UR_LEN(bad); i++)
        ck_assert_msg(tz_parse("Asia/Seoul", bad[i], &ms) == TZ_MALFORMED, "%s", bad[i]);
    /* a local time needs a zone the system knows */
    ck_assert_int_eq(tz_parse("Mars/Olympus", "2026-12-21T19:00", &ms), TZ_BAD_ZONE);
    ck_assert_int_eq(tz_parse(NULL, "2026-12-21T19:00", &ms), TZ_BAD_ZONE);
    unsetenv("TZ");
}
END_TEST

/* Europe/Berlin goes from CET to CEST at 02:00 on 2026-03-29 and back at
 * 03:00 on 2026-10-25. */
START_TEST(parse_across_dst)
{
    int64_t ms = 0;
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-03-29T01:30", &ms), TZ_OK);
    ck_assert_int_eq(ms, utc("2026-03-29T00:30:00Z")); /* CET, +01:00 */
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-03-29T03:30", &ms), TZ_OK);
    ck_assert_int_eq(ms, utc("2026-03-29T01:30:00Z")); /* CEST, +02:00 */
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-03-29T02:30", &ms), TZ_NO_SUCH);
    /* 02:30 happens twice in October: the first (still CEST) */
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-10-25T02:30", &ms), TZ_OK);
    ck_assert_int_eq(ms, utc("2026-10-25T00:30:00Z"));
    ck_assert_int_eq(tz_parse("Europe/Berlin", "2026-10-25T03:30", &ms), TZ_OK);
    ck_assert_int_eq(ms, utc("2026-10-25T02:30:00Z"));
    char out[64];
    tz_format("Europe/Berlin", utc("2026-03-29T01:30:00Z"), NULL, out, sizeof out);
    ck_assert_str_eq(out, "2026-03-29 03:30 CEST");
    /* the next 20:00 across the change is 20:00 by the new clock */
    ck_assert(tz_next_hhmm("Europe/Berlin", 20, 0, utc("2026-03-28T20:00:00Z"), &ms));
    ck_assert_int_eq(ms, utc("2026-03-29T18:00:00Z"));
    ck_assert(tz_next_hhmm("Asia/Seoul", 20, 0, utc("2026-03-28T10:00:00Z"), &ms));
    ck_assert_int_eq(ms, utc("2026-03-28T11:00:00Z")); /* today's, still ahead */
    ck_assert(!tz_next_hhmm("Mars/Olympus", 20, 0, 0, &ms));
}
END_TEST

START_TEST(zone_names)
{
    ck_assert(tz_valid("Asia/Seoul"));
    ck_assert(tz_valid("Europe/Berlin"));
    ck_assert(tz_valid("UTC"));
    const char *bad[] = {"", "Mars/Olympus", "../../etc/passwd", "/usr/share/zoneinfo/UTC",
                         "Asia/Seoul ", "Asia/../Asia/Seoul", "KST-9"};
    for (size_t i = 0; i < UR_LEN(bad); i++)
        ck_assert_msg(!tz_valid(bad[i]), "%s", bad[i]);
    ck_assert(!tz_valid(NULL));
}
END_TEST

static int64_t concert(const char *tz_param)
{
    cJSON *r = call("admin.concert.create",
                    "{\"admin_key\":\"" KEY "\",\"title\":\"T\",\"venue\":\"V\"%s}", tz_param);
    int64_t id = (int64_t)cJSON_GetObjectItem(ok(r), "concert_id")->valuedouble;
    cJSON_Delete(r);
    return id;
}

static int64_t date_at(int64_t concert_id, const char *starts)
{
    cJSON *r = call("admin.date.create",
                    "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":\"%s\","
                    "\"prices\":{\"1-50\":1000}}",
                    (long long)concert_id, starts);
    int64_t id = (int64_t)cJSON_GetObjectItem(ok(r), "date_id")->valuedouble;
    cJSON_Delete(r);
    return id;
}

/* The dashboard row of date_id. */
static const cJSON *dash_row(cJSON *dash, int64_t date_id)
{
    const cJSON *d;
    cJSON_ArrayForEach(d, cJSON_GetObjectItem(ok(dash), "dates"))
        if ((int64_t)cJSON_GetObjectItem(d, "date_id")->valuedouble == date_id)
            return d;
    ck_abort_msg("date %lld not on the dashboard", (long long)date_id);
    return NULL;
}

/* The dashboard shows date_id at starts (UTC) in zone tz. */
static void expect_date(int64_t date_id, const char *starts, const char *tz)
{
    cJSON *dash = call("admin.dashboard", "{\"admin_key\":\"" KEY "\"}");
    ck_assert_str_eq(str(dash_row(dash, date_id), "starts_at"), starts);
    ck_assert_str_eq(str(dash_row(dash, date_id), "tz"), tz);
    cJSON_Delete(dash);
}

static void expect_server_tz(const char *tz)
{
    cJSON *info = call("server.info", "{}");
    ck_assert_str_eq(str(ok(info), "tz"), tz);
    cJSON_Delete(info);
}

START_TEST(api_concert_zone_and_local_dates)
{
    int64_t seoul = concert(""), berlin = concert(",\"tz\":\"Europe/Berlin\"");
    expect_field("tz", "admin.concert.create",
                 "{\"admin_key\":\"" KEY "\",\"title\":\"T\",\"venue\":\"V\",\"tz\":\"Mars/Olympus\"}");
    expect_field("tz", "admin.concert.create",
                 "{\"admin_key\":\"" KEY "\",\"title\":\"T\",\"venue\":\"V\",\"tz\":7}");
    int64_t d1 = date_at(seoul, "2099-12-21T19:00"), d2 = date_at(berlin, "2099-12-21T19:00"),
            d3 = date_at(berlin, "2099-12-21T19:00+09:00"), d4 = date_at(seoul, "2099-12-21T10:00Z");
    /* 02:30 on the night Berlin's clocks go forward does not exist */
    expect_fieldf("starts_at", "admin.date.create",
                  "{\"admin_key\":\"" KEY "\",\"concert_id\":%lld,\"starts_at\":"
                  "\"2099-03-29T02:30\",\"prices\":{\"1-50\":1000}}", (long long)berlin);
    expect_date(d1, "2099-12-21T10:00:00Z", "Asia/Seoul"); /* the default */
    expect_date(d2, "2099-12-21T18:00:00Z", "Europe/Berlin");
    expect_date(d3, "2099-12-21T10:00:00Z", "Europe/Berlin"); /* its offset wins */
    expect_date(d4, "2099-12-21T10:00:00Z", "Asia/Seoul");
    expect_server_tz("Asia/Seoul");
}
END_TEST

/* --tz: a box office elsewhere; concerts that name no zone take it. */
START_TEST(api_server_zone_is_the_default)
{
    teardown();
    tk_config cfg;
    tk_config_defaults(&cfg);
    ck_assert_str_eq(cfg.tz, "Asia/Seoul");
    cfg.db_path = ":memory:";
    cfg.tz = "Europe/Berlin";
    NOW = clock_wall_ms();
    D = tk_open(&cfg, NOW);
    A = api_new(D, KEY, NULL);
    int64_t c = concert("");
    int64_t d = date_at(c, "2099-07-01T19:00");
    expect_date(d, "2099-07-01T17:00:00Z", "Europe/Berlin"); /* CEST */
    expect_server_tz("Europe/Berlin");
}
END_TEST

int main(void)
{
    const TTest *pure[] = {format_in_the_venue_zone, parse_local_offset_and_z, parse_across_dst,
                           zone_names};
    const TTest *api[] = {api_concert_zone_and_local_dates, api_server_zone_is_the_default};
    Suite *s = suite_create("venue_time");
    ur_tcase(s, "tz", 0, pure, UR_LEN(pure));
    TCase *tc = ur_tcase(s, "api", 0, api, UR_LEN(api));
    tcase_add_checked_fixture(tc, setup, teardown);
    return ur_run(s);
}
