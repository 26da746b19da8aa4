/* tests/lib/tui_fake.h -- a headless app for the screen suites (prefix tf_).
 *
 * The app's link (tui/ui/app.h) is a fake here: calls land in an outbox the
 * test answers with tf_reply / tf_offline, events are fed with tf_event, the
 * online state set with tf_online. Nothing of it is in bin/kiosk. */
#ifndef TK_TUI_FAKE_H
#define TK_TUI_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/errors.h"
#include "tui/ui/app.h"

typedef struct {
    int64_t id;
    char method[48];
    char *params; /* JSON text */
} tf_sent;

/* An app (online) whose calls go to an outbox; free with app_free (the
 * fake goes with the process: a test makes a handful). */
app *tf_app_new(const app_config *cfg);
/* Calls made so far and not yet answered, oldest first. */
int tf_outbox(app *a, const tf_sent **out);
/* The newest unanswered call to method, or NULL. */
const tf_sent *tf_find(app *a, const char *method);
/* Answer a call: result_json for success, or err (with data_json) for a
 * failure. */
void tf_reply(app *a, int64_t id, const char *result_json, tk_err err, const char *data_json);
/* The call timed out: no answer. */
void tf_offline(app *a, int64_t id);
/* Sent, and its answer lost: it may have been carried out (unsure). */
void tf_unsure(app *a, int64_t id);
void tf_event(app *a, const char *topic, const char *body_json);

#endif
