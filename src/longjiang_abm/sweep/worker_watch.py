"""The driver's watch over its workers: when every worker job is lost (cancelled, wall time,
node failure) and none comes back, the sweep stops with a message instead of waiting forever
(with multi-core jobs Dask may not replace them: dask/distributed#9102)."""

from __future__ import annotations

import threading
import time


class WorkerWatch:
    """A thread that cancels ``futures`` once no worker has been connected for ``wait`` s."""

    def __init__(self, client, futures, wait: float):
        self.client, self.futures, self.wait = client, futures, float(wait)
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="worker-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        seen = time.monotonic()
        while not self._stop.wait(min(5.0, self.wait / 4)):
            try:
                n = len(self.client.scheduler_info(n_workers=-1).get("workers", {}))
            except Exception:  # noqa: BLE001 - a scheduler hiccup is not a lost worker
                continue
            now = time.monotonic()
            if n:
                seen = now
            elif now - seen > self.wait:
                self.lost = True
                self.client.cancel(self.futures)
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
