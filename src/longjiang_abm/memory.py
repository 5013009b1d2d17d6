"""Returning freed memory to the operating system (glibc; elsewhere these do nothing).

Building a large population allocates many temporary arrays below glibc's adaptive mmap
threshold (which rises to 32 MB after the first large free); once freed, their pages stay in
the process's heap and count as resident memory (about 140 MB at a million firms), and each
quarter's temporaries add a little more. ``map_large_arrays`` fixes the threshold at 1 MB, so
population-sized temporaries are mapped and unmapped; ``release_free_heap`` trims what the
heap holds free.
"""

from __future__ import annotations

import ctypes
import ctypes.util


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_LIBC = _libc()


M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)


def map_large_arrays(threshold: int = 1 << 20) -> None:
    """Allocate blocks of at least ``threshold`` bytes with mmap (returned when freed)."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, threshold)


def release_free_heap() -> None:
    """``malloc_trim(0)`` where glibc provides it."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)
