"""The records that flow through sitroom: raw records from sources, messages, notices, rejects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

JsonScalar: TypeAlias = str | int | float | bool | None
JsonValue: TypeAlias = JsonScalar | list["JsonValue"] | dict[str, "JsonValue"]
JsonObject: TypeAlias = dict[str, JsonValue]


@dataclass(frozen=True, slots=True)
class Record:
    """One raw record cut out of an input, exactly as its bytes were read.

    `locator` says where in the source it was found ("line 12", "offset 5120",
    "messages[3] @ offset 88"); `raw` is never altered after this point.
    """

    raw: bytes
    locator: str


@dataclass(frozen=True, slots=True)
class Message:
    """A normalised message parsed from one record.

    `platform_id` is the platform's own id (tweet id, Telegram message id within its chat)
    or None when the platform gives none; identity is then the raw hash. `created_at` is
    RFC 3339 UTC (`2016-12-13T10:22:00Z`) or None when the source has no time. `extra`
    holds platform details (entities, place, reply and retweet links, media, labels) as JSON.
    `locator` refines the record's locator when one record holds several messages.
    """

    platform: str
    platform_id: str | None
    text: str
    created_at: str | None = None
    author: str | None = None
    author_id: str | None = None
    lang: str | None = None
    url: str | None = None
    locator: str | None = None
    extra: JsonObject = field(default_factory=dict)


NoticeKind: TypeAlias = Literal["notice", "system"]


@dataclass(frozen=True, slots=True)
class Notice:
    """Something a platform itself put in an export that is not a message.

    Twitter v2 `errors` entries (withheld, deleted), WhatsApp system lines, Telegram service
    messages. They are data, kept as evidence, never a reason to fail an ingest.
    """

    platform: str
    kind: NoticeKind
    detail: str
    platform_id: str | None = None
    created_at: str | None = None
    locator: str | None = None
    extra: JsonObject = field(default_factory=dict)


Parsed: TypeAlias = Message | Notice

MESSAGE_CONTENT_FIELDS = (
    "platform", "platform_id", "text", "created_at", "author", "author_id", "lang", "url",
    "extra",
)
NOTICE_CONTENT_FIELDS = ("platform", "kind", "detail", "platform_id", "created_at", "extra")


def content_fields(item: object, fields: tuple[str, ...]) -> JsonObject:
    """The normalised fields of a message or notice that its log entry seals."""
    return {name: getattr(item, name) for name in fields}


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be parsed, kept with where it was and why."""

    source: str
    locator: str
    reason: str
    raw: bytes


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a stored message came from: source file, locator, importer `name@version`, time."""

    source: str
    locator: str
    importer: str
    received_at: str
