/* tui/ui/widgets_qr.c -- the QR code widget (declared in widgets.h): a
 * member's id and a ticket's code, drawn with half-block characters (two
 * modules a cell) or, without UTF-8, two ASCII cells a module. */
#include <curses.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/ui/text.h"
#include "tui/ui/widgets.h"

#define WG_QR_QUIET 2

static int qr_dark(const QRcode *q, int r, int c)
{
    r -= WG_QR_QUIET;
    c -= WG_QR_QUIET;
    if (r < 0 || c < 0 || r >= q->width || c >= q->width)
        return 0;
    return q->data[r * q->width + c] & 1;
}

char **wg_qr_lines(const char *text, bool utf8, int *rows, int *cols)
{
    QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q)
        return NULL;
    int n = q->width + 2 * WG_QR_QUIET, nr = (n + 1) / 2;
    char **lines = calloc((size_t)nr + 1, sizeof(*lines));
    /* Like `qrencode -t UTF8`: light modules are drawn (blocks), dark ones
     * are the terminal background, which suits the usual dark terminal. */
    static const char *u8[] = {"█", "▄", "▀", " "}; /* k: top dark | bottom dark << 1 */
    static const char *as[] = {" ", "\"", ",", "#"};  /* ASCII: dark is drawn */
    for (int i = 0; lines && i < nr; i++) {
        lines[i] = malloc((size_t)n * 3 + 1);
        if (!lines[i]) {
            wg_qr_free(lines);
            lines = NULL;
            break;
        }
        size_t o = 0;
        for (int c = 0; c < n; c++) {
            int k = qr_dark(q, 2 * i, c) | (qr_dark(q, 2 * i + 1, c) << 1);
            const char *g = utf8 ? u8[k] : as[k];
            if (utf8 && 2 * i + 1 >= n) /* odd last row: no bottom half */
                g = (k & 1) ? " " : "▀";
            size_t gl = strlen(g);
            memcpy(lines[i] + o, g, gl);
            o += gl;
        }
        lines[i][o] = 0;
    }
    QRcode_free(q);
    *rows = nr;
    *cols = n;
    return lines;
}

void wg_qr_free(char **lines)
{
    for (size_t i = 0; lines && lines[i]; i++)
        free(lines[i]);
    free(lines);
}

int wg_qr(int y, int x, const char *text)
{
    int rows = 0, cols = 0;
    char **l = wg_qr_lines(text, tx_utf8(), &rows, &cols);
    if (!l)
        return 0;
    for (int i = 0; i < rows; i++)
        mvaddstr(y + i, x, l[i]);
    wg_qr_free(l);
    return rows;
}
