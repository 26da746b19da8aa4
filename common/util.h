/* common/util.h -- small shared helpers: uuids, clocks, time text, logging. */
#ifndef TK_UTIL_H
#define TK_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UUID_STR_LEN 37 /* 36 chars + NUL */

/* Random UUIDv4 (libsodium randombytes; call sodium_init first). */
void uuid_v4(uint8_t out[16]);
void uuid_format(const uint8_t u[16], char out[UUID_STR_LEN]);
/* Accepts the canonical 8-4-4-4-12 hex form, either case. */
bool uuid_parse(const char *s, uint8_t out[16]);
/* As a person types one: also the 32 hex digits without dashes, and
 * blanks around it. The wire takes only uuid_parse's form. */
bool uuid_parse_loose(const char *s, uint8_t out[16]);
/* The first 8 hex chars, for logs: user ids never appear whole in logs. */
void uuid_short(const uint8_t u[16], char out[9]);

/* ---- clocks --------------------------------------------------------------
 * The wall clock says what time it is and may jump: an NTP step, an
 * operator's `date -s`. The steady clock says how much time has passed and
 * never jumps: deadlines (holds, windows, turns, admission pacing, rate
 * limits) run on it, so a step neither lapses them early nor extends them.
 * It is CLOCK_BOOTTIME, which unlike CLOCK_MONOTONIC keeps counting while
 * the machine is suspended: a customer's five minutes pass whether or not
 * the host slept. Its readings are shifted by a base fixed at the first
 * reading so that steady == wall then; values look like epoch ms and the
 * two agree until the wall clock first steps. */
int64_t clock_wall_ms(void);   /* CLOCK_REALTIME, ms since the epoch */
int64_t clock_steady_ms(void); /* CLOCK_BOOTTIME + the base, ms */
int64_t clock_mono_ms(void);   /* CLOCK_MONOTONIC, ms: waits, durations */
int64_t clock_mono_us(void);
/* The seam for tests (as tk_realloc is for memory): the clocks that
 * clock_wall_ms and clock_steady_ms read, in ms; NULL restores the
 * system's. The steady base is fixed again at the next reading. Set it
 * while no other thread reads the clocks. */
void clock_set_source(int64_t (*wall_ms)(void), int64_t (*boot_ms)(void));

/* RFC 3339 UTC with seconds: "2026-12-24T19:00:00Z" (out >= 32 bytes). */
void time_format(int64_t ms, char *out, size_t outlen);
/* Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|+hh:mm|-hh:mm)"; false if malformed. */
bool time_parse(const char *s, int64_t *ms);

/* One key=value line on stderr: "ts=... level=info event=... k=v ...". */
void log_kv(const char *level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define log_info(ev, ...) log_kv("info", ev, __VA_ARGS__)
#define log_warn(ev, ...) log_kv("warn", ev, __VA_ARGS__)
#define log_error(ev, ...) log_kv("error", ev, __VA_ARGS__)
/* True when some line of the log file at path contains needle (a server's
 * log read by the bench and the tests: "event=ready"); false when the file
 * cannot be read. */
bool log_file_has(const char *path, const char *needle);

/* ---- the admin key file ------------------------------------------------ */

#define ADMIN_KEY_MAX 255 /* bytes, after trimming */
/* The key is the file's content with trailing whitespace trimmed; the
 * server and every client read it here, so they agree on it. 0, or -1 with
 * errno: fopen's, ENODATA (empty), or E2BIG (over ADMIN_KEY_MAX bytes). */
int admin_key_read(const char *path, char out[ADMIN_KEY_MAX + 1]);

#endif
