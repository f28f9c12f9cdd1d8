"""Telegram Desktop "Export chat history" JSON (`result.json`): one chat or a full export.

Each message object is cut out of the document as its exact bytes by the span scanner, so
memory stays flat however large the export. The chat a message belongs to (name, type, id)
comes from the members that precede the chat's `messages` array; `records` notes where each
chat's messages start, and `parse` finds a record's chat from its byte offset.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import PurePath
from typing import BinaryIO, ClassVar
from zoneinfo import ZoneInfo

import orjson

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import JsonObject, JsonValue, Message, Notice, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.jsonspans import (
    ArrayOpened,
    JsonFramingError,
    JsonPath,
    JsonSpan,
    iter_json_spans,
)
from sitroom.sources.telegram_fields import message_extra, plain_text, service_extra
from sitroom.timeutil import to_rfc3339

# Message ids are per channel or supergroup there; elsewhere they count per user account,
# so "<chat id>/<message id>" from two people's exports could name two different messages.
GLOBAL_ID_CHAT_TYPES = frozenset(
    {"private_supergroup", "public_supergroup", "private_channel", "public_channel"}
)
_CHAT_LISTS = frozenset({"chats", "left_chats"})
# Telegram writes control characters as "\x0B", which JSON does not allow.
_X_ESCAPE = re.compile(rb"(?<!\\)((?:\\\\)*)\\x([0-9A-Fa-f]{2})")
_TELEGRAM_TYPE = re.compile(rb'"type"\s*:\s*"(?:message|service)"')
_FULL_EXPORT = re.compile(rb'"personal_information"\s*:|"chats"\s*:\s*\{\s*"about"')
_TIME_ERRORS = (ValueError, OverflowError, OSError)


@dataclass(frozen=True, slots=True)
class TelegramChat:
    """The chat a message belongs to, as the export names it (any part may be missing)."""

    name: str | None = None
    id: str | None = None
    type: str | None = None

    def as_json(self) -> JsonObject:
        """The chat as `extra.chat`: {"name", "id", "type"} with the known parts."""
        fields = {"name": self.name, "id": self.id, "type": self.type}
        return {key: value for key, value in fields.items() if value is not None}

    @property
    def global_ids(self) -> bool:
        """Whether its message ids name messages for every reader (channels, supergroups)."""
        return self.id is not None and self.type in GLOBAL_ID_CHAT_TYPES


class _ChatIndex:
    """Where each chat's messages start in the document; safe to read while it grows."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._chats: list[TelegramChat] = []
        self._lock = threading.Lock()

    def add(self, offset: int, chat: TelegramChat) -> None:
        with self._lock:
            self._starts.append(offset)
            self._chats.append(chat)

    def find(self, offset: int) -> TelegramChat:
        with self._lock:
            at = bisect.bisect_right(self._starts, offset) - 1
            return self._chats[at] if at >= 0 else TelegramChat()


class TelegramExportSource:
    """Reads a Telegram Desktop JSON export, one message object per record."""

    name: ClassVar[str] = "telegram"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = "telegram"

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings
        self._index = _ChatIndex()
        self._problems: dict[str, str] = {}
        self._zone: tzinfo | None = None
        self._zone_error: str | None = None
        try:
            self._zone = (
                UTC
                if settings.timezone.upper() in ("UTC", "Z", "")
                else ZoneInfo(settings.timezone)
            )
        except (KeyError, ValueError, OSError):
            self._zone_error = f"unknown time zone {settings.timezone!r}"

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """High for JSON with Telegram's message fields or a full export's top-level keys."""
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith(b"{"):
            return 0
        named = PurePath(filename).name.casefold() == "result.json"
        score = 0
        if b'"messages"' in text and (
            b'"date_unixtime"' in text or b'"from_id"' in text or _TELEGRAM_TYPE.search(text)
        ):
            score = 90
        elif _FULL_EXPORT.search(text):
            score = 85
        elif b'"messages"' in text and named:
            score = 60
        if named:
            score = min(95, score + 5) if score else 30
        return score

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """Yield every message object of every chat as its exact bytes ("offset N")."""
        held: JsonSpan | None = None
        pending: TelegramChat | None = None
        opened = False
        try:
            for event in iter_json_spans(stream, _is_messages):
                if isinstance(event, ArrayOpened):
                    opened = True
                    pending = _chat_of(event.parent_members)
                    continue
                if pending is not None:
                    self._index.add(event.offset, pending)
                    pending = None
                if held is not None:
                    yield _record(held)
                held = event  # one element late, so a cut-off last one can be named as such
        except JsonFramingError as exc:
            if not opened:
                raise SourceError(f"{name}: not a Telegram export: {exc}") from exc
            yield from self._broken_end(held, name, exc)
            return
        if not opened:
            raise SourceError(f'{name}: not a Telegram export: no "messages" array')
        if held is not None:
            yield _record(held)

    def _broken_end(
        self, held: JsonSpan | None, name: str, exc: JsonFramingError
    ) -> Iterator[Record]:
        """The last element before the document broke off: cut off, or whole and then an error."""
        if held is not None:
            record = _record(held)
            if not _is_json(held.raw):
                self._problems[record.locator] = (
                    "message cut off: the export ends inside it (truncated file)"
                )
                yield record
                return
            yield record
        raise SourceError(f"{name}: the export is truncated or broken: {exc}") from exc

    def parse(self, record: Record) -> list[Parsed]:
        """Parse one message object; service messages become notices."""
        problem = self._problems.get(record.locator)
        if problem is not None:
            raise RecordRejected(problem)
        obj = _load(record.raw)
        message_id = obj.get("id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise RecordRejected("message object has no numeric id")
        chat = self._index.find(_offset(record.locator))
        platform_id = f"{chat.id}/{message_id}" if chat.global_ids else None
        kind = obj.get("type")
        if kind == "service":
            return [self._notice(obj, chat, platform_id, message_id)]
        if kind == "unsupported":
            extra: JsonObject = {"chat": chat.as_json(), "message_id": message_id}
            return [
                Notice(self.platform, "notice", "unsupported message", platform_id, extra=extra)
            ]
        if kind != "message":
            raise RecordRejected(f"unknown message type {kind!r}")
        return [self._message(obj, chat, platform_id, message_id)]

    def _message(
        self, obj: JsonObject, chat: TelegramChat, platform_id: str | None, message_id: int
    ) -> Message:
        if "text" not in obj:
            raise RecordRejected("message has no text field")
        text = plain_text(obj["text"])
        if text is None:
            raise RecordRejected("message text is neither a string nor a list of parts")
        extra = message_extra(obj, chat.as_json(), chat.id)
        extra["message_id"] = message_id
        created_at, assumed = self._time(obj, "date")
        if assumed:
            extra["time_zone_assumed"] = self.settings.timezone
        edited_at, _ = self._time(obj, "edited")
        if edited_at:
            extra["edited_at"] = edited_at
        return Message(
            platform=self.platform,
            platform_id=platform_id,
            text=text,
            created_at=created_at,
            author=_str(obj.get("from")),
            author_id=_str(obj.get("from_id")),
            extra=extra,
        )

    def _notice(
        self, obj: JsonObject, chat: TelegramChat, platform_id: str | None, message_id: int
    ) -> Notice:
        extra = service_extra(obj, chat.as_json())
        extra["message_id"] = message_id
        created_at, assumed = self._time(obj, "date")
        if assumed:
            extra["time_zone_assumed"] = self.settings.timezone
        actor, action = _str(obj.get("actor")), _str(obj.get("action"))
        detail = action or _str(obj.get("information_text")) or "service message"
        if actor and action:
            detail = f"{actor}: {action}"
        return Notice(
            platform=self.platform,
            kind="system",
            detail=detail,
            platform_id=platform_id,
            created_at=created_at,
            extra=extra,
        )

    def _time(self, obj: JsonObject, key: str) -> tuple[str | None, bool]:
        """`key_unixtime` (UTC) as RFC 3339, else the local `key` in the settings' zone."""
        epoch = obj.get(f"{key}_unixtime")
        if isinstance(epoch, str | int) and not isinstance(epoch, bool):
            try:
                return to_rfc3339(datetime.fromtimestamp(int(epoch), UTC)), False
            except _TIME_ERRORS as exc:
                raise RecordRejected(f"{key}_unixtime {epoch!r} is not a time") from exc
        local = obj.get(key)
        if not isinstance(local, str):
            return None, False
        if self._zone is None:
            raise RecordRejected(f"{self._zone_error}: cannot place local time {local!r}")
        try:
            moment = datetime.fromisoformat(local)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self._zone)
            return to_rfc3339(moment), True
        except _TIME_ERRORS as exc:
            raise RecordRejected(f"{key} {local!r} is not a time") from exc


def _is_messages(path: JsonPath) -> bool:
    """`messages` of a single-chat export, or of each chat in a full export's lists."""
    if path == ("messages",):
        return True
    return (
        len(path) == 4
        and path[0] in _CHAT_LISTS
        and path[1] == "list"
        and isinstance(path[2], int)
        and path[3] == "messages"
    )


def _chat_of(members: bytes | None) -> TelegramChat:
    if members is None:
        return TelegramChat()
    try:
        obj = orjson.loads(members)
    except orjson.JSONDecodeError:
        return TelegramChat()
    if not isinstance(obj, dict):
        return TelegramChat()
    chat_id = obj.get("id")
    return TelegramChat(
        name=_str(obj.get("name")),
        id=str(chat_id) if isinstance(chat_id, int) and not isinstance(chat_id, bool) else None,
        type=_str(obj.get("type")),
    )


def _record(span: JsonSpan) -> Record:
    return Record(raw=span.raw, locator=f"offset {span.offset}")


def _offset(locator: str) -> int:
    _, _, number = locator.partition("offset ")
    return int(number) if number.isdigit() else -1


def _is_json(raw: bytes) -> bool:
    try:
        _load(raw)
    except RecordRejected:
        return False
    return True


def _load(raw: bytes) -> JsonObject:
    """Decode one message object, reading Telegram's `\\xNN` escapes as `\\u00NN`."""
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if b"\\x" not in raw:
            raise RecordRejected(f"invalid JSON: {exc}") from exc
        try:
            value = orjson.loads(_X_ESCAPE.sub(rb"\1\\u00\2", raw))
        except orjson.JSONDecodeError as again:
            raise RecordRejected(f"invalid JSON: {again}") from again
    if not isinstance(value, dict):
        raise RecordRejected(f"a message must be a JSON object, not {type(value).__name__}")
    return value


def _str(value: JsonValue) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None
