"""What both Twitter adapters share: framing, JSON loading with clear rejects, times, text."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, cast

import orjson

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import JsonObject, JsonValue, Record
from sitroom.sources.jsonspans import JsonPath, JsonSpan, iter_json_spans
from sitroom.timeutil import parse_iso, to_rfc3339

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

PLATFORM = "twitter"
BOM = b"\xef\xbb\xbf"
HEAD_BYTES = 1 << 16
DOCUMENT_LIMIT = 64 << 20

Layout = Literal["lines", "array", "statuses", "document"]

STATUSES_START = re.compile(rb'\{\s*"statuses"\s*:\s*\[')
V1_DATE = re.compile(
    rb'"created_at"\s*:\s*"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d '
    rb'\d\d:\d\d:\d\d [+-]\d{4} \d{4}"'
)
_MONTHS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "May": 5, "Jun": 6,
    "Jul": 7, "Aug": 8, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
_SOURCE_TAG = re.compile(r"<[^>]*>")


class _Prefixed(io.RawIOBase):
    """A stream that replays bytes already read from it, then reads on (for sniffed pipes)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int:
        target = memoryview(buffer).cast("B")
        if self._head:
            size = min(len(target), len(self._head))
            target[:size] = self._head[:size]
            self._head = self._head[size:]
            return size
        data = self._rest.read(len(target))
        target[: len(data)] = data
        return len(data)


def peek(stream: BinaryIO) -> tuple[bytes, BinaryIO]:
    """Read the first 64 KiB of `stream` and return it with a stream that starts over."""
    parts: list[bytes] = []
    size = 0
    while size < HEAD_BYTES:
        chunk = stream.read(HEAD_BYTES - size)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    head = b"".join(parts)
    replay = io.BufferedReader(_Prefixed(head, stream), buffer_size=1 << 20)
    return head, cast(BinaryIO, replay)


def layout_of(head: bytes) -> Layout:
    """How an input starting with `head` is framed: JSON lines, an array, search, one document."""
    body = head.removeprefix(BOM).lstrip()
    if STATUSES_START.match(body):
        return "statuses"
    first, newline, rest = body.partition(b"\n")
    if body.startswith(b"["):
        # A JSONL file whose first line happens to be an array is still JSON lines.
        if newline and rest.strip() and _is_json(first):
            return "lines"
        return "array"
    if first.strip() == b"{":
        return "document"
    return "lines"


def _is_json(data: bytes) -> bool:
    try:
        orjson.loads(data)
    except orjson.JSONDecodeError:
        return False
    return True


def framed_records(stream: BinaryIO, layout: Layout) -> Iterator[Record]:
    """Cut `stream` into records according to its layout."""
    if layout == "array":
        yield from span_records(stream, ())
    elif layout == "statuses":
        yield from span_records(stream, ("statuses",))
    elif layout == "document":
        yield document_record(stream)
    else:
        yield from line_records(stream)


def line_records(stream: BinaryIO) -> Iterator[Record]:
    """One record per non-blank line; raw is the line without its line ending."""
    for number, line in enumerate(stream, 1):
        body = line[:-1] if line.endswith(b"\n") else line
        if body.endswith(b"\r"):
            body = body[:-1]
        if not body or body.isspace():
            continue
        yield Record(body, f"line {number}")


def span_records(stream: BinaryIO, path: JsonPath) -> Iterator[Record]:
    """One record per element of the array at `path`, as its exact bytes."""
    for item in iter_json_spans(stream, lambda found: found == path):
        if isinstance(item, JsonSpan):
            yield Record(item.raw, f"offset {item.offset}")


def document_record(stream: BinaryIO) -> Record:
    """The whole input as one record (a pretty-printed single object)."""
    data = stream.read(DOCUMENT_LIMIT + 1)
    if len(data) > DOCUMENT_LIMIT:
        raise SourceError(
            f"a pretty-printed JSON document over {DOCUMENT_LIMIT >> 20} MiB; "
            "write it as one object per line (JSONL) instead"
        )
    return Record(data, "offset 0")


def load_json(raw: bytes) -> Any:
    """Parse one record's JSON, or raise `RecordRejected` saying what is wrong with it."""
    try:
        return orjson.loads(raw[3:] if raw.startswith(BOM) else raw)
    except orjson.JSONDecodeError as exc:
        return _load_slowly(raw.removeprefix(BOM), exc)


def _load_slowly(raw: bytes, first_error: Exception) -> Any:
    """The stdlib parser accepts lone surrogate escapes, which truncated tweets do contain."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as bad:
        raise RecordRejected(f"invalid UTF-8 at byte {bad.start}") from None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        raise RecordRejected(f"invalid JSON: {first_error}") from None
    return _without_surrogates(value)


def _without_surrogates(value: Any) -> Any:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return value
    if isinstance(value, list):
        return [_without_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in value.items()}
    return value


def kind_of(value: object) -> str:
    """A JSON type name for reject reasons."""
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    return names.get(type(value), "number")


def id_string(value: object) -> str | None:
    """A platform id as a string of digits, from a string or an integer; None otherwise."""
    if isinstance(value, str):
        return value if value.isascii() and value.isdigit() else None
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return None


def text_of(value: object) -> str | None:
    """A string value, or None when absent or not a string."""
    return value if isinstance(value, str) else None


def unescape(text: str) -> str:
    """Undo the three HTML escapes Twitter applies to tweet text."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def twitter_time(value: object) -> str | None:
    """RFC 3339 UTC from v1.1's `Wed Dec 09 19:40:11 +0000 2015`; None when it is not one."""
    if not isinstance(value, str):
        return None
    parts = value.split(" ")
    if len(parts) == 6 and parts[4] == "+0000" and parts[1] in _MONTHS:
        clock = parts[3].split(":")
        try:
            # Building the datetime validates every field; formatting by hand is faster.
            moment = datetime(
                int(parts[5]), _MONTHS[parts[1]], int(parts[2]),
                int(clock[0]), int(clock[1]), int(clock[2]),
            )  # fmt: skip
        except (ValueError, IndexError):
            return None
        return (
            f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
        )
    try:
        return to_rfc3339(datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y"))
    except ValueError:
        return None


def iso_time(value: object) -> str | None:
    """RFC 3339 UTC from an ISO 8601 time (v2's `2021-09-22T16:35:02.000Z`); None if not one."""
    if not isinstance(value, str):
        return None
    try:
        return to_rfc3339(parse_iso(value))
    except ValueError:
        return None


def millis_time(value: object) -> str | None:
    """RFC 3339 UTC from a `timestamp_ms` value (milliseconds since the epoch, maybe a string)."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    try:
        return to_rfc3339(datetime.fromtimestamp(value / 1000, UTC))
    except (ValueError, OverflowError, OSError):
        return None


def source_app(value: object) -> str | None:
    """The client name from a `source` field, without v1.1's surrounding link markup."""
    if not isinstance(value, str) or not value:
        return None
    return _SOURCE_TAG.sub("", value).strip() or None


def status_url(screen_name: str | None, tweet_id: str) -> str:
    """The public address of a tweet."""
    if screen_name:
        return f"https://twitter.com/{screen_name}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def best_video_url(variants: object) -> str | None:
    """The highest bit-rate MP4 among a video's variants, else the first variant with a URL."""
    if not isinstance(variants, list):
        return None
    best: tuple[int, str] | None = None
    fallback: str | None = None
    for variant in variants:
        if not isinstance(variant, dict) or not isinstance(variant.get("url"), str):
            continue
        fallback = fallback or variant["url"]
        rate = variant.get("bitrate", variant.get("bit_rate"))
        if variant.get("content_type") != "video/mp4" or not isinstance(rate, int):
            continue
        if best is None or rate > best[0]:
            best = (rate, variant["url"])
    return best[1] if best else fallback


class EntityLists:
    """Hashtags, mentions, URLs and media gathered from several entity objects, without repeats."""

    __slots__ = ("_seen", "cashtags", "hashtags", "media", "mentions", "urls")

    def __init__(self) -> None:
        self.hashtags: list[JsonValue] = []
        self.cashtags: list[JsonValue] = []
        self.mentions: list[JsonValue] = []
        self.urls: list[JsonValue] = []
        self.media: list[JsonValue] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, target: list[JsonValue], kind: str, value: object) -> None:
        """Add a non-empty string to one of the lists unless it is there already."""
        if isinstance(value, str) and value and (kind, value) not in self._seen:
            self._seen.add((kind, value))
            target.append(value)

    def add_media(self, kind: object, url: object) -> None:
        """Add a media item ({"type", "url"}) unless one with that URL is there already."""
        if isinstance(url, str) and url and ("media", url) not in self._seen:
            self._seen.add(("media", url))
            self.media.append({"type": kind if isinstance(kind, str) else "unknown", "url": url})

    def write(self, extra: JsonObject) -> None:
        """Store the non-empty lists in a message's `extra` under the conventional keys."""
        for key, values in (
            ("hashtags", self.hashtags),
            ("cashtags", self.cashtags),
            ("mentions", self.mentions),
            ("urls", self.urls),
            ("media", self.media),
        ):
            if values:
                extra[key] = values


def place_of(place: object) -> JsonObject | None:
    """A v1.1 place as {name, full_name, country, country_code, place_type, id, bbox}."""
    if not isinstance(place, dict):
        return None
    out: JsonObject = {}
    for key in ("name", "full_name", "country", "country_code", "place_type", "id"):
        if isinstance(place.get(key), str):
            out[key] = place[key]
    box = place.get("bounding_box")
    bbox = _bbox(box.get("coordinates")) if isinstance(box, dict) else None
    if bbox is not None:
        out["bbox"] = bbox
    return out or None


def _bbox(rings: object) -> list[JsonValue] | None:
    """[west, south, east, north] of a GeoJSON polygon, as v2 gives it."""
    if not isinstance(rings, list):
        return None
    points = [point for ring in rings if isinstance(ring, list) for point in ring]
    pairs = [p for p in points if isinstance(p, list) and len(p) >= 2 and is_numbers(p[:2])]
    if not pairs:
        return None
    lons = [p[0] for p in pairs]
    lats = [p[1] for p in pairs]
    return [min(lons), min(lats), max(lons), max(lats)]


def is_numbers(values: list[Any]) -> bool:
    """Whether every value is a JSON number (booleans are not)."""
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def coordinates_of(status: dict[str, Any]) -> list[JsonValue] | None:
    """[lon, lat] from GeoJSON `coordinates`, else from the older `geo` ([lat, lon])."""
    point = status.get("coordinates")
    if isinstance(point, dict):
        pair = point.get("coordinates")
        if isinstance(pair, list) and len(pair) == 2 and is_numbers(pair):
            return [pair[0], pair[1]]
    geo = status.get("geo")
    if isinstance(geo, dict):
        pair = geo.get("coordinates")
        if isinstance(pair, list) and len(pair) == 2 and is_numbers(pair):
            return [pair[1], pair[0]]
    return None
