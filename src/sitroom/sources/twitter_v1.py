"""Twitter API v1.1 statuses: streaming JSONL, timeline and search responses, single statuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, BinaryIO, ClassVar

from sitroom.errors import RecordRejected
from sitroom.models import JsonObject, JsonValue, Message, Notice, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.twitter_common import (
    BOM,
    PLATFORM,
    STATUSES_START,
    V1_DATE,
    EntityLists,
    best_video_url,
    coordinates_of,
    framed_records,
    id_string,
    kind_of,
    layout_of,
    load_json,
    millis_time,
    peek,
    place_of,
    source_app,
    status_url,
    text_of,
    twitter_time,
    unescape,
)

_NOTICE_START = re.compile(
    rb'\{\s*"(?:delete|limit|scrub_geo|status_withheld|user_withheld)"\s*:\s*\{'
)
_EMBEDDED = ("retweeted_status", "quoted_status")
_MAX_DEPTH = 3


class TwitterV1Source:
    """Statuses from the Twitter API v1.1 (streams, timelines, search, single lookups)."""

    name: ClassVar[str] = "twitter-v1"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = PLATFORM

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """Sure when the head holds v1.1 statuses (Twitter-style `created_at` and `id_str`)."""
        body = head.removeprefix(BOM).lstrip()
        if not body.startswith((b"{", b"[")):
            return 0
        if STATUSES_START.match(body):
            return 95
        if b'"id_str"' in head and V1_DATE.search(head):
            return 90 if b'"user"' in head else 75
        if _NOTICE_START.match(body):
            return 70
        return 0

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """One record per status: a line, an array element, or the whole single-status file."""
        head, replay = peek(stream)
        yield from framed_records(replay, layout_of(head))

    def parse(self, record: Record) -> list[Parsed]:
        """The status (and the originals it embeds), a stream notice, or a reject."""
        return parse_value(load_json(record.raw), record.locator)


def parse_value(value: Any, locator: str) -> list[Parsed]:
    """Turn one record's JSON into messages and notices."""
    if isinstance(value, dict):
        if "id_str" in value or "id" in value:
            return status_messages(value, locator)
        statuses = value.get("statuses")
        if isinstance(statuses, list):
            return _many(statuses, f"{locator} statuses")
        notice = stream_notice(value)
        if notice is not None:
            return [notice]
        raise RecordRejected("not a Twitter v1.1 status or stream notice: no id_str or id")
    if isinstance(value, list):
        return _many(value, locator)
    raise RecordRejected(f"expected a Twitter v1.1 status object, got a JSON {kind_of(value)}")


def _many(values: list[Any], prefix: str) -> list[Parsed]:
    """Several statuses in one record; each gets its own locator, and each tweet comes once."""
    out: list[Parsed] = []
    seen: set[str] = set()
    for index, value in enumerate(values):
        if not isinstance(value, dict) or _id(value, "id") is None:
            what = f"a JSON {kind_of(value)}" if not isinstance(value, dict) else "without an id"
            raise RecordRejected(f"expected Twitter v1.1 status objects, item {index} is {what}")
        locator = f"{prefix}[{index}]"
        _collect(value, locator, locator, "", out, seen)
    return out


def status_messages(status: dict[str, Any], locator: str) -> list[Parsed]:
    """The status and, as messages of their own, the retweeted and quoted originals."""
    if _id(status, "id") is None:
        raise RecordRejected("not a Twitter v1.1 status: no id_str or id")
    out: list[Parsed] = []
    _collect(status, None, locator, "", out, set())
    return out


def _collect(
    status: dict[str, Any],
    own_locator: str | None,
    base: str,
    path: str,
    out: list[Parsed],
    seen: set[str],
) -> None:
    """Append the status and then the originals embedded in it (`path` says where)."""
    message = status_message(status, own_locator)
    if message.platform_id in seen:
        return
    seen.add(message.platform_id or "")
    out.append(message)
    if path.count(".") >= _MAX_DEPTH:
        return
    for key in _EMBEDDED:
        inner = status.get(key)
        if isinstance(inner, dict):
            inner_path = f"{path}.{key}" if path else key
            try:
                _collect(inner, f"{base} {inner_path}", base, inner_path, out, seen)
            except RecordRejected:
                # An unreadable embedded original costs only itself; the raw keeps it anyway.
                continue


def status_message(status: dict[str, Any], locator: str | None) -> Message:
    """One v1.1 status as a message, or `RecordRejected` when it has no id or text."""
    tweet_id = _id(status, "id")
    if tweet_id is None:
        raise RecordRejected("status has no id_str or id")
    text = _full_text(status)
    if text is None:
        raise RecordRejected(f"status {tweet_id} has no text")
    user = status.get("user")
    user = user if isinstance(user, dict) else {}
    screen_name = text_of(user.get("screen_name"))
    lang = text_of(status.get("lang"))
    return Message(
        platform=PLATFORM,
        platform_id=tweet_id,
        text=text,
        created_at=twitter_time(status.get("created_at"))
        or millis_time(status.get("timestamp_ms")),
        author=screen_name,
        author_id=_id(user, "id"),
        lang=lang,
        url=status_url(screen_name, tweet_id),
        locator=locator,
        extra=_extra(status, user),
    )


def _own_text(status: dict[str, Any]) -> str | None:
    extended = status.get("extended_tweet")
    if isinstance(extended, dict) and isinstance(extended.get("full_text"), str):
        return unescape(extended["full_text"])
    for key in ("full_text", "text"):
        text = status.get(key)
        if isinstance(text, str):
            return unescape(text)
    return None


def _full_text(status: dict[str, Any]) -> str | None:
    """The complete text; a retweet's is rebuilt from its original, as its own is cut short."""
    original = status.get("retweeted_status")
    if isinstance(original, dict):
        user = original.get("user")
        screen_name = user.get("screen_name") if isinstance(user, dict) else None
        original_text = _own_text(original)
        if isinstance(screen_name, str) and original_text is not None:
            return f"RT @{screen_name}: {original_text}"
    return _own_text(status)


def _extra(status: dict[str, Any], user: dict[str, Any]) -> JsonObject:
    extra: JsonObject = {}
    name = text_of(user.get("name"))
    if name:
        extra["author_name"] = name
    original = status.get("retweeted_status")
    if isinstance(original, dict):
        _put(extra, "retweet_of", _id(original, "id"))
    quoted = status.get("quoted_status")
    quoted_id = _id(status, "quoted_status_id")
    if quoted_id is None and isinstance(quoted, dict):
        quoted_id = _id(quoted, "id")
    _put(extra, "quote_of", quoted_id)
    _put(
        extra,
        "reply_to",
        _id(status, "in_reply_to_status_id"),
    )
    entities = EntityLists()
    _add_entities(entities, status)
    if isinstance(original, dict):
        _add_entities(entities, original)
    entities.write(extra)
    _put(extra, "place", place_of(status.get("place")))
    _put(extra, "coordinates", coordinates_of(status))
    _put(extra, "source_app", source_app(status.get("source")))
    withheld = status.get("withheld_in_countries")
    if isinstance(withheld, list) and withheld:
        extra["withheld_in_countries"] = withheld
    return extra


def _id(holder: dict[str, Any], key: str) -> str | None:
    """v1.1 gives ids twice: `<key>_str` (exact) and `<key>` (a number that JavaScript rounds)."""
    return id_string(holder.get(f"{key}_str")) or id_string(holder.get(key))


def _put(extra: JsonObject, key: str, value: JsonValue) -> None:
    if value is not None:
        extra[key] = value


def _entity_containers(status: dict[str, Any]) -> list[dict[str, Any]]:
    """Where entities may sit, most complete first (python-twitter puts them at top level)."""
    found: list[Any] = []
    extended = status.get("extended_tweet")
    if isinstance(extended, dict):
        found.extend(extended.get(key) for key in ("extended_entities", "entities"))
    found.extend(status.get(key) for key in ("extended_entities", "entities"))
    if "entities" not in status:
        found.append(status)
    return [box for box in found if isinstance(box, dict)]


def _first_list(containers: list[dict[str, Any]], key: str) -> list[Any]:
    for box in containers:
        values = box.get(key)
        if isinstance(values, list):
            return values
    return []


def _add_entities(entities: EntityLists, status: dict[str, Any]) -> None:
    boxes = _entity_containers(status)
    for tag in _first_list(boxes, "hashtags"):
        entities.add(entities.hashtags, "#", tag.get("text") if isinstance(tag, dict) else tag)
    for tag in _first_list(boxes, "symbols"):
        entities.add(entities.cashtags, "$", tag.get("text") if isinstance(tag, dict) else tag)
    for mention in _first_list(boxes, "user_mentions"):
        if isinstance(mention, dict):
            entities.add(entities.mentions, "@", mention.get("screen_name"))
    for url in _first_list(boxes, "urls"):
        if isinstance(url, dict):
            entities.add(entities.urls, "url", url.get("expanded_url") or url.get("url"))
    for media in _first_list(boxes, "media"):
        if isinstance(media, dict):
            entities.add_media(media.get("type"), _media_url(media))


def _media_url(media: dict[str, Any]) -> str | None:
    video = media.get("video_info")
    if isinstance(video, dict):
        url = best_video_url(video.get("variants"))
        if url:
            return url
    for key in ("media_url_https", "media_url", "expanded_url"):
        if isinstance(media.get(key), str):
            return str(media[key])
    return None


def stream_notice(value: dict[str, Any]) -> Notice | None:
    """A streaming API notice (deletion, limit, withholding, disconnect...), else None."""
    for key, describe in _NOTICES.items():
        body = value.get(key)
        if isinstance(body, dict):
            detail, platform_id = describe(body)
            break
    else:
        return None
    return Notice(
        platform=PLATFORM,
        kind="notice",
        detail=detail,
        platform_id=platform_id,
        created_at=millis_time(body.get("timestamp_ms") or value.get("timestamp_ms")),
        extra=dict(value),
    )


def _deleted(body: dict[str, Any]) -> tuple[str, str | None]:
    status = body.get("status")
    if isinstance(status, dict):
        tweet_id = _id(status, "id")
        user_id = _id(status, "user_id")
        return f"status {tweet_id} deleted by user {user_id}", tweet_id
    return "direct message deleted", None


def _limited(body: dict[str, Any]) -> tuple[str, str | None]:
    return f"rate limit: {body.get('track')} matching statuses not delivered", None


def _scrubbed(body: dict[str, Any]) -> tuple[str, str | None]:
    user_id = _id(body, "user_id")
    up_to = _id(body, "up_to_status_id")
    return f"location removed from statuses of user {user_id} up to {up_to}", None


def _status_withheld(body: dict[str, Any]) -> tuple[str, str | None]:
    tweet_id = _id(body, "id")
    return f"status {tweet_id} withheld in {_countries(body)}", tweet_id


def _user_withheld(body: dict[str, Any]) -> tuple[str, str | None]:
    user_id = _id(body, "id")
    return f"user {user_id} withheld in {_countries(body)}", None


def _countries(body: dict[str, Any]) -> str:
    countries = body.get("withheld_in_countries")
    if isinstance(countries, list):
        return ", ".join(str(c) for c in countries) or "no countries"
    return "unknown countries"


def _disconnected(body: dict[str, Any]) -> tuple[str, str | None]:
    return f"stream disconnected: {body.get('reason') or body.get('code')}", None


def _warned(body: dict[str, Any]) -> tuple[str, str | None]:
    return f"stream warning: {body.get('message') or body.get('code')}", None


_NOTICES = {
    "delete": _deleted,
    "limit": _limited,
    "scrub_geo": _scrubbed,
    "status_withheld": _status_withheld,
    "user_withheld": _user_withheld,
    "disconnect": _disconnected,
    "warning": _warned,
}
