/* tests/unit_console_forms.c -- the console's forms (price ranges, concert
 * and date validation) and its dashboard model, with no terminal. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/console/console_forms.h"
#include "tui/console/console_model.h"
#include "tests/unit_run.h"

static int64_t P[ADM_SEATS];

START_TEST(prices_tiers)
{
    int where = -1;
    ck_assert_int_eq(adm_prices_parse("1-10:150000, 11-40:100000; 41-50 = 70000", P, &where),
                     ADM_FORM_OK);
    ck_assert_int_eq(P[0], 150000);
    ck_assert_int_eq(P[9], 150000);
    ck_assert_int_eq(P[10], 100000);
    ck_assert_int_eq(P[39], 100000);
    ck_assert_int_eq(P[40], 70000);
    ck_assert_int_eq(P[49], 70000);
    ck_assert_int_eq(adm_prices_parse(" 1-50:50000 , ", P, &where), ADM_FORM_OK);
    ck_assert_int_eq(P[25], 50000);
    /* single seats and ranges mixed, any order */
    ck_assert_int_eq(adm_prices_parse("2-50:1000,1:9000", P, &where), ADM_FORM_OK);
    ck_assert_int_eq(P[0], 9000);
    ck_assert_int_eq(P[1], 1000);
}
END_TEST

START_TEST(prices_errors)
{
    int where = 0;
    ck_assert_int_eq(adm_prices_parse("", P, &where), ADM_FORM_PRICE_MISSING);
    ck_assert_int_eq(where, 1);
    ck_assert_int_eq(adm_prices_parse("1-22:100,24-50:100", P, &where), ADM_FORM_PRICE_MISSING);
    ck_assert_int_eq(where, 23);
    ck_assert_int_eq(adm_prices_parse("1-30:100,30-50:90", P, &where), ADM_FORM_PRICE_TWICE);
    ck_assert_int_eq(where, 30);
    ck_assert_int_eq(adm_prices_parse("0-50:100", P, &where), ADM_FORM_PRICE_SEAT);
    ck_assert_int_eq(where, 1);
    ck_assert_int_eq(adm_prices_parse("1-49:100,50-51:100", P, &where), ADM_FORM_PRICE_SEAT);
    ck_assert_int_eq(where, 2);
    ck_assert_int_eq(adm_prices_parse("10-1:100", P, &where), ADM_FORM_PRICE_SEAT);
    ck_assert_int_eq(adm_prices_parse("1-50:0", P, &where), ADM_FORM_PRICE_VALUE);
    /* too many digits is a price (or seat) out of range, not a syntax error */
    ck_assert_int_eq(adm_prices_parse("1-10:99999999999,11-50:1", P, &where), ADM_FORM_PRICE_VALUE);
    ck_assert_int_eq(adm_prices_parse("1-50:99999999999999999999999", P, &where), ADM_FORM_PRICE_VALUE);
    ck_assert_int_eq(adm_prices_parse("1-99999999999:100", P, &where), ADM_FORM_PRICE_SEAT);
    ck_assert_int_eq(adm_prices_parse("1-50:-5", P, &where), ADM_FORM_PRICE_VALUE);
    ck_assert_int_eq(adm_prices_parse("1-50:10000001", P, &where), ADM_FORM_PRICE_VALUE);
    ck_assert_int_eq(adm_prices_parse("1-50:10000000", P, &where), ADM_FORM_OK);
    ck_assert_int_eq(adm_prices_parse("1-50:1e5", P, &where), ADM_FORM_PRICE_SYNTAX);
    ck_assert_int_eq(adm_prices_parse("1-50:1.5", P, &where), ADM_FORM_PRICE_SYNTAX);
    ck_assert_int_eq(adm_prices_parse("1-50", P, &where), ADM_FORM_PRICE_SYNTAX);
    ck_assert_int_eq(adm_prices_parse("1-25:100,,26-50:100", P, &where), ADM_FORM_PRICE_SYNTAX);
    ck_assert_int_eq(where, 2);
    ck_assert_int_eq(adm_prices_parse("a-b:c", P, &where), ADM_FORM_PRICE_SYNTAX);
    ck_assert_int_eq(adm_prices_parse("1-50:99999999999999999999", P, &where),
                     ADM_FORM_PRICE_VALUE); /* a number, out of range */
    ck_assert_int_eq(adm_prices_parse(NULL, P, NULL), ADM_FORM_PRICE_MISSING);
}
END_TEST

START_TEST(prices_roundtrip)
{
    char text[512];
    ck_assert_int_eq(adm_prices_parse("1-10:150000,11:5,12-50:70000", P, NULL), ADM_FORM_OK);
    adm_prices_format(P, text, sizeof text);
    ck_assert_str_eq(text, "1-10:150000,11:5,12-50:70000");
    int64_t back[ADM_SEATS];
    ck_assert_int_eq(adm_prices_parse(text, back, NULL), ADM_FORM_OK);
    ck_assert_mem_eq(back, P, sizeof P);
}
END_TEST

static void type(adm_form *f, const char *s)
{
    for (; *s; s++)
        ck_assert(adm_form_insert(f, (unsigned char)*s));
}

START_TEST(concert_form)
{
    adm_form f;
    cJSON *p = NULL;
    adm_form_init(&f, ADM_FORM_CONCERT);
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_TITLE_EMPTY);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(f.focus, ADM_CF_TITLE);
    type(&f, "   ");
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_TITLE_EMPTY);
    type(&f, " IU  ");
    adm_form_focus(&f, 1);
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_VENUE_EMPTY);
    ck_assert_int_eq(f.focus, ADM_CF_VENUE);
    ck_assert_int_eq(f.err_field, ADM_CF_VENUE);
    /* Korean text: one code point is three bytes; backspace takes all three */
    ck_assert(adm_form_insert(&f, 0xC62C)); /* 올 */
    ck_assert(adm_form_insert(&f, 0xB9BC)); /* 림 */
    ck_assert_int_eq(strlen(f.val[ADM_CF_VENUE]), 6);
    adm_form_backspace(&f);
    ck_assert_str_eq(f.val[ADM_CF_VENUE], "\xEC\x98\xAC");
    ck_assert(!adm_form_insert(&f, 0x07));     /* controls refused */
    ck_assert(!adm_form_insert(&f, 0xD800));   /* lone surrogate refused */
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_OK);
    ck_assert_str_eq(adm_form_method(&f), "admin.concert.create");
    ck_assert_str_eq(cJSON_GetObjectItem(p, "title")->valuestring, "IU");
    ck_assert_str_eq(cJSON_GetObjectItem(p, "venue")->valuestring, "\xEC\x98\xAC");
    ck_assert_ptr_null(cJSON_GetObjectItem(p, "tz")); /* empty: the server's zone */
    cJSON_Delete(p);
    /* venue time: a zone the machine knows, sent as "tz" */
    adm_form_focus(&f, 1);
    ck_assert_int_eq(f.focus, ADM_CF_TZ);
    type(&f, "Mars/Olympus");
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_TZ_BAD);
    ck_assert_int_eq(f.err_field, ADM_CF_TZ);
    strcpy(f.val[ADM_CF_TZ], " Europe/Berlin ");
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_OK);
    ck_assert_str_eq(cJSON_GetObjectItem(p, "tz")->valuestring, "Europe/Berlin");
    cJSON_Delete(p);
    /* a field never overflows its buffer */
    adm_form_init(&f, ADM_FORM_CONCERT);
    int n = 0;
    while (adm_form_insert(&f, 'x'))
        n++;
    ck_assert_int_eq(n, ADM_FIELD_CAP - 1);
    adm_form_focus(&f, 1);
    type(&f, "v");
    ck_assert_int_eq(adm_form_submit(&f, 0, &p), ADM_FORM_TEXT_LONG);
}
END_TEST

START_TEST(date_form)
{
    int64_t now;
    ck_assert(time_parse("2030-01-01T00:00:00Z", &now));
    adm_form f;
    cJSON *p = NULL;
    adm_form_init(&f, ADM_FORM_DATE);
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_CONCERT_BAD);
    type(&f, "0");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_CONCERT_BAD);
    adm_form_backspace(&f);
    type(&f, "3");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_START_FORMAT);
    ck_assert_int_eq(f.focus, ADM_DF_STARTS);
    type(&f, "2029-12-31T20:00:00Z");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_START_PAST);
    strcpy(f.val[ADM_DF_STARTS], "2030-02-30T20:00:00Z");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_START_FORMAT);
    strcpy(f.val[ADM_DF_STARTS], " 2030-03-01T20:00:00+09:00 ");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_PRICE_MISSING);
    ck_assert_int_eq(f.focus, ADM_DF_PRICES);
    ck_assert_int_eq(f.where, 1);
    /* trimmed, and kept as the operator wrote it (not rewritten as UTC) */
    ck_assert_str_eq(f.val[ADM_DF_STARTS], "2030-03-01T20:00:00+09:00");
    /* venue time: without an offset it is the concert's wall clock */
    snprintf(f.zone, sizeof f.zone, "%s", "Asia/Seoul");
    strcpy(f.val[ADM_DF_STARTS], "2030-03-01 20:00");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_PRICE_MISSING);
    snprintf(f.zone, sizeof f.zone, "%s", "Europe/Berlin"); /* 02:30 is skipped that night */
    strcpy(f.val[ADM_DF_STARTS], "2030-03-31T02:30");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_START_NONE);
    snprintf(f.zone, sizeof f.zone, "%s", "Asia/Seoul");
    strcpy(f.val[ADM_DF_STARTS], "2030-03-01T20:00");
    strcpy(f.val[ADM_DF_ONSALE], "2030-03-02T00:00:00Z");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_ONSALE_LATE);
    strcpy(f.val[ADM_DF_ONSALE], "tomorrow");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_ONSALE_FORMAT);
    strcpy(f.val[ADM_DF_ONSALE], "");
    strcpy(f.val[ADM_DF_PRICES], "1-10:150000,11-50:90000");
    ck_assert_int_eq(adm_form_submit(&f, now, &p), ADM_FORM_OK);
    ck_assert_str_eq(adm_form_method(&f), "admin.date.create");
    int64_t v;
    ck_assert_int_eq(jv_get_int(p, "concert_id", 1, 100, &v), JV_OK);
    ck_assert_int_eq(v, 3);
    ck_assert_str_eq(cJSON_GetObjectItem(p, "starts_at")->valuestring, "2030-03-01T20:00");
    ck_assert_ptr_null(cJSON_GetObjectItem(p, "on_sale_at"));
    cJSON *arr = cJSON_GetObjectItem(p, "prices");
    ck_assert_int_eq(cJSON_GetArraySize(arr), ADM_SEATS);
    ck_assert_int_eq(jv_int_value(cJSON_GetArrayItem(arr, 9), 0, JV_INT_MAX, &v), JV_OK);
    ck_assert_int_eq(v, 150000);
    ck_assert_int_eq(jv_int_value(cJSON_GetArrayItem(arr, 10), 0, JV_INT_MAX, &v), JV_OK);
    ck_assert_int_eq(v, 90000);
    cJSON_Delete(p);
    /* focus wraps both ways */
    adm_form_init(&f, ADM_FORM_DATE);
    adm_form_focus(&f, -1);
    ck_assert_int_eq(f.focus, ADM_DF_PRICES);
    adm_form_focus(&f, 1);
    ck_assert_int_eq(f.focus, ADM_DF_CONCERT);
}
END_TEST

static cJSON *J(const char *s)
{
    cJSON *o = jv_parse(s, strlen(s));
    ck_assert_ptr_nonnull(o);
    return o;
}

static const char *DASH =
    "{\"dates\":[{\"date_id\":1,\"concert_id\":1,\"title\":\"IU\",\"venue\":\"Olympic Hall\","
    "\"starts_at\":\"2030-03-01T11:00:00Z\",\"on_sale_at\":\"2029-01-01T00:00:00Z\","
    "\"free\":45,\"held\":3,\"sold\":2,\"revenue\":300000},"
    "{\"date_id\":2,\"concert_id\":1,\"title\":\"IU\",\"venue\":\"Olympic Hall\","
    "\"starts_at\":\"2030-03-02T11:00:00Z\",\"on_sale_at\":\"2029-01-01T00:00:00Z\","
    "\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}],"
    "\"totals\":{\"free\":95,\"held\":3,\"sold\":2,\"revenue\":300000},"
    "\"queue\":{\"waiting\":7,\"active\":4,\"admitted\":20,\"admitted_seq\":24,"
    "\"admit_per_min\":600,\"max_active\":100,\"paused\":false},"
    "\"requests\":{\"total\":1000,\"errors\":3,\"per_s\":12.5,\"p50_ms\":0.4,\"p90_ms\":1,"
    "\"p99_ms\":2.5},\"server\":{\"version\":\"0.1.0\",\"uptime_s\":99,"
    "\"now\":\"2030-01-01T00:00:00Z\"}}";

START_TEST(model_dashboard_and_events)
{
    static adm_model m;
    adm_model_init(&m);
    cJSON *d = J(DASH);
    ck_assert(adm_model_dashboard(&m, d, 0));
    cJSON_Delete(d);
    ck_assert(m.loaded);
    ck_assert_int_eq(m.ndates, 2);
    ck_assert_str_eq(m.dates[0].venue, "Olympic Hall");
    ck_assert_int_eq(m.t_sold, 2);
    ck_assert_int_eq(m.t_revenue, 300000);
    ck_assert_int_eq(m.q.max_active, 100);
    ck_assert(m.rq.p99_ms > 2.4 && m.rq.p99_ms < 2.6);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 1], 7);
    ck_assert_int_eq(m.hist.sales[ADM_HIST - 1], 0);
    /* an older server (no "history"): the console samples for itself, and
     * says "last 1 min", not "last hour" */
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_SALES), 1);
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_QUEUE), 1);
    /* a sale on date 2, 30 s later: counted in the same minute */
    cJSON *s = J("{\"date_id\":2,\"free\":47,\"held\":0,\"sold\":3,\"revenue\":270000}");
    ck_assert(adm_model_sales(&m, s, 30000));
    cJSON_Delete(s);
    ck_assert_int_eq(m.t_sold, 5);
    ck_assert_int_eq(m.t_revenue, 570000);
    ck_assert_int_eq(m.hist.sales[ADM_HIST - 1], 3);
    /* unknown date: ignored until the next poll */
    s = J("{\"date_id\":9,\"free\":50,\"held\":0,\"sold\":0,\"revenue\":0}");
    ck_assert(!adm_model_sales(&m, s, 30000));
    cJSON_Delete(s);
    /* queue event two minutes later: the history shifts, an idle minute is 0 */
    cJSON *q = J("{\"admitted_seq\":30,\"waiting\":12,\"active\":9,\"admit_per_min\":60,"
                 "\"paused\":true}");
    ck_assert(adm_model_queue(&m, q, 150000));
    cJSON_Delete(q);
    ck_assert(m.q.paused);
    ck_assert_int_eq(m.q.max_active, 100); /* not in the event: kept */
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 1], 12);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 2], 0);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 3], 7);
    ck_assert_int_eq(m.hist.sales[ADM_HIST - 3], 3);
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_SALES), 3);
    /* a refund lowers sold; it is not a negative sale */
    s = J("{\"date_id\":2,\"free\":48,\"held\":0,\"sold\":2,\"revenue\":180000}");
    ck_assert(adm_model_sales(&m, s, 150000));
    cJSON_Delete(s);
    ck_assert_int_eq(m.hist.sales[ADM_HIST - 1], 0);
    /* an hour of silence clears everything */
    adm_model_tick(&m, 150000 + 3600 * 1000);
    for (int i = 0; i < ADM_HIST; i++)
        ck_assert_int_eq(m.hist.sales[i] + m.hist.queue[i], 0);
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_QUEUE), ADM_HIST); /* an hour watched */
    /* a malformed reply leaves the model as it was */
    d = J("{\"dates\":[{\"date_id\":\"x\"}],\"queue\":{}}");
    ck_assert(!adm_model_dashboard(&m, d, 0));
    cJSON_Delete(d);
    ck_assert_int_eq(m.ndates, 2);
    d = J("{\"dates\":5}");
    ck_assert(!adm_model_dashboard(&m, d, 0));
    cJSON_Delete(d);
    ck_assert_ptr_nonnull(adm_model_date(&m, 2));
    ck_assert_ptr_null(adm_model_date(&m, 3));
}
END_TEST

/* DASH with a "history" member: sold[i] = i % 3 for all but the current
 * minute (the last), which is the text sold_last ("" leaves it out);
 * waiting[i] = w_last in the last minute and 0 before; then `tail`. */
static cJSON *dash_with_history(const char *sold_last, int w_last, const char *tail)
{
    static char buf[8192];
    size_t off = (size_t)snprintf(buf, sizeof buf, "{\"history\":{\"sold\":[");
    for (int i = 0; i < ADM_HIST - 1; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%d,", i % 3);
    if (!sold_last[0])
        off--; /* the trailing comma */
    off += (size_t)snprintf(buf + off, sizeof buf - off, "%s],\"waiting\":[", sold_last);
    for (int i = 0; i < ADM_HIST; i++)
        off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%d", i ? "," : "",
                                i == ADM_HIST - 1 ? w_last : 0);
    snprintf(buf + off, sizeof buf - off, "]%s},%s", tail, DASH + 1);
    return J(buf);
}

START_TEST(model_server_history)
{
    static adm_model m;
    adm_model_init(&m);
    /* the console opens mid-sale: the server's last hour shows at once */
    cJSON *d = dash_with_history("2", 40, ",\"waiting_minutes\":5");
    ck_assert(adm_model_dashboard(&m, d, 0));
    cJSON_Delete(d);
    ck_assert_int_eq(m.hist.sales[0], 0);
    ck_assert_int_eq(m.hist.sales[ADM_HIST - 2], (ADM_HIST - 2) % 3);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 1], 40);
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_SALES), ADM_HIST); /* "last hour" */
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_QUEUE), 5); /* server up 5 min */
    /* events between polls change the totals, not the server's minutes;
     * nor does the console's clock shift them (the next poll does) */
    cJSON *s = J("{\"date_id\":2,\"free\":47,\"held\":0,\"sold\":3,\"revenue\":270000}");
    ck_assert(adm_model_sales(&m, s, 90000));
    cJSON_Delete(s);
    ck_assert_int_eq(m.t_sold, 5);
    ck_assert_int_eq(m.hist.sales[ADM_HIST - 1], (ADM_HIST - 1) % 3);
    adm_model_tick(&m, 180000);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 1], 40);
    /* malformed: one minute short, a negative count, a string, minutes out
     * of range; each leaves the model as it was */
    const char *bad[][2] = {{"2", ",\"waiting_minutes\":0"},
                            {"2", ",\"waiting_minutes\":61"},
                            {"2", ""},
                            {"", ",\"waiting_minutes\":5"},
                            {"2,2", ",\"waiting_minutes\":5"},
                            {"-1", ",\"waiting_minutes\":5"},
                            {"1.5", ",\"waiting_minutes\":5"},
                            {"\"x\"", ",\"waiting_minutes\":5"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = dash_with_history(bad[i][0], 99, bad[i][1]);
        ck_assert_msg(!adm_model_dashboard(&m, d, 0), "bad history %zu accepted", i);
        cJSON_Delete(d);
        ck_assert_int_eq(m.hist.queue[ADM_HIST - 1], 40);
    }
    d = J("{\"history\":[],\"dates\":[],\"queue\":{\"waiting\":1,\"active\":0,"
          "\"admitted_seq\":0,\"admit_per_min\":1,\"paused\":false}}");
    ck_assert(!adm_model_dashboard(&m, d, 0));
    cJSON_Delete(d);
    /* an older server after all (no history): back to sampling, from now */
    d = J(DASH);
    ck_assert(adm_model_dashboard(&m, d, 240000));
    cJSON_Delete(d);
    ck_assert_int_eq(m.hist.srv_queue_min, 0);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 1], 7);
    ck_assert_int_eq(m.hist.queue[ADM_HIST - 2], 0);
    ck_assert_int_eq(adm_hist_minutes(&m.hist, ADM_SERIES_SALES), 1);
}
END_TEST

/* At 80 columns a sparkline has room for 45 of the 60 minutes: its label
 * and max are about those, not the hour it cannot show. */
START_TEST(spark_span)
{
    int64_t v[ADM_HIST] = {0};
    v[0] = 9; /* an hour ago: off a narrow sparkline */
    v[ADM_HIST - 1] = 4;
    int64_t max;
    ck_assert_int_eq(adm_spark_span(v, ADM_HIST, 60, &max), ADM_HIST);
    ck_assert_int_eq(max, 9);
    ck_assert_int_eq(adm_spark_span(v, ADM_HIST, 45, &max), 45);
    ck_assert_int_eq(max, 4);
    ck_assert_int_eq(adm_spark_span(v, 3, 45, &max), 3); /* known for 3 minutes */
    ck_assert_int_eq(adm_spark_span(v, 0, 45, &max), 1);
    ck_assert_int_eq(adm_spark_span(v, ADM_HIST, 100, &max), ADM_HIST);
    ck_assert_int_eq(adm_spark_span(v, ADM_HIST, 0, &max), 1);
    ck_assert_int_eq(max, 0);
}
END_TEST

/* The pre-queue's opening as typed: HH:MM (the next one, in the server's
 * zone whatever the host's), RFC 3339, or "-"; past, far and malformed
 * are refused before sending. */
START_TEST(opens_parse)
{
    setenv("TZ", "America/New_York", 1); /* the host's zone does not matter */
    const char *z = "Asia/Seoul";
    const int64_t now = 1900000000000LL; /* 2030-03-17 02:46:40 KST */
    int64_t ms = 0;
    ck_assert_int_eq(adm_opens_parse("20:00", z, now, &ms), ADM_OPENS_SET);
    ck_assert_int_eq(ms, 1900000000000LL - (2 * 3600 + 46 * 60 + 40) * 1000LL + 20 * 3600000LL);
    ck_assert_int_eq(adm_opens_parse(" 01:00 ", z, now, &ms), ADM_OPENS_SET); /* tomorrow */
    ck_assert_int_eq(ms, 1900000000000LL - (2 * 3600 + 46 * 60 + 40) * 1000LL + 25 * 3600000LL);
    ck_assert_int_eq(adm_opens_parse("2030-03-17T20:00:00Z", z, now, &ms), ADM_OPENS_SET);
    ck_assert_int_eq(adm_opens_parse("2030-03-18T09:00:00+09:00", z, now, &ms), ADM_OPENS_SET);
    ck_assert_int_eq(ms, 1900022400000LL + 0); /* 2030-03-18T00:00:00Z */
    ck_assert_int_eq(adm_opens_parse("-", z, now, &ms), ADM_OPENS_CLEAR);
    ck_assert_int_eq(adm_opens_parse("2030-03-17T17:00:00Z", z, now, &ms), ADM_OPENS_PAST);
    ck_assert_int_eq(adm_opens_parse("2032-01-01T00:00:00Z", z, now, &ms), ADM_OPENS_FAR);
    const char *bad[] = {"", "25:00", "20:60", "8:00", "20:00:00", "tonight", "20:0x", "--"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(adm_opens_parse(bad[i], z, now, &ms) == ADM_OPENS_FORMAT, "%s", bad[i]);
    /* a date and time without an offset is the server's zone's too */
    ck_assert_int_eq(adm_opens_parse("2030-03-18 09:00", z, now, &ms), ADM_OPENS_SET);
    ck_assert_int_eq(ms, 1900022400000LL);
    unsetenv("TZ");
}
END_TEST

/* The console's queue line says how long the last in line waits. */
START_TEST(wait_text)
{
    char t[48];
    adm_queue_info q = {.waiting = 10, .ms_per_place = 3000};
    adm_wait_text(t, sizeof t, &q);
    ck_assert_str_eq(t, " (<1 min)");
    q.waiting = 100;
    q.ms_per_place = 30000;
    adm_wait_text(t, sizeof t, &q);
    ck_assert_str_eq(t, " (~50 min)");
    q.waiting = 1000;
    adm_wait_text(t, sizeof t, &q);
    ck_assert_str_eq(t, " (~8 h)");
    q.paused = true; /* no pace while paused */
    adm_wait_text(t, sizeof t, &q);
    ck_assert_str_eq(t, "");
    q = (adm_queue_info){.waiting = 0, .ms_per_place = 3000};
    adm_wait_text(t, sizeof t, &q);
    ck_assert_str_eq(t, "");
    q = (adm_queue_info){.waiting = 5}; /* an older server: no pace */
    adm_wait_text(t, sizeof t, &q);
    ck_assert_str_eq(t, "");
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("console_forms");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, prices_tiers);
    tcase_add_test(tc, prices_errors);
    tcase_add_test(tc, prices_roundtrip);
    tcase_add_test(tc, concert_form);
    tcase_add_test(tc, date_form);
    tcase_add_test(tc, model_dashboard_and_events);
    tcase_add_test(tc, model_server_history);
    tcase_add_test(tc, spark_span);
    tcase_add_test(tc, wait_text);
    tcase_add_test(tc, opens_parse);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return ur_run(suite());
}
