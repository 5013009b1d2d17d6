"""The UI server refuses control from other web pages and limits what each client holds
(issue 16, item 3): a real ``longjiang ui`` process, real HTTP requests and websockets.

- a ``Host`` header naming another site (DNS rebinding) gets 403; the server's own names 200;
- a websocket from another web page (its ``Origin``), ``Origin: null`` or none is refused
  before it opens; one from the server's own page opens;
- a client holding ``LONGJIANG_UI_MAX_SESSIONS`` sessions is refused one more;
- a session whose page stays silent past ``LONGJIANG_UI_IDLE_SECONDS`` is freed (its slot is
  then given to a new session).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from longjiang_abm.ui import guard

pytestmark = pytest.mark.timeout(600)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _ui_server(log: Path, **settings: str):
    """A real ``longjiang ui`` process on a free port with these $LONGJIANG_UI_* settings."""
    port = _free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LONGJIANG_UI_FIRMS": "300", **settings}
    script = Path(sys.executable).with_name("longjiang")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "longjiang_abm"]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cmd, "ui", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env
        )
    try:
        for _ in range(600):  # up to ~2 minutes on a busy machine
            assert proc.poll() is None, log.read_text()
            try:
                if _get(port, "127.0.0.1")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the UI server did not start:\n" + log.read_text())
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """Two sessions per client; idle sessions kept (for the checks that do not wait)."""
    log = tmp_path_factory.mktemp("ui") / "server.log"
    with _ui_server(log, LONGJIANG_UI_MAX_SESSIONS="2", LONGJIANG_UI_IDLE_SECONDS="1e9") as p:
        yield p


def _get(port: int, host: str) -> tuple[int, bytes]:
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request("GET", "/", headers={"Host": host})
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def _kernel_ws(port: int, origin: str | None, kernel: str | None = None):
    kernel = kernel or str(uuid.uuid4())
    url = f"ws://127.0.0.1:{port}/jupyter/api/kernels/{kernel}/channels?session_id={uuid.uuid4()}"
    return connect(url, origin=origin, open_timeout=60, close_timeout=5)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
def test_a_foreign_host_header_is_refused(server, host):
    status, body = _get(server, host)
    assert status == 403 and b"Host" in body


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_the_servers_own_names_are_served(server, host):
    assert _get(server, f"{host}:{server}")[0] == 200


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", None, "http://127.0.0.1:1", "file://"]
)
def test_a_websocket_from_another_page_is_refused(server, origin):
    with pytest.raises(InvalidStatus) as info:
        _kernel_ws(server, origin)
    assert info.value.response.status_code == 403


def test_sessions_per_client_are_limited(server):
    own = f"http://127.0.0.1:{server}"
    first = _kernel_ws(server, own)
    second = _kernel_ws(server, own)
    with pytest.raises(InvalidStatus) as info:
        _kernel_ws(server, own)
    assert info.value.response.status_code == 403
    again = _kernel_ws(server, own, kernel=_kernel_of(first))  # a held session reconnects
    for ws in (first, second, again):
        ws.close()


def _kernel_of(ws) -> str:
    return ws.request.path.split("/")[4]


def test_a_silent_session_is_freed_and_its_slot_given_to_another(tmp_path):
    with _ui_server(
        tmp_path / "server.log", LONGJIANG_UI_MAX_SESSIONS="1", LONGJIANG_UI_IDLE_SECONDS="2"
    ) as port:
        own = f"http://127.0.0.1:{port}"
        first = _kernel_ws(port, own)
        second = None
        for _ in range(1200):  # freed after 2 s of silence; allow minutes on a busy machine
            try:
                second = _kernel_ws(port, own)
                break
            except InvalidStatus as exc:
                assert exc.response.status_code == 403
                time.sleep(0.1)
        assert second is not None, "the silent session was never freed"
        for ws in (first, second):
            ws.close()


def test_settings_are_checked_before_the_server_starts(monkeypatch, capsys):
    from longjiang_abm.ui.app import serve

    for name, value in [
        ("LONGJIANG_UI_MAX_FIRMS", "lots"),
        ("LONGJIANG_UI_FIRMS", "-5"),
        ("LONGJIANG_UI_IDLE_SECONDS", "0"),
    ]:
        monkeypatch.setenv(name, value)
        assert serve("127.0.0.1", _free_port()) == 2
        err = capsys.readouterr().err
        assert name in err and err.count("\n") == 1
        monkeypatch.delenv(name)
    monkeypatch.setenv("LONGJIANG_UI_FIRMS", str(guard.max_firms() + 1))
    assert serve("127.0.0.1", _free_port()) == 2
    assert "allowed range" in capsys.readouterr().err
