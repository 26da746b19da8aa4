/* tui/ui/list.h -- a scrolling list with a selection (prefix ls_).
 *
 * The list keeps only positions: how many rows there are, which is
 * selected, which is the first shown. The screen keeps the rows and draws
 * each one (ls_draw calls it back), so the kiosk's dates and tickets and
 * the console's dates and audit log scroll the same way. No curses here:
 * tests/unit_keymap.c checks scrolling, selection and resize headless. */
#ifndef TK_LIST_H
#define TK_LIST_H

#include <stdbool.h>

typedef struct {
    int n;   /* rows */
    int sel; /* selected row, 0..n-1 (0 when empty) */
    int top; /* first row shown */
} ls_list;

/* The rows changed (a new reply): the selection stays where it was, or
 * on the last row when there are fewer now. */
void ls_set_count(ls_list *l, int n);
/* Moves the selection by delta, clamped to the rows; false when it was
 * already at that end (nothing moved). */
bool ls_move(ls_list *l, int delta);
/* Selects row i (clamped). */
void ls_select(ls_list *l, int i);
/* Scrolls for a view of `rows` rows: the selection in view, and no blank
 * tail while there are rows above to show (after a resize or a shorter
 * list). Returns top. */
int ls_view(ls_list *l, int rows);
/* Draws the rows in view: row(ctx, i, y, selected) for y = y0, y0+1, ... */
typedef void (*ls_row_fn)(void *ctx, int i, int y, bool selected);
void ls_draw(ls_list *l, int y0, int rows, ls_row_fn row, void *ctx);

#endif
