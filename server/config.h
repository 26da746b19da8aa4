/* server/config.h -- ticketd's command line and its key files. */
#ifndef TK_CONFIG_H
#define TK_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"
#include "server/net/cidr.h"

typedef struct {
    const char *db, *rpc, *events, *admin_key_file, *secret_file;
    const char *tls_cert, *tls_key, *demo_sql; /* demo_sql NULL: found (config_demo_path) */
    const char *migrate_from;     /* --migrate-from: copy it into db and exit */
    /* Where the defaults live: state (database, keys) and run (ipc sockets)
     * directories; "var" for both unless --system (/var/lib/ticketd,
     * /run/ticketd) or --state-dir / --run-dir say otherwise. */
    const char *state_dir, *run_dir;
    const char *metrics;          /* --metrics http://HOST:PORT/PATH; NULL = off */
    const char *staff_file;       /* --staff-file (server/staff.h); default STATE/staff */
    bool staff_file_given;        /* ...named on the command line: it must exist */
    const char *topup;            /* --topup open|staff (default open) */
    const char *add_staff[2];     /* --add-staff NAME ROLE: append, print the key, exit */
    const char *tz;               /* --tz: venue time's default zone (tz_valid) */
    const char *node;             /* --node NAME; NULL = the host name (the store's) */
    int64_t hold_s, turn_s, max_active, admit_per_min;
    int64_t rate_user, rate_peer; /* requests per second; 0 disables */
    int64_t contexts;             /* REP contexts (requests in flight) */
    int64_t max_conns, max_conns_per_peer; /* connection caps; per peer 0 = off */
    const char *rate_peer_exempt;          /* networks with no per-peer limits */
    cidr_list exempt;                      /* ...parsed */
    bool demo;
    bool uses_state, uses_run;    /* a default path in state_dir / run_dir is in use */
    char defaults[6][PATH_MAX];   /* storage for the default paths */
} srv_config;

/* Returns 0 to run, 1 to exit 0 (--help/--version printed), 2 on a usage
 * error (printed). */
int config_parse(srv_config *c, int argc, char **argv);

/* Reads the admin key (admin_key_read) into out, creating the file (0600,
 * 32 random hex chars + newline) when absent. 0 or -1 (logged). */
int config_admin_key(const char *path, char out[ADMIN_KEY_MAX + 1]);

/* The demo SQL: --demo-sql FILE when given; else the first that exists of
 * ../data/demo.sql next to the running binary (the build tree's bin/),
 * ../share/ticketd/demo.sql next to it (an installed sbin/) and
 * data/demo.sql in the working directory. Writes the path into out; false
 * when none exists. */
bool config_demo_path(const srv_config *c, char *out, size_t outlen);

/* --migrate-from (server/migrate.c): copies c->migrate_from into the empty
 * c->db, loads the copy and checks its invariants. 0, or 1 (logged). */
int srv_migrate(const srv_config *c);

#endif
