/* common/token.c -- see token.h. */
#include "common/token.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
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

bool token_verify(const uint8_t key[TOKEN_KEY_BYTES], const char *s, token_claims *out)
{
    size_t plen = strlen(TOKEN_PREFIX);
    if (!s || strncmp(s, TOKEN_PREFIX, plen) != 0 || strlen(s) >= TOKEN_MAX_LEN)
        return false;
    const char *body = s + plen;
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
