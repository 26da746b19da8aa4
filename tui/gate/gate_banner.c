/* tui/gate/gate_banner.c -- block letters for the gate's verdict, read from
 * across the entrance: 5 rows, 5 columns a glyph and one between. Only the
 * letters the gate spells (ADMITTED, REFUSED, seat rows A-E), digits and
 * '-'; '#' for a pixel, or a full block on a UTF-8 terminal. */
#include <string.h>

#include "tui/gate/gate.h"

typedef struct {
    char c;
    const char *row[GT_BANNER_ROWS];
} gt_glyph;

static const gt_glyph gt_font[] = {
    {'A', {" XXX ", "X   X", "XXXXX", "X   X", "X   X"}},
    {'B', {"XXXX ", "X   X", "XXXX ", "X   X", "XXXX "}},
    {'C', {" XXXX", "X    ", "X    ", "X    ", " XXXX"}},
    {'D', {"XXXX ", "X   X", "X   X", "X   X", "XXXX "}},
    {'E', {"XXXXX", "X    ", "XXXX ", "X    ", "XXXXX"}},
    {'F', {"XXXXX", "X    ", "XXXX ", "X    ", "X    "}},
    {'I', {"XXXXX", "  X  ", "  X  ", "  X  ", "XXXXX"}},
    {'M', {"X   X", "XX XX", "X X X", "X   X", "X   X"}},
    {'R', {"XXXX ", "X   X", "XXXX ", "X  X ", "X   X"}},
    {'S', {" XXXX", "X    ", " XXX ", "    X", "XXXX "}},
    {'T', {"XXXXX", "  X  ", "  X  ", "  X  ", "  X  "}},
    {'U', {"X   X", "X   X", "X   X", "X   X", " XXX "}},
    {'0', {" XXX ", "X  XX", "X X X", "XX  X", " XXX "}},
    {'1', {"  X  ", " XX  ", "  X  ", "  X  ", " XXX "}},
    {'2', {" XXX ", "X   X", "  XX ", " X   ", "XXXXX"}},
    {'3', {"XXXX ", "    X", " XXX ", "    X", "XXXX "}},
    {'4', {"X   X", "X   X", "XXXXX", "    X", "    X"}},
    {'5', {"XXXXX", "X    ", "XXXX ", "    X", "XXXX "}},
    {'6', {" XXX ", "X    ", "XXXX ", "X   X", " XXX "}},
    {'7', {"XXXXX", "    X", "   X ", "  X  ", "  X  "}},
    {'8', {" XXX ", "X   X", " XXX ", "X   X", " XXX "}},
    {'9', {" XXX ", "X   X", " XXXX", "    X", " XXX "}},
    {'-', {"     ", "     ", "XXXXX", "     ", "     "}},
};

static const gt_glyph *gt_glyph_of(char c)
{
    for (size_t i = 0; i < sizeof gt_font / sizeof gt_font[0]; i++)
        if (gt_font[i].c == c)
            return &gt_font[i];
    return NULL; /* blank */
}

int gt_banner(const char *text, bool utf8, char rows[GT_BANNER_ROWS][GT_BANNER_MAX])
{
    const char *pixel = utf8 ? "\u2588" : "#";
    size_t plen = strlen(pixel), len[GT_BANNER_ROWS] = {0};
    int cols = 0;
    for (int r = 0; r < GT_BANNER_ROWS; r++)
        rows[r][0] = '\0';
    for (const char *p = text; *p; p++) {
        /* a glyph and its gap: at most 6 pixels' bytes more, and a NUL */
        if (len[0] + 6 * plen + 1 > GT_BANNER_MAX)
            break;
        const gt_glyph *g = gt_glyph_of(*p);
        for (int r = 0; r < GT_BANNER_ROWS; r++) {
            for (int k = 0; k < 6; k++) {
                bool on = g && k < 5 && g->row[r][k] == 'X';
                memcpy(rows[r] + len[r], on ? pixel : " ", on ? plen : 1);
                len[r] += on ? plen : 1;
            }
            rows[r][len[r]] = '\0';
        }
        cols += 6;
    }
    if (cols == 0)
        return 0;
    for (int r = 0; r < GT_BANNER_ROWS; r++)
        rows[r][len[r] - 1] = '\0'; /* the last gap is not part of it */
    return cols - 1;
}
