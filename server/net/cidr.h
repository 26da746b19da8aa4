/* server/net/cidr.h -- lists of networks, for --rate-peer-exempt (prefix cidr_).
 *
 * "10.0.0.0/8,192.168.7.0/24,2001:db8::/32": a box office's own network
 * behind one NAT looks like one peer to the server, so its kiosks would
 * share one peer's request and connection limits; the listed networks are
 * exempt from both. A bare address means the one host (/32 or /128). An
 * IPv4 peer reached over an IPv6 socket (::ffff:a.b.c.d) matches as IPv4. */
#ifndef TK_CIDR_H
#define TK_CIDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIDR_MAX 64

typedef struct {
    uint8_t addr[16]; /* the network, host bits cleared */
    int len;          /* 4 or 16 */
    int bits;
} cidr_net;

typedef struct {
    cidr_net net[CIDR_MAX];
    int n;
} cidr_list;

/* Parses a comma-separated list (NULL or "" for none); false with a
 * message in err (for the command line) if any entry is not a network. */
bool cidr_parse(const char *text, cidr_list *out, char *err, size_t errlen);
/* addr is len (4 or 16) bytes in network order. */
bool cidr_match(const cidr_list *l, const uint8_t *addr, int len);
/* A transport peer name ("tcp:1.2.3.4:5678", "ws:[::1]:80", "ipc:pid=7"):
 * true if it names an address inside the list (never for ipc). */
bool cidr_match_peer(const cidr_list *l, const char *peer);

#endif
