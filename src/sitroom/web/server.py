"""Run the dashboard with uvicorn: bound to 127.0.0.1 by default, prints URL and token."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import uvicorn

from sitroom.config import locate_archive
from sitroom.web.app import create_app
from sitroom.web.auth import load_or_create_token, token_path

log = logging.getLogger(__name__)

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]", "::1")


def allowed_hosts_for(host: str) -> list[str] | None:
    """Host names the server answers to (DNS-rebinding defence); None for a wildcard bind."""
    if host in ("0.0.0.0", "::", ""):
        return None
    return sorted({host, *LOOPBACK_NAMES}) if host in LOOPBACK_NAMES else [host]


def serve(archive_root: Path, host: str = "127.0.0.1", port: int = 8000, read_only: bool = False,
          *, announce: Callable[[str], None] = print) -> None:
    """Serve the dashboard and API over one archive until interrupted."""
    root = locate_archive(str(archive_root)).root
    token = load_or_create_token(root)
    app = create_app(root, read_only=read_only, token=token,
                     allowed_hosts=allowed_hosts_for(host))
    shown = f"[{host}]" if ":" in host else host
    announce(f"sitroom dashboard: http://{shown}:{port}/")
    if read_only:
        announce("read-only: writes (ingest, labels, retrain, checkpoints) are disabled")
    else:
        announce(f"write token (Authorization: Bearer ...; also in {token_path(root)}):")
        announce(token)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
