"""Web test fixtures: the annotated fixture archive and in-process clients over it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sitroom.web.app import create_app
from tests.web.fixture_archive import build_archive

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture archive, built once per test session (never written by tests)."""
    return build_archive(tmp_path_factory.mktemp("web") / "aleppo")


@pytest.fixture
def archive_copy(built_archive: Path, tmp_path: Path) -> Path:
    """A private copy of the fixture archive that a test may write to."""
    target = tmp_path / "aleppo"
    shutil.copytree(built_archive, target)
    return target


@pytest.fixture
def client(built_archive: Path) -> Iterator[TestClient]:
    """A read-mostly client over the shared fixture archive."""
    with TestClient(create_app(built_archive, read_only=True, token=TOKEN)) as test_client:
        yield test_client


@pytest.fixture
def writer(archive_copy: Path) -> Iterator[TestClient]:
    """A client over a private copy that accepts writes with TOKEN."""
    with TestClient(create_app(archive_copy, read_only=False, token=TOKEN)) as test_client:
        yield test_client


def auth() -> dict[str, str]:
    """The Authorization header carrying the test token."""
    return {"Authorization": f"Bearer {TOKEN}"}


class LiveServer:
    """The app served by uvicorn on a free loopback port, in a background thread."""

    def __init__(self, root: Path, *, read_only: bool = False) -> None:
        import socket
        import threading
        import time

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.root = root
        app = create_app(root, read_only=read_only, token=TOKEN,
                         allowed_hosts=["127.0.0.1", "localhost"])
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Ask uvicorn to exit and wait for its thread."""
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def live_server(built_archive: Path, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[LiveServer]:
    """A real server over a private, writable copy of the fixture archive."""
    target = tmp_path_factory.mktemp("live") / "aleppo"
    shutil.copytree(built_archive, target)
    server = LiveServer(target)
    yield server
    server.stop()
