"""Building blocks of the demo scenario: personas, tweets, chat posts, timeline, text."""

from __future__ import annotations

import hashlib
import random
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sitroom.demo import phrases as ph

TWEPOCH_MS = 1288834974657  # Twitter's snowflake epoch
TCO_ALPHABET = string.ascii_letters + string.digits
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
PLACE_ROWS = {row[0]: row for row in ph.PLACES}

# Local hour (UTC+2) → relative volume: quiet before dawn, busiest in the evening.
DIURNAL = (0.9, 0.7, 0.5, 0.35, 0.3, 0.35, 0.5, 0.7, 0.9, 1.0, 1.0, 1.0,
           1.0, 1.0, 1.0, 1.0, 1.05, 1.1, 1.2, 1.3, 1.35, 1.3, 1.2, 1.05)
# (from hour, to hour after the start, factor): the first night's shelling, the farewells,
# the ceasefire news, its collapse, the last night, the evacuation day, the suspension.
SURGES = ((20, 26, 3.6), (38, 47, 2.3), (44, 47, 1.5), (52, 58, 1.6), (68, 74, 2.2),
          (75, 90, 3.0), (96, 104, 1.4))
PHASES = ((0, "pressure"), (20, "night1"), (28, "collapse"), (44, "ceasefire"),
          (52, "broken"), (68, "night3"), (76, "evacuation"), (96, "suspended"))
_KINDS = ("appeal", "farewell", "medic", "medic_last", "civdef", "report", "agency", "missing",
          "evac_expect", "evac_delay", "evac_go", "evac_stop", "rumour", "denial", "sympathy",
          "intl")
_WEIGHTS = {
    "pressure": (8, 1, 3, 0, 3, 6, 2, 0, 0, 0, 0, 0, 1, 1, 4, 1),
    "night1": (10, 3, 3, 0, 4, 5, 1, 0, 0, 0, 0, 0, 2, 1, 4, 1),
    "collapse": (8, 9, 2, 3, 3, 6, 3, 0, 0, 0, 0, 0, 3, 2, 6, 3),
    "ceasefire": (3, 2, 1, 1, 1, 4, 3, 0, 8, 0, 0, 0, 4, 1, 5, 3),
    "broken": (5, 4, 1, 2, 2, 5, 3, 0, 0, 7, 0, 0, 4, 3, 9, 4),
    "night3": (6, 4, 1, 1, 2, 4, 1, 0, 0, 3, 0, 0, 3, 1, 5, 1),
    "evacuation": (3, 1, 1, 1, 1, 4, 4, 1, 0, 0, 10, 0, 3, 2, 6, 4),
    "suspended": (3, 1, 0, 1, 1, 3, 4, 5, 0, 0, 2, 8, 4, 2, 5, 3),
}
KIND_WEIGHTS = {phase: dict(zip(_KINDS, row, strict=True)) for phase, row in _WEIGHTS.items()}

_APP = '<a href="{}" rel="nofollow">{}</a>'
ANDROID = _APP.format("http://twitter.com/download/android", "Twitter for Android")
IPHONE = _APP.format("http://twitter.com/download/iphone", "Twitter for iPhone")
WEB = _APP.format("http://twitter.com", "Twitter Web Client")
TWEETDECK = _APP.format("https://about.twitter.com/products/tweetdeck", "TweetDeck")
SOURCES_FOR = {
    "resident": (ANDROID, ANDROID, ANDROID, IPHONE), "medic": (ANDROID, WEB),
    "civdef": (ANDROID, TWEETDECK), "journalist": (IPHONE, TWEETDECK, ANDROID),
    "intl": (IPHONE, TWEETDECK), "agency": (TWEETDECK, WEB), "official": (WEB, ANDROID),
    "rumour": (TWEETDECK,), "troll": (WEB,), "abroad": (IPHONE, ANDROID, WEB),
}
# Twitter places for onlookers abroad: location → (name, full name, country, code, bbox).
ABROAD_PLACES = {
    "Berlin": ("Berlin", "Berlin, Deutschland", "Deutschland", "DE", (13.08, 52.33, 13.76, 52.68)),
    "İstanbul": ("İstanbul", "İstanbul, Türkiye", "Türkiye", "TR", (28.50, 40.80, 29.45, 41.32)),
    "Rennes, France": ("Rennes", "Rennes, France", "France", "FR", (-1.75, 48.07, -1.62, 48.15)),
    "London": ("London", "London, England", "United Kingdom", "GB", (-0.51, 51.28, 0.33, 51.69)),
    "Gaziantep": ("Gaziantep", "Gaziantep, Türkiye", "Türkiye", "TR",
                  (37.24, 36.98, 37.50, 37.14)),
    "Madrid": ("Madrid", "Madrid, España", "España", "ES", (-3.89, 40.31, -3.52, 40.64)),
    "Toronto": ("Toronto", "Toronto, Ontario", "Canada", "CA", (-79.64, 43.58, -79.12, 43.86)),
    "Paris": ("Paris", "Paris, France", "France", "FR", (2.22, 48.81, 2.47, 48.90)),
}


@dataclass(frozen=True, slots=True)
class Persona:
    """One account or chat member, with ids that stay the same in every scenario."""

    key: str
    name: str
    screen_name: str
    role: str
    langs: tuple[str, ...]
    location: str
    followers: int
    created_at: datetime
    verified: bool
    description: str
    user_id: int
    source: str
    statuses: int


@dataclass(eq=False, slots=True)
class Media:
    """A photo attached to a tweet."""

    id: int
    key: str
    tco: str
    width: int
    height: int


@dataclass(eq=False, slots=True)
class Tweet:
    """One tweet of the story, before it is written in the v1 or v2 layout.

    `text` is the unescaped text a person typed; `links` are appended as t.co URLs and count
    towards the 140 characters; attached `media` adds its t.co URL after the display text.
    """

    id: int
    at: datetime
    author: Persona
    text: str
    lang: str
    kind: str
    statuses: int
    followers: int
    tco: str
    pinned: str | None = None
    reply_to: Tweet | None = None
    retweet_of: Tweet | None = None
    quote_of: Tweet | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    media: list[Media] = field(default_factory=list)
    place: str | None = None
    coords: tuple[float, float] | None = None
    deleted: bool = False
    boost: float = 1.0
    retweeted: int = 0
    rt_index: int = 0
    in_v1: bool = False
    in_v2: bool = False
    extended_mode: bool = False

    @property
    def display_text(self) -> str:
        """The text with its link URLs, without the attached media URL."""
        return " ".join([self.text, *(short for short, _ in self.links)])

    @property
    def full_text(self) -> str:
        """Everything the tweet holds, media URL included (Twitter's `full_text`)."""
        return " ".join([self.display_text, *(m.tco for m in self.media)])

    def add_link(self, rng: random.Random, expanded: str) -> None:
        """Attach a link, shortened to t.co as Twitter does."""
        self.links.append((tco(rng), expanded))


@dataclass(slots=True)
class Post:
    """One Telegram channel message, or a service message when `action` is set."""

    id: int
    at: datetime
    text: str = ""
    bold: str = ""
    author: str | None = None
    forwarded_from: str | None = None
    reply_to: int | None = None
    photo: bool = False
    edited_at: datetime | None = None
    action: str | None = None
    pinned_id: int | None = None
    link: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ChatLine:
    """One WhatsApp message (`sender` set) or system line (`sender` None); `at` is UTC."""

    at: datetime
    sender: str | None
    text: str


def hour_weights(days: int) -> list[float]:
    """Relative message volume for each hour after the start (UTC)."""
    weights = []
    for hour in range(days * 24):
        weight = DIURNAL[(hour + 2) % 24]
        for start, end, factor in SURGES:
            if start <= hour < end:
                weight *= factor
        weights.append(weight)
    return weights


def phase_at(at: datetime, start: datetime) -> str:
    """The story's phase at a moment: what people are talking about then."""
    hours = (at - start) / timedelta(hours=1)
    current = PHASES[0][1]
    for begins, name in PHASES:
        if hours >= begins:
            current = name
    return current


def place_name(key: str, lang: str) -> str:
    """A place's name in Arabic for Arabic text, else its English name."""
    row = PLACE_ROWS[key]
    return str(row[2] if lang == "ar" else row[1])


def place_point(key: str) -> tuple[float, float]:
    """(lat, lon) of a place."""
    row = PLACE_ROWS[key]
    return float(row[5]), float(row[6])


def fill(template: str, rng: random.Random, at: datetime, start: datetime) -> str:
    """Fill a `"<lang>|<text>"` template's slots with places and numbers that fit the moment."""
    lang, text = template.split("|", 1)
    nb, nb2 = rng.sample(ph.BESIEGED, 2)
    hours = (at - start) / timedelta(hours=1)
    values = {
        "nb": place_name(nb, lang), "nb2": place_name(nb2, lang),
        "lm": place_name(rng.choice(ph.LANDMARKS), lang),
        "hosp": place_name(rng.choice(ph.HOSPITALS), lang),
        "crossing": place_name("bridge", lang), "corridor": place_name("corridor", lang),
        "n": str(rng.randint(3, 40)), "n2": str(rng.randint(2, 15)),
        "killed": str(int(18 + 0.6 * hours) + rng.randint(-4, 9)), "h": str(rng.randint(2, 12)),
    }
    text = text.format(**values)
    if lang == "ar" and rng.random() < 0.2:
        text = text.translate(ARABIC_DIGITS)
    return text


def decorate(rng: random.Random, text: str, lang: str, reserve_link: bool) -> str:
    """Add the emoji and hashtags people add, within Twitter's 140 characters."""
    room = 140 - (24 if reserve_link else 0)
    if rng.random() < 0.25:
        text = _fits(f"{text} {rng.choice(ph.EMOJI)}", text, room)
    if rng.random() < 0.6:
        tags = ph.HASHTAGS.get(lang, ph.HASHTAGS["en"])
        text = _fits(f"{text} {rng.choice(tags)}", text, room)
    return text


def _fits(longer: str, shorter: str, room: int) -> str:
    return longer if len(longer) <= room else shorter


def tco(rng: random.Random) -> str:
    """A t.co short link (23 characters, as Twitter counts every link)."""
    return "https://t.co/" + "".join(rng.choices(TCO_ALPHABET, k=10))


def media_for(rng: random.Random, tweet: Tweet) -> Media:
    """A photo uploaded a little before its tweet."""
    ms = int(tweet.at.timestamp() * 1000) - rng.randint(5000, 90000)
    media_id = ((ms - TWEPOCH_MS) << 22) | rng.getrandbits(22)
    key = "C" + "".join(rng.choices(TCO_ALPHABET + "_-", k=14))
    width, height = rng.choice(((1024, 768), (1200, 900), (768, 1024), (1280, 720)))
    return Media(id=media_id, key=key, tco=tco(rng), width=width, height=height)


def article_url(rng: random.Random, kind: str, at: datetime) -> str:
    """A link to a news story or an agency update (reserved example domains)."""
    site = "news.example.org" if kind == "intl" else "relief.example.net"
    slug = rng.choice(("qasr-al-nahr-civilians-trapped", "qasr-al-nahr-evacuation",
                       "flash-update-qasr-al-nahr", "qasr-al-nahr-hospitals"))
    return f"https://{site}/{at:%Y/%m/%d}/{slug}-{rng.randint(100, 999)}"


def make_personas() -> list[Persona]:
    """The scenario's ~80 accounts: the named ones and ordinary residents and onlookers.

    They do not depend on the seed, so a persona keeps its ids across scenarios.
    """
    people = [_persona(*row) for row in ph.PERSONAS]
    rng = random.Random("qasr-al-nahr personas")
    for i in range(18):
        (first_ar, first), (last_ar, last) = rng.choice(ph.FIRST_NAMES), rng.choice(ph.LAST_NAMES)
        arabic = rng.random() < 0.5
        name = f"{first_ar} {last_ar}" if arabic else f"{first} {last}"
        screen = f"{first.lower()}_{last.lower()}{rng.randint(10, 99)}"
        year = rng.choice((2011, 2013, 2014, 2015, 2016))
        people.append(_persona(f"res{i}", name, screen, "resident", "ar" if arabic else "en ar",
                               rng.choice(("Qasr al-Nahr", "قصر النهر", "", "Syria")),
                               rng.randint(20, 900), f"{year}-0{rng.randint(1, 9)}-1{i % 9}",
                               False, ""))
    for i, (name, lang, city) in enumerate(ph.ABROAD_NAMES):
        screen = name.lower().replace(" ", "_").replace(".", "")
        screen = screen.encode("ascii", "ignore").decode() + str(rng.randint(1, 999))
        created = f"201{rng.randint(0, 5)}-1{i % 3}-0{1 + i % 9}"
        people.append(_persona(f"abroad{i}", name, screen, "abroad", lang, city,
                               rng.randint(30, 4000), created, False, ""))
    return people


def _persona(key: str, name: str, screen: str, role: str, langs: str, location: str,
             followers: int, created: str, verified: bool, description: str) -> Persona:
    created_at = datetime.fromisoformat(created).replace(hour=12, tzinfo=UTC)
    digest = hashlib.sha256(screen.encode()).digest()
    if created_at >= datetime(2016, 5, 1, tzinfo=UTC):
        ms = int(created_at.timestamp() * 1000) - TWEPOCH_MS
        user_id = (ms << 22) | int.from_bytes(digest[:3], "big") >> 2
    else:  # 32-bit era: ids grew roughly with time
        frac = (created_at.year - 2007 + created_at.month / 12) / 9.4
        user_id = int(2_000_000 + frac * 4_200_000_000) + int.from_bytes(digest[:3], "big")
    apps = SOURCES_FOR.get(role, SOURCES_FOR["resident"])
    return Persona(key=key, name=name, screen_name=screen, role=role,
                   langs=tuple(langs.split()), location=location, followers=followers,
                   created_at=created_at, verified=verified, description=description,
                   user_id=user_id, source=apps[digest[4] % len(apps)],
                   statuses=200 + int.from_bytes(digest[5:7], "big") % 30000)


def place_fields(key: str) -> tuple[str, str, str, str, str, tuple[float, ...]]:
    """(id, name, full name, country, country code, bbox) of a Twitter place."""
    if key == "city":
        name, full, country, code, bbox = ("Qasr al-Nahr", "Qasr al-Nahr, Syria", "Syria",
                                           "SY", ph.CITY_BBOX)
    else:
        name, full, country, code, bbox = ABROAD_PLACES[key]
    return hashlib.sha256(full.encode()).hexdigest()[:16], name, full, country, code, bbox


def people_of(tweets: list[Tweet]) -> dict[str, Persona]:
    """Everyone the tweets (and the tweets they embed) come from, by screen name."""
    people: dict[str, Persona] = {}
    for tweet in tweets:
        for one in (tweet, tweet.retweet_of, tweet.quote_of, tweet.reply_to):
            for inner in (one, *((one.quote_of, one.reply_to) if one else ())):
                if inner is not None:
                    people[inner.author.screen_name] = inner.author
    return people
