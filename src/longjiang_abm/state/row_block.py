"""The firm table's block seen by the row kernels (``kernels/rows.py``).

Every column of a ``FirmTable`` is a view of one zeroed block (``firms.py: column_block``).
``RowBlock`` holds that block (as bytes) and where each column starts in the block viewed by
its item size: a numba kernel can then reach all the columns, of every dtype, through one
argument. Each column starts on a 64-byte line of memory and the block on an 8-byte boundary
(both checked), so each column starts a whole number of its items from the block's start.
"""

from __future__ import annotations

import numba
import numpy as np


def _owner(arr: np.ndarray) -> np.ndarray:
    """The array that owns ``arr``'s memory."""
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


class RowBlock:
    """``columns`` (name -> array, all views of one block) as the row kernels read them:
    ``block`` (the bytes, a multiple of 8 of them), ``start`` (each column's first element in
    the block viewed by its item size) and ``size`` (its item size, bytes), in the order of
    ``columns``."""

    def __init__(self, columns: dict[str, np.ndarray]):
        arrays = list(columns.values())
        block = _owner(arrays[0])
        if block.dtype != np.uint8 or any(_owner(a) is not block for a in arrays):
            raise ValueError("the columns are not views of one uint8 block")
        base = block.ctypes.data
        if base % 8:
            raise ValueError("the block is not 8-byte aligned")
        self.block = block[: block.size // 8 * 8]
        self.names = list(columns)
        self.size = np.array([a.itemsize for a in arrays], dtype=np.int64)
        offsets = np.array([a.ctypes.data - base for a in arrays], dtype=np.int64)
        if np.any(offsets % self.size):
            raise ValueError("a column does not start on a whole item of its size")
        self.start = offsets // self.size
        self._groups: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def groups(self, threads: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The columns shared among ``threads`` groups (default: numba's threads now) of about
        equal bytes per row, largest first into the lightest group: ``order`` (the columns,
        group by group) and ``group_start`` (group g is ``order[group_start[g]:group_start[g +
        1]]``). The grouping decides only which thread moves a column, never a value."""
        t = max(1, int(threads or numba.get_num_threads()))
        if t not in self._groups:
            bins: list[list[int]] = [[] for _ in range(t)]
            load = np.zeros(t, dtype=np.int64)
            for k in np.argsort(-self.size, kind="stable").tolist():
                g = int(np.argmin(load))
                bins[g].append(k)
                load[g] += self.size[k]
            order = np.array([k for b in bins for k in b], dtype=np.int64)
            group_start = np.cumsum([0] + [len(b) for b in bins]).astype(np.int64)
            self._groups[t] = order, group_start
        return self._groups[t]

    def kernel_args(self, threads: int | None = None) -> dict:
        """The table's keyword arguments of the row kernels (``kernels/rows.py``: ``block``,
        ``start``, ``size``, ``order``, ``group_start``)."""
        order, group_start = self.groups(threads)
        return dict(
            block=self.block,
            start=self.start,
            size=self.size,
            order=order,
            group_start=group_start,
        )
