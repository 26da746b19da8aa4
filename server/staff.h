/* server/staff.h -- the staff file (issue 17): one staff member a line,
 * `NAME ROLE KEY` (blank lines and `#` comments allowed), roles admin,
 * cashier, gate. It holds keys, so ticketd refuses one that group or
 * others may read or write (anything looser than 0600). */
#ifndef TK_STAFF_H
#define TK_STAFF_H

#include <stdbool.h>

#include "common/util.h"
#include "server/api/api.h"

typedef struct {
    char name[API_STAFF_NAME_MAX + 1];
    api_role role;
    char key[ADMIN_KEY_MAX + 1];
    int line;
} staff_entry;
typedef int (*staff_fn)(void *ctx, const staff_entry *e); /* non-zero stops */

/* Reads path line by line into fn. Refuses (with the reason on stderr,
 * naming the file and line) a file looser than 0600, a line that is not
 * NAME ROLE KEY, an unknown role, a name or key twice. 0, 1 when the file
 * does not exist (errno ENOENT), or -1. */
int staff_file_read(const char *path, staff_fn fn, void *ctx);

/* Loads path's keys into a (NULL: only checks the file). A missing file
 * is an error only when required (given with --staff-file); 0 or -1
 * (reason printed). */
int staff_file_apply(const char *path, bool required, api_server *a);

/* ticketd --add-staff NAME ROLE: appends NAME ROLE and a new random key
 * (32 hex digits from libsodium) to path, creating it 0600, and prints the
 * key on stdout, once. Refuses a bad name or role, a name already there,
 * and a file looser than 0600. 0 or -1 (reason printed). */
int staff_file_add(const char *path, const char *name, const char *role);

#endif
