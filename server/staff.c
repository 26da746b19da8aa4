/* server/staff.c -- see staff.h. */
#include "server/staff.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAFF_KEY_MIN 16 /* bytes: a key anyone could guess is no key */
#define STAFF_LINE_MAX (API_STAFF_NAME_MAX + ADMIN_KEY_MAX + 64)

/* Keys in a file the box office's other accounts can read are shared keys:
 * refused, with the way out. */
static bool staff_mode_ok(const char *path, int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "ticketd: staff file %s: not a regular file\n", path);
        return false;
    }
    if (st.st_mode & 077) {
        fprintf(stderr,
                "ticketd: staff file %s is mode %04o: it holds keys, so it must be 0600 or "
                "stricter (chmod 600 %s)\n",
                path, (unsigned)(st.st_mode & 07777), path);
        return false;
    }
    return true;
}

static bool staff_name_ok(const char *n)
{
    size_t len = strlen(n);
    if (len == 0 || len > API_STAFF_NAME_MAX)
        return false;
    for (; *n; n++)
        if (!((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') ||
              (*n >= '0' && *n <= '9') || *n == '.' || *n == '_' || *n == '-'))
            return false;
    return true;
}

/* One line into e; NULL, or why not. */
static const char *staff_parse(char *line, staff_entry *e)
{
    char *save = NULL, *f[4];
    int n = 0;
    for (char *t = strtok_r(line, " \t\r\n", &save); t && n < 4; t = strtok_r(NULL, " \t\r\n", &save))
        f[n++] = t;
    if (n != 3)
        return "a line must be NAME ROLE KEY";
    if (!staff_name_ok(f[0]))
        return "a name is 1..32 letters, digits, '.', '_' or '-'";
    int role = api_role_parse(f[1]);
    if (role < 0)
        return "the role must be admin, cashier or gate";
    size_t klen = strlen(f[2]);
    if (klen < STAFF_KEY_MIN || klen > ADMIN_KEY_MAX)
        return "a key is 16..255 characters";
    snprintf(e->name, sizeof e->name, "%s", f[0]);
    e->role = (api_role)role;
    memcpy(e->key, f[2], klen + 1);
    return NULL;
}

typedef struct {
    staff_fn fn;
    void *ctx;
    staff_entry seen[64]; /* names and keys so far, for the duplicate check */
    int nseen;
} staff_read_ctx;

static const char *staff_dup(const staff_read_ctx *r, const staff_entry *e)
{
    for (int i = 0; i < r->nseen; i++) {
        if (!strcmp(r->seen[i].name, e->name))
            return "this name is on an earlier line";
        if (!strcmp(r->seen[i].key, e->key))
            return "this key is on an earlier line";
    }
    return r->nseen == (int)(sizeof r->seen / sizeof r->seen[0]) ? "more than 64 staff" : NULL;
}

static int staff_read_lines(const char *path, FILE *f, staff_read_ctx *r)
{
    char line[STAFF_LINE_MAX];
    int rc = 0;
    for (int no = 1; rc == 0 && fgets(line, sizeof line, f); no++) {
        const char *why = NULL;
        staff_entry e = {.line = no};
        size_t len = strlen(line);
        const char *p = line + strspn(line, " \t\r\n");
        if (len == sizeof line - 1 && line[len - 1] != '\n')
            why = "line too long";
        else if (*p == '\0' || *p == '#')
            continue;
        else if (!(why = staff_parse(line, &e)))
            why = staff_dup(r, &e);
        if (!why) {
            r->seen[r->nseen++] = e;
            rc = r->fn ? r->fn(r->ctx, &e) : 0;
            if (rc == -2)
                fprintf(stderr, "ticketd: staff file %s, line %d: %s\n", path, no,
                        "this key is the admin key file's");
        } else {
            fprintf(stderr, "ticketd: staff file %s, line %d: %s\n", path, no, why);
            rc = -1;
        }
        sodium_memzero(&e, sizeof e);
    }
    sodium_memzero(line, sizeof line);
    return rc ? -1 : 0;
}

int staff_file_read(const char *path, staff_fn fn, void *ctx)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 1;
        fprintf(stderr, "ticketd: staff file %s: %s\n", path, strerror(errno));
        return -1;
    }
    FILE *f = staff_mode_ok(path, fd) ? fdopen(fd, "r") : NULL;
    if (!f) {
        close(fd);
        return -1;
    }
    staff_read_ctx *r = calloc(1, sizeof *r);
    int rc = -1;
    if (r) {
        r->fn = fn;
        r->ctx = ctx;
        rc = staff_read_lines(path, f, r);
        sodium_memzero(r, sizeof *r);
        free(r);
    }
    fclose(f);
    return rc;
}

static int staff_apply_one(void *ctx, const staff_entry *e)
{
    return api_staff_add(ctx, e->name, e->role, e->key);
}

int staff_file_apply(const char *path, bool required, api_server *a)
{
    int rc = staff_file_read(path, a ? staff_apply_one : NULL, a);
    if (rc == 1 && required)
        fprintf(stderr, "ticketd: staff file %s: %s\n", path, strerror(ENOENT));
    if (rc == 0 && a)
        log_info("staff", "path=%s", path);
    return rc < 0 || (rc == 1 && required) ? -1 : 0;
}

static int staff_name_taken(void *ctx, const staff_entry *e)
{
    if (strcmp(e->name, ctx))
        return 0;
    fprintf(stderr, "ticketd: %s is already in the staff file (line %d)\n", e->name, e->line);
    return -1;
}

int staff_file_add(const char *path, const char *name, const char *role)
{
    if (!staff_name_ok(name) || api_role_parse(role) < 0) {
        fprintf(stderr, "ticketd: --add-staff NAME ROLE: a name is 1..32 letters, digits, "
                        "'.', '_' or '-'; the role admin, cashier or gate\n");
        return -1;
    }
    if (staff_file_read(path, staff_name_taken, (void *)name) < 0)
        return -1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "ticketd: staff file %s: %s\n", path, strerror(errno));
        return -1;
    }
    uint8_t raw[16];
    char key[2 * sizeof raw + 1], line[STAFF_LINE_MAX];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(key, sizeof key, raw, sizeof raw);
    int n = snprintf(line, sizeof line, "%s %s %s\n", name, role, key);
    errno = 0;
    bool ok = staff_mode_ok(path, fd) && write(fd, line, (size_t)n) == n && fsync(fd) == 0;
    if (!ok && errno)
        fprintf(stderr, "ticketd: staff file %s: %s\n", path, strerror(errno));
    close(fd);
    if (ok) {
        printf("%s\n", key); /* the only time it is shown */
        fprintf(stderr, "ticketd: added %s (%s) to %s; ticketd reads it at start\n", name,
                role, path);
    }
    sodium_memzero(raw, sizeof raw);
    sodium_memzero(key, sizeof key);
    sodium_memzero(line, sizeof line);
    return ok ? 0 : -1;
}
