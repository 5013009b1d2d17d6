"""Kernels that move whole rows of the firm table: every column in one call.

The firm table's columns are views of one block of memory (``state/firms.py: column_block``);
``state/row_block.py: RowBlock`` gives that block as bytes and each column's start in the
block viewed by its item size (8, 4, 2 or 1 bytes). A kernel here views the block four ways
and walks all 63 columns in one call, the columns shared among the threads in groups of
about equal bytes per row (``RowBlock.groups``): each column is moved by one thread, in row
order, so the result is the same on any number of threads (these kernels only copy values).

- ``move_rows``: the year end's compaction (``FirmTable.compact``);
- ``scatter_rows``: entrants' rows (``FirmTable.append``), the given columns copied from a
  staging block, every other column zeroed (a reused row reads as a fresh one).
"""

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _move_column(view, a, rows, m, n):
    """One column (``view[a:a + n]``) compacted in place: c_j = c_{rows_j} for j < m (rows
    ascending, rows_j >= j: each row is read before a later j overwrites it), c_j = 0 for
    m <= j < n."""
    c = view[a : a + n]
    for j in range(m):
        c[j] = c[rows[j]]
    for j in range(m, n):
        c[j] = 0


@njit(cache=True, parallel=True)
def move_rows(m, rows, n, block, start, size, order, group_start):
    """Stable compaction of every firm column (``FirmTable.compact``): with ``rows`` the
    ascending rows of the living firms, for each column c
        c_j = c_{rows_j}   for j < m
        c_j = 0            for m <= j < n   (the rows given up read as fresh rows)
    In place; a column is moved by one thread (a later j may write a row an earlier j has
    still to read), the columns' groups in parallel.

    Parameters
    ----------
    m : int
        living firms (rows.size), the rows in use after the compaction
    rows : (m,) int
        the living firms' rows before it, ascending
    n : int
        rows in use before it
    block : (bytes,) uint8
        the table's block (``RowBlock.block``: its length a multiple of 8)
    start : (columns,) int
        each column's first element in the block viewed by its item size
    size : (columns,) int
        each column's item size, bytes
    order : (columns,) int
        the columns, group by group
    group_start : (groups + 1,) int
        group g is ``order[group_start[g]:group_start[g + 1]]``
    """
    b8, b4, b2 = block.view(np.uint64), block.view(np.uint32), block.view(np.uint16)
    b1 = block
    for g in prange(group_start.size - 1):
        for t in range(group_start[g], group_start[g + 1]):
            k = order[t]
            if size[k] == 8:
                _move_column(b8, start[k], rows, m, n)
            elif size[k] == 4:
                _move_column(b4, start[k], rows, m, n)
            elif size[k] == 2:
                _move_column(b2, start[k], rows, m, n)
            else:
                _move_column(b1, start[k], rows, m, n)


@njit(cache=True)
def _scatter_column(dst, a, n, src, b, rows, given):
    """One column's entrants: d_{rows_j} = s_j (``given``) or 0, with d = ``dst[a:a + n]``
    and s = ``src[b:]``, the staging block's column."""
    d = dst[a : a + n]
    if given:
        s = src[b : b + rows.size]
        for j in range(rows.size):
            d[rows[j]] = s[j]
    else:
        for j in range(rows.size):
            d[rows[j]] = 0


@njit(cache=True, parallel=True)
def scatter_rows(rows, n, given, staged, staged_start, block, start, size, order, group_start):
    """Entrants' rows (``FirmTable.append``): for every column c and entrant j
        c_{rows_j} = staged_c,j   if column c is given (written to the staging block)
        c_{rows_j} = 0            otherwise (a reused row reads as a fresh one)
    Rows are distinct, each column is written by one thread, the columns' groups in parallel.

    Parameters
    ----------
    rows : (count,) int
        the entrants' rows in the table, distinct
    n : int
        rows in use (every row < n)
    given : (columns,) bool
        columns whose values are staged
    staged, staged_start : the staging block and each column's first element in it
    block, start, size, order, group_start : the table's, as for ``move_rows``
        (``RowBlock.kernel_args``)
    """
    d8, d4, d2 = block.view(np.uint64), block.view(np.uint32), block.view(np.uint16)
    s8, s4, s2 = staged.view(np.uint64), staged.view(np.uint32), staged.view(np.uint16)
    d1, s1 = block, staged
    for g in prange(group_start.size - 1):
        for t in range(group_start[g], group_start[g + 1]):
            k = order[t]
            if size[k] == 8:
                _scatter_column(d8, start[k], n, s8, staged_start[k], rows, given[k])
            elif size[k] == 4:
                _scatter_column(d4, start[k], n, s4, staged_start[k], rows, given[k])
            elif size[k] == 2:
                _scatter_column(d2, start[k], n, s2, staged_start[k], rows, given[k])
            else:
                _scatter_column(d1, start[k], n, s1, staged_start[k], rows, given[k])
