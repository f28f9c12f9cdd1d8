"""Time formatting shared by every layer: RFC 3339 UTC strings with a trailing `Z`."""

from __future__ import annotations

from datetime import UTC, datetime


def to_rfc3339(moment: datetime) -> str:
    """Format an aware datetime as RFC 3339 UTC (`2016-12-13T10:22:00Z`); naive means UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
    )
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def utc_now() -> str:
    """The current time as RFC 3339 UTC."""
    return to_rfc3339(datetime.now(UTC))


def parse_iso(value: str) -> datetime:
    """Parse an ISO 8601 / RFC 3339 time (a trailing `Z` allowed); raises ValueError."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    return datetime.fromisoformat(text)
