/* tui/gate/gate_model.c -- the gate's answers read into C values (see
 * gate.h): a scan's verdict, its words, and the admitted / sold count. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/json.h"
#include "common/util.h"
#include "tui/gate/gate.h"
#include "tui/ui/text.h"

static const struct {
    const char *reason;
    gt_verdict v;
} gt_reasons[] = {
    {"ADMITTED", GT_ADMITTED},     {"ALREADY_USED", GT_ALREADY_USED},
    {"REFUNDED", GT_REFUNDED},     {"WRONG_DATE", GT_WRONG_DATE},
    {"UNKNOWN_CODE", GT_UNKNOWN_CODE},
};

/* A string member, or "" when absent or null (the contract's null fields). */
static void gt_str(const cJSON *o, const char *name, char *out, size_t n)
{
    const char *s = NULL;
    snprintf(out, n, "%s", jv_get_str(o, name, n - 1, &s) == JV_OK ? s : "");
}

static int64_t gt_int(const cJSON *o, const char *name, int64_t max)
{
    int64_t v = 0;
    return jv_get_int(o, name, 1, max, &v) == JV_OK ? v : 0;
}

bool gt_parse_scan(const cJSON *res, gt_scan *out)
{
    const char *reason = NULL;
    bool admitted = false;
    if (jv_get_str(res, "reason", 32, &reason) != JV_OK ||
        jv_get_bool(res, "admitted", &admitted) != JV_OK)
        return false;
    gt_verdict v = GT_NONE;
    for (size_t i = 0; i < sizeof gt_reasons / sizeof gt_reasons[0]; i++)
        if (!strcmp(gt_reasons[i].reason, reason))
            v = gt_reasons[i].v;
    if (v == GT_NONE || admitted != (v == GT_ADMITTED))
        return false; /* a verdict we cannot read is not shown as one */
    gt_scan s = {.v = v};
    gt_str(res, "code", s.code, sizeof s.code);
    s.booking_id = gt_int(res, "booking_id", JV_INT_MAX);
    s.date_id = gt_int(res, "date_id", JV_INT_MAX);
    s.seat_no = (int)gt_int(res, "seat_no", WG_SEATS);
    gt_str(res, "title", s.title, sizeof s.title);
    gt_str(res, "starts_at", s.starts_at, sizeof s.starts_at);
    gt_str(res, "tz", s.tz, sizeof s.tz);
    gt_str(res, "checked_in_at", s.checked_in_at, sizeof s.checked_in_at);
    gt_str(res, "gate", s.gate, sizeof s.gate);
    *out = s;
    return true;
}

void gt_time_text(char *out, size_t n, const char *rfc3339, const char *tz)
{
    int64_t ms;
    if (!rfc3339 || !time_parse(rfc3339, &ms)) {
        snprintf(out, n, "%s", rfc3339 ? rfc3339 : "");
        return;
    }
    char day[16], today[16];
    tx_when_ms(day, sizeof day, ms, tz, "%Y-%m-%d");
    tx_when_ms(today, sizeof today, clock_wall_ms(), tz, "%Y-%m-%d");
    tx_when_ms(out, n, ms, tz, strcmp(day, today) ? "%Y-%m-%d %H:%M %Z" : "%H:%M:%S %Z");
}

void gt_why(char *out, size_t n, const gt_scan *s)
{
    char when[40];
    switch (s->v) {
    case GT_ALREADY_USED:
        gt_time_text(when, sizeof when, s->checked_in_at, s->tz);
        if (s->gate[0])
            snprintf(out, n, tx(G_WHY_USED), when, s->gate);
        else
            snprintf(out, n, tx(G_WHY_USED_NOGATE), when);
        break;
    case GT_REFUNDED:
        snprintf(out, n, "%s", tx(G_WHY_REFUNDED));
        break;
    case GT_WRONG_DATE:
        gt_time_text(when, sizeof when, s->starts_at, s->tz);
        snprintf(out, n, tx(G_WHY_WRONG_DATE), when);
        break;
    case GT_UNKNOWN_CODE:
        snprintf(out, n, "%s", tx(G_WHY_UNKNOWN));
        break;
    case GT_FAILED:
        snprintf(out, n, "%s", s->detail);
        break;
    default:
        snprintf(out, n, "%s", "");
    }
}

bool gt_count_event(gt_count *c, const char *topic, const cJSON *body)
{
    int64_t id = 0, in = 0, sold = 0;
    bool is_checkin = !strcmp(topic, "checkin");
    if ((!is_checkin && strcmp(topic, "sales")) ||
        jv_get_int(body, "date_id", 1, JV_INT_MAX, &id) != JV_OK || id != c->date_id ||
        jv_get_int(body, "sold", 0, WG_SEATS, &sold) != JV_OK)
        return false;
    if (is_checkin) {
        if (jv_get_int(body, "checked_in", 0, sold, &in) != JV_OK)
            return false;
        c->checked_in = (int)in;
        c->known = true;
    }
    c->sold = (int)sold;
    return true;
}

bool gt_count_dashboard(gt_count *c, const cJSON *res, char *title, size_t tn, char *starts,
                        size_t sn)
{
    const cJSON *row;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(res, "dates"))
    {
        int64_t id = 0, in = 0, sold = 0;
        if (jv_get_int(row, "date_id", 1, JV_INT_MAX, &id) != JV_OK || id != c->date_id)
            continue;
        if (title)
            gt_str(row, "title", title, tn);
        if (starts)
            gt_str(row, "starts_at", starts, sn);
        if (jv_get_int(row, "sold", 0, WG_SEATS, &sold) != JV_OK ||
            jv_get_int(row, "checked_in", 0, sold, &in) != JV_OK)
            return false; /* a server before check-in: the events will tell */
        c->checked_in = (int)in;
        c->sold = (int)sold;
        c->known = true;
        return true;
    }
    return false;
}
