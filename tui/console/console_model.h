/* tui/console/console_model.h -- what the console knows about the server: the
 * admin.dashboard snapshot, kept fresh between polls by `sales` and `queue`
 * events, and a one-hour history for the sparklines.
 *
 * Plain C over cJSON (no terminal, no sockets) so unit tests feed it replies
 * and event bodies exactly as they come off the wire. The history is the
 * server's last hour when admin.dashboard carries one ("history", refreshed
 * every poll); from an older server, it is the console's own sampling and
 * starts when the console does. */
#ifndef TK_ADMIN_MODEL_H
#define TK_ADMIN_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "common/tz.h"

#define ADM_MAX_DATES 128
#define ADM_HIST 60          /* minutes kept for the sparklines */

typedef struct {
    int64_t date_id, concert_id;
    char title[208], venue[208];
    char starts_at[32], on_sale_at[32];
    char tz[TZ_NAME_MAX + 1]; /* the concert's zone ("" from an older server) */
    int free, held, sold;
    int64_t revenue;
    int checked_in; /* at the door; -1 unknown (a server before check-in) */
} adm_date_row;

typedef struct {
    int64_t waiting, active, admitted, admitted_seq, admit_per_min, max_active;
    int64_t ms_per_place; /* the server's pace in line; 0 unknown (older server) */
    bool paused;
    bool prequeue_open;   /* a pre-queue waits for opens_at */
    int64_t prequeue;     /* members in it */
    char opens_at[32];    /* RFC 3339 from the dashboard; "" none */
} adm_queue_info;

typedef struct {
    int64_t total, errors;
    double per_s, p50_ms, p90_ms, p99_ms;
} adm_req_info;

/* One bucket per minute, oldest first, the newest being the current
 * minute. From the server (srv_queue_min > 0) the arrays are its own, as
 * the last poll brought them. Otherwise they are the console's sampling:
 * bucket i covers minute (last_min - (ADM_HIST-1) + i). */
typedef struct {
    int64_t sales[ADM_HIST];  /* seats sold in that minute */
    int64_t queue[ADM_HIST];  /* the longest queue seen in that minute */
    int64_t last_min;         /* minute (mono clock) of the newest bucket, -1 none */
    int64_t first_min;        /* the minute the console first saw, when last_min >= 0 */
    int64_t last_sold;        /* total sold last seen, -1 unknown */
    int srv_queue_min;        /* > 0: the server's history; minutes its queue covers */
} adm_history;

enum { ADM_SERIES_SALES, ADM_SERIES_QUEUE };

typedef struct {
    bool loaded;
    int ndates;
    adm_date_row dates[ADM_MAX_DATES];
    int64_t t_free, t_held, t_sold, t_revenue;
    adm_queue_info q;
    adm_req_info rq;
    char version[32], server_now[32];
    int64_t uptime_s;
    adm_history hist;
} adm_model;

void adm_model_init(adm_model *m);
/* Minutes a series (ADM_SERIES_*) covers, 0..ADM_HIST; the sparklines say
 * "last N min" until it is an hour. The server knows every sale of the last
 * hour (from its bookings) but the queue only since it started; the
 * console's own sampling covers the minutes since it first saw data. */
int adm_hist_minutes(const adm_history *h, int series);
/* What a sparkline `width` columns wide shows of a series: its last
 * min(width, ADM_HIST) minutes. *max is the largest value among them; the
 * result is how many minutes of data they hold (the series' `minutes`, at
 * most the width, at least 1), for the "last N min" label. */
int adm_spark_span(const int64_t v[ADM_HIST], int minutes, int width, int64_t *max);
/* " (~12 min)": how long the last in line waits at the server's pace; ""
 * when nobody waits or the pace is unknown. */
void adm_wait_text(char *out, size_t n, const adm_queue_info *q);
/* An admin.dashboard result. False (model unchanged) when it is not the
 * documented shape. mono_ms feeds the history. */
bool adm_model_dashboard(adm_model *m, const cJSON *result, int64_t mono_ms);
/* Event bodies of the `sales` and `queue` topics; false when malformed or,
 * for sales, about a date not (yet) in the model. */
bool adm_model_sales(adm_model *m, const cJSON *body, int64_t mono_ms);
bool adm_model_queue(adm_model *m, const cJSON *body, int64_t mono_ms);
/* A `checkin` event body: the date's checked-in and sold counts; false when
 * malformed or about a date not (yet) in the model. */
bool adm_model_checkin(adm_model *m, const cJSON *body);
/* Advances the history clock with no new data (an idle minute is a zero). */
void adm_model_tick(adm_model *m, int64_t mono_ms);

const adm_date_row *adm_model_date(const adm_model *m, int64_t date_id);

#endif
