"""SIGTERM (a batch system's or ``kill``'s stop) handled like Ctrl-C: a clean exit, no partial
files.

Inside ``terminate_as_interrupt()``, SIGTERM raises ``Terminated`` (a ``KeyboardInterrupt``) in
the main thread, so the same ``except KeyboardInterrupt`` / ``finally`` clean-up runs for both
signals. ``exit_status`` gives the shell convention: 128 + the signal number (130 for SIGINT,
143 for SIGTERM).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class Terminated(KeyboardInterrupt):
    """SIGTERM received."""

    signum = signal.SIGTERM


def _raise_terminated(signum, frame) -> None:
    raise Terminated()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """Within the block SIGTERM raises ``Terminated``; the previous handler is restored after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers can only be installed from the main thread
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM held back within the block (a few renames that must not be cut in
    two) and raised again, with their usual effect, when it ends. A handler that records them
    rather than a signal mask: a signal sent to the process may be taken by any of its threads
    (numba's, Arrow's). Main thread only; elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    held = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in held}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        for s in dict.fromkeys(pending):
            signal.raise_signal(s)


def interrupt_cause(exc: BaseException) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt behind ``exc``, if any: a signal that lands inside a callback of
    compiled code (numba) reaches Python as a SystemError caused by it."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def exit_status(exc: KeyboardInterrupt) -> int:
    """128 + the signal that stopped the command (SIGINT for a plain KeyboardInterrupt)."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


__all__ = [
    "Terminated",
    "exit_status",
    "interrupt_cause",
    "signals_deferred",
    "terminate_as_interrupt",
]
