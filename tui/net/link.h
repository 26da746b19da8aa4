/* tui/net/link.h -- the nng client as the app's link (prefix link_).
 *
 * The app (tui/ui/app.h) knows nothing of the network; it is handed a link
 * (app_link) and polls its fd. This file is the one place that knows both:
 * calls go out through cl_call, and the client's replies, events, resyncs
 * and online state come back through app_deliver_* on the loop's thread. */
#ifndef TK_LINK_H
#define TK_LINK_H

#include "tui/net/client.h"
#include "tui/ui/app.h"

/* Links app a to client c for the rest of the process (the client is
 * never freed either); false when out of memory. */
bool link_attach(app *a, cl_client *c);

#endif
