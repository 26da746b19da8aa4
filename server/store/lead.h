/* server/store/lead.h -- who leads, as the store knows it and the domain
 * reports it (store_lead_get, tk_lead_get): one type for both layers. */
#ifndef TK_LEAD_H
#define TK_LEAD_H

#include <stdbool.h>
#include <stdint.h>

/* This node (a store is open only while it leads), since when (wall ms)
 * and in which epoch (bumped by every new leader on PostgreSQL; 0 on
 * SQLite: one server, its own leader). */
typedef struct {
    char node[64];
    bool leader;
    int64_t epoch, since_ms;
} tk_lead;

#endif
