/* tui/ui/list.c -- selection and scrolling of a list. */
#include "tui/ui/list.h"

static int ls_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

void ls_set_count(ls_list *l, int n)
{
    l->n = n > 0 ? n : 0;
    l->sel = ls_clamp(l->sel, 0, l->n > 0 ? l->n - 1 : 0);
}

bool ls_move(ls_list *l, int delta)
{
    int was = l->sel;
    l->sel = ls_clamp(l->sel + delta, 0, l->n > 0 ? l->n - 1 : 0);
    return l->sel != was;
}

void ls_select(ls_list *l, int i) { l->sel = ls_clamp(i, 0, l->n > 0 ? l->n - 1 : 0); }

int ls_view(ls_list *l, int rows)
{
    if (rows < 1)
        rows = 1;
    if (l->top > l->n - rows) /* a blank tail: show more above */
        l->top = l->n - rows;
    if (l->top < 0)
        l->top = 0;
    if (l->sel < l->top)
        l->top = l->sel;
    if (l->sel >= l->top + rows)
        l->top = l->sel - rows + 1;
    return l->top;
}

void ls_draw(ls_list *l, int y0, int rows, ls_row_fn row, void *ctx)
{
    ls_view(l, rows);
    for (int i = l->top; i < l->n && i - l->top < rows; i++)
        row(ctx, i, y0 + i - l->top, i == l->sel);
}
