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

int console_main(int argc, char **argv);
typedef struct app app;
/* The start of a staff program (the console, the door's gate): the key
 * file read (its trailing blanks trimmed; a message naming the file on
 * stderr when it cannot be), a client that adds the key to every admin.*
 * call, an app titled title linked to it. NULL on failure, with *rc the
 * exit status (2 key or address, 1 terminal); prog names the program in
 * messages. */
app *console_staff_app(const char *rpc, const char *events, const char *key_file,
                       const char *title, const char *prog, int *rc);

#endif
