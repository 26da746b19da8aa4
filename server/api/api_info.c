/* server/api/api_info.c -- server.info: the facts a client needs before it
 * starts (how long a hold and a turn last, whether top-ups are open, the
 * default time zone), without a token: a kiosk asks it at start. */
#include "server/api/api_int.h"

tk_err api_server_info(api_call *c)
{
    const tk_config *cfg = tk_config_of(c->d);
    tk_lead l; /* a node that answers leads: a standby has no listener */
    tk_lead_get(c->d, &l);
    cJSON *o = ar_new(c);
    ar_str(o, "version", TK_VERSION);
    ar_str(o, "node", l.node);
    ar_bool(o, "leader", l.leader);
    ar_int(o, "hold_seconds", cfg->hold_ms / 1000);
    ar_int(o, "turn_seconds", cfg->turn_ms / 1000);
    ar_str(o, "topup", api_topup_staff(c->a) ? "staff" : "open");
    ar_str(o, "tz", cfg->tz); /* --tz, checked against zoneinfo at start */
    return TK_OK;
}
