"""Message identity and sitroom ids: what makes two records the same message."""

from __future__ import annotations

import hashlib

from sitroom.models import Message, Notice

ID_LENGTH = 20


def message_identity(message: Message, raw_sha256: str) -> str:
    """`platform:platform_id` when the platform gives an id, else the raw hash (and sub-locator)."""
    if message.platform_id:
        return f"{message.platform}:{message.platform_id}"
    suffix = f"#{message.locator}" if message.locator else ""
    return f"{message.platform}:sha256:{raw_sha256}{suffix}"


def notice_identity(notice: Notice, raw_sha256: str) -> str:
    """A notice is the same notice when its platform, id or raw bytes, and detail agree."""
    anchor = notice.platform_id or f"sha256:{raw_sha256}#{notice.locator or ''}"
    detail = hashlib.sha256(notice.detail.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{notice.platform}:notice:{anchor}:{detail}"


def id_for(identity: str) -> str:
    """sitroom's own stable id for an identity: 20 hex digits of its SHA-256."""
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:ID_LENGTH]
