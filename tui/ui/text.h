/* tui/ui/text.h -- every kiosk string in English and Korean (prefix tx_).
 *
 * Strings live in one table (text_strings.h) so a missing translation is a
 * visible gap in one file, not a hunt through screens. Width helpers count
 * terminal columns, not bytes: a Hangul syllable is 3 bytes and 2 columns,
 * and the seat map and boxes only line up if every pad uses columns. */
#ifndef TK_TEXT_H
#define TK_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
#define TX(id, en, ko) id,
#include "tui/ui/text_strings.h"
#undef TX
    T_COUNT
} tx_id;

typedef enum { TX_EN = 0, TX_KO = 1 } tx_lang;

const char *tx(tx_id id);
/* The id whose text (in the current language) is the pointer s, as tx()
 * returned it; -1 for any other string. For text to say again after a
 * language switch (the console's last action). */
int tx_find(const char *s);
/* For modules that keep their own strings (the console): pick by language. */
const char *tx_pick(const char *en, const char *ko);
void tx_set_lang(tx_lang l);
tx_lang tx_get_lang(void);
/* "ko" / "en" (also "ko_KR.UTF-8" style); false if neither. */
bool tx_parse_lang(const char *s, tx_lang *out);
/* The language the environment asks for: LC_ALL, then LC_MESSAGES, then
 * LANG; Korean when it starts with "ko", else English. */
tx_lang tx_lang_from_env(void);
/* True when the current locale's codeset is UTF-8 (after setlocale). */
bool tx_utf8(void);

/* Terminal columns of a UTF-8 string (invalid bytes count 1). */
int tx_width(const char *s);
/* Copy s into dst (size dstsz) cut to at most `cols` columns, then padded
 * with spaces to exactly `cols` when pad is set. Returns columns used. */
int tx_fit(char *dst, size_t dstsz, const char *s, int cols, bool pad);
/* A table cell: exactly `cols` columns, the last one always blank (the
 * gap before the next cell). Text too wide is cut and ends in an
 * ellipsis, so a reader knows there is more. Returns columns used. */
int tx_cell(char *dst, size_t dstsz, const char *s, int cols);
/* Format won with thousands separators: 110000 -> "110,000". */
void tx_money(char *dst, size_t dstsz, long long won);

/* ---- venue time (common/tz.h) ----------------------------------------
 * Every screen writes an instant with tx_when, in the zone of the concert
 * it belongs to (the `tz` beside `starts_at`), and times that belong to
 * no concert (a wallet entry, the audit log, a sales opening) in the
 * server's zone: whatever the host's own zone is. */
/* The server's zone (server.info's tz, told by the link); TZ_DEFAULT
 * until then. */
void tx_set_zone(const char *zone);
const char *tx_zone(void);
/* An RFC 3339 instant in zone (NULL or "": tx_zone()) with the zone's
 * abbreviation: "2026-12-21 19:00 KST" (fmt NULL), or strftime's fmt.
 * Unparsable text is copied as it is. */
void tx_when(char *dst, size_t dstsz, const char *rfc3339, const char *zone, const char *fmt);
/* The same for ms since the epoch. */
void tx_when_ms(char *dst, size_t dstsz, int64_t ms, const char *zone, const char *fmt);

#endif
