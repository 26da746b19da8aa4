/* tui/console/console.h -- the operator console, `kiosk --admin` (prefix console_).
 *
 * The kiosk's main() hands over argv when it sees --admin; the console then
 * owns the terminal until the operator quits. Flags:
 *   --rpc URL --events URL        server sockets (default ipc://var/...)
 *   --admin-key-file FILE         default var/admin.key (trailing blanks trimmed)
 *   --lang ko|en                  default from LC_ALL / LC_MESSAGES / LANG
 * Returns the process exit status (0 ok, 2 usage or key-file error). */
#ifndef TK_CONSOLE_H
#define TK_CONSOLE_H

#include <stdbool.h>

#include "tui/ui/text.h"

int console_main(int argc, char **argv);
typedef struct app app;

/* The flags every staff program shares. */
typedef struct {
    const char *rpc, *events, *key_file;
    tx_lang lang;
} console_flags;

/* Reads argv into f (defaults first: the ipc sockets, default_key, the
 * locale's language); self ("--admin", "--gate") is skipped wherever it
 * is; a flag with a value that is not one of the shared ones goes to
 * extra (NULL: none), true when it took it. 0 ok, 1 --help, -1 a usage
 * error (an unknown flag, a missing value, an address list that does not
 * parse). */
int console_flags_parse(int argc, char **argv, const char *self, const char *default_key,
                        console_flags *f, bool (*extra)(void *ctx, const char *flag, const char *v),
                        void *ctx);
/* The start of a staff program (the console, the door's gate): the key
 * file read (its trailing blanks trimmed; a message naming the file on
 * stderr when it cannot be), a client that adds the key to every admin.*
 * call, an app titled title linked to it. NULL on failure, with *rc the
 * exit status (2 key or address, 1 terminal); prog names the program in
 * messages. */
app *console_staff_app(const char *rpc, const char *events, const char *key_file,
                       const char *title, const char *prog, int *rc);

#endif
