"""The demo scenario: deterministic, faithful to each export format, readable by every adapter."""

from __future__ import annotations

import html
import json
import re
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from sitroom.demo import ScenarioFiles, write_scenario
from sitroom.demo.phrases import HOSTILE_FORMULA, HOSTILE_IMG, HOSTILE_SCRIPT, RLO, VIRAL
from sitroom.errors import RecordRejected
from sitroom.models import Message, Notice
from sitroom.sources.base import SourceSettings
from sitroom.sources.registry import detect_source
from sitroom.sources.telegram import TelegramExportSource
from sitroom.sources.twitter_v1 import TwitterV1Source
from sitroom.sources.twitter_v2 import TwitterV2Source
from sitroom.sources.whatsapp import WhatsAppExportSource
from sitroom.timeutil import parse_iso

START = datetime(2016, 12, 12, tzinfo=UTC)
END = START + timedelta(days=5)
LOCAL = timedelta(hours=2)  # Syria in December 2016
V1, V2 = "tweets-v1.jsonl", "tweets-v2.jsonl"
TELEGRAM, WHATSAPP = "telegram/result.json", "WhatsApp Chat with Firdaws Families.txt"
FILES = (V1, V2, TELEGRAM, WHATSAPP, "gazetteer.tsv")
WHATSAPP_HEADER = re.compile(r"^(\d{2})/(\d{2})/(\d{4}), (\d{2}):(\d{2}) - (.*)$")
ARABIC = re.compile("[\u0600-\u06ff]")
V1_TIME = "%a %b %d %H:%M:%S %z %Y"


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> ScenarioFiles:
    """One scenario at the default seed and scale, shared by the read-only tests."""
    return write_scenario(tmp_path_factory.mktemp("scenario"))


def v1_statuses(files: ScenarioFiles) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in files.tweets_v1.read_bytes().splitlines()]


def v2_pages(files: ScenarioFiles) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in files.tweets_v2.read_bytes().splitlines()]


def v1_text(status: dict[str, Any]) -> str:
    """The whole text a person reads, unescaped, as a v1.1 reader must rebuild it."""
    if "extended_tweet" in status:
        return html.unescape(status["extended_tweet"]["full_text"])
    return html.unescape(status.get("full_text", status.get("text", "")))


def whatsapp_entries(files: ScenarioFiles) -> list[tuple[datetime, str | None, str]]:
    """(local time, sender or None for a system line, text) for each export entry."""
    entries: list[tuple[datetime, str | None, str]] = []
    for line in files.whatsapp.read_text(encoding="utf-8").splitlines():
        match = WHATSAPP_HEADER.match(line)
        if match is None:
            assert entries and entries[-1][1] is not None, f"stray continuation: {line!r}"
            at, sender, text = entries[-1]
            entries[-1] = (at, sender, text + "\n" + line)
            continue
        day, month, year, hour, minute, rest = match.groups()
        at = datetime(int(year), int(month), int(day), int(hour), int(minute), tzinfo=UTC)
        sender, sep, text = rest.partition(": ")
        entries.append((at, sender, text) if sep else (at, None, rest))
    return entries


def all_texts(files: ScenarioFiles) -> dict[str, str]:
    """Every message text of each file, decoded as a reader sees it."""
    telegram = json.loads(files.telegram.read_text(encoding="utf-8"))
    return {
        V1: "\n".join(v1_text(s) for s in v1_statuses(files)),
        V2: "\n".join(html.unescape(t["text"]) for p in v2_pages(files) for t in p["data"]),
        TELEGRAM: "\n".join(telegram_text(m) for m in telegram["messages"]),
        WHATSAPP: "\n".join(text for _, sender, text in whatsapp_entries(files) if sender),
    }


def telegram_text(message: dict[str, Any]) -> str:
    text = message["text"]
    parts = [text] if isinstance(text, str) else text
    return "".join(part if isinstance(part, str) else part["text"] for part in parts)


def test_same_seed_gives_identical_bytes(scenario: ScenarioFiles, tmp_path: Path) -> None:
    again = write_scenario(tmp_path)
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (scenario.folder / name).read_bytes(), name
    assert again.messages == scenario.messages and again.notices == scenario.notices


def test_another_seed_tells_another_story_with_the_same_people(
    scenario: ScenarioFiles, tmp_path: Path
) -> None:
    other = write_scenario(tmp_path, seed=7)
    for name in (V1, V2, TELEGRAM, WHATSAPP):
        assert (tmp_path / name).read_bytes() != (scenario.folder / name).read_bytes(), name
    ids = {s["user"]["screen_name"]: s["user"]["id"] for s in v1_statuses(scenario)}
    other_ids = {s["user"]["screen_name"]: s["user"]["id"] for s in v1_statuses(other)}
    shared = ids.keys() & other_ids.keys()
    assert len(shared) > 50
    assert all(ids[name] == other_ids[name] for name in shared)


def test_volume_and_shares_at_scale_one(scenario: ScenarioFiles) -> None:
    total = scenario.total_messages
    assert 2300 <= total <= 2700
    shares = {name: count / total for name, count in scenario.messages.items()}
    assert 0.55 <= shares[V1] <= 0.65
    assert 0.12 <= shares[V2] <= 0.18
    assert 0.12 <= shares[TELEGRAM] <= 0.18
    assert 0.08 <= shares[WHATSAPP] <= 0.12
    assert [p.name for p in scenario.inputs] == [Path(name).name for name in FILES[:4]]


def test_scale_multiplies_volume(scenario: ScenarioFiles, tmp_path: Path) -> None:
    double = write_scenario(tmp_path, scale=2)
    assert 1.8 <= double.total_messages / scenario.total_messages <= 2.2
    with pytest.raises(ValueError):
        write_scenario(tmp_path / "none", scale=0)


def test_generation_takes_under_two_seconds(tmp_path: Path) -> None:
    timings = []
    for attempt in range(2):  # best of two, so a busy machine does not fail the test
        started = time.perf_counter()
        write_scenario(tmp_path / str(attempt))
        timings.append(time.perf_counter() - started)
    assert min(timings) < 2.0


def test_v1_lines_are_faithful_statuses(scenario: ScenarioFiles) -> None:
    statuses = v1_statuses(scenario)
    assert len(statuses) == scenario.messages[V1]
    ids = [s["id"] for s in statuses]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(18 <= len(s["id_str"]) <= 19 and int(s["id_str"]) == s["id"] for s in statuses)
    times = [datetime.strptime(s["created_at"], V1_TIME) for s in statuses]
    assert times == sorted(times) and times[0] >= START and times[-1] < END
    for status in statuses:
        assert {"user", "entities", "lang", "source", "truncated"} <= status.keys()
        assert {"id", "id_str", "screen_name", "name", "followers_count"} <= status["user"].keys()
        _check_entities(status)
        if "text" in status:
            assert len(html.unescape(status["text"])) <= 140
        holder = status.get("extended_tweet", status)
        if "display_text_range" in holder:  # 2016: 140 characters, attached media aside
            assert holder["display_text_range"][1] <= 140
        if "retweeted_status" in status:
            original = status["retweeted_status"]["user"]["screen_name"]
            assert v1_text(status).startswith(f"RT @{original}: ")
        assert status["is_quote_status"] == ("quoted_status" in status)
    kinds = Counter(_v1_kind(s) for s in statuses)
    assert kinds["retweet"] > 300 and kinds["quote"] > 10 and kinds["reply"] > 30
    assert kinds["compat_extended"] >= 1 and kinds["full_text"] > 100
    located = [s for s in statuses if s["coordinates"]]
    assert located and all(s["coordinates"]["coordinates"][::-1] == s["geo"]["coordinates"]
                           for s in located)
    places = [s["place"] for s in statuses if s["place"]]
    assert any(p["full_name"] == "Qasr al-Nahr, Syria" and p["place_type"] == "city"
               for p in places)
    assert {"ar", "en", "fr", "tr"} <= {s["lang"] for s in statuses}


def _v1_kind(status: dict[str, Any]) -> str:
    if "retweeted_status" in status:
        return "retweet"
    if status.get("quoted_status"):
        return "quote"
    if status["in_reply_to_status_id"]:
        return "reply"
    if status["truncated"]:
        assert len(v1_text(status)) > 140
        return "compat_extended"
    return "full_text" if "full_text" in status else "original"


def _check_entities(status: dict[str, Any]) -> None:
    """Entity indices point at their text, in code points of the unescaped text."""
    holder = status.get("extended_tweet", status)
    text = html.unescape(holder.get("full_text", holder.get("text")))
    entities = holder["entities"]
    for tag in entities["hashtags"]:
        assert text[slice(*tag["indices"])] == "#" + tag["text"]
    for mention in entities["user_mentions"]:
        assert text[slice(*mention["indices"])] == "@" + mention["screen_name"]
    for url in entities["urls"] + entities.get("media", []):
        assert text[slice(*url["indices"])] == url["url"]
    for key in ("retweeted_status", "quoted_status"):
        if key in status:
            _check_entities(status[key])


def test_v2_pages_are_faithful_twarc2_pages(scenario: ScenarioFiles) -> None:
    pages = v2_pages(scenario)
    assert sum(len(p["data"]) for p in pages) == scenario.messages[V2]
    assert sum(len(p.get("errors", [])) for p in pages) == scenario.notices[V2] > 0
    v1_ids = {s["id_str"] for s in v1_statuses(scenario)}
    for index, page in enumerate(pages):
        ids = [t["id"] for t in page["data"]]
        assert 0 < len(ids) <= 100 and ids == sorted(ids, key=int, reverse=True)
        assert not v1_ids & set(ids)
        meta = page["meta"]
        assert meta["result_count"] == len(ids)
        assert (meta["newest_id"], meta["oldest_id"]) == (ids[0], ids[-1])
        assert ("next_token" in meta) == (index < len(pages) - 1)
        if index:
            assert pages[index - 1]["meta"]["next_token"] in page["__twarc"]["url"]
        assert {"url", "version", "retrieved_at"} == page["__twarc"].keys()
        _check_v2_references(page)
        for tweet in page["data"]:
            at = parse_iso(tweet["created_at"])
            assert START <= at < END


def _check_v2_references(page: dict[str, Any]) -> None:
    """Every author is expanded; every referenced tweet is included or explained by an error."""
    users = {u["id"] for u in page["includes"]["users"]}
    included = {t["id"] for t in page["includes"]["tweets"]}
    missing = {e["resource_id"] for e in page.get("errors", [])}
    for tweet in page["data"]:
        assert tweet["author_id"] in users
        for ref in tweet.get("referenced_tweets", []):
            assert ref["id"] in included or ref["id"] in missing
        for key in tweet.get("attachments", {}).get("media_keys", []):
            assert key in {m["media_key"] for m in page["includes"]["media"]}
        if "geo" in tweet:
            assert tweet["geo"]["place_id"] in {p["id"] for p in page["includes"]["places"]}


def test_telegram_export_is_laid_out_as_telegram_desktop(scenario: ScenarioFiles) -> None:
    raw = scenario.telegram.read_text(encoding="utf-8")
    assert raw.startswith('{\n "name": "') and raw.endswith("\n ]\n}")
    assert '\n  {\n   "id": ' in raw  # one space per nesting level
    chat = json.loads(raw)
    assert chat["type"] == "public_channel" and isinstance(chat["id"], int)
    messages = chat["messages"]
    ids = [m["id"] for m in messages]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    kinds = Counter(m["type"] for m in messages)
    assert kinds["message"] == scenario.messages[TELEGRAM]
    assert kinds["service"] == scenario.notices[TELEGRAM]
    for message in messages:
        instant = datetime.fromtimestamp(int(message["date_unixtime"]), UTC)
        assert START <= instant < END
        assert message["date"] == (instant + LOCAL).strftime("%Y-%m-%dT%H:%M:%S")
        entities = message["text_entities"]
        assert "".join(e["text"] for e in entities) == telegram_text(message)
        if message.get("reply_to_message_id"):
            assert message["reply_to_message_id"] in ids[:ids.index(message["id"])]
        if message.get("action") == "pin_message":
            assert message["message_id"] in ids
    assert any(isinstance(m["text"], list) for m in messages)
    assert any(isinstance(m["text"], str) and m["text"] for m in messages)
    types = {e["type"] for m in messages for e in m["text_entities"]}
    assert {"plain", "bold", "hashtag", "link", "text_link"} <= types
    assert any(m.get("forwarded_from") for m in messages)
    assert any(m.get("photo", "").startswith("(File not included.") for m in messages)
    assert any(len(telegram_text(m)) > 1000 for m in messages)


def test_whatsapp_export_has_the_android_layout(scenario: ScenarioFiles) -> None:
    lines = scenario.whatsapp.read_text(encoding="utf-8").splitlines()
    assert lines[0].endswith(" - Messages you send to this group are now secured with "
                             "end-to-end encryption. Tap for more info.")
    entries = whatsapp_entries(scenario)
    senders = [sender for _, sender, _ in entries]
    assert sum(1 for s in senders if s) == scenario.messages[WHATSAPP]
    assert sum(1 for s in senders if s is None) == scenario.notices[WHATSAPP]
    times = [at for at, _, _ in entries]
    assert times == sorted(times)
    assert times[0] >= START + LOCAL and times[-1] < END + LOCAL
    texts = [text for _, sender, text in entries if sender]
    assert "<Media omitted>" in texts
    assert any(text.startswith("location: https://maps.google.com/?q=") for text in texts)
    assert any(text.count("\n") >= 5 for text in texts)
    system = [text for _, sender, text in entries if sender is None]
    assert any(" added " in text for text in system) and any(t.endswith(" left") for t in system)


def test_gazetteer_uses_the_geonames_layout(scenario: ScenarioFiles) -> None:
    rows = [line.split("\t") for line in
            scenario.gazetteer.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == scenario.places > 15
    assert all(len(row) == 19 for row in rows)
    ids = [int(row[0]) for row in rows]
    assert len(set(ids)) == len(ids) and min(ids) >= 90_000_000
    for row in rows:
        lat, lon = float(row[4]), float(row[5])
        assert 35.5 < lat < 37.5 and 36.0 < lon < 38.0
        assert row[2].isascii() and ARABIC.search(row[3])
        assert row[8] == "SY" and row[17] == "Asia/Damascus" and int(row[14]) >= 0
    codes = {row[7] for row in rows}
    assert {"PPLA2", "PPLX", "HSP", "BDG", "STM"} <= codes
    assert any(row[1] == "Qasr al-Nahr" and "قصر النهر" in row[3].split(",") for row in rows)


def test_every_message_file_carries_arabic(scenario: ScenarioFiles) -> None:
    for name, text in all_texts(scenario).items():
        lines = [line for line in text.splitlines() if line.strip()]
        arabic = sum(1 for line in lines if ARABIC.search(line))
        assert arabic / len(lines) > 0.25, name


def test_hostile_strings_are_written_as_plain_text(scenario: ScenarioFiles) -> None:
    texts = all_texts(scenario)
    everything = "\n".join(texts.values())
    for hostile in (HOSTILE_SCRIPT, HOSTILE_IMG, HOSTILE_FORMULA, RLO):
        assert hostile in everything, hostile
    assert HOSTILE_SCRIPT in texts[V1] and HOSTILE_IMG in texts[V2]
    assert HOSTILE_FORMULA in texts[WHATSAPP] and RLO in texts[TELEGRAM]
    raw_v1 = scenario.tweets_v1.read_text(encoding="ascii")  # twarc wrote ASCII escapes
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in raw_v1 and "<script>" not in raw_v1
    assert "\\u202e" in raw_v1


def test_one_appeal_is_retweeted_and_copied_widely(scenario: ScenarioFiles) -> None:
    statuses = v1_statuses(scenario)
    viral = next(s for s in statuses if v1_text(s).startswith(VIRAL))
    retweets = [s for s in statuses if s.get("retweeted_status", {}).get("id") == viral["id"]]
    retweets += [t for p in v2_pages(scenario) for t in p["data"]
                 if {"type": "retweeted", "id": viral["id_str"]} in t.get("referenced_tweets", [])]
    assert len(retweets) >= 150
    copies = [s for s in statuses if "retweeted_status" not in s and s["id"] != viral["id"]
              and ("my last message" in v1_text(s) or "رسالتي الأخيرة" in v1_text(s))]
    assert len({v1_text(s) for s in copies}) >= 5
    tags = Counter(h["text"] for s in statuses for h in s["entities"]["hashtags"])
    assert tags["SaveQasr"] > 100 and tags["قصر_النهر_تباد"] > 20


def test_volume_peaks_at_night_shelling_and_on_evacuation_day(scenario: ScenarioFiles) -> None:
    hours: Counter[int] = Counter()
    for status in v1_statuses(scenario):
        hours[_hour(datetime.strptime(status["created_at"], V1_TIME))] += 1
    for page in v2_pages(scenario):
        hours.update(_hour(parse_iso(t["created_at"])) for t in page["data"])
    for message in json.loads(scenario.telegram.read_text(encoding="utf-8"))["messages"]:
        hours[_hour(datetime.fromtimestamp(int(message["date_unixtime"]), UTC))] += 1
    hours.update(_hour(at - LOCAL) for at, sender, _ in whatsapp_entries(scenario) if sender)
    mean, average = sum(hours.values()) / 120, lambda hs: sum(hours[h] for h in hs) / len(hs)
    assert average(range(20, 26)) > 1.5 * mean  # first night's shelling, 22:00-04:00 local
    assert average(range(75, 90)) > 1.5 * mean  # evacuation day, 05:00-20:00 local
    assert average((2, 3, 98, 99)) < 0.6 * mean  # before dawn on quiet days


def _hour(at: datetime) -> int:
    return (at - START) // timedelta(hours=1)


def test_about_eighty_personas_with_stable_ids(scenario: ScenarioFiles) -> None:
    users: dict[str, set[int]] = {}
    names: dict[str, str] = {}
    for status in v1_statuses(scenario):
        for holder in (status, status.get("retweeted_status"), status.get("quoted_status")):
            if holder:
                user = holder["user"]
                users.setdefault(user["screen_name"], set()).add(user["id"])
                names[user["screen_name"]] = user["name"]
    assert 65 <= len(users) <= 90
    assert all(len(ids) == 1 for ids in users.values())
    assert sum(1 for name in names.values() if ARABIC.search(name)) >= 10
    assert sum(1 for name in names.values() if name.isascii()) >= 30


ADAPTERS = ((TwitterV1Source, V1), (TwitterV2Source, V2), (TelegramExportSource, TELEGRAM),
            (WhatsAppExportSource, WHATSAPP))


@pytest.mark.parametrize(("adapter", "name"), ADAPTERS, ids=[n for _, n in ADAPTERS])
def test_adapters_read_every_record(scenario: ScenarioFiles, adapter: Any, name: str) -> None:
    path = scenario.folder / name
    assert detect_source(path.read_bytes()[: 1 << 16], path.name) is adapter
    source = adapter(SourceSettings(timezone=scenario.timezone))
    parsed: list[Message | Notice] = []
    with path.open("rb") as stream:
        for record in source.records(stream, path.name):
            try:
                parsed += source.parse(record)
            except RecordRejected as error:  # pragma: no cover - the failure message matters
                pytest.fail(f"{name} {record.locator}: {error}")
    messages = [p for p in parsed if isinstance(p, Message)]
    embedded = [m for m in messages if m.locator and re.search(
        r"retweeted_status|quoted_status|includes\.tweets", m.locator)]
    assert len(messages) - len(embedded) == scenario.messages[name]
    assert len(embedded) == scenario.embedded[name]
    assert sum(1 for p in parsed if isinstance(p, Notice)) == scenario.notices[name]
    for message in messages:
        if message not in embedded:
            assert message.created_at is not None
            assert START <= parse_iso(message.created_at) < END
