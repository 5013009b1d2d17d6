"""Server-side protection of ``longjiang ui``: who may control it and how much each may run.

An ASGI middleware in front of Solara's Starlette app (``install``):

- **Host check** (DNS rebinding): every HTTP and websocket request must name a host of this
  server in its ``Host`` header: ``localhost``, ``127.0.0.1``, ``::1``, the ``--host`` it binds
  to (and the machine's own names when that is ``0.0.0.0`` / ``::``), or one listed in
  ``$LONGJIANG_UI_ALLOWED_HOSTS`` (comma-separated, for a reverse proxy). Others get 403.
- **Origin check** (cross-site control): a websocket (the page's control channel) must come
  from a page of this server: its ``Origin`` present, an allowed host, this server's port. Any
  other web page, ``Origin: null`` or a missing Origin is refused before the socket opens;
  HTTP requests other than GET and HEAD that carry an Origin are checked the same way.
- **Sessions per client**: a client address holds at most ``MAX_SESSIONS`` sessions (Solara
  kernels; each holds two models, the run and its reference); one more is refused (1008).
  ``$LONGJIANG_UI_MAX_SESSIONS`` changes it; Solara's ``kernel.max_count`` caps all clients.
- **Population per model**: ``max_firms()`` (default 200,000, ``$LONGJIANG_UI_MAX_FIRMS``);
  ``Session.reset`` refuses larger populations.
- **Idle sessions freed**: a session whose page sent nothing for ``IDLE_SECONDS`` (default 30
  minutes, ``$LONGJIANG_UI_IDLE_SECONDS``) is closed and its models freed; a closed tab's
  session is freed after ``CULL_TIMEOUT`` (Solara's cull timeout, default 24 h, set to 2 min).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import threading
import time
from urllib.parse import urlsplit

LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
KERNEL_PATH = "/jupyter/api/kernels/"
MAX_SESSIONS = 4
MAX_FIRMS = 200_000
IDLE_SECONDS = 30 * 60.0
CULL_TIMEOUT = "2m"
SWEEP_SECONDS = 30.0


def _env_number(name: str, default: float, kind=int) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"${name}={text!r}: expected a positive {kind.__name__}") from None
    if value <= 0:
        raise ValueError(f"${name}={text!r}: expected a positive number")
    return value


def max_firms() -> int:
    """Largest population of one UI model."""
    return int(_env_number("LONGJIANG_UI_MAX_FIRMS", MAX_FIRMS))


def check_settings() -> None:
    """Raise ValueError (one line) if a ``$LONGJIANG_UI_*`` setting is malformed."""
    top = max_firms()
    firms = _env_number("LONGJIANG_UI_FIRMS", 1)
    if firms > top:
        raise ValueError(f"$LONGJIANG_UI_FIRMS={firms}: allowed range 1 to {top} firms")
    _env_number("LONGJIANG_UI_MAX_SESSIONS", MAX_SESSIONS)
    _env_number("LONGJIANG_UI_IDLE_SECONDS", IDLE_SECONDS, float)


def _hostname(netloc: str) -> str:
    """The host part of ``host[:port]`` / ``[v6]:port``, lower case."""
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")].lower() if "]" in netloc else ""
    return netloc.rsplit(":", 1)[0].lower() if netloc.count(":") == 1 else netloc.lower()


def allowed_hosts(bind: str) -> set[str]:
    hosts = set(LOCAL_NAMES)
    extra = os.environ.get("LONGJIANG_UI_ALLOWED_HOSTS", "")
    hosts |= {h.strip().lower() for h in extra.split(",") if h.strip()}
    if bind in ("0.0.0.0", "::", ""):
        name = socket.gethostname()
        hosts |= {name.lower(), socket.getfqdn(name).lower()}
    else:
        hosts.add(bind.lower().strip("[]"))
    return hosts


class Guard:
    """The ASGI middleware (see the module's docstring)."""

    def __init__(self, app, bind: str = "127.0.0.1", port: int = 0):
        self.app = app
        self.hosts = allowed_hosts(bind)
        self.port = port
        self.max_sessions = int(_env_number("LONGJIANG_UI_MAX_SESSIONS", MAX_SESSIONS))
        self.idle = float(_env_number("LONGJIANG_UI_IDLE_SECONDS", IDLE_SECONDS, float))
        self.lock = threading.Lock()
        self.by_client: dict[str, set[str]] = {}
        self.last_seen: dict[str, float] = {}
        self.sockets: dict[str, int] = {}  # kernel -> open websockets
        self.idle_events: dict[str, asyncio.Event] = {}
        self.sweeper: asyncio.Task | None = None

    # --- checks -----------------------------------------------------------------------------
    def host_ok(self, scope) -> bool:
        host = _header(scope, b"host")
        return host is not None and _hostname(host) in self.hosts

    def origin_ok(self, origin: str | None) -> bool:
        if not origin or origin == "null":
            return False
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return False
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.hostname.lower() in self.hosts and (not self.port or port == self.port)

    # --- ASGI -------------------------------------------------------------------------------
    async def __call__(self, scope, receive, send):
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        if self.sweeper is None and self.idle:
            self.sweeper = asyncio.get_running_loop().create_task(self._free_idle())
        if not self.host_ok(scope):
            return await _refuse(scope, receive, send, "unknown Host header")
        if kind == "http":
            method = scope.get("method", "GET")
            origin = _header(scope, b"origin")
            if method not in ("GET", "HEAD") and origin is not None and not self.origin_ok(origin):
                return await _refuse(scope, receive, send, "cross-origin request")
            return await self.app(scope, receive, send)
        if not self.origin_ok(_header(scope, b"origin")):
            return await _refuse(scope, receive, send, "cross-origin websocket")
        path = scope.get("path", "")
        if not path.startswith(KERNEL_PATH):
            return await self.app(scope, receive, send)
        kernel = path[len(KERNEL_PATH) :].split("/", 1)[0]
        client = (scope.get("client") or ("?", 0))[0]
        with self.lock:
            live = self._live(client)
            if kernel not in live and len(live) >= self.max_sessions:
                refuse = True
            else:
                refuse = False
                self.by_client.setdefault(client, set()).add(kernel)
                self.sockets[kernel] = self.sockets.get(kernel, 0) + 1
                self.last_seen[kernel] = time.monotonic()
                idle = self.idle_events.setdefault(kernel, asyncio.Event())
        if refuse:
            return await _refuse(scope, receive, send, "too many sessions from this client")

        async def receive_until_idle():
            """The client's next message, or a disconnect once the session is freed."""
            message = asyncio.ensure_future(receive())
            freed = asyncio.ensure_future(idle.wait())
            await asyncio.wait({message, freed}, return_when=asyncio.FIRST_COMPLETED)
            if message.done():
                freed.cancel()
                self.last_seen[kernel] = time.monotonic()
                return message.result()
            message.cancel()
            with contextlib.suppress(Exception):
                await send({"type": "websocket.close", "code": 1001, "reason": "idle"})
            return {"type": "websocket.disconnect", "code": 1001}

        try:
            return await self.app(scope, receive_until_idle, send)
        finally:
            with self.lock:
                self.sockets[kernel] -= 1
                if self.sockets[kernel] <= 0:
                    del self.sockets[kernel]

    def _live(self, client: str) -> set[str]:
        """The sessions of ``client`` that hold something: an open socket or a kernel."""
        from solara.server import kernel_context

        live = {
            k
            for k in self.by_client.get(client, set())
            if k in self.sockets or k in kernel_context.contexts
        }
        self.by_client[client] = live
        return live

    async def _free_idle(self) -> None:
        """Free the sessions whose page has been silent for ``self.idle`` seconds: their
        sockets are closed and their kernels (with the models) shut down."""
        from solara.server import kernel_context

        while True:
            await asyncio.sleep(min(SWEEP_SECONDS, self.idle / 2))
            now = time.monotonic()
            with self.lock:
                stale = [k for k, seen in self.last_seen.items() if now - seen > self.idle]
                for kernel in stale:
                    del self.last_seen[kernel]
                    event = self.idle_events.pop(kernel, None)
                    if event is not None:
                        event.set()
                    for held in self.by_client.values():
                        held.discard(kernel)
            for kernel in stale:
                context = kernel_context.contexts.get(kernel)
                if context is not None:
                    with contextlib.suppress(Exception):
                        context.close("idle")


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


async def _refuse(scope, receive, send, reason: str) -> None:
    if scope["type"] == "websocket":
        await send({"type": "websocket.close", "code": 1008, "reason": reason})
        return
    body = f"403 Forbidden: {reason}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(body))],
        }
    )
    await send({"type": "http.response.body", "body": body})


def install(host: str, port: int) -> None:
    """Put ``Guard`` in front of Solara's app and shorten its cull timeout (before the server
    starts; ``$SOLARA_KERNEL_CULL_TIMEOUT`` wins)."""
    # solara.server.app registers the page when imported, from $SOLARA_APP (which Solara's
    # command sets too, later, to the same module)
    os.environ["SOLARA_APP"] = "longjiang_abm.ui.app"
    from solara.server import settings
    from solara.server import starlette as solara_app

    if "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
        settings.kernel.cull_timeout = CULL_TIMEOUT
    if not any(m.cls is Guard for m in solara_app.app.user_middleware):
        solara_app.app.add_middleware(Guard, bind=host, port=port)


__all__ = ["Guard", "allowed_hosts", "check_settings", "install", "max_firms"]
