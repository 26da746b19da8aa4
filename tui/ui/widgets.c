/* tui/ui/widgets.c -- see widgets.h. Drawing goes to stdscr. */
#include "tui/ui/widgets.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui/text.h"

static bool wg_color_on;

/* fg, bg, and the attribute used when there is no colour. The glyphs carry
 * the meaning; colour and these attributes only make it quicker to read. */
static const struct {
    short fg, bg;
    int mono;
    int extra;
} wg_styles[WG_STYLE_COUNT] = {
    [WG_NORMAL] = {-1, -1, A_NORMAL, 0},
    [WG_TITLE] = {COLOR_WHITE, COLOR_BLUE, A_REVERSE, A_BOLD},
    [WG_BANNER] = {COLOR_WHITE, COLOR_RED, A_REVERSE | A_BOLD, A_BOLD},
    [WG_HINT_KEY] = {COLOR_BLACK, COLOR_CYAN, A_REVERSE, 0},
    [WG_HINT] = {-1, -1, A_NORMAL, 0},
    [WG_SEAT_FREE] = {COLOR_GREEN, -1, A_NORMAL, 0},
    [WG_SEAT_HELD] = {COLOR_YELLOW, -1, A_DIM, 0},
    [WG_SEAT_MINE] = {COLOR_CYAN, -1, A_BOLD, A_BOLD},
    [WG_SEAT_SOLD] = {COLOR_RED, -1, A_DIM, 0},
    [WG_CURSOR] = {-1, -1, A_REVERSE, A_REVERSE},
    [WG_GOOD] = {COLOR_GREEN, -1, A_BOLD, A_BOLD},
    [WG_BAD] = {COLOR_RED, -1, A_BOLD, A_BOLD},
    [WG_WARN] = {COLOR_YELLOW, -1, A_BOLD, A_BOLD},
    [WG_DIM] = {-1, -1, A_DIM, A_DIM},
    [WG_HEAD] = {-1, -1, A_BOLD, A_BOLD},
};

void wg_colors_init(void)
{
    const char *nc = getenv("NO_COLOR");
    wg_color_on = has_colors() && !(nc && *nc); /* no-color.org: any value */
    if (!wg_color_on)
        return;
    start_color();
    use_default_colors();
    for (int i = 1; i < WG_STYLE_COUNT; i++)
        init_pair((short)i, wg_styles[i].fg, wg_styles[i].bg);
}

bool wg_has_color(void) { return wg_color_on; }

int wg_attr(wg_style s)
{
    if (s < 0 || s >= WG_STYLE_COUNT)
        return A_NORMAL;
    if (!wg_color_on)
        return wg_styles[s].mono;
    if (wg_styles[s].fg < 0 && wg_styles[s].bg < 0)
        return wg_styles[s].extra;
    return (int)COLOR_PAIR(s) | wg_styles[s].extra;
}

void wg_text(int y, int x, int w, const char *s, wg_style st)
{
    char buf[1024];
    if (w == 0)
        return;
    tx_fit(buf, sizeof(buf), s, w < 0 ? 1000 : w, w >= 0);
    attron(wg_attr(st));
    mvaddstr(y, x, buf);
    attroff(wg_attr(st));
}

size_t wg_break(const char *s, int w)
{
    char buf[1024];
    size_t n = strlen(s), cut = 0;
    if (w <= 0 || tx_width(s) <= w)
        return n;
    for (size_t i = 1; i < n && i < sizeof buf; i++) {
        if (s[i] != ' ')
            continue;
        memcpy(buf, s, i);
        buf[i] = '\0';
        if (tx_width(buf) > w)
            break;
        cut = i;
    }
    return cut;
}

void wg_text2(int y, int x, int w, const char *s, wg_style st)
{
    size_t cut = wg_break(s, w);
    if (!s[cut] || cut == 0) { /* fits, or one unbreakable word: cut it */
        wg_text(y, x, w, s, st);
        return;
    }
    char first[1024];
    snprintf(first, sizeof first, "%.*s", (int)cut, s);
    mvhline(y - 1, 0, ' ', COLS);
    wg_text(y - 1, x, w, first, st);
    wg_text(y, x, w, s + cut + 1, st);
}

void wg_cell(int y, int x, int w, const char *s, wg_style st)
{
    char buf[1024];
    if (w <= 0)
        return;
    tx_cell(buf, sizeof(buf), s, w);
    attron(wg_attr(st));
    mvaddstr(y, x, buf);
    attroff(wg_attr(st));
}

void wg_split2(int avail, int need_a, int need_b, int min_b, int *a, int *b)
{
    if (need_a + need_b <= avail) {
        *b = need_b; /* both fit: the slack goes to the first */
    } else if (avail < 2 * min_b) {
        *b = 0;      /* too narrow for two: the second column goes */
    } else {
        *b = need_a + need_b > 0 ? avail * need_b / (need_a + need_b) : 0;
        if (*b < min_b)
            *b = min_b;
    }
    *a = avail - *b;
}

void wg_center(int y, int x, int w, const char *s, wg_style st)
{
    int sw = tx_width(s);
    if (sw > w)
        sw = w;
    wg_text(y, x + (w - sw) / 2, sw, s, st);
}

void wg_clear(int y, int x, int h, int w)
{
    for (int i = 0; i < h; i++)
        mvhline(y + i, x, ' ', w);
}

void wg_box(int y, int x, int h, int w, const char *title)
{
    if (h < 2 || w < 2)
        return;
    wg_clear(y, x, h, w);
    mvaddch(y, x, ACS_ULCORNER);
    mvhline(y, x + 1, ACS_HLINE, w - 2);
    mvaddch(y, x + w - 1, ACS_URCORNER);
    mvvline(y + 1, x, ACS_VLINE, h - 2);
    mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
    mvaddch(y + h - 1, x, ACS_LLCORNER);
    mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
    mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
    if (title && *title && w > 6) {
        char t[256];
        snprintf(t, sizeof(t), " %s ", title);
        wg_text(y, x + 2, tx_width(t) < w - 4 ? tx_width(t) : w - 4, t, WG_HEAD);
    }
}

/* ---- seats ---- */

void wg_seat_label(char out[8], int no, wg_seat s)
{
    static const char glyph[] = {' ', '#', '*', 'X'};
    snprintf(out, 8, "[%c%2d]", glyph[s & 3], no % 100);
}

void wg_seat_name(char out[8], int no)
{
    if (no >= 1 && no <= WG_SEATS)
        snprintf(out, 8, "%c-%d", 'A' + (no - 1) / WG_SEAT_COLS, no);
    else
        snprintf(out, 8, "%d", no % 1000);
}

static int wg_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

int wg_seat_step(int no, int dr, int dc)
{
    int r = wg_clamp((no - 1) / WG_SEAT_COLS + dr, 0, WG_SEAT_ROWS - 1);
    int c = wg_clamp((no - 1) % WG_SEAT_COLS + dc, 0, WG_SEAT_COLS - 1);
    return r * WG_SEAT_COLS + c + 1;
}

wg_seat wg_seat_parse(const char *state, bool mine)
{
    if (!state)
        return WG_S_SOLD;
    if (strcmp(state, "free") == 0)
        return WG_S_FREE;
    if (strcmp(state, "held") == 0)
        return mine ? WG_S_MINE : WG_S_HELD;
    return WG_S_SOLD;
}

static bool wg_compact;

void wg_seat_compact(bool on) { wg_compact = on; }

int wg_grid_width(void) { return wg_compact ? 2 + WG_SEAT_COLS * 4 + 1 : WG_GRID_W; }

void wg_seat_pos(int no, int y0, int x0, int *y, int *x)
{
    int r = (no - 1) / WG_SEAT_COLS, c = (no - 1) % WG_SEAT_COLS;
    int cell = wg_compact ? 4 : WG_CELL_W, label = wg_compact ? 2 : WG_ROW_LABEL_W;
    int aisle = wg_compact ? 1 : WG_AISLE_W;
    *y = y0 + r * 2;
    *x = x0 + label + c * cell + (c >= WG_SEAT_COLS / 2 ? aisle : 0);
}

int wg_seat_at(int y0, int x0, int y, int x)
{
    int w = wg_compact ? 3 : WG_CELL_W - 1;
    for (int no = 1; no <= WG_SEATS; no++) {
        int sy, sx;
        wg_seat_pos(no, y0, x0, &sy, &sx);
        if (y == sy && x >= sx && x < sx + w)
            return no;
    }
    return 0;
}

static wg_style seat_style(wg_seat s)
{
    static const wg_style m[] = {WG_SEAT_FREE, WG_SEAT_HELD, WG_SEAT_MINE, WG_SEAT_SOLD};
    return m[s & 3];
}

void wg_seat_grid(int y0, int x0, const wg_seat seats[WG_SEATS], int cursor)
{
    for (int r = 0; r < WG_SEAT_ROWS; r++) {
        char lab[4] = {(char)('A' + r), 0};
        wg_text(y0 + r * 2, x0, -1, lab, WG_HEAD);
    }
    for (int no = 1; no <= WG_SEATS; no++) {
        int y, x;
        char cell[8];
        wg_seat_pos(no, y0, x0, &y, &x);
        wg_seat_label(cell, no, seats[no - 1]);
        if (wg_compact) { /* "[#12]" -> "#12" */
            memmove(cell, cell + 1, 3);
            cell[3] = 0;
        }
        int a = wg_attr(seat_style(seats[no - 1]));
        if (no == cursor)
            a |= wg_attr(WG_CURSOR);
        attron(a);
        mvaddstr(y, x, cell);
        attroff(a);
    }
}

int wg_seat_legend(int y, int x, int w)
{
    static const tx_id names[] = {T_SEAT_FREE, T_SEAT_HELD, T_SEAT_MINE, T_SEAT_SOLD};
    int cx = x;
    for (int s = 0; s < 4; s++) {
        char cell[8];
        wg_seat_label(cell, 7, (wg_seat)s);
        /* the legend shows the glyph only: "[#  ]" reads as a pattern */
        cell[2] = cell[3] = ' ';
        int need = 5 + 1 + tx_width(tx(names[s])) + 3;
        if (cx + need - x > w)
            break;
        wg_text(y, cx, 5, cell, seat_style((wg_seat)s));
        wg_text(y, cx + 6, -1, tx(names[s]), WG_NORMAL);
        cx += need;
    }
    return cx - x;
}

/* ---- bars ---- */

void wg_bar_text(char *out, size_t outsz, int w, double frac)
{
    if (w < 3 || (size_t)w >= outsz) {
        if (outsz)
            out[0] = 0;
        return;
    }
    if (frac < 0 || frac != frac)
        frac = 0;
    if (frac > 1)
        frac = 1;
    int inner = w - 2, fill = (int)(frac * inner + 0.5);
    out[0] = '[';
    for (int i = 0; i < inner; i++)
        out[1 + i] = i < fill ? '#' : '.';
    out[w - 1] = ']';
    out[w] = 0;
}

void wg_progress(int y, int x, int w, double frac, wg_style st)
{
    char b[512];
    wg_bar_text(b, sizeof(b), w, frac);
    wg_text(y, x, w, b, st);
}

void wg_mmss(char out[16], long long s)
{
    if (s < 0)
        s = 0;
    if (s >= 100 * 3600) /* a server up for days: "5d 03:12", hours and minutes */
        snprintf(out, 16, "%lldd %02lld:%02lld", s / 86400 % 100000, s / 3600 % 24, s / 60 % 60);
    else if (s >= 3600)
        snprintf(out, 16, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(out, 16, "%02lld:%02lld", s / 60, s % 60);
}

void wg_countdown(int y, int x, int w, long long left_s, long long total_s)
{
    char t[16];
    wg_mmss(t, left_s);
    wg_style st = left_s <= 30 ? WG_BAD : left_s <= 60 ? WG_WARN : WG_GOOD;
    wg_text(y, x, -1, t, st);
    int tw = (int)strlen(t) + 1;
    if (w - tw >= 3)
        wg_progress(y, x + tw, w - tw, total_s > 0 ? (double)left_s / (double)total_s : 0, st);
}

void wg_spark_text(char *out, size_t outsz, const double *v, int n, int w, bool utf8)
{
    static const char *blocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    static const char ascii[] = "_.-~=+*#";
    size_t o = 0;
    int first = n > w ? n - w : 0;
    double mx = 0;
    for (int i = first; i < n; i++)
        if (v[i] > mx)
            mx = v[i];
    for (int i = first; i < n; i++) {
        int lvl = mx > 0 && v[i] > 0 ? (int)(v[i] / mx * 7.0 + 0.5) : 0;
        if (lvl > 7)
            lvl = 7;
        const char *g = utf8 ? blocks[lvl] : (char[]){ascii[lvl], 0};
        size_t gl = strlen(g);
        if (o + gl + 1 > outsz)
            break;
        memcpy(out + o, g, gl);
        o += gl;
    }
    if (outsz)
        out[o < outsz ? o : outsz - 1] = 0;
}

void wg_sparkline(int y, int x, int w, const double *v, int n)
{
    char buf[1024];
    wg_spark_text(buf, sizeof(buf), v, n, w, tx_utf8());
    wg_text(y, x, w, buf, WG_GOOD);
}

/* ---- key hints ---- */

static int hint_width(const wg_hint *h) { return tx_width(h->key) + 1 + tx_width(tx(h->text)); }

int wg_hint_fit(int w, const wg_hint *h, int n, int keep, bool shown[])
{
    /* The last `keep` hints (help, quit) get their room first; the rest
     * fill what is left in order, and one that does not fit is skipped
     * rather than ending the bar, so a shorter later hint still shows. */
    int used = 0, count = 0;
    for (int i = 0; i < n; i++)
        shown[i] = false;
    for (int i = n - keep < 0 ? 0 : n - keep; i < n; i++)
        if (used + hint_width(&h[i]) <= w) {
            shown[i] = true;
            used += hint_width(&h[i]) + 2;
            count++;
        }
    for (int i = 0; i < n - keep; i++)
        if (used + hint_width(&h[i]) <= w) {
            shown[i] = true;
            used += hint_width(&h[i]) + 2;
            count++;
        }
    return count;
}

void wg_hintbar(int y, int w, const wg_hint *h, int n, int keep)
{
    bool shown[64];
    if (n > 64)
        n = 64;
    wg_hint_fit(w, h, n, keep, shown);
    wg_clear(y, 0, 1, w);
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!shown[i])
            continue;
        int kw = tx_width(h[i].key), tw = tx_width(tx(h[i].text));
        wg_text(y, x, kw, h[i].key, WG_HINT_KEY);
        wg_text(y, x + kw + 1, tw, tx(h[i].text), WG_HINT);
        x += kw + tw + 3;
    }
}

bool wg_too_small(int h, int w)
{
    if (h >= WG_MIN_H && w >= WG_MIN_W)
        return false;
    char now[64];
    snprintf(now, sizeof(now), tx(T_SIZE_NOW), w, h);
    erase();
    wg_center(h / 2 - 1 > 0 ? h / 2 - 1 : 0, 0, w, tx(T_TOO_SMALL), WG_WARN);
    wg_center(h / 2, 0, w, now, WG_DIM);
    return true;
}

/* about broken at spaces into lines of w columns at most (a word wider
 * than w is one line, cut when drawn). */
static int help_about(const char *about, int w, const char **line, int *len, int max)
{
    int k = 0;
    for (const char *p = about ? about : ""; *p && k < max; k++) {
        size_t cut = wg_break(p, w);
        line[k] = p;
        len[k] = (int)(cut ? cut : strlen(p));
        for (p += len[k]; *p == ' '; p++)
            ;
    }
    return k;
}

void wg_help(const wg_rect *r, const char *about, const wg_hint *h, int n)
{
    int kw = 0, cw = 0;
    for (int i = 0; i < n; i++)
        if (tx_width(h[i].key) > kw)
            kw = tx_width(h[i].key);
    for (int i = 0; i < n; i++)
        if (kw + 2 + tx_width(tx(h[i].text)) > cw)
            cw = kw + 2 + tx_width(tx(h[i].text));
    /* Two columns when one is too long for the screen (the console's
     * dashboard has many keys). */
    int ncol = n + 4 > r->h ? 2 : 1, rows = (n + ncol - 1) / ncol;
    int tw = ncol * cw + (ncol - 1) * 3;
    if (tw < tx_width(tx(T_HELP_CLOSE)))
        tw = tx_width(tx(T_HELP_CLOSE));
    if (about && about[0] && tw < 56) /* room for the sentence to read as one */
        tw = 56;
    int bw = tw + 6 < r->w ? tw + 6 : r->w;
    const char *line[4];
    int len[4], na = help_about(about, bw - 6, line, len, 4), top = na ? na + 1 : 0;
    int bh = rows + 4 + top < r->h ? rows + 4 + top : r->h;
    int y = r->y + (r->h - bh) / 2, x = r->x + (r->w - bw) / 2;
    if (ncol > 1 && cw > (bw - 9) / 2)
        cw = (bw - 9) / 2;
    wg_box(y, x, bh, bw, tx(T_HELP_TITLE));
    for (int i = 0; i < na; i++) {
        char buf[512];
        snprintf(buf, sizeof buf, "%.*s", len[i], line[i]);
        wg_text(y + 1 + i, x + 3, bw - 6, buf, WG_HEAD);
    }
    for (int i = 0; i < n && i % rows < bh - 4 - top; i++) {
        int cx = x + 3 + (i / rows) * (cw + 3), cy = y + 1 + top + i % rows;
        int room = ncol > 1 ? cw : bw - 6;
        wg_text(cy, cx, kw, h[i].key, WG_HINT_KEY);
        wg_text(cy, cx + kw + 2, room - kw - 2, tx(h[i].text), WG_NORMAL);
    }
    wg_text(y + bh - 2, x + 3, bw - 6, tx(T_HELP_CLOSE), WG_DIM);
}

/* ---- one-line input ---- */

void wg_input_clear(wg_input *in)
{
    in->len = 0;
    in->skip = 0;
    in->buf[0] = 0;
}

bool wg_input_key(wg_input *in, int key, size_t max_bytes, const char *allow)
{
    if (max_bytes >= sizeof(in->buf))
        max_bytes = sizeof(in->buf) - 1;
    if (key == KEY_BACKSPACE || key == 127 || key == 8) {
        /* back over continuation bytes to the start of the character */
        while (in->len > 0 && ((unsigned char)in->buf[in->len - 1] & 0xc0) == 0x80)
            in->len--;
        if (in->len > 0)
            in->len--;
        in->buf[in->len] = 0;
        return true;
    }
    if (key == 21) { /* ^U */
        wg_input_clear(in);
        return true;
    }
    bool ascii = key >= 32 && key < 127, high = key >= 0x80 && key <= 0xff;
    if (!ascii && !high)
        return false;
    if (high && (key & 0xc0) == 0x80) { /* a continuation byte */
        if (in->skip > 0) {
            in->skip--;
            return true;
        }
    } else { /* a character starts: all of it fits, or none */
        int need = ascii ? 1 : key >= 0xf0 ? 4 : key >= 0xe0 ? 3 : 2;
        in->skip = 0;
        if (!allow && in->len + (size_t)need > max_bytes) {
            in->skip = need - 1;
            return true;
        }
    }
    if ((allow && (high || !strchr(allow, key))) || in->len >= max_bytes)
        return true; /* swallowed: a typo must not trigger a screen key */
    in->buf[in->len++] = (char)key;
    in->buf[in->len] = 0;
    return true;
}

void wg_input_draw(int y, int x, int w, const char *label, const wg_input *in, bool focus)
{
    int lw = label ? tx_width(label) + 2 : 0;
    if (label)
        wg_text(y, x, lw, label, WG_HEAD);
    int fw = w - lw;
    if (fw < 2)
        return;
    char shown[300];
    const char *t = in->buf;
    /* keep the end (where typing happens) visible */
    while (tx_width(t) > fw - 1 && *t) {
        t++;
        while (((unsigned char)*t & 0xc0) == 0x80)
            t++;
    }
    snprintf(shown, sizeof(shown), "%s%s", t, focus ? "_" : "");
    attron(A_UNDERLINE);
    wg_text(y, x + lw, fw, shown, WG_NORMAL);
    attroff(A_UNDERLINE);
}
