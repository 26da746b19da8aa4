/* common/token.h -- queue tokens: signed, opaque to clients.
 *
 * Wire form: "t1." base64url(payload) "." base64url(mac), where payload is
 * user uuid (16 bytes) | queue seq (u64 BE) | issued_ms (u64 BE) and mac is
 * libsodium crypto_auth (HMAC-SHA512-256) over the payload under the server
 * secret. Only the holder of the secret can mint one. */
#ifndef TK_TOKEN_H
#define TK_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#define TOKEN_KEY_BYTES 32
#define TOKEN_MAX_LEN 128 /* enough for the encoding plus NUL */

typedef struct {
    uint8_t user[16];
    uint64_t seq;
    int64_t issued_ms;
} token_claims;

/* Writes the token string into out (TOKEN_MAX_LEN bytes). */
void token_sign(const uint8_t key[TOKEN_KEY_BYTES], const token_claims *c, char out[TOKEN_MAX_LEN]);
/* true when s is well formed and its MAC verifies under key (constant time). */
bool token_verify(const uint8_t key[TOKEN_KEY_BYTES], const char *s, token_claims *out);

/* Load the secret from path, creating it (0600, random) when absent.
 * Returns 0 or -1 with errno set; refuses a file readable by group/other. */
int token_key_load(const char *path, uint8_t key[TOKEN_KEY_BYTES]);

#endif
