"""Slow clients cannot pin the server: gunicorn with the repository's gunicorn.conf.py keeps answering while
connections that sent only part of their headers are held open.

Runs in the normal suite; skips (saying why) when gunicorn cannot start on this machine.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import migrate
from registry.db import make_engine

REPO = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_SECONDS = 30
# The bound on the normal request while the slow ones are held: far below gunicorn's 30 s worker timeout, which is
# how long a sync worker stayed pinned. Not a timing assertion: the request either answers or the socket times out.
ANSWER_WITHIN = 10

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def _get(port: int, path: str, timeout: float) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[int]:
    """gunicorn serving the registry on a new SQLite file, on a free port of 127.0.0.1; yields the port."""
    url = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("REGISTRY_", "DATABASE_URL"))}
    env.update({"DATABASE_URL": url, "REGISTRY_DATA_DIR": str(tmp_path), "REGISTRY_ENV": "development"})
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--no-control-socket",
        "--config",
        str(REPO / "gunicorn.conf.py"),
        "--bind",
        f"{HOST}:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        try:
            process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
        except OSError as exc:
            pytest.skip(f"gunicorn cannot start: {exc}")
        try:
            deadline = time.monotonic() + START_SECONDS
            while True:
                if process.poll() is not None:
                    pytest.skip(f"gunicorn exited at start-up: {log.read_text(errors='replace')[-500:]}")
                try:
                    if _get(port, "/api/v1/health", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.skip(f"gunicorn did not answer within {START_SECONDS} s")
                time.sleep(0.2)
            yield port
        finally:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)


def test_the_server_uses_threaded_workers_from_its_config() -> None:
    config: dict[str, object] = {}
    exec((REPO / "gunicorn.conf.py").read_text(), config)  # noqa: S102  (our own settings file)
    assert config["worker_class"] == "gthread"
    assert isinstance(config["threads"], int) and config["threads"] >= 2
    assert "0.0.0.0" not in (REPO / "Makefile").read_text()


def test_threads_are_sized_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REGISTRY_WEB_THREADS", "3")
    config: dict[str, object] = {}
    exec((REPO / "gunicorn.conf.py").read_text(), config)  # noqa: S102
    assert config["threads"] == 3
    monkeypatch.setenv("REGISTRY_WEB_THREADS", "many")
    with pytest.raises(SystemExit, match="REGISTRY_WEB_THREADS must be a whole number"):
        exec((REPO / "gunicorn.conf.py").read_text(), {})  # noqa: S102


def test_two_slow_header_connections_do_not_stop_a_normal_request(server: int) -> None:
    slow: list[socket.socket] = []
    try:
        for number in range(2):
            connection = socket.create_connection((HOST, server), timeout=5)
            # A request line and one header, then nothing: the blank line that ends the headers never comes.
            connection.sendall(f"GET /api/v1/health HTTP/1.1\r\nHost: slow-{number}\r\n".encode())
            slow.append(connection)
        time.sleep(0.5)  # let the server accept them and start waiting for the rest
        status, body = _get(server, "/api/v1/health", timeout=ANSWER_WITHIN)
        assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
        # And again: the first answer was not a lucky free slot.
        assert _get(server, "/api/v1/health", timeout=ANSWER_WITHIN)[0] == 200
        # The held connections are still open, waiting for their headers: they were not simply dropped.
        for connection in slow:
            connection.setblocking(False)
            try:
                assert connection.recv(1) != b"", "the server closed a slow connection at once"
            except BlockingIOError:
                pass
            finally:
                connection.setblocking(True)
    finally:
        for connection in slow:
            connection.close()
