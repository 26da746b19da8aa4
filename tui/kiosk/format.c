/* tui/kiosk/format.c -- the kiosk's money, times and countdown as text. */
#include "tui/kiosk/format.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/util.h"
#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

void ks_won(char *out, size_t outsz, int64_t won)
{
    char n[40];
    tx_money(n, sizeof(n), won);
    snprintf(out, outsz, tx(T_FMT_WON), n);
}

void ks_when(char *out, size_t outsz, const char *rfc3339, const char *tz)
{
    tx_when(out, outsz, rfc3339, tz, NULL);
}

void ks_date_line(char *out, size_t outsz, const ks_session *s, int w)
{
    char when[40], tail[320], title[512];
    ks_when(when, sizeof when, s->starts_at, s->tz);
    snprintf(tail, sizeof tail, "%s  %s", when, s->venue);
    int rest = tx_width(tail) + 2; /* the gap, then date and venue */
    if (tx_width(s->title) + rest <= w || w - rest < 12) {
        snprintf(out, outsz, "%s  %s", s->title, tail); /* fits, or too narrow to save */
        return;
    }
    tx_cell(title, sizeof title, s->title, w - rest + 1); /* ends in "…" and a blank */
    snprintf(out, outsz, "%s %s", title, tail);
}

const char *ks_booking_state(const char *state)
{
    return !strcmp(state, "paid") ? tx(T_ST_PAID) : !strcmp(state, "refunded") ? tx(T_ST_REFUNDED) : state;
}

void ks_prequeue_text(char *out, size_t n, int64_t now_wall_ms, int64_t opens_in_s)
{
    int64_t at_ms = ((now_wall_ms + 999) / 1000 + opens_in_s) * 1000;
    char hhmm[32];
    tx_when_ms(hhmm, sizeof hhmm, at_ms, NULL, "%H:%M %Z"); /* the server's zone */
    snprintf(out, n, tx(T_QUEUE_PRE_OPENS), hhmm);
}

void ks_request_id(char out[40])
{
    uint8_t u[16];
    char s[UUID_STR_LEN];
    uuid_v4(u);
    uuid_format(u, s);
    snprintf(out, 40, "k-%s", s);
}

void ks_turn_draw(const ks_session *s, int64_t now_ms, int y, int x, int w)
{
    bool hold;
    int64_t left = ks_countdown_s(s, now_ms, &hold);
    if (left < 0 || w < 1)
        return;
    char t[16], line[160];
    wg_mmss(t, left);
    tx_id fmt = hold ? (left < 60 ? T_HOLD_LAST : T_HOLD_LEFT) : (left < 60 ? T_TURN_LAST : T_TURN_LEFT);
    snprintf(line, sizeof(line), tx(fmt), t);
    int tw = tx_width(line) < w ? tx_width(line) : w;
    wg_text(y, x + w - tw, tw, line, left < 60 ? WG_WARN : WG_DIM);
}
