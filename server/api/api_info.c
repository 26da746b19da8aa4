/* server/api/api_info.c -- server.info: the facts a client needs before it
 * starts (how long a hold and a turn last, whether top-ups are open, the
 * default time zone), without a token: a kiosk asks it at start. */
#include <string.h>
#include <unistd.h>

#include "server/api/api_int.h"

/* The node's name: the host name until a --node flag exists. */
static void info_node(char *out, size_t outsz)
{
    if (gethostname(out, outsz) != 0 || !out[0]) {
        strncpy(out, "ticketd", outsz - 1);
        out[outsz - 1] = '\0';
    }
    out[outsz - 1] = '\0'; /* gethostname may leave it unterminated when cut */
}

tk_err api_server_info(api_call *c)
{
    const tk_config *cfg = tk_config_of(c->d);
    char node[256];
    info_node(node, sizeof node);
    cJSON *o = ar_new(c);
    ar_str(o, "version", TK_VERSION);
    ar_str(o, "node", node);
    ar_bool(o, "leader", true); /* one node, so it leads */
    ar_int(o, "hold_seconds", cfg->hold_ms / 1000);
    ar_int(o, "turn_seconds", cfg->turn_ms / 1000);
    ar_str(o, "topup", api_topup_staff(c->a) ? "staff" : "open");
    ar_str(o, "tz", cfg->tz); /* --tz, checked against zoneinfo at start */
    return TK_OK;
}
