"""Write the scenario's chats and places: Telegram Desktop JSON, WhatsApp text, GeoNames TSV.

The Telegram file is laid out byte for byte as Telegram Desktop's exporter writes it (one-space
indents, `"key": value`, raw UTF-8, local `date` beside `date_unixtime`, text as a string or a
list of parts); the WhatsApp file as Android exports it (day first, 24-hour, local time).
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sitroom.demo import phrases as ph
from sitroom.demo.chats import CHANNEL_ID, CHANNEL_NAME
from sitroom.demo.model import ChatLine, Post

LOCAL = timezone(timedelta(hours=2))  # Syria (and the exporting machine) in December 2016
NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
TG_ENTITY_RE = re.compile(r"#\w+|@\w{5,}|https?://\S+|\+963 \d{3} \d{3} \d{3}")
TG_KIND = {"#": "hashtag", "@": "mention", "h": "link", "+": "phone"}
GEONAMES_ID_BASE = 90000000  # far above real GeoNames ids, so a user gazetteer never clashes

Part = tuple[str, str, str | None]  # (entity type, text, href)


def write_telegram(path: Path, posts: list[Post]) -> tuple[int, int]:
    """A single-chat `result.json`; returns (messages, service messages)."""
    head = (f'{{\n "name": {_s(CHANNEL_NAME)},\n "type": "public_channel",\n'
            f' "id": {CHANNEL_ID},\n "messages": [')
    body = ",".join(f"\n  {_tg_message(post)}" for post in posts)
    path.write_text(head + body + "\n ]\n}", encoding="utf-8")
    service = sum(1 for post in posts if post.action)
    return len(posts) - service, service


def _tg_message(post: Post) -> str:
    channel = [("from", _s(CHANNEL_NAME)), ("from_id", _s(f"channel{CHANNEL_ID}"))]
    pairs = [("id", str(post.id)), ("type", _s("service" if post.action else "message")),
             *_tg_date("date", post.at)]
    if post.edited_at is not None:
        pairs += _tg_date("edited", post.edited_at)
    if post.action:
        pairs += [("actor", channel[0][1]), ("actor_id", channel[1][1]),
                  ("action", _s(post.action))]
        if post.pinned_id is not None:
            pairs.append(("message_id", str(post.pinned_id)))
        if post.photo:
            pairs += [("photo", _s(NOT_INCLUDED)), ("width", "640"), ("height", "640")]
    else:
        pairs += channel
        if post.author:
            pairs.append(("author", _s(post.author)))
        if post.forwarded_from:
            pairs.append(("forwarded_from", _s(post.forwarded_from)))
        if post.reply_to is not None:
            pairs.append(("reply_to_message_id", str(post.reply_to)))
        if post.photo:
            pairs += [("photo", _s(NOT_INCLUDED)), ("width", "1280"), ("height", "960")]
    parts = _tg_parts(post)
    pairs += [("text", _tg_text(parts, objects=False)),
              ("text_entities", _tg_text(parts, objects=True))]
    return _tg_object(pairs, depth=2)


def _tg_date(key: str, at: datetime) -> list[tuple[str, str]]:
    local = at.astimezone(LOCAL).strftime("%Y-%m-%dT%H:%M:%S")
    return [(key, _s(local)), (f"{key}_unixtime", _s(str(int(at.timestamp()))))]


def _tg_parts(post: Post) -> list[Part]:
    """The message text cut into Telegram's entity parts (bold, hashtag, link, ...)."""
    parts: list[Part] = []
    if post.bold:
        parts += [("bold", post.bold, None), ("plain", "\n", None)]
    pos = 0
    for match in TG_ENTITY_RE.finditer(post.text):
        parts.append(("plain", post.text[pos:match.start()], None))
        parts.append((TG_KIND[match.group()[0]], match.group(), None))
        pos = match.end()
    parts.append(("plain", post.text[pos:], None))
    if post.link:
        parts += [("plain", "\n", None), ("text_link", post.link[0], post.link[1])]
    merged: list[Part] = []
    for part in parts:
        if part[0] == "plain" and merged and merged[-1][0] == "plain":
            merged[-1] = ("plain", merged[-1][1] + part[1], None)
        elif part[1]:
            merged.append(part)
    return merged


def _tg_text(parts: list[Part], *, objects: bool) -> str:
    if not parts:
        return "[]" if objects else '""'
    if not objects and len(parts) == 1 and parts[0][0] == "plain":
        return _s(parts[0][1])
    items = []
    for kind, text, href in parts:
        if kind == "plain" and not objects:
            items.append(_s(text))
            continue
        pairs = [("type", _s(kind)), ("text", _s(text))]
        if href is not None:
            pairs.append(("href", _s(href)))
        items.append(_tg_object(pairs, depth=4))
    return "[" + ",".join(f"\n    {item}" for item in items) + "\n   ]"


def _tg_object(pairs: list[tuple[str, str]], *, depth: int) -> str:
    inner = " " * (depth + 1)
    body = ",".join(f"\n{inner}{_s(key)}: {value}" for key, value in pairs)
    return "{" + body + "\n" + " " * depth + "}"


def _s(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def write_whatsapp(path: Path, lines: list[ChatLine]) -> tuple[int, int]:
    """An Android "Export chat" text file; returns (messages, system lines)."""
    out = []
    for line in lines:
        stamp = line.at.astimezone(LOCAL).strftime("%d/%m/%Y, %H:%M")
        out.append(f"{stamp} - {line.sender}: {line.text}" if line.sender
                   else f"{stamp} - {line.text}")
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    system = sum(1 for line in lines if line.sender is None)
    return len(lines) - system, system


def write_gazetteer(path: Path) -> int:
    """The city's places in GeoNames' 19-column TSV layout; returns the number of rows."""
    rows = []
    for index, (key, name, arabic, fclass, fcode, lat, lon, population) in enumerate(
            ph.PLACES, start=1):
        alternates = ",".join((arabic, *ph.ALTERNATE_NAMES.get(key, ())))
        ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
        dem = 370 + int(lat * 10000 + lon * 10000) % 45
        rows.append("\t".join((
            str(GEONAMES_ID_BASE + index), name, ascii_name, alternates, f"{lat:.5f}",
            f"{lon:.5f}", fclass, fcode, "SY", "", "09", "", "", "", str(population), "",
            str(dem), "Asia/Damascus", "2016-12-10")))
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows)
