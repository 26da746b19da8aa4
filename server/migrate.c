/* server/migrate.c -- ticketd --migrate-from FILE --db URI: moving a box
 * office from SQLite up to PostgreSQL. The copy is the store's (store_copy:
 * every row, ids kept, one transaction, row counts compared); then the copy
 * is loaded as a server would load it and the domain's invariants are
 * checked against it (one owner per seat, no negative balance, money
 * conserved between memory and the tables). The source is only read; the
 * target must be empty, so a second run changes nothing. */
#include <stdio.h>
#include <unistd.h>

#include "common/util.h"
#include "server/config.h"
#include "server/domain/domain.h"
#include "server/store/store.h"

static int migrate_check(const char *db)
{
    tk_config cfg;
    tk_config_defaults(&cfg);
    cfg.db_path = db;
    int64_t now = clock_steady_ms();
    cfg.wall_offset_ms = clock_wall_ms() - now;
    tk_domain *d = tk_open(&cfg, now);
    if (!d)
        return -1;
    char why[256] = "";
    int rc = tk_check_invariants(d, why, sizeof why);
    if (rc != 0)
        log_error("migrate_check", "err=\"%s\"", why);
    tk_close(d);
    return rc;
}

int srv_migrate(const srv_config *c)
{
    /* SQLite would create a missing file and copy nothing. */
    if (!store_is_postgres(c->migrate_from) && access(c->migrate_from, R_OK) != 0) {
        log_error("migrate", "from=%s err=\"no such database file\"", c->migrate_from);
        return 1;
    }
    tk_store *from = store_open(c->migrate_from);
    tk_store *to = from ? store_open(c->db) : NULL;
    int rc = to ? store_copy(from, to) : -1;
    store_close(to);
    store_close(from);
    if (rc == 0)
        rc = migrate_check(c->db);
    if (rc != 0) {
        log_error("migrate_failed", "from=%s", c->migrate_from);
        return 1;
    }
    log_info("migrated", "from=%s to=%s checks=ok", c->migrate_from,
             store_is_postgres(c->db) ? "postgresql" : c->db);
    return 0;
}
