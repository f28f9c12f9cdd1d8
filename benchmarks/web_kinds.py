"""What the dashboard benchmark asks: the request kinds, and the raw-SQL floor of a few.

Parameters vary within a kind (categories, places, words, time windows), so a kind is not
one cached query repeated; they are drawn from what the generated archive holds.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.web_corpus import CATEGORIES, DAYS, PLACES, START
from benchmarks.web_probe import Kind, Params

TARGETS_MS = {"feed": 100.0, "search": 100.0, "timeline": 300.0}
EN_WORDS = ("hospital", "rubble", "water", "snipers", "blankets", "convoy")
AR_WORDS = ("الأنقاض", "قصف", "نزوح", "مشفى", "بطانيات", "حلب")
OR_QUERIES = ("rubble OR trapped", "snipers OR checkpoint", "نزوح OR إجلاء",
              "hospital OR مشفى")
PHRASES = ('"no electricity"', '"under the rubble"', '"تحت الأنقاض"', '"blood donors"')


def _iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def _windows() -> list[Params]:
    end = START + DAYS * 86400
    return [
        {"since": _iso(end - 86400), "until": _iso(end)},
        {"since": _iso(START + 246 * 3600), "until": _iso(START + 252 * 3600)},
        {"since": _iso(START + 3 * 86400), "until": _iso(START + 10 * 86400)},
        {"since": _iso(START + 20 * 86400)},
        {"until": _iso(START + 5 * 86400)},
    ]


def _places() -> list[str]:
    """Common places (the generator favours the first ones) and rare ones."""
    return [str(p.geonameid) for p in PLACES[:5] + PLACES[120:125]]


def _combined(places: list[str], windows: list[Params]) -> list[Params]:
    return [
        {"category": "injured_or_dead_people", "lang": "ar", **windows[2]},
        {"help": "true", "place": places[0], "order": "priority"},
        {"lang": "en", "min_priority": "0.8"},
        {"platform": "telegram", "category": "requests_or_urgent_needs"},
        {"author": "aleppo_media", "help": "true"},
        {"first_only": "true", "category": "caution_and_advice"},
        {"help": "true", "lang": "ar", **windows[0], "order": "priority"},
        {"category": "displaced_people_and_evacuations", "place": places[7]},
    ]


def _with_text(places: list[str], windows: list[Params]) -> list[Params]:
    return [
        {"q": "water", "category": "infrastructure_and_utility_damage"},
        {"q": "حلب", "help": "true", "order": "priority"},
        {"q": "hospital", **windows[2]},
        {"q": "rubble", "lang": "en"},
        {"q": "الأنقاض", "place": places[1]},
        {"q": "convoy", "order": "newest"},
        {"q": "snipers", "platform": "twitter"},
    ]


def request_kinds(message_ids: list[str]) -> list[Kind]:
    """Every kind of request the benchmark times, by group (feed, search, timeline, other)."""
    places = _places()
    windows = _windows()
    categories: list[Params] = [{"category": c} for c in CATEGORIES]
    words = [{"q": w} for w in (*EN_WORDS, *AR_WORDS)]
    filtered = [*categories[:3], {"help": "true"}, {"lang": "ar"}, {"place": places[0]},
                {"q": "rubble"}, {"platform": "telegram"}, windows[2]]
    return [
        Kind("feed: newest", "feed", "/api/v1/messages", [{}]),
        Kind("feed: category", "feed", "/api/v1/messages", categories),
        Kind("feed: help, by priority", "feed", "/api/v1/messages",
             [{"help": "true", "order": "priority"}]),
        Kind("feed: help, newest", "feed", "/api/v1/messages",
             [{"help": "true"}, {"help": "true", "first_only": "true"}, {"min_priority": "0.9"}]),
        Kind("feed: all, by priority", "feed", "/api/v1/messages", [{"order": "priority"}]),
        Kind("feed: language", "feed", "/api/v1/messages", [{"lang": "ar"}, {"lang": "en"}]),
        Kind("feed: place", "feed", "/api/v1/messages", [{"place": p} for p in places]),
        Kind("feed: time range", "feed", "/api/v1/messages", windows),
        Kind("feed: combined filters", "feed", "/api/v1/messages", _combined(places, windows)),
        Kind("feed: cursor pages 2-5", "feed", "/api/v1/messages",
             [{}, {"help": "true", "order": "priority"}, categories[1], {"lang": "en"}], pages=5),
        Kind("search: English word", "search", "/api/v1/messages",
             [{"q": w} for w in EN_WORDS]),
        Kind("search: Arabic word", "search", "/api/v1/messages", [{"q": w} for w in AR_WORDS]),
        Kind("search: OR", "search", "/api/v1/messages", [{"q": q} for q in OR_QUERIES]),
        Kind("search: phrase", "search", "/api/v1/messages", [{"q": q} for q in PHRASES]),
        Kind("search: with filters", "search", "/api/v1/messages", _with_text(places, windows)),
        # what the dashboard sends for a search unless the user picks another order
        Kind("search: newest first", "search", "/api/v1/messages",
             [{**w, "order": "newest"} for w in words]),
        Kind("search: cursor pages 2-5", "search", "/api/v1/messages", words[:4], pages=5),
        Kind("timeline", "timeline", "/api/v1/timeline", [{}]),
        Kind("timeline: filtered", "timeline", "/api/v1/timeline", filtered),
        Kind("places (map)", "other", "/api/v1/places", [{"limit": "100"}] + [
            {**f, "limit": "100"} for f in filtered]),
        Kind("overview", "other", "/api/v1/overview", [{}, *filtered]),
        Kind("clusters", "other", "/api/v1/clusters",
             [{"limit": "5"}, {"limit": "5", **categories[0]}]),
        Kind("message detail", "other", "/api/v1/messages/{id}",
             [{"id": mid} for mid in message_ids]),
        Kind("stats", "other", "/api/v1/stats", [{}]),
    ]


def sample_ids(database: Path, count: int = 50) -> list[str]:
    """Ids of messages spread evenly over the archive."""
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        highest = int(db.execute("SELECT MAX(seq) FROM messages").fetchone()[0] or 0)
        step = max(highest // count, 1)
        rows = db.execute("SELECT id FROM messages WHERE seq % ? = 7 LIMIT ?", (step, count))
        return [str(r[0]) for r in rows]


FLOOR_COLUMNS = "m.seq, m.id, m.platform, m.text, m.created_at, m.author, m.extra, a.data"


def floor_queries(database: Path) -> dict[str, Callable[[int], None]]:
    """Raw SQLite equivalents of a few kinds (one feed page with annotations), by kind name."""
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, check_same_thread=False)
    db.execute("PRAGMA cache_size=-65536")
    start_hour = _iso(START + (DAYS - 14) * 86400)[:13]

    def feed(_n: int) -> None:
        db.execute(f"SELECT {FLOOR_COLUMNS} FROM messages m LEFT JOIN annotations a "
                   "ON a.seq = m.seq ORDER BY m.created_at DESC, m.seq DESC LIMIT 50").fetchall()

    def search(n: int) -> None:
        db.execute(f"SELECT {FLOOR_COLUMNS} FROM (SELECT rowid AS s, rank AS r FROM messages_fts "
                   "WHERE messages_fts MATCH ? ORDER BY rank LIMIT 50) t JOIN messages m "
                   "ON m.seq = t.s LEFT JOIN annotations a ON a.seq = m.seq ORDER BY t.r",
                   (f'"{EN_WORDS[n % len(EN_WORDS)]}"',)).fetchall()

    def timeline(_n: int) -> None:  # one covering index range, as good as SQLite gets
        db.execute("SELECT substr(created_at, 1, 13), category, COUNT(*) FROM message_facets "
                   "WHERE substr(created_at, 1, 13) >= ? GROUP BY 1, 2", (start_hour,)).fetchall()

    return {"feed: newest": feed, "search: English word": search, "timeline": timeline}


def time_floor(query: Callable[[int], None], count: int, warmup: int) -> list[float]:
    """Milliseconds of `count` runs of a floor query after `warmup` runs."""
    for n in range(warmup):
        query(n)
    times = []
    for n in range(count):
        started = time.perf_counter()
        query(n)
        times.append((time.perf_counter() - started) * 1000)
    return times
