/* tui/ui/widgets.h -- drawing pieces shared by the kiosk and the console
 * (prefix wg_): seat grid, bars, countdown, boxes, sparkline, key hints,
 * QR code, and the colour table with its monochrome fallback.
 *
 * Every widget that has a text form builds it with a pure function first
 * (wg_seat_label, wg_bar_text, wg_qr_lines, ...) and draws that, so tests
 * check the text without a terminal and the monochrome look is the same
 * text as the coloured one. Colour is decoration only. */
#ifndef TK_WIDGETS_H
#define TK_WIDGETS_H

#include <stdbool.h>
#include <stddef.h>

/* A rectangle of the screen: the area a screen draws in. */
typedef struct {
    int y, x, h, w;
} wg_rect;

/* One entry of the key-hint bar and the '?' overlay. */
typedef struct {
    const char *key;  /* "Enter", "←→", "F10" */
    int text;         /* a tx() id */
} wg_hint;

typedef enum {
    WG_NORMAL,
    WG_TITLE,     /* title bar */
    WG_BANNER,    /* offline banner */
    WG_HINT_KEY,  /* key in the hint bar */
    WG_HINT,      /* hint bar text */
    WG_SEAT_FREE,
    WG_SEAT_HELD, /* held by someone else */
    WG_SEAT_MINE,
    WG_SEAT_SOLD,
    WG_CURSOR,    /* added to the selected item */
    WG_GOOD,
    WG_BAD,
    WG_WARN,
    WG_DIM,
    WG_HEAD,      /* headings, labels */
    WG_STYLE_COUNT
} wg_style;

/* After initscr: colours unless NO_COLOR is set or the terminal has none. */
void wg_colors_init(void);
bool wg_has_color(void);
int wg_attr(wg_style s);

/* Text cut/padded to w columns (w < 0: as wide as it is). */
void wg_text(int y, int x, int w, const char *s, wg_style st);
/* Where s breaks to fit w columns: the byte offset of the last space that
 * keeps the first part within w (strlen(s) when it all fits; 0 when no
 * space does). */
size_t wg_break(const char *s, int w);
/* s on row y, or, when wider than w, broken at a space over rows y-1 and
 * y (row y-1 is cleared first): a message is read whole, not cut. */
void wg_text2(int y, int x, int w, const char *s, wg_style st);
/* A table cell of w columns (tx_cell: cut with an ellipsis, last column
 * blank). */
void wg_cell(int y, int x, int w, const char *s, wg_style st);
/* Splits avail columns between two text columns that want need_a and
 * need_b (widest cell + its gap): both in full when they fit, the slack to
 * a; else in proportion, b at least min_b; b is 0 when avail < 2 * min_b. */
void wg_split2(int avail, int need_a, int need_b, int min_b, int *a, int *b);
/* Centred in [x, x+w). */
void wg_center(int y, int x, int w, const char *s, wg_style st);
void wg_box(int y, int x, int h, int w, const char *title);
/* Clears h rows of w columns. */
void wg_clear(int y, int x, int h, int w);

/* ---- seats ---- */
typedef enum { WG_S_FREE = 0, WG_S_HELD, WG_S_MINE, WG_S_SOLD } wg_seat;
#define WG_SEATS 50
#define WG_SEAT_ROWS 5
#define WG_SEAT_COLS 10
#define WG_CELL_W 6      /* "[ 12] " */
#define WG_ROW_LABEL_W 3 /* "A  " */
#define WG_AISLE_W 2     /* gap after the 5th seat of a row */
#define WG_GRID_W (WG_ROW_LABEL_W + WG_SEAT_COLS * WG_CELL_W + WG_AISLE_W)
#define WG_GRID_H (WG_SEAT_ROWS * 2 - 1)
/* "[ 12]" free, "[#12]" held by another, "[*12]" yours, "[X12]" sold. */
void wg_seat_label(char out[8], int no, wg_seat s);
/* A seat as people name it: its row's letter on the map and its number,
 * "B-13" (rows A-E of WG_SEAT_COLS). Just the number outside 1..WG_SEATS. */
void wg_seat_name(char out[8], int no);
/* The seat dr rows and dc columns from seat no on the map; the map's
 * edges stop it (no wrapping from row E to row A, or across rows). */
int wg_seat_step(int no, int dr, int dc);
wg_seat wg_seat_parse(const char *state, bool mine);
/* Narrow terminals: compact cells "#12" (4 columns each) instead of
 * "[#12]"; same glyphs, so it still reads in monochrome. Affects the
 * grid, wg_seat_pos and wg_seat_at until switched back. */
void wg_seat_compact(bool on);
/* Width of the grid in the current layout (WG_GRID_W when not compact). */
int wg_grid_width(void);
/* Screen position of a seat's cell inside a grid drawn at (y0, x0). */
void wg_seat_pos(int no, int y0, int x0, int *y, int *x);
/* Seat under (y, x) for a grid at (y0, x0), or 0. */
int wg_seat_at(int y0, int x0, int y, int x);
void wg_seat_grid(int y0, int x0, const wg_seat seats[WG_SEATS], int cursor);
/* "[ 1] free  [#1] held ..." in one line; returns the width drawn. */
int wg_seat_legend(int y, int x, int w);

/* ---- bars ---- */
/* "[#####.....]" of w columns (w >= 3), frac clamped to 0..1. */
void wg_bar_text(char *out, size_t outsz, int w, double frac);
void wg_progress(int y, int x, int w, double frac, wg_style st);
/* "mm:ss" (or "h:mm:ss" from an hour up, "5d 03:12" from 100 hours up),
 * negative shown as 00:00. */
void wg_mmss(char out[16], long long seconds);
/* "04:59 [######....]": the bar is the share of total still left. */
void wg_countdown(int y, int x, int w, long long left_s, long long total_s);
/* One cell per value, scaled to the max of the values; ASCII when not
 * UTF-8. out gets w cells (the last w values). */
void wg_spark_text(char *out, size_t outsz, const double *v, int n, int w, bool utf8);
void wg_sparkline(int y, int x, int w, const double *v, int n);

/* ---- layout ---- */
/* Every screen is laid out for at least this; below it nothing fits. */
#define WG_MIN_W 80
#define WG_MIN_H 24
/* Under WG_MIN_W x WG_MIN_H: clears the screen, says so (and the size
 * now) and returns true; the caller draws nothing else until a resize. */
bool wg_too_small(int h, int w);

/* ---- key hints ---- */
/* Which hints fit on a bar of w columns ("key text", two spaces apart):
 * the last `keep` first (the app's own "? help", "F10 quit"), then the
 * others in order, skipping any that does not fit. Sets shown[0..n) and
 * returns how many are shown. */
int wg_hint_fit(int w, const wg_hint *h, int n, int keep, bool shown[]);
void wg_hintbar(int y, int w, const wg_hint *h, int n, int keep);
/* A boxed list of all hints, centred in the rect (the '?' overlay). */
/* about (may be NULL): what the screen is for, wrapped above the keys. */
void wg_help(const wg_rect *r, const char *about, const wg_hint *h, int n);

/* ---- one-line input ---- */
typedef struct {
    char buf[256];
    size_t len;
    int skip; /* continuation bytes still to swallow: their character did not fit */
} wg_input;
/* Feeds a key from getch(): printable ASCII and UTF-8 bytes (multibyte
 * text arrives a byte at a time; a character that would pass max_bytes is
 * dropped whole), Backspace deletes one whole character,
 * ^U clears. allow (may be NULL) lists the accepted ASCII characters.
 * Returns true when the key was taken. */
bool wg_input_key(wg_input *in, int key, size_t max_bytes, const char *allow);
void wg_input_clear(wg_input *in);
/* The field: label, then the text with a cursor block, w columns. */
void wg_input_draw(int y, int x, int w, const char *label, const wg_input *in, bool focus);

/* ---- QR ---- */
/* Renders text as a QR code, two module rows per text row (Unicode half
 * blocks when utf8, else '#', '"', ',' ). Returns a malloc'd array of
 * malloc'd lines (NULL-terminated) and sets *rows and *cols; NULL on failure.
 * Free with wg_qr_free. */
char **wg_qr_lines(const char *text, bool utf8, int *rows, int *cols);
void wg_qr_free(char **lines);
/* Draws it; returns the rows used (0 on failure). */
int wg_qr(int y, int x, const char *text);

#endif
