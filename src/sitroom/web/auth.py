"""The write token: a random secret in `keys/api.token` (mode 0600), sent as a Bearer token.

Reading may be open; every write (ingest, labels, retrain, checkpoint) must present the
token, compared in constant time.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from fastapi import HTTPException, Request, status

TOKEN_FILE = Path("keys") / "api.token"


def token_path(archive_root: Path) -> Path:
    """Where an archive keeps its API write token."""
    return archive_root / TOKEN_FILE


def load_or_create_token(archive_root: Path) -> str:
    """The archive's write token, created (mode 0600) on first use."""
    path = token_path(archive_root)
    if path.exists():
        token = path.read_text(encoding="ascii").strip()
        if token:
            return token
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(token + "\n")
    os.chmod(path, 0o600)
    return token


def token_matches(expected: str, presented: str) -> bool:
    """Constant-time comparison of the presented token with the expected one."""
    return hmac.compare_digest(expected.encode("utf-8"), presented.encode("utf-8"))


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def require_writer(request: Request) -> None:
    """FastAPI dependency: refuse a write without the archive's token (or on a read-only app)."""
    state = request.app.state
    if state.access.read_only:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this server is read-only (--read-only)")
    presented = bearer_token(request)
    if presented is None or not token_matches(state.token, presented):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "writing needs the archive's token: send 'Authorization: Bearer <token>' "
            "(printed by `sitroom serve`, kept in keys/api.token)",
            headers={"WWW-Authenticate": "Bearer"},
        )
