"""The line grammar of WhatsApp chat exports: message headers, dates, and what a body holds.

A message starts with a header line, `12/13/16, 10:22 PM - Name: text` (Android) or
`[13/12/2016, 22:22:05] Name: text` (iOS), in many locale variants: day or month first,
`/`, `.` or `-` between date parts, 12- or 24-hour clocks, Arabic-Indic digits, and
direction marks (U+200E, U+200F) that WhatsApp scatters around its own strings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from typing import Literal

from sitroom.models import JsonObject

Layout = Literal["android", "ios"]
DateOrder = Literal["dmy", "mdy", "ymd"]
DATE_ORDERS: tuple[DateOrder, ...] = ("dmy", "mdy", "ymd")

MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
_M = f"[{MARK_CHARS}]*"
# `\d` matches any Unicode decimal digit, and int() reads them: Arabic locales write ١٣/١٢/٢٠١٦.
_DATE = (
    rf"(?P<a>\d{{1,4}}){_M}(?P<sep>[./-]){_M}(?P<b>\d{{1,2}}){_M}(?P=sep){_M}"
    rf"(?P<c>\d{{1,4}})\.?"
)
_SEP = rf"{_M}[,،]?\s*(?:klo\s+)?"
_TIME = rf"{_M}(?P<h>\d{{1,2}})[:.](?P<mi>\d{{2}})(?:[:.](?P<s>\d{{2}}))?"
_AMPM = rf"(?:\s*{_M}(?P<ap>[AaPp]\.?\s?[Mm]\.?|ص|م))?"
_STAMP = f"{_DATE}{_SEP}{_TIME}{_AMPM}{_M}"

HEADERS: dict[Layout, re.Pattern[str]] = {
    "android": re.compile(rf"^{_M}{_STAMP}\s[-–]\s(?P<rest>.*)$"),
    "ios": re.compile(rf"^{_M}\[{_M}{_STAMP}\]\s?(?P<rest>.*)$"),
}

_DELETED = frozenset(
    {
        "This message was deleted",
        "This message was deleted.",
        "You deleted this message",
        "You deleted this message.",
    }
)
_OMITTED = frozenset(
    {
        "<Media omitted>",
        "<Medien ausgeschlossen>",
        "<Multimedia omitido>",
        "<Médias omis>",
        "<Media omessi>",
        "<Mídia oculta>",
        "<Media weggelaten>",
        "<Media tidak disertakan>",
        "<تم استبعاد الوسائط>",
    }
)
_IOS_OMITTED = re.compile(
    r"^(?:.+ • \d+ pages? )?(?P<kind>image|video|audio|sticker|GIF|document|Contact card) omitted$"
)
_ANDROID_ATTACHED = re.compile(
    r"^(?P<file>[^<>:\"/\\|?*]+?\.[A-Za-z0-9]{0,6}) \((?P<label>[^()]+)\)$"
)
_ATTACHED_LABELS = frozenset(
    {
        "file attached",
        "datei angehängt",
        "archivo adjunto",
        "fichier joint",
        "arquivo anexado",
        "file allegato",
        "bestand bijgevoegd",
        "dosya ekli",
        "ملف مرفق",
    }
)
_WA_MEDIA_NAME = re.compile(r"^[A-Z]{3}-\d{8}-WA\d{4}")
_IOS_ATTACHED = re.compile(r"<(?P<label>[^<>:]{1,40}): (?P<file>[^<>]+)>")
_IOS_MEDIA_ID = re.compile(r"^\d{8}-")
_EDITED = "<This message was edited>"
_MAPS = re.compile(
    r"maps\.google\.com/\?q=(?P<lat>-?\d{1,3}(?:\.\d+)?),(?P<lon>-?\d{1,3}(?:\.\d+)?)"
)
# Android system lines have no "Name: " part, unless a quoted group name holds a colon.
_SYSTEM_NAME = re.compile(
    r" created group | changed the subject | changed the group | changed this group"
    r"|end-to-end encrypt| security code "
)
_NAME_TYPES = {
    "IMG": "image",
    "PHOTO": "image",
    "VID": "video",
    "VIDEO": "video",
    "AUD": "audio",
    "AUDIO": "audio",
    "PTT": "audio",
    "GIF": "gif",
    "STK": "sticker",
    "STICKER": "sticker",
    "DOC": "document",
}
_EXT_TYPES = {
    "jpg": "image",
    "jpeg": "image",
    "png": "image",
    "webp": "image",
    "heic": "image",
    "mp4": "video",
    "3gp": "video",
    "mov": "video",
    "opus": "audio",
    "mp3": "audio",
    "m4a": "audio",
    "ogg": "audio",
    "aac": "audio",
    "vcf": "contact",
    "pdf": "document",
}


def match_header(line: str, layout: Layout | None) -> tuple[Layout, re.Match[str]] | None:
    """The layout and header match of `line`, trying both layouts when none is known yet."""
    layouts: Sequence[Layout] = (layout,) if layout else ("android", "ios")
    for kind in layouts:
        found = HEADERS[kind].match(line)
        if found is not None:
            return kind, found
    return None


def date_parts(found: re.Match[str]) -> tuple[int, int, int]:
    """The three numbers of a header's date, in the order written."""
    return int(found["a"]), int(found["b"]), int(found["c"])


def decide_date_order(dates: Sequence[tuple[int, int, int]]) -> DateOrder:
    """Day or month first, from values above 12; else the order that keeps dates ascending."""
    if not dates:
        return "dmy"
    if sum(a > 31 for a, _, _ in dates) * 2 > len(dates):
        return "ymd"
    day_first = sum(a > 12 for a, _, _ in dates)
    month_first = sum(b > 12 for _, b, _ in dates)
    if day_first != month_first:
        return "dmy" if day_first > month_first else "mdy"
    if _backsteps(dates, "mdy") < _backsteps(dates, "dmy"):
        return "mdy"
    return "dmy"


def _backsteps(dates: Sequence[tuple[int, int, int]], order: DateOrder) -> int:
    """How often the date goes backwards when read in `order` (chats are in time order)."""
    keys = [_ordered(parts, order) for parts in dates]
    return sum(later < earlier for earlier, later in pairwise(keys))


def _ordered(parts: tuple[int, int, int], order: DateOrder) -> tuple[int, int, int]:
    a, b, c = parts
    if order == "ymd":
        return a, b, c
    if order == "dmy":
        return c, b, a
    return c, a, b


def local_time(found: re.Match[str], order: DateOrder) -> datetime:
    """The naive local time a header states; raises ValueError for an impossible one."""
    parts = date_parts(found)
    year, month, day = _ordered(parts, "ymd" if len(found["a"]) == 4 else order)
    if year < 100:
        year += 2000
    hour = int(found["h"])
    marker = found["ap"]
    if marker:
        if not 1 <= hour <= 12:
            raise ValueError(f"hour {hour} on a 12-hour clock")
        pm = marker[0] in "Pp" or marker == "م"
        hour = hour % 12 + (12 if pm else 0)
    second = int(found["s"]) if found["s"] else 0
    return datetime(year, month, day, hour, int(found["mi"]), second)


@dataclass(frozen=True, slots=True)
class Body:
    """What follows a header: who wrote it, its text, and what WhatsApp says about it."""

    system: bool
    author: str | None
    text: str
    media: list[JsonObject] = field(default_factory=list)
    edited: bool = False
    coordinates: list[float] | None = None


def read_body(rest: str, more: Sequence[str], layout: Layout, members: dict[str, int]) -> Body:
    """Classify a message body; `members` maps a zip's media file names to their sizes."""
    author, said = _split_author(rest, layout)
    if author is None:
        return Body(system=True, author=None, text="\n".join([rest.strip(MARK_CHARS), *more]))
    # iOS marks the strings WhatsApp itself writes with a leading LEFT-TO-RIGHT MARK.
    generated = layout == "ios" and said.startswith("\u200e")
    first = said.strip(MARK_CHARS + " ")
    if first in _DELETED and not more:
        return Body(system=True, author=author, text=first)
    media, text = _media(first, said, more, members)
    if not media and generated and not _MAPS.search(first):
        return Body(system=True, author=author, text="\n".join([first, *more]))
    edited = text.endswith(_EDITED)
    if edited:
        text = text[: -len(_EDITED)].rstrip()
    return Body(
        system=False,
        author=author,
        text=text,
        media=media,
        edited=edited,
        coordinates=_coordinates(text),
    )


def _split_author(rest: str, layout: Layout) -> tuple[str | None, str]:
    name, colon, said = rest.partition(": ")
    if not colon:
        if rest.endswith(":") and layout == "android":
            return rest[:-1].strip(MARK_CHARS) or None, ""
        return None, rest
    if name.startswith("\u200e") or _SYSTEM_NAME.search(name):
        return None, rest
    return name.strip(MARK_CHARS + " ") or None, said


def _media(
    first: str, said: str, more: Sequence[str], members: dict[str, int]
) -> tuple[list[JsonObject], str]:
    """Media named in the body's first line, and the text that remains."""
    if first in _OMITTED:
        return [{"type": "omitted"}], "\n".join(more)
    omitted = _IOS_OMITTED.match(first)
    if omitted:
        return [{"type": "omitted", "label": omitted["kind"]}], "\n".join(more)
    attached = _ANDROID_ATTACHED.match(first)
    if attached and (
        attached["label"].casefold() in _ATTACHED_LABELS
        or _WA_MEDIA_NAME.match(attached["file"])
        or attached["file"] in members
    ):
        return [_attachment(attached["file"], members)], "\n".join(more)
    tagged = _IOS_ATTACHED.search(first)
    if tagged and (tagged["label"] == "attached" or _IOS_MEDIA_ID.match(tagged["file"])):
        left = (first[: tagged.start()] + first[tagged.end() :]).strip(MARK_CHARS + " ")
        return [_attachment(tagged["file"], members)], "\n".join([left, *more]).strip("\n")
    return [], "\n".join([said, *more])


def _attachment(name: str, members: dict[str, int]) -> JsonObject:
    entry: JsonObject = {"type": media_type(name), "file": name, "included": name in members}
    if name in members:
        entry["size"] = members[name]
    return entry


def media_type(name: str) -> str:
    """The kind of a WhatsApp media file from its name (IMG-..., 00000012-PHOTO-..., .jpg)."""
    parts = name.split("-")
    for token in parts[:2]:
        if token.upper() in _NAME_TYPES:
            return _NAME_TYPES[token.upper()]
    ext = name.rpartition(".")[2].lower()
    return _EXT_TYPES.get(ext, "file")


def _coordinates(text: str) -> list[float] | None:
    found = _MAPS.search(text)
    if found is None:
        return None
    lat, lon = float(found["lat"]), float(found["lon"])
    if abs(lat) > 90 or abs(lon) > 180:
        return None
    return [lon, lat]
