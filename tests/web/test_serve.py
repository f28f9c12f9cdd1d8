"""Serving: the token file, host checks, the `serve` command's options."""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner
from fastapi.testclient import TestClient

from sitroom.cli.serve_cmd import COMMANDS, serve
from sitroom.web.app import create_app, status_for
from sitroom.web.auth import load_or_create_token, token_matches, token_path
from sitroom.web.server import allowed_hosts_for
from tests.web.conftest import TOKEN


def test_token_created_once_with_mode_0600(archive_copy: Path) -> None:
    path = token_path(archive_copy)
    assert not path.exists()
    token = load_or_create_token(archive_copy)
    assert len(token) >= 40
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_token(archive_copy) == token
    assert token_matches(token, token) and not token_matches(token, token[:-1] + "x")


def test_hosts_allowed_by_default_bind(archive_copy: Path) -> None:
    assert "localhost" in (allowed_hosts_for("127.0.0.1") or [])
    assert allowed_hosts_for("0.0.0.0") is None
    app = create_app(archive_copy, read_only=True, token=TOKEN,
                     allowed_hosts=allowed_hosts_for("127.0.0.1"))
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        assert client.get("/api/v1/stats").status_code == 200
        rebound = client.get("/api/v1/stats", headers={"Host": "attacker.example"})
        assert rebound.status_code == 400


def test_serve_command_options() -> None:
    assert [serve] == COMMANDS
    result = CliRunner().invoke(serve, ["--help"], obj={})
    assert result.exit_code == 0
    for option in ("--host", "--port", "--read-only", "127.0.0.1", "8000"):
        assert option in result.output


def test_error_statuses() -> None:
    from sitroom.errors import ArchiveBusyError, MessageNotFoundError, QueryError, SitroomError

    assert status_for(MessageNotFoundError("x")) == 404
    assert status_for(QueryError("x")) == 400
    assert status_for(ArchiveBusyError("x")) == 409
    assert status_for(SitroomError("x")) == 400
