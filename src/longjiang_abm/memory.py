"""Memory management for large populations: the garbage collector's pace, and returning freed
memory to the operating system (glibc; elsewhere ``map_large_arrays`` and
``release_free_heap`` do nothing).

Python's cyclic garbage collector scans every tracked object when it collects its oldest
generation, which it does whenever the objects promoted since the last such scan exceed a
quarter of the long-lived ones. The quarterly step creates no Firm agents (they are made when a
script or the UI first looks at the firms), but once a script has looked at a million firms
each scan costs about 0.2 s, and any steady allocation of Python objects then triggers one
every few quarters. ``pace_full_collections`` makes those scans 100 times rarer.

Building a large population allocates many temporary arrays below glibc's adaptive mmap
threshold (which rises to 32 MB after the first large free); once freed, their pages stay in
the process's heap and count as resident memory (about 140 MB at a million firms), and each
quarter's temporaries add a little more. ``map_large_arrays`` fixes the threshold at 1 MB, so
population-sized temporaries are mapped and unmapped; ``release_free_heap`` trims what the
heap holds free. The build itself runs with the threshold at 32 MB (``reuse_heap``):
mapping each of its temporaries afresh cost a page fault per 4 KiB written, and the heap's
pages it leaves free are trimmed when it ends.

numpy asks the kernel for transparent huge pages for every array of 4 MB or more
(``madvise(MADV_HUGEPAGE)``). Where the kernel's THP ``defrag`` setting is ``madvise`` (its
default), each first touch of such a page may stall on a synchronous compaction to find 2 MB of
contiguous memory; on the shared 2-core VM this made the million-firm build spend 1.5-2 s in
the kernel (0.9 s of it writing the fresh firm table). ``small_pages`` turns the request off
while the population is built.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_LIBC = _libc()


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # mallopt parameters (malloc.h)
DEFAULT_TRIM_THRESHOLD = 128 * 1024  # glibc's


def map_large_arrays(threshold: int = 1 << 20, trim: int = DEFAULT_TRIM_THRESHOLD) -> None:
    """Allocate blocks of at least ``threshold`` bytes with mmap (returned when freed); give the
    heap's top back to the OS when more than ``trim`` bytes of it are free."""
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, threshold)
        mallopt(M_TRIM_THRESHOLD, trim)


HEAP_MMAP_THRESHOLD = 32 << 20  # glibc's largest mmap threshold on 64-bit systems


def reuse_heap() -> None:
    """Blocks below 32 MB come from the heap, whose top goes back to the OS only when more than
    64 MB of it are free: temporaries reuse the pages of those freed before them instead of
    each being mapped afresh and faulted in page by page. Used

    - while a large population is built (at a million firms: 80,000 fewer page faults, about
      0.2 s of the build; the table's block, hundreds of MB, is mapped either way), followed
      by ``map_large_arrays`` and ``release_free_heap`` once built;
    - by every process of a sweep before its first run (``sweep/task.py: warm_up``): Dask's
      nanny starts its workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns glibc's
      adaptive mmap threshold off at 128 kB, so that every temporary of a 35,000-firm run was
      mapped and faulted in afresh (3.5 times the page faults of a plain process, about 25%
      more CPU time a run). Where the runs are small this is what glibc's adaptive threshold
      settles to in a plain process; a worker and the serial executor now behave alike.
    """
    map_large_arrays(HEAP_MMAP_THRESHOLD, trim=2 * HEAP_MMAP_THRESHOLD)


MADV_DONTNEED = 4  # madvise advice (Linux)
PAGE = 4096


def release_pages(arr) -> None:
    """Give the whole pages inside ``arr``'s buffer back to the OS (they read as zeros after);
    for arrays whose contents are no longer needed but whose block is still referenced."""
    madvise = getattr(_LIBC, "madvise", None)
    if madvise is None or arr.nbytes < PAGE:
        return
    lo, hi = arr.ctypes.data, arr.ctypes.data + arr.nbytes
    first, last = -(-lo // PAGE) * PAGE, hi // PAGE * PAGE
    if last > first:
        madvise(ctypes.c_void_p(first), ctypes.c_size_t(last - first), MADV_DONTNEED)


def release_free_heap() -> None:
    """``malloc_trim(0)`` where glibc provides it."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


def _numpy_madvise_hugepage():
    """numpy's switch for its huge-page requests (``_set_madvise_hugepage(bool)``, which returns
    the previous setting; ``numpy._core`` from numpy 2, ``numpy.core`` before), or None."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            return None
    return _set_madvise_hugepage


@contextlib.contextmanager
def small_pages():
    """While inside, numpy's new arrays do not ask for transparent huge pages (ordinary 4 KiB
    pages, faulted in without compaction); the previous setting is restored on leaving. Only
    where the memory comes from changes, never the arrays' values."""
    switch = _numpy_madvise_hugepage()
    previous = switch(False) if switch is not None else None
    try:
        yield
    finally:
        if switch is not None:
            switch(previous)


def pace_full_collections(factor: int = 100) -> None:
    """Collect the oldest generation ``factor`` times less often than Python's default."""
    g0, g1, g2 = gc.get_threshold()
    gc.set_threshold(g0, g1, max(g2, 10 * factor))
