"""The fields of one Telegram export message: text parts and entities, media, places, links."""

from __future__ import annotations

import re

from sitroom.models import JsonObject, JsonValue

# What Telegram writes in place of a path when a file was left out of the export.
_NOT_INCLUDED = re.compile(
    r"^(?:.+ )?\((?:File|Photo) (?:not included|exceeds maximum size|unavailable)"
)
# Service-message keys that every message has; the rest are the action's details.
_SERVICE_BASE = frozenset(
    {"id", "type", "date", "date_unixtime", "actor", "actor_id", "action", "text", "text_entities"}
)
_MEDIA_KEYS = ("mime_type", "duration_seconds", "width", "height", "sticker_emoji")


def plain_text(text: JsonValue) -> str | None:
    """The plain text of a `text` field: a string, or a list of strings and entity objects."""
    if isinstance(text, str):
        return text
    if not isinstance(text, list):
        return None
    parts: list[str] = []
    for part in text:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict) and isinstance(part.get("text"), str):
            parts.append(str(part["text"]))
        else:
            return None
    return "".join(parts)


def message_extra(obj: JsonObject, chat: JsonObject, chat_id: str | None) -> JsonObject:
    """`Message.extra` for a Telegram message: chat, links, entities, media and place."""
    extra: JsonObject = {"chat": chat}
    extra.update(_entities(obj))
    reply = obj.get("reply_to_message_id")
    if _is_int(reply):
        peer = obj.get("reply_to_peer_id")
        where = _bare_id(peer) if isinstance(peer, str) else chat_id
        extra["reply_to"] = f"{where}/{reply}" if where else str(reply)
    for key in ("forwarded_from", "saved_from", "via_bot"):
        if isinstance(obj.get(key), str):
            extra[key] = obj[key]
    if isinstance(obj.get("author"), str):
        extra["signature"] = obj["author"]
    media = _media(obj)
    if media:
        extra["media"] = media
    extra.update(_place(obj))
    for key in ("poll", "contact_information", "invoice_information"):
        if isinstance(obj.get(key), dict):
            extra[key.removesuffix("_information")] = obj[key]
    return extra


def service_extra(obj: JsonObject, chat: JsonObject) -> JsonObject:
    """`Notice.extra` for a service message: chat, actor, action and the action's details."""
    extra: JsonObject = {"chat": chat}
    for key in ("actor", "actor_id", "action"):
        value = obj.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            extra[key] = str(value)
    details = {key: value for key, value in obj.items() if key not in _SERVICE_BASE}
    if details:
        extra["details"] = details
    text = plain_text(obj.get("text"))
    if text:
        extra["text"] = text
    return extra


def _entities(obj: JsonObject) -> JsonObject:
    """Hashtags, mentions and URLs from `text_entities`, else from the parts of `text`."""
    entities = obj.get("text_entities")
    if not isinstance(entities, list):
        text = obj.get("text")
        entities = (
            [part for part in text if isinstance(part, dict)] if isinstance(text, list) else []
        )
    hashtags: list[str] = []
    mentions: list[str] = []
    urls: list[str] = []
    for entity in entities:
        if not isinstance(entity, dict):
            continue
        kind, text = entity.get("type"), entity.get("text")
        if not isinstance(text, str):
            continue
        if kind == "hashtag":
            _add(hashtags, text.lstrip("#"))
        elif kind == "mention":
            _add(mentions, text.lstrip("@"))
        elif kind == "link":
            _add(urls, text)
        elif kind == "text_link" and isinstance(entity.get("href"), str):
            _add(urls, str(entity["href"]))
    found: JsonObject = {}
    for key, values in (("hashtags", hashtags), ("mentions", mentions), ("urls", urls)):
        if values:
            items: list[JsonValue] = list(values)
            found[key] = items
    return found


def _media(obj: JsonObject) -> list[JsonValue]:
    """Photo and file attachments, each marked included or left out of the export."""
    media: list[JsonValue] = []
    photo = obj.get("photo")
    if isinstance(photo, str):
        media.append(_file_entry("photo", photo, obj))
    path = obj.get("file")
    if isinstance(path, str):
        kind = obj.get("media_type")
        media.append(_file_entry(kind if isinstance(kind, str) else "file", path, obj))
    return media


def _file_entry(kind: str, path: str, obj: JsonObject) -> JsonObject:
    entry: JsonObject = {"type": kind}
    if _NOT_INCLUDED.match(path):
        entry.update({"file": None, "included": False, "note": path})
    else:
        entry.update({"file": path, "included": True})
    for key in _MEDIA_KEYS:
        value = obj.get(key)
        if value is not None and not isinstance(value, dict | list):
            entry[key] = value
    return entry


def _place(obj: JsonObject) -> JsonObject:
    """`coordinates` ([lon, lat]) from `location_information`, `place` from a venue."""
    found: JsonObject = {}
    location = obj.get("location_information")
    if isinstance(location, dict):
        lat, lon = location.get("latitude"), location.get("longitude")
        if _is_number(lat) and _is_number(lon):
            found["coordinates"] = [lon, lat]
    name, address = obj.get("place_name"), obj.get("address")
    if isinstance(name, str) or isinstance(address, str):
        place: JsonObject = {}
        if isinstance(name, str):
            place["name"] = name
        if isinstance(address, str):
            place["full_name"] = address
        found["place"] = place
    return found


def _bare_id(peer: str) -> str | None:
    """The number in a peer id such as "channel123" or "user456"."""
    digits = peer.lstrip("abcdefghijklmnopqrstuvwxyz")
    return digits if digits.isdigit() else None


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)


def _is_int(value: JsonValue) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: JsonValue) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
