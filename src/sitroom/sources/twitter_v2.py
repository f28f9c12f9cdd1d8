"""Twitter API v2 tweets as twarc2 writes them: response pages per line, or flattened tweets."""

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
    V1_DATE,
    EntityLists,
    best_video_url,
    framed_records,
    id_string,
    is_numbers,
    iso_time,
    kind_of,
    layout_of,
    load_json,
    peek,
    source_app,
    status_url,
    text_of,
    unescape,
)

_PAGE_KEYS = ("data", "includes", "meta", "errors")
_PAGE_START = re.compile(rb'[\[\s]*\{\s*"(?:data|includes|meta|errors)"\s*:')
_HINTS = (b'"author_id"', b'"conversation_id"', b'"edit_history_tweet_ids"', b'"result_count"')
_REFERENCE_KEYS = {"retweeted": "retweet_of", "quoted": "quote_of", "replied_to": "reply_to"}
_PLACE_KEYS = ("name", "full_name", "country", "country_code", "place_type", "id")

Reference = tuple[str, str, dict[str, Any] | None]


class TwitterV2Source:
    """Tweets from the Twitter API v2, one twarc2 response page or flattened tweet per line."""

    name: ClassVar[str] = "twitter-v2"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = PLATFORM

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """Sure for v2 pages (`data` with `includes`/`meta`) and twarc2 flattened tweets."""
        body = head.removeprefix(BOM).lstrip()
        if not body.startswith((b"{", b"[")) or V1_DATE.search(head):
            return 0
        hinted = any(hint in head for hint in _HINTS) or b'"__twarc"' in head
        if _PAGE_START.match(body) and hinted:
            return 90
        if b'"data"' in head and (b'"includes"' in head or b'"meta"' in head) and hinted:
            return 85
        flattened = b'"edit_history_tweet_ids"' in head or b'"__twarc"' in head
        if b'"author_id"' in head and flattened:
            return 85
        return 0

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """One record per line (a page or a flattened tweet)."""
        head, replay = peek(stream)
        yield from framed_records(replay, layout_of(head))

    def parse(self, record: Record) -> list[Parsed]:
        """Every tweet of the page (data and included tweets) and its errors as notices."""
        return parse_value(load_json(record.raw), record.locator)


class _Lookup:
    """The includes of one page, indexed once for every tweet of that page."""

    __slots__ = ("media", "places", "tweets", "users")

    def __init__(self, includes: object) -> None:
        found = includes if isinstance(includes, dict) else {}
        self.users = _index(found.get("users"), "id")
        self.places = _index(found.get("places"), "id")
        self.media = _index(found.get("media"), "media_key")
        self.tweets = _index(found.get("tweets"), "id")


def _index(items: object, key: str) -> dict[str, dict[str, Any]]:
    if not isinstance(items, list):
        return {}
    return {
        item[key]: item
        for item in items
        if isinstance(item, dict) and isinstance(item.get(key), str)
    }


_NOTHING_INCLUDED = _Lookup(None)


def parse_value(value: Any, locator: str) -> list[Parsed]:
    """Turn one record's JSON (a page or a flattened tweet) into messages and notices."""
    if not isinstance(value, dict):
        raise RecordRejected(
            f"expected a Twitter v2 response page or tweet object, got a JSON {kind_of(value)}"
        )
    if "id" in value and ("text" in value or "note_tweet" in value):
        return _flattened(value, locator)
    if any(key in value for key in _PAGE_KEYS):
        return _page(value, locator)
    raise RecordRejected(
        "not a Twitter v2 response page (no data, includes, meta, errors) or tweet"
    )


def _page(page: dict[str, Any], locator: str) -> list[Parsed]:
    data = page.get("data")
    if isinstance(data, dict):
        tweets: list[tuple[str, Any]] = [("data", data)]
    elif isinstance(data, list):
        tweets = [(f"data[{index}]", tweet) for index, tweet in enumerate(data)]
    elif data is None:
        tweets = []
    else:
        raise RecordRejected(f"`data` is a JSON {kind_of(data)}, not tweets")
    includes = page.get("includes")
    lookup = _Lookup(includes) if includes else _NOTHING_INCLUDED
    retrieved_at = _retrieved_at(page)
    out: list[Parsed] = []
    seen: set[str | None] = set()
    for where, tweet in tweets:
        if not isinstance(tweet, dict):
            raise RecordRejected(f"{where} is a JSON {kind_of(tweet)}, not a tweet")
        _add_new(out, seen, tweet_message(tweet, lookup, f"{locator} {where}", retrieved_at))
    included = includes.get("tweets") if isinstance(includes, dict) else None
    for index, tweet in enumerate(included if isinstance(included, list) else []):
        if isinstance(tweet, dict) and id_string(tweet.get("id")) not in seen:
            where = f"{locator} includes.tweets[{index}]"
            _add_optional(out, seen, tweet, lookup, where, retrieved_at)
    errors = page.get("errors")
    for index, error in enumerate(errors if isinstance(errors, list) else []):
        out.append(error_notice(error, f"{locator} errors[{index}]"))
    return out


def _flattened(tweet: dict[str, Any], locator: str) -> list[Parsed]:
    """A twarc2-flattened tweet: includes sit inline (`author`, expanded `referenced_tweets`)."""
    retrieved_at = _retrieved_at(tweet)
    out: list[Parsed] = []
    seen: set[str | None] = set()
    _add_new(out, seen, tweet_message(tweet, _NOTHING_INCLUDED, None, retrieved_at))
    references = tweet.get("referenced_tweets")
    for index, ref in enumerate(references if isinstance(references, list) else []):
        readable = isinstance(ref, dict) and ("text" in ref or "note_tweet" in ref)
        if readable and id_string(ref.get("id")) not in seen:
            where = f"{locator} referenced_tweets[{index}]"
            _add_optional(out, seen, ref, _NOTHING_INCLUDED, where, retrieved_at)
    return out


def _add_new(out: list[Parsed], seen: set[str | None], message: Message) -> None:
    if message.platform_id not in seen:
        seen.add(message.platform_id)
        out.append(message)


def _add_optional(
    out: list[Parsed],
    seen: set[str | None],
    tweet: dict[str, Any],
    lookup: _Lookup,
    locator: str,
    retrieved_at: str | None,
) -> None:
    """Add a referenced tweet; one that cannot be read costs only itself (the raw keeps it)."""
    try:
        _add_new(out, seen, tweet_message(tweet, lookup, locator, retrieved_at))
    except RecordRejected:
        return


def _retrieved_at(holder: dict[str, Any]) -> str | None:
    twarc = holder.get("__twarc")
    return iso_time(twarc.get("retrieved_at")) if isinstance(twarc, dict) else None


def error_notice(error: JsonValue, locator: str) -> Notice:
    """A v2 `errors` entry (withheld, deleted, suspended, not found...) as a notice."""
    if not isinstance(error, dict):
        detail = f"error entry of unexpected shape (a JSON {kind_of(error)})"
        return Notice(PLATFORM, "notice", detail, locator=locator, extra={"error": error})
    parts = (text_of(error.get("title")), text_of(error.get("detail") or error.get("message")))
    detail = ": ".join(part for part in parts if part) or "error"
    resource = error.get("resource_id", error.get("value"))
    platform_id = resource if isinstance(resource, str) and resource else id_string(resource)
    return Notice(
        PLATFORM, "notice", detail, platform_id=platform_id, locator=locator, extra=dict(error)
    )


def _own_text(tweet: dict[str, Any]) -> str | None:
    """A long tweet's full text sits in `note_tweet`; `text` holds its first 280 characters."""
    note = tweet.get("note_tweet")
    if isinstance(note, dict) and isinstance(note.get("text"), str):
        return unescape(note["text"])
    text = tweet.get("text")
    return unescape(text) if isinstance(text, str) else None


def tweet_message(
    tweet: dict[str, Any], lookup: _Lookup, locator: str | None, retrieved_at: str | None
) -> Message:
    """One v2 tweet as a message, with author, place, media and links resolved."""
    tweet_id = id_string(tweet.get("id"))
    if tweet_id is None:
        raise RecordRejected(f"{locator or 'tweet'}: no tweet id")
    text = _own_text(tweet)
    if text is None:
        raise RecordRejected(f"tweet {tweet_id} has no text")
    references = _references(tweet, lookup)
    original = next((found for kind, _, found in references if kind == "retweeted"), None)
    if original is not None and text.startswith("RT @"):
        # The retweet's own text is cut at 140 characters; the original has it all.
        full = _own_text(original)
        cut = text.find(": ")
        if full is not None and cut > 0:
            text = text[: cut + 2] + full
    author_id = id_string(tweet.get("author_id"))
    user = lookup.users.get(author_id or "") or tweet.get("author")
    user = user if isinstance(user, dict) else {}
    username = text_of(user.get("username"))
    return Message(
        platform=PLATFORM,
        platform_id=tweet_id,
        text=text,
        created_at=iso_time(tweet.get("created_at")),
        author=username,
        author_id=author_id or id_string(user.get("id")),
        lang=text_of(tweet.get("lang")),
        url=status_url(username, tweet_id),
        locator=locator,
        extra=_extra(tweet, user, references, original, lookup, retrieved_at),
    )


def _references(tweet: dict[str, Any], lookup: _Lookup) -> list[Reference]:
    """(type, id, the referenced tweet if this page or the flattened line holds it)."""
    found: list[Reference] = []
    references = tweet.get("referenced_tweets")
    for ref in references if isinstance(references, list) else []:
        if not isinstance(ref, dict):
            continue
        kind, ref_id = ref.get("type"), id_string(ref.get("id"))
        if isinstance(kind, str) and ref_id is not None:
            resolved = lookup.tweets.get(ref_id)
            if resolved is None and ("text" in ref or "note_tweet" in ref):
                resolved = ref
            found.append((kind, ref_id, resolved))
    return found


def _extra(
    tweet: dict[str, Any],
    user: dict[str, Any],
    references: list[Reference],
    original: dict[str, Any] | None,
    lookup: _Lookup,
    retrieved_at: str | None,
) -> JsonObject:
    extra: JsonObject = {}
    _put(extra, "author_name", text_of(user.get("name")) or None)
    for kind, ref_id, _ in references:
        key = _REFERENCE_KEYS.get(kind)
        if key is not None and key not in extra:
            extra[key] = ref_id
    entities = EntityLists()
    _add_entities(entities, tweet, lookup)
    if original is not None:
        _add_entities(entities, original, lookup)
    entities.write(extra)
    place, coordinates = _geo(tweet.get("geo"), lookup)
    _put(extra, "place", place)
    _put(extra, "coordinates", coordinates)
    history = tweet.get("edit_history_tweet_ids")
    if isinstance(history, list) and history:
        extra["edit_history_tweet_ids"] = history
    _put(extra, "conversation_id", id_string(tweet.get("conversation_id")))
    _put(extra, "source_app", source_app(tweet.get("source")))
    withheld = tweet.get("withheld")
    if isinstance(withheld, dict):
        extra["withheld"] = withheld
    _put(extra, "retrieved_at", retrieved_at)
    return extra


def _put(extra: JsonObject, key: str, value: JsonValue) -> None:
    if value is not None:
        extra[key] = value


def _add_entities(entities: EntityLists, tweet: dict[str, Any], lookup: _Lookup) -> None:
    note = tweet.get("note_tweet")
    boxes = [note.get("entities") if isinstance(note, dict) else None, tweet.get("entities")]
    for box in boxes:
        if not isinstance(box, dict):
            continue
        for tag in _list(box, "hashtags"):
            entities.add(entities.hashtags, "#", tag.get("tag"))
        for tag in _list(box, "cashtags"):
            entities.add(entities.cashtags, "$", tag.get("tag"))
        for mention in _list(box, "mentions"):
            entities.add(entities.mentions, "@", mention.get("username"))
        for url in _list(box, "urls"):
            if not _is_media_link(url):
                entities.add(entities.urls, "url", url.get("expanded_url") or url.get("url"))
    attachments = tweet.get("attachments")
    if isinstance(attachments, dict):
        for item in _attached_media(attachments, lookup):
            entities.add_media(item.get("type"), _media_url(item))


def _is_media_link(url: dict[str, Any]) -> bool:
    """A link to the tweet's own photo or video: the media list holds the file itself."""
    display = url.get("display_url")
    return "media_key" in url or (isinstance(display, str) and display.startswith("pic."))


def _list(box: dict[str, Any], key: str) -> list[dict[str, Any]]:
    values = box.get(key)
    if not isinstance(values, list):
        return []
    return [value for value in values if isinstance(value, dict)]


def _attached_media(attachments: dict[str, Any], lookup: _Lookup) -> list[dict[str, Any]]:
    inline = attachments.get("media")  # twarc2 flatten puts the media objects here
    if isinstance(inline, list):
        return [item for item in inline if isinstance(item, dict)]
    keys = attachments.get("media_keys")
    if not isinstance(keys, list):
        return []
    return [lookup.media[key] for key in keys if isinstance(key, str) and key in lookup.media]


def _media_url(item: dict[str, Any]) -> str | None:
    for url in (
        text_of(item.get("url")),
        best_video_url(item.get("variants")),
        text_of(item.get("preview_image_url")),
    ):
        if url:
            return url
    return None


def _geo(geo: object, lookup: _Lookup) -> tuple[JsonObject | None, list[JsonValue] | None]:
    """The tweet's place (from includes, or inline when flattened) and exact point."""
    if not isinstance(geo, dict):
        return None, None
    place_id = text_of(geo.get("place_id"))
    source = geo if ("full_name" in geo or "name" in geo) else lookup.places.get(place_id or "")
    place: JsonObject | None = None
    if source is not None:
        place = {key: source[key] for key in _PLACE_KEYS if isinstance(source.get(key), str)}
        shape = source.get("geo")
        bbox = shape.get("bbox") if isinstance(shape, dict) else None
        if isinstance(bbox, list) and len(bbox) == 4:
            place["bbox"] = bbox
    if place_id and not (place and "id" in place):
        place = {**(place or {}), "id": place_id}
    point = geo.get("coordinates")
    pair = point.get("coordinates") if isinstance(point, dict) else None
    coordinates: list[JsonValue] | None = None
    if isinstance(pair, list) and len(pair) == 2 and is_numbers(pair):
        coordinates = [pair[0], pair[1]]
    return place, coordinates
