"""Generic JSON Lines: one JSON object per line with at least a `text` field.

This is the format of last resort for any tool that can write JSON: `id`, `created_at`,
`author`, `platform`, `url` and `lang` are understood, every other field is kept under
`extra.fields`. It also holds the loose time parsing shared with the CSV adapter.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, tzinfo
from email.utils import parsedate_to_datetime
from typing import BinaryIO, ClassVar, cast
from zoneinfo import ZoneInfo

import orjson

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import JsonObject, JsonValue, Message, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.timeutil import parse_iso, to_rfc3339

logger = logging.getLogger(__name__)

# One line is one record, so it is read whole; beyond this it is cut and rejected.
MAX_LINE_BYTES = 16 << 20

_BOM = b"\xef\xbb\xbf"
_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_EPOCH = re.compile(r"-?\d{9,13}(?:\.\d+)?")
# Epoch values at least this large are milliseconds (1e11 seconds is the year 5138).
_MILLIS_FROM = 10**11
_KNOWN = frozenset({"text", "id", "created_at", "author", "platform", "url", "lang"})
_TIME_ERRORS = (ValueError, OverflowError, TypeError, IndexError, OSError)


def resolve_zone(name: str) -> tzinfo:
    """The time zone called `name` (IANA); raises SourceError for an unknown name."""
    if name.upper() in ("UTC", "Z", ""):
        return UTC
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError) as err:
        raise SourceError(
            f"unknown time zone {name!r} (use an IANA name such as Asia/Damascus)"
        ) from err


def epoch_to_rfc3339(value: float) -> str | None:
    """Epoch seconds (or milliseconds, when that large) as RFC 3339 UTC; None when out of range."""
    if abs(value) >= _MILLIS_FROM:
        value = value / 1000
    try:
        return _format(datetime.fromtimestamp(value, UTC))
    except _TIME_ERRORS:
        return None


def parse_time_text(value: str, zone: tzinfo = UTC) -> str | None:
    """Read a time written as ISO 8601, Twitter's format, RFC 2822 or epoch seconds/ms.

    Times without an offset are in `zone`. Returns RFC 3339 UTC, or None when unreadable.
    """
    text = value.strip()
    if not text:
        return None
    if _EPOCH.fullmatch(text):
        return epoch_to_rfc3339(float(text))
    try:
        moment = _read_moment(text)
        if moment is None:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return _format(moment)
    except _TIME_ERRORS:
        return None


def _format(moment: datetime) -> str | None:
    """RFC 3339 UTC; None before the year 1000, which in a message is a typo, not a time."""
    if moment.astimezone(UTC).year < 1000:
        return None
    return to_rfc3339(moment)


def _read_moment(text: str) -> datetime | None:
    try:
        return parse_iso(text)
    except ValueError:
        pass
    try:
        return datetime.strptime(text, _TWITTER_TIME)
    except ValueError:
        pass
    return parsedate_to_datetime(text)


class GenericJsonlSource:
    """One JSON object per line; `text` is required, other known fields are mapped."""

    name: ClassVar[str] = "jsonl"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = "generic"

    def __init__(self, settings: SourceSettings) -> None:
        """Keep the user's default platform and time zone."""
        self.settings = settings
        self._zone = resolve_zone(settings.timezone)
        self._default_platform = settings.platform or self.platform

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """15 when the first non-blank line is an object with a string `text` (others win)."""
        body = head.removeprefix(_BOM).lstrip()
        if not body.startswith(b"{"):
            return 0
        line, newline, _ = body.partition(b"\n")
        if not newline and len(head) >= 1 << 16:
            # The first line goes on past the head: judge by its start.
            return 10 if b'"text"' in line else 0
        try:
            first = orjson.loads(line)
        except orjson.JSONDecodeError:
            return 0
        if isinstance(first, dict) and isinstance(first.get("text"), str):
            return 15
        return 0

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """Yield each non-blank line (without its line ending) as one record."""
        number = 0
        continued = False
        while True:
            chunk = stream.readline(MAX_LINE_BYTES)
            if not chunk:
                return
            ends = chunk.endswith(b"\n")
            if continued:
                # The rest of an over-long line, already cut and rejected as such.
                continued = not ends
                continue
            number += 1
            if not ends and len(chunk) >= MAX_LINE_BYTES:
                logger.warning("%s: line %d is longer than %d bytes", name, number, MAX_LINE_BYTES)
                continued = True
                yield Record(chunk, f"line {number}")
                continue
            raw = chunk.removesuffix(b"\n").removesuffix(b"\r") if ends else chunk
            if raw.strip():
                yield Record(raw, f"line {number}")

    def parse(self, record: Record) -> list[Parsed]:
        """Parse one line into a Message; reject bad JSON, non-objects and a missing text field.

        An empty text is kept as it is (a message is archived with what could be read).
        """
        obj = _load_object(record.raw)
        text = obj.get("text")
        if text is None:
            raise RecordRejected("no text field")
        if not isinstance(text, str):
            raise RecordRejected(f"text is not a string (found {_kind(text)})")
        fields: JsonObject = {k: v for k, v in obj.items() if k not in _KNOWN}
        extra: JsonObject = {}
        created_at = self._created_at(obj.get("created_at"), fields, extra)
        platform = _take_str(obj, "platform", fields)
        message = Message(
            platform=platform.lower() if platform else self._default_platform,
            platform_id=_platform_id(obj.get("id")),
            text=text,
            created_at=created_at,
            author=_take_str(obj, "author", fields),
            lang=_take_str(obj, "lang", fields),
            url=_take_str(obj, "url", fields),
            extra=extra,
        )
        if fields:
            message.extra["fields"] = fields
        return [message]

    def _created_at(self, value: JsonValue, fields: JsonObject, extra: JsonObject) -> str | None:
        """Read `created_at`; an unreadable time is kept in extra.time_raw, not rejected."""
        if value is None:
            return None
        parsed: str | None = None
        if isinstance(value, str):
            parsed = parse_time_text(value, self._zone)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            parsed = epoch_to_rfc3339(value)
        if parsed is None:
            extra["time_raw"] = value
        return parsed


def _load_object(raw: bytes) -> dict[str, JsonValue]:
    if len(raw) >= MAX_LINE_BYTES:
        raise RecordRejected(f"line longer than {MAX_LINE_BYTES} bytes (cut)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RecordRejected(f"invalid UTF-8 at byte {err.start}") from err
    try:
        value = orjson.loads(text.removeprefix("\ufeff"))
    except orjson.JSONDecodeError as err:
        raise RecordRejected(f"invalid JSON: {err}") from err
    if not isinstance(value, dict):
        raise RecordRejected(f"not a JSON object (found {_kind(value)})")
    return cast(dict[str, JsonValue], value)


def _take_str(obj: dict[str, JsonValue], key: str, fields: JsonObject) -> str | None:
    """A known string field; a value of another type is kept in extra.fields instead."""
    value = obj.get(key)
    if isinstance(value, str):
        return value.strip() or None
    if value is not None:
        fields[key] = value
    return None


def _platform_id(value: JsonValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise RecordRejected(f"id is not a string or an integer (found {_kind(value)})")


def _kind(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")
