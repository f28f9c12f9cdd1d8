"""Write the scenario's tweets as a twarc2 collection: v2 search response pages, one a line.

Pages come as a 2021 full-archive search returned them: newest first, 100 tweets a page, with
`includes`, `meta` and twarc's `__twarc`, and `errors` for what no longer existed by then.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from sitroom.demo.model import Persona, Tweet, people_of, place_fields
from sitroom.demo.tweets_v1 import (
    HASHTAG_RE,
    MENTION_RE,
    TCO_RE,
    Json,
    display_url,
    esc,
    links_in,
    profile_image,
)

SUSPENDED = frozenset({"qasr_truth_2016"})  # suspended before the search ran in 2021
V2_FIELDS = (
    "expansions=author_id%2Cin_reply_to_user_id%2Creferenced_tweets.id%2Creferenced_tweets.id."
    "author_id%2Centities.mentions.username%2Cattachments.poll_ids%2Cattachments.media_keys%2C"
    "geo.place_id&user.fields=created_at%2Cdescription%2Centities%2Cid%2Clocation%2Cname%2C"
    "pinned_tweet_id%2Cprofile_image_url%2Cprotected%2Cpublic_metrics%2Curl%2Cusername%2C"
    "verified%2Cwithheld&tweet.fields=attachments%2Cauthor_id%2Ccontext_annotations%2C"
    "conversation_id%2Ccreated_at%2Centities%2Cgeo%2Cid%2Cin_reply_to_user_id%2Clang%2C"
    "public_metrics%2Ctext%2Cpossibly_sensitive%2Creferenced_tweets%2Creply_settings%2Csource"
    "%2Cwithheld&media.fields=duration_ms%2Cheight%2Cmedia_key%2Cpreview_image_url%2Ctype%2Curl"
    "%2Cwidth%2Cpublic_metrics&poll.fields=duration_minutes%2Cend_datetime%2Cid%2Coptions%2C"
    "voting_status&place.fields=contained_within%2Ccountry%2Ccountry_code%2Cfull_name%2Cgeo%2C"
    "id%2Cname%2Cplace_type"
)
V2_QUERY = ('#SaveQasr OR #QasrAlNahr OR #قصر_النهر OR #قصر_النهر_تباد OR "Qasr al-Nahr" OR '
            '"قصر النهر" OR #SauvezQasr OR #KasrenNehir')


def write_tweets_v2(path: Path, tweets: list[Tweet], rng: random.Random) -> tuple[int, int, int]:
    """twarc2 search pages, newest first, 100 a page; returns (tweets, errors, included tweets).

    Included tweets are counted once per page and only when the page's `data` lacks them.
    """
    people = people_of(tweets)
    ordered = sorted(tweets, key=lambda t: t.id, reverse=True)
    pages = [ordered[i:i + 100] for i in range(0, len(ordered), 100)]
    tokens = ["b26v89c19zqg8o3fo" + "".join(rng.choices(string.ascii_lowercase + string.digits,
                                                         k=28)) for _ in pages]
    retrieved = datetime(2021, 6, 2, 10, 14, 33, tzinfo=UTC)
    errors = included = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for index, page in enumerate(pages):
            body = _v2_page(page, people)
            errors += len(body.get("errors", ()))
            own = {tweet["id"] for tweet in body["data"]}
            included += sum(1 for tweet in body["includes"]["tweets"] if tweet["id"] not in own)
            meta: Json = {"newest_id": str(page[0].id), "oldest_id": str(page[-1].id),
                          "result_count": len(page)}
            if index + 1 < len(pages):
                meta["next_token"] = tokens[index]
            body["meta"] = meta
            url = "https://api.twitter.com/2/tweets/search/all?" + V2_FIELDS + "&" + urlencode({
                "max_results": 100, "query": V2_QUERY, "start_time": "2016-12-12T00:00:00+00:00",
                "end_time": "2016-12-17T00:00:00+00:00",
                **({"next_token": tokens[index - 1]} if index else {})})
            at = (retrieved + timedelta(seconds=3 * index)).isoformat()
            body["__twarc"] = {"url": url, "version": "2.0.13", "retrieved_at": at}
            out.write(json.dumps(body) + "\n")
    return len(ordered), errors, included


def _v2_page(page: list[Tweet], people: dict[str, Persona]) -> Json:
    users: dict[str, Json] = {}
    included: dict[str, Json] = {}
    places: dict[str, Json] = {}
    media: dict[str, Json] = {}
    errors: list[Json] = []
    data = []
    for t in page:
        data.append(_v2_tweet(t, people))
        _v2_expand(t, people, users, places, media)
        for ref in (t.retweet_of, t.quote_of, t.reply_to):
            if ref is not None and _gone(ref):
                errors.append(_not_found(ref.id))
            elif ref is not None and str(ref.id) not in included:
                included[str(ref.id)] = _v2_tweet(ref, people)
                _v2_expand(ref, people, users, places, media)
        errors += [_suspended(m.group(1)) for m in MENTION_RE.finditer(t.text)
                   if m.group(1) in SUSPENDED]
    includes: Json = {"users": list(users.values()), "tweets": list(included.values())}
    if places:
        includes["places"] = list(places.values())
    if media:
        includes["media"] = list(media.values())
    body: Json = {"data": data, "includes": includes}
    unique = list({json.dumps(e, sort_keys=True): e for e in errors}.values())
    if unique:
        body["errors"] = unique
    return body


def _v2_expand(t: Tweet, people: dict[str, Persona], users: dict[str, Json],
               places: dict[str, Json], media: dict[str, Json]) -> None:
    """Add what the v2 expansions return for `t`: author, mentioned users, place, photos."""
    mentioned = [people[m.group(1)] for m in MENTION_RE.finditer(t.text) if m.group(1) in people]
    for person in (t.author, *mentioned):
        if person.screen_name not in SUSPENDED:
            users.setdefault(str(person.user_id), _v2_user(person))
    if t.place is not None:
        place_id, name, full, country, code, bbox = place_fields(t.place)
        places[place_id] = {"full_name": full, "id": place_id, "country": country,
                            "country_code": code, "name": name, "place_type": "city",
                            "geo": {"type": "Feature", "bbox": list(bbox), "properties": {}}}
    if t.retweet_of is None:
        for m in t.media:
            media[f"3_{m.id}"] = {"height": m.height, "media_key": f"3_{m.id}", "width": m.width,
                                  "url": f"https://pbs.twimg.com/media/{m.key}.jpg",
                                  "type": "photo"}


def _v2_tweet(t: Tweet, people: dict[str, Persona]) -> Json:
    text = t.text if t.retweet_of is not None else t.full_text
    tweet: Json = {}
    entities = _v2_entities(text, t, people)
    if entities:
        tweet["entities"] = entities
    if t.place is not None:
        tweet["geo"] = {"place_id": place_fields(t.place)[0]}
        if t.coords:
            tweet["geo"]["coordinates"] = {"type": "Point", "coordinates": list(t.coords)}
    source = t.retweet_of or t
    factor = 5 + source.id % 7
    tweet.update({
        "lang": t.lang, "created_at": t.at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "text": esc(text), "id": str(t.id),
        "public_metrics": {"retweet_count": source.retweeted * factor,
                           "reply_count": 0 if t.retweet_of else t.id % 3,
                           "like_count": 0 if t.retweet_of else source.retweeted * factor * 2,
                           "quote_count": 0 if t.retweet_of else t.id % 2},
        "reply_settings": "everyone",
    })
    refs = [{"type": kind, "id": str(ref.id)} for kind, ref in (
        ("retweeted", t.retweet_of), ("quoted", t.quote_of), ("replied_to", t.reply_to)) if ref]
    if refs:
        tweet["referenced_tweets"] = refs
    if t.media and t.retweet_of is None:
        tweet["attachments"] = {"media_keys": [f"3_{m.id}" for m in t.media]}
    root = t
    while root.reply_to is not None:
        root = root.reply_to
    tweet.update({"source": re.sub(r"<[^>]+>", "", t.author.source),
                  "author_id": str(t.author.user_id), "possibly_sensitive": False,
                  "conversation_id": str(root.id)})
    if t.reply_to is not None:
        tweet["in_reply_to_user_id"] = str(t.reply_to.author.user_id)
    return tweet


def _v2_entities(text: str, t: Tweet, people: dict[str, Persona]) -> Json:
    links = dict(links_in(t))
    photos = {m.tco: m for m in t.media}
    urls = []
    for match in TCO_RE.finditer(text):
        short = match.group()
        if short in photos:
            expanded = f"https://twitter.com/{t.author.screen_name}/status/{t.id}/photo/1"
            display = "pic.twitter.com/" + short[-10:]
        elif short in links:
            expanded, display = links[short], display_url(links[short])
        else:
            continue
        urls.append({"start": match.start(), "end": match.end(), "url": short,
                     "expanded_url": expanded, "display_url": display})
    mentions = []
    for match in MENTION_RE.finditer(text):
        person = people.get(match.group(1))
        if person is not None:
            mention: Json = {"start": match.start(), "end": match.end(),
                             "username": person.screen_name}
            if person.screen_name not in SUSPENDED:
                mention["id"] = str(person.user_id)
            mentions.append(mention)
    entities: Json = {}
    for key, values in (("urls", urls), ("hashtags", [
            {"start": m.start(), "end": m.end(), "tag": m.group(1)}
            for m in HASHTAG_RE.finditer(text)]), ("mentions", mentions)):
        if values:
            entities[key] = values
    return entities


def _v2_user(p: Persona) -> Json:
    digest = hashlib.sha256(p.screen_name.encode()).digest()
    user: Json = {"id": str(p.user_id), "name": p.name, "username": p.screen_name,
                  "created_at": p.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                  "description": p.description, "url": "", "protected": False,
                  "verified": p.verified,
                  "profile_image_url": "https://" + profile_image(p),
                  "public_metrics": {"followers_count": p.followers * 2,
                                     "following_count": 80 + digest[12] * 3,
                                     "tweet_count": p.statuses * 2,
                                     "listed_count": p.followers // 150}}
    if p.location:
        user["location"] = p.location
    return user


def _gone(t: Tweet) -> bool:
    """Whether a tweet no longer existed when the v2 search ran (deleted, or author suspended)."""
    return t.deleted or t.author.screen_name in SUSPENDED


def _not_found(tweet_id: int) -> Json:
    return {"value": str(tweet_id),
            "detail": f"Could not find tweet with referenced_tweets.id: [{tweet_id}].",
            "title": "Not Found Error", "resource_type": "tweet",
            "parameter": "referenced_tweets.id", "resource_id": str(tweet_id),
            "type": "https://api.twitter.com/2/problems/resource-not-found"}


def _suspended(screen_name: str) -> Json:
    return {"parameter": "entities.mentions.username", "resource_id": screen_name,
            "value": screen_name, "detail": f"User has been suspended: [{screen_name}].",
            "title": "Forbidden", "resource_type": "user",
            "type": "https://api.twitter.com/2/problems/resource-not-found"}


