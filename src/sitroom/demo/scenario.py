"""The demo scenario: five days of a fictional siege, written out as real export files.

Qasr al-Nahr is invented, and so is everyone in it. The generator is deterministic (one seeded
`random.Random`, no clock, no network): the same seed gives byte-identical files.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sitroom.demo import phrases as ph
from sitroom.demo import tweets_v1, tweets_v2, writers
from sitroom.demo.chats import telegram_posts, whatsapp_lines
from sitroom.demo.model import (
    ABROAD_PLACES,
    KIND_WEIGHTS,
    Persona,
    Tweet,
    article_url,
    decorate,
    fill,
    hour_weights,
    make_personas,
    media_for,
    phase_at,
    place_point,
    tco,
)
from sitroom.timeutil import to_rfc3339

START_AT = datetime(2016, 12, 12, tzinfo=UTC)
DAYS = 5
END_AT = START_AT + timedelta(days=DAYS)
LOCAL_ZONE = "Asia/Damascus"  # UTC+2 in December 2016: WhatsApp and Telegram `date` times

V1_FILE = "tweets-v1.jsonl"
V2_FILE = "tweets-v2.jsonl"
TELEGRAM_FILE = "telegram/result.json"
WHATSAPP_FILE = "WhatsApp Chat with Firdaws Families.txt"
GAZETTEER_FILE = "gazetteer.tsv"
# Messages per file at scale 1: about 60% / 15% / 15% / 10% of 2,500.
VOLUME = {V1_FILE: 1500, V2_FILE: 375, TELEGRAM_FILE: 375, WHATSAPP_FILE: 250}

VIRAL_AT = START_AT + timedelta(hours=41, minutes=42, seconds=17)
THREAD_AT = START_AT + timedelta(hours=54, minutes=31)
# Structural shares of the Twitter stream; the rest are original posts.
RT_SHARE, REPLY_SHARE, QUOTE_SHARE = 0.27, 0.06, 0.04
STORM_SHARE, VARIANT_SHARE = 0.12, 0.02
EXTENDED_MODE_SHARE = 0.15

ROLES_FOR = {
    "appeal": ("resident",), "farewell": ("resident",), "medic": ("medic",),
    "medic_last": ("medic", "agency"), "civdef": ("civdef",), "report": ("journalist",),
    "agency": ("agency",), "missing": ("agency", "journalist"),
    "evac_expect": ("journalist", "civdef", "resident"), "evac_delay": ("journalist", "resident"),
    "evac_go": ("journalist", "civdef", "agency"), "evac_stop": ("journalist", "agency"),
    "rumour": ("rumour", "resident", "abroad"), "denial": ("official",),
    "sympathy": ("abroad",), "intl": ("intl",),
}


@dataclass(frozen=True)
class ScenarioFiles:
    """What `write_scenario` wrote: paths, and how many messages and notices each file holds.

    Counts are keyed by the path relative to `folder`. `messages` counts the top-level
    messages (v1 lines, v2 `data` tweets, Telegram messages, WhatsApp messages). `embedded`
    counts the other tweets a file carries inside its records: retweeted and quoted originals
    in v1 (distinct per line), `includes.tweets` not in the same page's `data` in v2; an
    adapter that also emits those yields `messages + embedded`. `notices` counts what is not
    a message: v2 `errors` entries, Telegram service messages, WhatsApp system lines.
    WhatsApp times and Telegram's `date` are local to `timezone`; pass it when ingesting.
    """

    folder: Path
    tweets_v1: Path
    tweets_v2: Path
    telegram: Path
    whatsapp: Path
    gazetteer: Path
    messages: dict[str, int]
    notices: dict[str, int]
    embedded: dict[str, int]
    places: int
    timezone: str = LOCAL_ZONE
    start_at: str = to_rfc3339(START_AT)
    end_at: str = to_rfc3339(END_AT)

    @property
    def inputs(self) -> tuple[Path, ...]:
        """The four message files, in the order a demo ingests them."""
        return (self.tweets_v1, self.tweets_v2, self.telegram, self.whatsapp)

    @property
    def total_messages(self) -> int:
        """All messages written, over every file."""
        return sum(self.messages.values())


def write_scenario(folder: Path, *, scale: int = 1, seed: int = 2016) -> ScenarioFiles:
    """Write the scenario's export files into `folder` (created if missing)."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    rng = random.Random(seed)
    people = make_personas()
    tweets = TwitterStory(rng, people, scale).build()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "telegram").mkdir(exist_ok=True)
    v1_count, v1_embedded = tweets_v1.write_tweets_v1(
        folder / V1_FILE, [t for t in tweets if t.in_v1])
    v2_count, v2_errors, v2_embedded = tweets_v2.write_tweets_v2(
        folder / V2_FILE, [t for t in tweets if t.in_v2], rng)
    posts = telegram_posts(rng, VOLUME[TELEGRAM_FILE] * scale, START_AT)
    tg_count, tg_service = writers.write_telegram(folder / TELEGRAM_FILE, posts)
    lines = whatsapp_lines(rng, VOLUME[WHATSAPP_FILE] * scale, START_AT)
    wa_count, wa_system = writers.write_whatsapp(folder / WHATSAPP_FILE, lines)
    places = writers.write_gazetteer(folder / GAZETTEER_FILE)
    return ScenarioFiles(
        folder=folder, tweets_v1=folder / V1_FILE, tweets_v2=folder / V2_FILE,
        telegram=folder / TELEGRAM_FILE, whatsapp=folder / WHATSAPP_FILE,
        gazetteer=folder / GAZETTEER_FILE,
        messages={V1_FILE: v1_count, V2_FILE: v2_count, TELEGRAM_FILE: tg_count,
                  WHATSAPP_FILE: wa_count},
        notices={V1_FILE: 0, V2_FILE: v2_errors, TELEGRAM_FILE: tg_service,
                 WHATSAPP_FILE: wa_system},
        embedded={V1_FILE: v1_embedded, V2_FILE: v2_embedded, TELEGRAM_FILE: 0,
                  WHATSAPP_FILE: 0},
        places=places,
    )


@dataclass
class TwitterStory:
    """Builds the Twitter side of the story in time order: posts, retweets, replies, quotes."""

    rng: random.Random
    people: list[Persona]
    scale: int
    tweets: list[Tweet] = field(default_factory=list)
    originals: list[Tweet] = field(default_factory=list)
    used_ids: set[int] = field(default_factory=set)
    posted: dict[str, int] = field(default_factory=dict)
    original_weights: list[tuple[float, float]] = field(default_factory=list)
    by_role: dict[str, list[Persona]] = field(default_factory=dict)
    viral: Tweet = field(init=False)
    deleted: Tweet = field(init=False)

    def build(self) -> list[Tweet]:
        """All tweets of the scenario, oldest first, each marked for the v1 or v2 file."""
        total = (VOLUME[V1_FILE] + VOLUME[V2_FILE]) * self.scale
        by_key = {p.key: p for p in self.people}
        for at, kind in self._slots(total):
            self._play(at, kind, by_key)
        v2_share = VOLUME[V2_FILE] * self.scale / total
        for tweet in self.tweets:
            if tweet.pinned is None:
                tweet.in_v2 = self.rng.random() < v2_share
            else:
                tweet.in_v2 = tweet.pinned == "v2"
            tweet.in_v1 = not tweet.in_v2 and not tweet.deleted
            tweet.extended_mode = self.rng.random() < EXTENDED_MODE_SHARE
        return self.tweets

    def _slots(self, total: int) -> list[tuple[datetime, str]]:
        rng = self.rng
        slots: list[tuple[datetime, str]] = [(VIRAL_AT, "viral")]
        slots += [(THREAD_AT + timedelta(seconds=70 * i), f"thread{i}")
                  for i in range(len(ph.THREAD))]
        slots += [(START_AT + timedelta(hours=h), kind) for h, kind in (
            (45.2, "hostile0"), (60.5, "hostile1"), (80.1, "hostile2"), (78.3, "hostile3"),
            (57.4, "deleted"), (58.9, "quote_deleted"), (61.0, "reply_troll"))]
        slots += [(START_AT + timedelta(hours=57.6 + i / 3), "rt_deleted") for i in range(5)]
        for kind, share, spread in (("storm", STORM_SHARE, 1.0), ("variant", VARIANT_SHARE, 0.9)):
            count = max(len(ph.VIRAL_VARIANTS), round(total * share))
            for _ in range(count):
                delay = timedelta(hours=rng.lognormvariate(math.log(3.0), spread))
                if VIRAL_AT + delay < END_AT:
                    slots.append((VIRAL_AT + delay, kind))
        weights = hour_weights(DAYS)
        hours = rng.choices(range(DAYS * 24), cum_weights=_cumulative(weights),
                            k=max(0, total - len(slots)))
        for hour in hours:
            at = START_AT + timedelta(hours=hour, seconds=rng.random() * 3600)
            slots.append((at, self._structural_kind()))
        slots.sort(key=lambda slot: slot[0])
        return slots

    def _structural_kind(self) -> str:
        roll = self.rng.random()
        if roll < RT_SHARE:
            return "rt"
        if roll < RT_SHARE + REPLY_SHARE:
            return "reply"
        return "quote" if roll < RT_SHARE + REPLY_SHARE + QUOTE_SHARE else "post"

    def _play(self, at: datetime, kind: str, by_key: dict[str, Persona]) -> None:
        count = len(self.tweets)
        self._write(at, kind, by_key)
        for tweet in self.tweets[count:]:
            if tweet.kind not in ("rt", "hostile", "quote") and tweet.boost > 0:
                self.originals.append(tweet)
                weight = math.sqrt(tweet.followers + 50) * tweet.boost
                self.original_weights.append((tweet.at.timestamp(), weight))

    def _write(self, at: datetime, kind: str, by_key: dict[str, Persona]) -> None:
        if kind == "storm":
            self._retweet(at, self._pick_person(("abroad", "resident", "abroad")), self.viral)
        elif kind == "variant":
            self._variant(at)
        elif kind in ("rt", "reply", "quote", "post"):
            self._structural(at, kind)
        else:
            self._special(at, kind, by_key)

    def _special(self, at: datetime, kind: str, by_key: dict[str, Persona]) -> None:
        """The scripted tweets: the appeal, a thread, hostile posts, a rumour later deleted."""
        rng = self.rng
        if kind == "viral":
            self.viral = self._new(at, by_key["hiba"], ph.VIRAL, "en", "farewell", pinned="v1")
            self.viral.media = [media_for(rng, self.viral)]
        elif kind.startswith("thread"):
            index = int(kind[6:])
            parent = self.tweets[-1] if index else None
            self._new(at, by_key["drkarim"], ph.THREAD[index], "en", "medic", pinned="v1",
                      reply_to=parent)
        elif kind.startswith("hostile"):
            lang, text = ph.HOSTILE_TWEETS[int(kind[7:])].split("|", 1)
            author, where = (("troll", "v1"), ("patriot", "v2"), ("patriot", "v1"),
                             ("troll", "v1"))[int(kind[7:])]
            self._new(at, by_key[author], text, lang, "hostile", pinned=where)
        elif kind == "deleted":
            text = fill("ar|أنباء غير مؤكدة عن إعدامات ميدانية في {nb}", rng, at, START_AT)
            self.deleted = self._new(at, by_key["newsnet"], text, "ar", "rumour")
            self.deleted.deleted, self.deleted.boost = True, 0.0
        elif kind == "rt_deleted":  # caught live: deleting a tweet deletes its retweets
            self._retweet(at, self._pick_person(("abroad", "resident")), self.deleted, "v1")
        elif kind == "quote_deleted":  # a quote outlives the tweet it quotes
            tweet = self._new(at, by_key["layal"], "Not confirmed by anyone on the ground. "
                              "Please stop sharing this. #QasrAlNahr", "en", "quote", pinned="v2")
            tweet.quote_of = self.deleted
            tweet.add_link(rng, f"https://twitter.com/{self.deleted.author.screen_name}/status/"
                                f"{self.deleted.id}")
        elif kind == "reply_troll":
            troll = next(t for t in self.tweets if t.kind == "hostile")
            self._new(at, by_key["yusuf"], f"@{troll.author.screen_name} Reported. Nobody "
                      "click this, it is fake.", "en", "reply", pinned="v2", reply_to=troll)

    def _structural(self, at: datetime, kind: str) -> None:
        target = self._pick_original(at) if kind != "post" else None
        if target is None:
            self._post(at)
        elif kind == "rt":
            self._retweet(at, self._pick_person(("abroad", "resident", "journalist")), target)
        elif kind == "reply":
            self._reply(at, target)
        else:
            self._quote(at, target)

    def _post(self, at: datetime) -> None:
        rng = self.rng
        table = KIND_WEIGHTS[phase_at(at, START_AT)]
        kind = rng.choices(list(table), weights=list(table.values()))[0]
        person = self._pick_person(ROLES_FOR[kind])
        lang, text = _template(rng, kind, person)
        text = fill(f"{lang}|{text}", rng, at, START_AT)
        linked = kind == "intl" or (kind == "agency" and rng.random() < 0.4)
        tweet = self._new(at, person, decorate(rng, text, lang, linked), lang, kind)
        if linked:
            tweet.add_link(rng, article_url(rng, kind, at))
        elif person.role in ("resident", "journalist", "civdef", "medic") and rng.random() < (
                0.4 if len(tweet.display_text) > 110 else 0.15):
            # a photo beyond 140 characters makes a compatibility-mode `extended_tweet`
            tweet.media = [media_for(rng, tweet)]
        if person.role == "resident" and rng.random() < 0.1:
            tweet.place = "city"
            if rng.random() < 0.35:
                lat, lon = place_point(rng.choice(ph.BESIEGED))
                tweet.coords = (round(lon + rng.uniform(-0.002, 0.002), 6),
                                round(lat + rng.uniform(-0.002, 0.002), 6))
        elif person.role == "abroad" and rng.random() < 0.12:
            tweet.place = person.location if person.location in ABROAD_PLACES else None

    def _variant(self, at: datetime) -> None:
        rng = self.rng
        index = sum(1 for t in self.tweets if t.kind == "variant")
        lang, text = ph.VIRAL_VARIANTS[index % len(ph.VIRAL_VARIANTS)].split("|", 1)
        people = [p for p in self.people if lang in p.langs and p.key != "hiba"]
        person = rng.choice(people or self.people)
        if index >= len(ph.VIRAL_VARIANTS) and rng.random() < 0.5:
            text = f"{text} {rng.choice(ph.EMOJI)}"
        self._new(at, person, text, lang, "variant")

    def _reply(self, at: datetime, target: Tweet) -> None:
        person = self._pick_person(("abroad", "resident"))
        lang, text = _template(self.rng, "reply", person)
        text = fill(f"{lang}|{text}", self.rng, at, START_AT)
        self._new(at, person, f"@{target.author.screen_name} {text}", lang, "reply",
                  reply_to=target)

    def _quote(self, at: datetime, target: Tweet) -> None:
        rng = self.rng
        person = self._pick_person(("abroad", "journalist", "intl"))
        lang, text = _template(rng, "quote", person)
        tweet = self._new(at, person, decorate(rng, text, lang, True), lang, "quote")
        tweet.quote_of = target
        tweet.add_link(rng, f"https://twitter.com/{target.author.screen_name}/status/{target.id}")

    def _retweet(self, at: datetime, person: Persona, target: Tweet,
                 pinned: str | None = None) -> None:
        text = f"RT @{target.author.screen_name}: {target.display_text}"
        if len(text) > 140:
            text = text[:139] + "…"
        tweet = self._new(at, person, text, target.lang, "rt", pinned=pinned)
        tweet.retweet_of = target
        target.retweeted += 1
        tweet.rt_index = target.retweeted

    def _new(self, at: datetime, person: Persona, text: str, lang: str, kind: str, *,
             pinned: str | None = None, reply_to: Tweet | None = None) -> Tweet:
        ms = int(at.timestamp() * 1000)
        tweet_id = ((ms - 1288834974657) << 22) | self.rng.getrandbits(22)
        while tweet_id in self.used_ids:
            tweet_id += 1
        self.used_ids.add(tweet_id)
        self.posted[person.key] = self.posted.get(person.key, 0) + 1
        followers = person.followers
        if person.key == "hiba" and at > VIRAL_AT:  # the appeal made her known overnight
            followers += int(38000 * min(1.0, (at - VIRAL_AT) / timedelta(hours=24)))
        tweet = Tweet(id=tweet_id, at=at.replace(microsecond=(ms % 1000) * 1000), author=person,
                      text=text, lang=lang, kind=kind, pinned=pinned, reply_to=reply_to,
                      statuses=person.statuses + self.posted[person.key], followers=followers,
                      tco=tco(self.rng))
        self.tweets.append(tweet)
        return tweet

    def _pick_person(self, roles: tuple[str, ...]) -> Persona:
        if not self.by_role:
            for person in self.people:
                self.by_role.setdefault(person.role, []).append(person)
        people = self.by_role.get(self.rng.choice(roles)) or self.people
        weights = [1.0 if p.key[-1].isdigit() else 3.0 for p in people]  # named ones post more
        return self.rng.choices(people, weights=weights)[0]

    def _pick_original(self, at: datetime) -> Tweet | None:
        """A recent post to share: popular authors and fresh posts are shared most."""
        recent = self.originals[-150:]
        now = at.timestamp()
        weights = [weight * math.exp((ts - now) / 28800.0)
                   for ts, weight in self.original_weights[-150:]]
        if not recent or sum(weights) <= 0:
            return None
        return self.rng.choices(recent, weights=weights)[0]


def _template(rng: random.Random, kind: str, person: Persona) -> tuple[str, str]:
    options = [t.split("|", 1) for t in ph.TEMPLATES[kind]]
    fitting = [o for o in options if o[0] in person.langs] or options
    lang, text = rng.choice(fitting)
    return lang, text


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out
