/* common/token.c -- see token.h. */
#include "common/token.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TOKEN_PAYLOAD 32
#define TOKEN_PREFIX "t1."

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = (v << 8) | p[i];
    return v;
}

void token_sign(const uint8_t key[TOKEN_KEY_BYTES], const token_claims *c, char out[TOKEN_MAX_LEN])
{
    uint8_t payload[TOKEN_PAYLOAD], mac[crypto_auth_BYTES];
    memcpy(payload, c->user, 16);
    put_u64(payload + 16, c->seq);
    put_u64(payload + 24, (uint64_t)c->issued_ms);
    crypto_auth(mac, payload, sizeof payload, key);
    size_t n = strlen(TOKEN_PREFIX);
    memcpy(out, TOKEN_PREFIX, n);
    sodium_bin2base64(out + n, TOKEN_MAX_LEN - n, payload, sizeof payload,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    n = strlen(out);
    out[n++] = '.';
    sodium_bin2base64(out + n, TOKEN_MAX_LEN - n, mac, sizeof mac,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

static bool token_b64(const char *s, size_t len, uint8_t *bin, size_t want)
{
    size_t got = 0;
    const char *end = NULL;
    if (sodium_base642bin(bin, want, s, len, NULL, &got, &end,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return false;
    return got == want && end == s + len;
}

static bool token_verify_mac(const uint8_t key[TOKEN_KEY_BYTES], const char *s,
                             token_claims *out)
{
    const char *body = s + strlen(TOKEN_PREFIX);
    const char *dot = strchr(body, '.');
    if (!dot)
        return false;
    uint8_t payload[TOKEN_PAYLOAD], mac[crypto_auth_BYTES];
    if (!token_b64(body, (size_t)(dot - body), payload, sizeof payload) ||
        !token_b64(dot + 1, strlen(dot + 1), mac, sizeof mac))
        return false;
    if (crypto_auth_verify(mac, payload, sizeof payload, key) != 0)
        return false;
    memcpy(out->user, payload, 16);
    out->seq = get_u64(payload + 16);
    out->issued_ms = (int64_t)get_u64(payload + 24);
    return true;
}

/* Every booking call carries its token, so the server checks the same few
 * thousand tokens over and over; the HMAC and two base64 decodes are the
 * bulk of a read's own work. A token string that verified once under a
 * key always verifies under that key, so each thread keeps the last
 * TOKEN_CACHE verified (key, string) pairs, and a hit (the whole string
 * and the whole key equal) is the same answer without the MAC. Thread-
 * local: no lock, nothing shared. Failures are never cached. */
#define TOKEN_CACHE 512 /* a power of two */

typedef struct {
    uint8_t key[TOKEN_KEY_BYTES];
    char s[TOKEN_MAX_LEN]; /* "" when the slot is empty */
    token_claims c;
} token_cached;

static _Thread_local token_cached *token_cache;
static pthread_key_t token_cache_key; /* frees a thread's cache when it ends */
static pthread_once_t token_cache_once = PTHREAD_ONCE_INIT;

static void token_cache_init(void) { pthread_key_create(&token_cache_key, free); }

static token_cached *token_slot(const char *s, size_t n)
{
    if (!token_cache) {
        pthread_once(&token_cache_once, token_cache_init);
        if (!(token_cache = calloc(TOKEN_CACHE, sizeof *token_cache)))
            return NULL; /* no cache, no harm: every check pays the MAC */
        pthread_setspecific(token_cache_key, token_cache);
    }
    uint64_t h = 1469598103934665603ULL; /* FNV-1a over the MAC part */
    for (size_t i = n > 43 ? n - 43 : 0; i < n; i++)
        h = (h ^ (uint8_t)s[i]) * 1099511628211ULL;
    return &token_cache[h & (TOKEN_CACHE - 1)];
}

bool token_verify(const uint8_t key[TOKEN_KEY_BYTES], const char *s, token_claims *out)
{
    size_t n = s ? strlen(s) : 0;
    if (!s || strncmp(s, TOKEN_PREFIX, strlen(TOKEN_PREFIX)) != 0 || n >= TOKEN_MAX_LEN)
        return false;
    token_cached *c = token_slot(s, n);
    if (c && memcmp(c->s, s, n + 1) == 0 && sodium_memcmp(c->key, key, TOKEN_KEY_BYTES) == 0) {
        *out = c->c;
        return true;
    }
    if (!token_verify_mac(key, s, out))
        return false;
    if (c) {
        memcpy(c->key, key, TOKEN_KEY_BYTES);
        memcpy(c->s, s, n + 1);
        c->c = *out;
    }
    return true;
}

static int token_key_read(int fd, uint8_t key[TOKEN_KEY_BYTES])
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return -1;
    if (st.st_mode & 077) {
        errno = EPERM; /* a secret others can read is no secret */
        return -1;
    }
    ssize_t n = read(fd, key, TOKEN_KEY_BYTES);
    if (n != TOKEN_KEY_BYTES) {
        errno = EINVAL;
        return -1;
    }
    return 0;
}

int token_key_load(const char *path, uint8_t key[TOKEN_KEY_BYTES])
{
    if (sodium_init() < 0) {
        errno = EIO;
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        int rc = token_key_read(fd, key);
        close(fd);
        return rc;
    }
    if (errno != ENOENT)
        return -1;
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    randombytes_buf(key, TOKEN_KEY_BYTES);
    int rc = (write(fd, key, TOKEN_KEY_BYTES) == TOKEN_KEY_BYTES && fsync(fd) == 0) ? 0 : -1;
    close(fd);
    if (rc != 0)
        unlink(path);
    return rc;
}
