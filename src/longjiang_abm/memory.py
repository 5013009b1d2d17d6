"""Memory management for large populations: the garbage collector's pace, and where the heap's
memory comes from and goes back to (glibc; elsewhere ``map_large_arrays``, ``reuse_heap``
and ``release_free_heap`` do nothing).

Python's cyclic garbage collector scans every tracked object when it collects its oldest
generation, which it does whenever the objects promoted since the last such scan exceed a
quarter of the long-lived ones. The quarterly step creates no Firm agents (they are made when a
script or the UI first looks at the firms), but once a script has looked at a million firms
each scan costs about 0.2 s, and any steady allocation of Python objects then triggers one
every few quarters. ``pace_full_collections`` makes those scans 100 times rarer.

glibc serves a block from the heap or maps it on its own (mmap) above a threshold. Two
settings, each for a purpose:

- **the quarters of a large model** (``map_large_arrays``, 1 MB, the heap's top trimmed above
  64 MB free): below glibc's adaptive threshold (which rises to 32 MB after the first large
  free) the quarters' population-sized temporaries would stay in the heap once freed and count
  as resident memory (about 140 MB at a million firms); mapped, each goes back to the OS when
  freed. The smaller ones (every float temporary up to 131,072 firms, the narrower ones
  beyond) stay in the heap, whose top glibc would give back above 128 kB free: each quarter
  then faulted their pages in afresh (a few per cent of the quarter's time at 100,000 firms);
  trimmed above 64 MB, they reuse the pages of those freed before them (peak memory per firm
  up by about 2% at 100,000 firms, unchanged at a million: docs/performance.md item 25).
- **building a large population, and every run of a sweep** (``reuse_heap``, 32 MB, the heap's
  top trimmed above 64 MB free): temporaries reuse the pages of those freed before them
  instead of being mapped afresh and faulted in page by page. ``heap_for_build`` holds it
  while a model is built and then sets the quarters' setting; ``release_free_heap`` trims
  what the build left free. Sweeps set it before every run (``sweep/task.py``).

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
QUARTERS_TRIM_THRESHOLD = 64 << 20  # the heap's top kept in the quarters of a large model


_SETTING: tuple[int, int] | None = None  # the last (mmap threshold, trim threshold) set


def map_large_arrays(threshold: int = 1 << 20, trim: int = QUARTERS_TRIM_THRESHOLD) -> None:
    """Allocate blocks of at least ``threshold`` bytes with mmap (returned when freed); give the
    heap's top back to the OS when more than ``trim`` bytes of it are free."""
    global _SETTING
    mallopt = getattr(_LIBC, "mallopt", None)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, threshold)
        mallopt(M_TRIM_THRESHOLD, trim)
        _SETTING = (threshold, trim)


def heap_setting() -> tuple[int, int] | None:
    """The (mmap threshold, trim threshold) this module last set in this process, in bytes
    (None: never set, or no glibc)."""
    return _SETTING


HEAP_MMAP_THRESHOLD = 32 << 20  # glibc's largest mmap threshold on 64-bit systems
REUSE_HEAP = (HEAP_MMAP_THRESHOLD, 2 * HEAP_MMAP_THRESHOLD)


def reuse_heap() -> None:
    """Blocks below 32 MB come from the heap, whose top goes back to the OS only when more than
    64 MB of it are free (at most that much free memory stays resident): temporaries reuse
    the pages of those freed before them instead of each being mapped afresh and faulted in
    page by page. Used

    - while a large population is built (``heap_for_build``): at a million firms the build
      faulted in 250,000 pages, 134,000 with this and the opening books' kernel (0.45-0.6 s of
      system time before, 0.24-0.27 s after);
    - before every run of a sweep (``sweep/task.py: run_one``): Dask's nanny starts its
      workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns glibc's adaptive mmap
      threshold off at 128 kB, so that every temporary of a 35,000-firm run was mapped and
      faulted in afresh (3.5 times the page faults of a plain process, about 25% more CPU
      time a run). Where the runs are small this is close to what glibc's adaptive threshold
      settles to in a plain process (the largest block freed, at most 32 MB, trimmed above
      twice that); a worker and the serial executor now behave alike.
    """
    map_large_arrays(*REUSE_HEAP)


@contextlib.contextmanager
def heap_for_build(large: bool):
    """While inside, a ``large`` model's build reuses the heap (``reuse_heap``); on leaving,
    even by an error, its quarters map their population-sized temporaries
    (``map_large_arrays``). Nothing happens for a small model."""
    if large:
        reuse_heap()
    try:
        yield
    finally:
        if large:
            map_large_arrays()


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
