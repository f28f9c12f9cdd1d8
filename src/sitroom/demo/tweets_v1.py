"""Write the scenario's tweets as a twarc v1.1 collection: one Twitter API status per line.

Statuses are written as twarc wrote them (`json.dumps`, so ASCII escapes), with Twitter's own
quirks: HTML-escaped text, the 140-character compatibility mode with `extended_tweet`, and
`full_text` with `display_text_range` for the lines a later search added.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from sitroom.demo.model import Media, Persona, Tweet, people_of, place_fields

HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)")
MENTION_RE = re.compile(r"(?<!\w)@(\w{1,15})")
TCO_RE = re.compile(r"https://t\.co/\w{10}")
V1_TIME = "%a %b %d %H:%M:%S +0000 %Y"

Json = dict[str, Any]


def write_tweets_v1(path: Path, tweets: list[Tweet]) -> tuple[int, int]:
    """One v1.1 status per line, oldest first; returns (lines, embedded originals)."""
    people = people_of(tweets)
    embedded = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for tweet in tweets:
            out.write(json.dumps(_v1_status(tweet, people, top=True)) + "\n")
            inner = {t.id for t in (tweet.retweet_of, tweet.quote_of) if t is not None}
            embedded += len(inner - {tweet.id})
    return len(tweets), embedded


def _v1_status(t: Tweet, people: dict[str, Persona], *, top: bool) -> Json:
    status: Json = {"created_at": t.at.strftime(V1_TIME), "id": t.id, "id_str": str(t.id)}
    status.update(_v1_text(t, people))
    status["source"] = t.author.source
    reply = t.reply_to
    status.update({
        "in_reply_to_status_id": reply.id if reply else None,
        "in_reply_to_status_id_str": str(reply.id) if reply else None,
        "in_reply_to_user_id": reply.author.user_id if reply else None,
        "in_reply_to_user_id_str": str(reply.author.user_id) if reply else None,
        "in_reply_to_screen_name": reply.author.screen_name if reply else None,
        "user": _v1_user(t.author, t.followers, t.statuses),
        "geo": {"type": "Point", "coordinates": [t.coords[1], t.coords[0]]} if t.coords else None,
        "coordinates": {"type": "Point", "coordinates": list(t.coords)} if t.coords else None,
        "place": _v1_place(t.place), "contributors": None,
    })
    if t.retweet_of is not None:
        status["retweeted_status"] = _v1_status(t.retweet_of, people, top=False)
    if t.quote_of is not None:
        status["quoted_status_id"] = t.quote_of.id
        status["quoted_status_id_str"] = str(t.quote_of.id)
        status["quoted_status"] = _v1_status(t.quote_of, people, top=False)
    status["is_quote_status"] = t.quote_of is not None
    extended = status.pop("extended_tweet", None)
    if extended is not None:
        status["extended_tweet"] = extended
    status.update(_v1_counts(t, top=top))
    status["entities"] = status.pop("entities")
    if "extended_entities" in status:
        status["extended_entities"] = status.pop("extended_entities")
    status.update({"favorited": False, "retweeted": False})
    if t.links or t.media:
        status["possibly_sensitive"] = False
    if top and not t.extended_mode:
        status["filter_level"] = "low"
    status["lang"] = t.lang
    if top and not t.extended_mode:
        status["timestamp_ms"] = str(int(t.at.timestamp() * 1000))
    return status


def _v1_text(t: Tweet, people: dict[str, Persona]) -> Json:
    """Text fields: `full_text` in extended mode, else `text` cut to 140 plus `extended_tweet`."""
    full = t.text if t.retweet_of is not None else t.full_text
    display_end = len(full if t.retweet_of is not None else t.display_text)
    lead = re.match(r"(@\w+ )+", full) if t.reply_to is not None else None
    media = _v1_media(t)
    whole = _v1_entities(full, t, people)
    if t.extended_mode:
        out: Json = {"full_text": esc(full), "truncated": False,
                     "display_text_range": [lead.end() if lead else 0, display_end],
                     "entities": whole}
    elif len(full) <= 140:
        out = {"text": esc(full), "truncated": False, "entities": whole}
    else:
        cut = full.rfind(" ", 0, 115)
        short = f"{full[:cut if cut > 0 else 115].rstrip()}… {t.tco}"
        web = {t.tco: f"https://twitter.com/i/web/status/{t.id}"}
        extended: Json = {"full_text": esc(full), "display_text_range": [0, display_end],
                          "entities": whole}
        if media:
            extended["extended_entities"] = {"media": media}
        return {"text": esc(short), "truncated": True, "extended_tweet": extended,
                "entities": _v1_entities(short, t, people, web)}
    if media:
        out["extended_entities"] = {"media": media}
    return out


def _v1_entities(text: str, t: Tweet, people: dict[str, Persona],
                 extra: dict[str, str] | None = None) -> Json:
    links = dict(links_in(t))
    links.update(extra or {})
    media = {m.tco: m for m in t.media}
    urls, found = [], []
    for match in TCO_RE.finditer(text):
        indices = [match.start(), match.end()]
        if match.group() in media:
            found.append(_v1_media_entity(media[match.group()], t, indices))
        elif match.group() in links:
            expanded = links[match.group()]
            urls.append({"url": match.group(), "expanded_url": expanded,
                         "display_url": display_url(expanded), "indices": indices})
    entities: Json = {
        "hashtags": [{"text": m.group(1), "indices": [m.start(), m.end()]}
                     for m in HASHTAG_RE.finditer(text)],
        "urls": urls,
        "user_mentions": [_v1_mention(people[m.group(1)], m.start(), m.end())
                          for m in MENTION_RE.finditer(text) if m.group(1) in people],
        "symbols": [],
    }
    if found:
        entities["media"] = found
    return entities


def _v1_mention(p: Persona, start: int, end: int) -> Json:
    return {"screen_name": p.screen_name, "name": p.name, "id": p.user_id,
            "id_str": str(p.user_id), "indices": [start, end]}


def _v1_media(t: Tweet) -> list[Json]:
    if t.retweet_of is not None or not t.media:
        return []
    text = t.full_text
    return [_v1_media_entity(m, t, [text.index(m.tco), text.index(m.tco) + 23]) for m in t.media]


def _v1_media_entity(m: Media, t: Tweet, indices: list[int]) -> Json:
    path = f"pbs.twimg.com/media/{m.key}.jpg"
    sizes = {"thumb": {"w": 150, "h": 150, "resize": "crop"},
             "large": {"w": m.width, "h": m.height, "resize": "fit"},
             "medium": {"w": m.width, "h": m.height, "resize": "fit"},
             "small": {"w": m.width * 680 // max(m.width, m.height),
                       "h": m.height * 680 // max(m.width, m.height), "resize": "fit"}}
    return {"id": m.id, "id_str": str(m.id), "indices": indices, "media_url": f"http://{path}",
            "media_url_https": f"https://{path}", "url": m.tco,
            "display_url": "pic.twitter.com/" + m.tco[-10:],
            "expanded_url": f"https://twitter.com/{t.author.screen_name}/status/{t.id}/photo/1",
            "type": "photo", "sizes": sizes}


def _v1_counts(t: Tweet, *, top: bool) -> Json:
    if top and not t.extended_mode:
        return {"retweet_count": 0, "favorite_count": 0}  # as the stream saw it, just posted
    source = t.retweet_of or t
    factor = 5 + source.id % 7  # the collection caught only some of the retweets
    seen = t.rt_index if (top is False and t.rt_index) else source.retweeted
    return {"retweet_count": seen * factor,
            "favorite_count": 0 if t.retweet_of else seen * factor * 3 // 2 + t.id % 4}


def profile_image(p: Persona) -> str:
    """Where a persona's avatar would be, without the scheme."""
    digest = hashlib.sha256(p.screen_name.encode()).digest()
    return (f"pbs.twimg.com/profile_images/{7 * 10**17 + int.from_bytes(digest[:6], 'big')}/"
            f"{digest[6:12].hex()}_normal.jpg")


def _v1_user(p: Persona, followers: int, statuses: int) -> Json:
    digest = hashlib.sha256(p.screen_name.encode()).digest()
    image = profile_image(p)
    lang = p.langs[0] if p.langs[0] in ("en", "ar", "fr", "tr", "de", "es") else "en"
    return {
        "id": p.user_id, "id_str": str(p.user_id), "name": p.name, "screen_name": p.screen_name,
        "location": p.location or None, "url": None, "description": p.description or None,
        "translator_type": "none", "protected": False, "verified": p.verified,
        "followers_count": followers, "friends_count": 80 + digest[12] * 3,
        "listed_count": followers // 150, "favourites_count": int.from_bytes(digest[13:15], "big"),
        "statuses_count": statuses, "created_at": p.created_at.strftime(V1_TIME),
        "utc_offset": None, "time_zone": None, "geo_enabled": digest[15] % 3 == 0, "lang": lang,
        "contributors_enabled": False, "is_translator": False,
        "profile_background_color": "C0DEED",
        "profile_background_image_url": "http://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_image_url_https": "https://abs.twimg.com/images/themes/theme1/bg.png",
        "profile_background_tile": False, "profile_link_color": "1DA1F2",
        "profile_sidebar_border_color": "C0DEED", "profile_sidebar_fill_color": "DDEEF6",
        "profile_text_color": "333333", "profile_use_background_image": True,
        "profile_image_url": f"http://{image}", "profile_image_url_https": f"https://{image}",
        "default_profile": True, "default_profile_image": False, "following": None,
        "follow_request_sent": None, "notifications": None,
    }


def _v1_place(key: str | None) -> Json | None:
    if key is None:
        return None
    place_id, name, full, country, code, (west, south, east, north) = place_fields(key)
    return {"id": place_id, "url": f"https://api.twitter.com/1.1/geo/id/{place_id}.json",
            "place_type": "city", "name": name, "full_name": full, "country_code": code,
            "country": country,
            "bounding_box": {"type": "Polygon", "coordinates": [[[west, south], [east, south],
                                                                 [east, north], [west, north]]]},
            "attributes": {}}


def links_in(t: Tweet) -> list[tuple[str, str]]:
    """Every t.co link whose text may appear in `t` (a retweet shows its original's links)."""
    return [*t.links, *(t.retweet_of.links if t.retweet_of is not None else ())]


def display_url(expanded: str) -> str:
    """How Twitter shows a link: no scheme, no `www.`, cut with an ellipsis."""
    shown = re.sub(r"^https?://(www\.)?", "", expanded)
    return shown if len(shown) <= 26 else shown[:25] + "…"


def esc(text: str) -> str:
    """Twitter HTML-escapes &, < and > in tweet text (and only those)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
