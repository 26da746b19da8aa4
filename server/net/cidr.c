/* server/net/cidr.c -- see cidr.h. */
#include "server/net/cidr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An address in text: 4 or 16 bytes into out; 0 if it is none. */
static int cidr_addr(const char *s, uint8_t out[16])
{
    if (inet_pton(AF_INET, s, out) == 1)
        return 4;
    if (inet_pton(AF_INET6, s, out) != 1)
        return 0;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (!memcmp(out, mapped, sizeof mapped)) {
        memmove(out, out + 12, 4);
        return 4;
    }
    return 16;
}

static bool cidr_one(const char *s, cidr_net *n)
{
    char buf[64];
    if (strlen(s) >= sizeof buf)
        return false;
    snprintf(buf, sizeof buf, "%s", s);
    char *slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    memset(n, 0, sizeof *n);
    if (!(n->len = cidr_addr(buf, n->addr)))
        return false;
    n->bits = n->len * 8;
    if (slash) {
        char *end;
        long b = strtol(slash + 1, &end, 10);
        if (end == slash + 1 || *end || b < 0 || b > n->len * 8)
            return false;
        n->bits = (int)b;
    }
    for (int i = 0; i < n->len; i++) { /* clear the host bits */
        int keep = n->bits - i * 8;
        n->addr[i] &= keep >= 8 ? 0xff : keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
    }
    return true;
}

bool cidr_parse(const char *text, cidr_list *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    for (const char *p = text ? text : ""; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        char item[64] = "";
        if (n < sizeof item)
            memcpy(item, p, n);
        item[n < sizeof item ? n : 0] = '\0';
        if (out->n == CIDR_MAX || n >= sizeof item || !cidr_one(item, &out->net[out->n])) {
            snprintf(err, errlen, "'%.*s' is not a network (a.b.c.d/n or an IPv6 prefix)",
                     (int)(n < 60 ? n : 60), p);
            return false;
        }
        out->n++;
        p += n + (comma ? 1 : 0);
        if (comma && !*p) {
            snprintf(err, errlen, "a list ends with a network, not a comma");
            return false;
        }
    }
    return true;
}

bool cidr_match(const cidr_list *l, const uint8_t *addr, int len)
{
    for (int k = 0; k < l->n; k++) {
        const cidr_net *n = &l->net[k];
        if (n->len != len)
            continue;
        int full = n->bits / 8, rest = n->bits % 8;
        if (memcmp(n->addr, addr, (size_t)full) != 0)
            continue;
        if (rest == 0 || (addr[full] & (uint8_t)(0xff << (8 - rest))) == n->addr[full])
            return true;
    }
    return false;
}

bool cidr_match_peer(const cidr_list *l, const char *peer)
{
    const char *colon = strchr(peer, ':');
    const char *last = strrchr(peer, ':');
    if (!l->n || !colon || last == colon || !strncmp(peer, "ipc:", 4))
        return false;
    char host[64];
    const char *h = colon + 1;
    size_t n = (size_t)(last - h);
    if (*h == '[' && n >= 2 && h[n - 1] == ']') {
        h++;
        n -= 2;
    }
    if (n >= sizeof host)
        return false;
    memcpy(host, h, n);
    host[n] = '\0';
    uint8_t a[16];
    int len = cidr_addr(host, a);
    return len && cidr_match(l, a, len);
}
