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

#include "common/util.h"

int console_main(int argc, char **argv);
/* Reads the admin key file as the console does (the gate uses it too):
 * 0, or -1 with a message on stderr that names the file. */
int console_key(const char *path, char key[ADMIN_KEY_MAX + 1]);

#endif
