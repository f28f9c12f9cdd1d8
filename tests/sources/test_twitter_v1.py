"""Twitter API v1.1 adapter: framing, parsing, notices, rejects, sniffing, real samples."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Message, Notice, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.twitter_v1 import TwitterV1Source
from sitroom.sources.twitter_v2 import TwitterV2Source

ARABIC_ID = "808617961190477825"
RETWEET_ID = "808618611307597827"
ORIGINAL_ID = "808604421977165826"
QUOTE_ID = "808620167394381828"
LONG_ID = "965862510425165829"
REPLY_ID = "808621614429261830"
DELETED_ID = "808605135008845831"

TELEGRAM_HEAD = (
    '{\n "name": "Aleppo 24",\n "type": "public_channel",\n "id": 1087968824,\n'
    ' "messages": [\n  {\n   "id": 1,\n   "type": "message",\n'
    '   "date": "2016-12-13T12:22:00",\n   "from": "Aleppo 24",\n   "text": "حلب"\n  }\n ]\n}\n'
).encode()
GENERIC_HEAD = b'{"id": 1, "text": "help needed in Aleppo", "created_at": "2016-12-13"}\n'


class Ingest:
    """What one adapter run over an input produced."""

    def __init__(self, source: TwitterV1Source, stream: Any, name: str = "input") -> None:
        self.records: list[Record] = list(source.records(stream, name))
        self.messages: list[Message] = []
        self.notices: list[Notice] = []
        self.rejects: list[tuple[Record, str]] = []
        for record in self.records:
            try:
                parsed = source.parse(record)
            except RecordRejected as exc:
                self.rejects.append((record, str(exc)))
                continue
            for item in parsed:
                if isinstance(item, Message):
                    self.messages.append(item)
                else:
                    self.notices.append(item)

    def by_id(self, tweet_id: str) -> Message:
        """The message with that tweet id, preferring the one a record holds at top level."""
        found = [m for m in self.messages if m.platform_id == tweet_id]
        assert found, f"no message {tweet_id}"
        return next((m for m in found if m.locator is None), found[0])


def ingest(path: Path) -> Ingest:
    with path.open("rb") as stream:
        return Ingest(TwitterV1Source(SourceSettings()), stream, path.name)


class TrickleStream(io.RawIOBase):
    """A pipe-like, non-seekable stream that hands out a few bytes per read."""

    def __init__(self, data: bytes, step: int = 7) -> None:
        self._data = data
        self._step = step

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int | None = -1) -> bytes:
        take = self._step if size is None or size < 0 else min(size, self._step)
        chunk, self._data = self._data[:take], self._data[take:]
        return chunk


# --- sniffing ---------------------------------------------------------------------------


def test_sniff_claims_v1_fixtures_and_no_other_format(fixtures: Path) -> None:
    for name in ("stream.jsonl", "search.json", "bad.jsonl"):
        head = (fixtures / "twitter-v1" / name).read_bytes()[:65536]
        assert TwitterV1Source.sniff(head, name) >= 75, name
        assert TwitterV2Source.sniff(head, name) == 0, name
    for name in ("page.jsonl", "flat.jsonl"):
        head = (fixtures / "twitter-v2" / name).read_bytes()[:65536]
        assert TwitterV1Source.sniff(head, name) == 0, name


def test_sniff_ignores_telegram_and_generic_jsonl() -> None:
    for head in (TELEGRAM_HEAD, GENERIC_HEAD, b"", b"\x00\xff junk", b"id,text\n1,hi\n"):
        assert TwitterV1Source.sniff(head, "x.json") == 0
        assert TwitterV2Source.sniff(head, "x.json") == 0


def test_sniff_knows_a_stream_starting_with_a_deletion() -> None:
    head = b'{"delete":{"status":{"id":1,"id_str":"1","user_id":2,"user_id_str":"2"}}}\n'
    assert TwitterV1Source.sniff(head, "stream.jsonl") >= 60
    assert TwitterV2Source.sniff(head, "stream.jsonl") == 0


# --- the stream fixture -----------------------------------------------------------------


def test_stream_records_are_lines_without_newlines(fixtures: Path) -> None:
    path = fixtures / "twitter-v1" / "stream.jsonl"
    run = ingest(path)
    lines = path.read_bytes().split(b"\n")[:-1]
    assert [r.raw for r in run.records] == lines
    assert [r.locator for r in run.records] == [f"line {n}" for n in range(1, len(lines) + 1)]
    assert run.rejects == []


def test_stream_arabic_tweet_with_place_and_coordinates(fixtures: Path) -> None:
    run = ingest(fixtures / "twitter-v1" / "stream.jsonl")
    tweet = run.by_id(ARABIC_ID)
    assert "#حلب" in tweet.text and tweet.text.endswith("#Aleppo")
    assert tweet.created_at == "2016-12-13T10:22:00Z"
    assert (tweet.author, tweet.author_id, tweet.lang) == ("aleppo_reporter", "781234567", "ar")
    assert tweet.url == f"https://twitter.com/aleppo_reporter/status/{ARABIC_ID}"
    assert tweet.extra["author_name"] == "مراسل حلب"
    assert tweet.extra["hashtags"] == ["حلب", "Aleppo"]
    assert tweet.extra["coordinates"] == [37.1383, 36.1986]
    place = tweet.extra["place"]
    assert isinstance(place, dict)
    assert (place["name"], place["country_code"], place["id"]) == (
        "Aleppo",
        "SY",
        "0a52a2f3f2fc4bf5",
    )
    assert place["bbox"] == [37.0632, 36.1403, 37.2538, 36.2633]
    assert tweet.extra["source_app"] == "Twitter for Android"


def test_stream_retweet_gets_full_text_and_its_original(fixtures: Path) -> None:
    run = ingest(fixtures / "twitter-v1" / "stream.jsonl")
    retweet = run.by_id(RETWEET_ID)
    original = run.by_id(ORIGINAL_ID)
    raw = orjson.loads(run.records[1].raw)
    assert raw["text"].endswith("…"), "the fixture's own retweet text is cut, as Twitter's is"
    assert retweet.text == "RT @medic_aleppo: " + original.text
    assert original.text.endswith("Please share: https://t.co/Hs7Kq2LmVa")
    assert retweet.extra["retweet_of"] == ORIGINAL_ID
    assert retweet.extra["mentions"] == ["medic_aleppo"]
    assert original.locator == "line 2 retweeted_status"
    assert original.author == "medic_aleppo"
    assert original.extra["urls"] == ["https://www.savethechildren.org/aleppo"]


def test_stream_quote_links_and_emits_the_quoted_tweet(fixtures: Path) -> None:
    run = ingest(fixtures / "twitter-v1" / "stream.jsonl")
    quote = run.by_id(QUOTE_ID)
    assert quote.extra["quote_of"] == ARABIC_ID
    assert quote.extra["urls"] == [f"https://twitter.com/aleppo_reporter/status/{ARABIC_ID}"]
    line3 = [m for m in run.messages if m.locator == "line 3 quoted_status"]
    assert [m.platform_id for m in line3] == [ARABIC_ID]
    assert line3[0].text == run.by_id(ARABIC_ID).text


def test_stream_extended_tweet_has_its_whole_text_and_media(fixtures: Path) -> None:
    run = ingest(fixtures / "twitter-v1" / "stream.jsonl")
    tweet = run.by_id(LONG_ID)
    assert len(tweet.text) > 250 and "…" not in tweet.text
    assert tweet.text.startswith("🚨 نداء عاجل") and tweet.text.endswith("https://t.co/Vb2Lp9Xc4Q")
    assert tweet.created_at == "2018-02-20T08:15:42Z"
    assert tweet.extra["hashtags"] == ["حلب", "أنقذوا_حلب", "SaveAleppo"]
    assert tweet.extra["media"] == [
        {"type": "photo", "url": "https://pbs.twimg.com/media/Czj1aB2XcAAbC9d.jpg"}
    ]


def test_stream_reply_and_notices(fixtures: Path) -> None:
    run = ingest(fixtures / "twitter-v1" / "stream.jsonl")
    assert run.by_id(REPLY_ID).extra["reply_to"] == ARABIC_ID
    deleted, limited = run.notices
    assert deleted.kind == "notice" and deleted.platform_id == DELETED_ID
    assert DELETED_ID in deleted.detail and "deleted" in deleted.detail
    assert deleted.created_at == "2016-12-13T10:30:00.123000Z"
    assert "delete" in deleted.extra
    assert limited.platform_id is None and "57" in limited.detail
    assert len(run.messages) == 7  # 5 lines of statuses, 1 embedded retweeted original, 1 quoted


def test_same_records_from_a_trickling_pipe(fixtures: Path) -> None:
    data = (fixtures / "twitter-v1" / "stream.jsonl").read_bytes()
    source = TwitterV1Source(SourceSettings())
    piped = list(source.records(TrickleStream(data), "-"))  # type: ignore[arg-type]
    assert piped == list(source.records(io.BytesIO(data), "-"))


# --- search responses, arrays and single documents ---------------------------------------


def test_search_response_records_are_exact_status_bytes(fixtures: Path) -> None:
    data = (fixtures / "twitter-v1" / "search.json").read_bytes()
    run = Ingest(TwitterV1Source(SourceSettings()), io.BytesIO(data))
    assert len(run.records) == 2 and run.rejects == []
    for record in run.records:
        offset = int(record.locator.removeprefix("offset "))
        assert data[offset : offset + len(record.raw)] == record.raw
        assert orjson.loads(record.raw)["id_str"] in {ARABIC_ID, REPLY_ID}
    assert [m.platform_id for m in run.messages] == [ARABIC_ID, REPLY_ID]


def test_search_response_as_one_jsonl_line_parses_every_status(fixtures: Path) -> None:
    raw = (fixtures / "twitter-v1" / "search.json").read_bytes().strip()
    parsed = TwitterV1Source(SourceSettings()).parse(Record(raw, "line 4"))
    assert [p.locator for p in parsed] == ["line 4 statuses[0]", "line 4 statuses[1]"]


def test_pretty_printed_single_status_is_one_record(fixtures: Path) -> None:
    line = (fixtures / "twitter-v1" / "stream.jsonl").read_bytes().split(b"\n")[0]
    pretty = json.dumps(orjson.loads(line), indent=2, ensure_ascii=False).encode() + b"\n"
    run = Ingest(TwitterV1Source(SourceSettings()), io.BytesIO(pretty))
    assert [r.locator for r in run.records] == ["offset 0"]
    assert [m.platform_id for m in run.messages] == [ARABIC_ID]


def test_array_with_a_non_status_item_is_rejected_whole() -> None:
    raw = b'[{"id_str": "5", "text": "ok"}, 7]'
    with pytest.raises(RecordRejected, match="item 1"):
        TwitterV1Source(SourceSettings()).parse(Record(raw, "line 1"))


def test_truncated_array_document_is_a_source_error_after_good_elements() -> None:
    data = b'[{"id_str": "5", "text": "ok"}, {"id_str": "6", "te'
    source = TwitterV1Source(SourceSettings())
    records: list[Record] = []
    with pytest.raises(SourceError):
        records.extend(source.records(io.BytesIO(data), "cut.json"))
    assert records[0].raw == b'{"id_str": "5", "text": "ok"}'
    with pytest.raises(RecordRejected):
        source.parse(records[1])


def test_jsonl_whose_first_line_is_an_array_stays_jsonl(fixtures: Path) -> None:
    good = (fixtures / "twitter-v1" / "stream.jsonl").read_bytes().split(b"\n")[0]
    run = Ingest(TwitterV1Source(SourceSettings()), io.BytesIO(b"[1,2]\n" + good + b"\n"))
    assert [r.locator for r in run.records] == ["line 1", "line 2"]
    assert len(run.rejects) == 1 and [m.platform_id for m in run.messages] == [ARABIC_ID]


def test_one_record_holding_several_statuses_gives_each_tweet_once() -> None:
    original = {"id_str": "1", "text": "help", "user": {"screen_name": "a"}}
    retweets = [
        {"id_str": str(n), "text": "RT @a: help", "retweeted_status": original} for n in (2, 3)
    ]
    parsed = TwitterV1Source(SourceSettings()).parse(Record(orjson.dumps(retweets), "line 9"))
    assert [(p.platform_id, p.locator) for p in parsed] == [
        ("2", "line 9[0]"),
        ("1", "line 9[0] retweeted_status"),
        ("3", "line 9[1]"),
    ]


def test_byte_order_mark_and_crlf_line_endings(fixtures: Path) -> None:
    lines = (fixtures / "twitter-v1" / "stream.jsonl").read_bytes().split(b"\n")[:2]
    data = b"\xef\xbb\xbf" + b"\r\n".join(lines) + b"\r\n"
    run = Ingest(TwitterV1Source(SourceSettings()), io.BytesIO(data))
    assert run.records[1].raw == lines[1] and run.rejects == []
    assert [m.platform_id for m in run.messages] == [ARABIC_ID, RETWEET_ID, ORIGINAL_ID]


# --- bad input --------------------------------------------------------------------------


def test_each_bad_line_is_one_reject_and_good_lines_survive(fixtures: Path) -> None:
    run = ingest(fixtures / "twitter-v1" / "bad.jsonl")
    assert len(run.records) == 7
    assert [m.platform_id for m in run.messages] == [REPLY_ID, ARABIC_ID]
    reasons = {record.locator: reason for record, reason in run.rejects}
    assert sorted(reasons) == ["line 2", "line 3", "line 4", "line 5", "line 7"]
    assert "UTF-8" in reasons["line 2"] and "UTF-8" in reasons["line 3"]
    assert "array" in reasons["line 4"] or "item 0" in reasons["line 4"]
    assert "string" in reasons["line 5"]
    assert "invalid JSON" in reasons["line 7"]


def test_lone_surrogate_escape_from_a_cut_emoji_is_replaced_not_rejected() -> None:
    raw = b'{"id_str": "9", "text": "cut emoji \\ud83d", "user": {"screen_name": "a"}}'
    (message,) = TwitterV1Source(SourceSettings()).parse(Record(raw, "line 1"))
    assert isinstance(message, Message)
    assert message.text == "cut emoji \ufffd"
    message.text.encode("utf-8")


def test_status_without_text_or_id_is_rejected() -> None:
    source = TwitterV1Source(SourceSettings())
    with pytest.raises(RecordRejected, match="no text"):
        source.parse(Record(b'{"id_str": "1", "user": {}}', "line 1"))
    with pytest.raises(RecordRejected, match="id"):
        source.parse(Record(b'{"text": "hello"}', "line 1"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_never_raise_anything_but_rejects(data: bytes) -> None:
    source = TwitterV1Source(SourceSettings())
    try:
        records = list(source.records(io.BytesIO(data), "fuzz"))
    except SourceError:
        return
    for record in records:
        with contextlib.suppress(RecordRejected):
            source.parse(record)


# --- real samples -----------------------------------------------------------------------


def _expected_ids(path: Path) -> set[str]:
    """Every tweet id a file holds, top level and embedded (an independent count)."""
    value = orjson.loads(path.read_bytes())
    statuses = value if isinstance(value, list) else value.get("statuses", [value])
    found: set[str] = set()

    def walk(status: dict[str, Any]) -> None:
        found.add(status["id_str"])
        for key in ("retweeted_status", "quoted_status"):
            if isinstance(status.get(key), dict):
                walk(status[key])

    for status in statuses:
        walk(status)
    return found


def test_every_real_v1_sample_parses_without_rejects(shared_data: Path) -> None:
    files = sorted((shared_data / "twitter-v1").glob("*.json"))
    assert len(files) >= 8
    for path in files:
        head = path.read_bytes()[:65536]
        assert TwitterV1Source.sniff(head, path.name) >= 75, path.name
        assert TwitterV2Source.sniff(head, path.name) == 0, path.name
        run = ingest(path)
        assert run.rejects == [], path.name
        assert {m.platform_id for m in run.messages} == _expected_ids(path), path.name
        assert all(m.author and m.author_id and m.created_at for m in run.messages), path.name


def test_real_home_timeline(shared_data: Path) -> None:
    run = ingest(shared_data / "twitter-v1" / "get_home_timeline.json")
    assert len(run.records) == 20 and len(run.messages) == 35
    retweet = run.by_id("672508949074214912")  # its own text ends "Contact me via …"
    assert retweet.text == (
        "RT @torrez: Hey, for the coming year I'm thinking about getting a sponsor for MLKSHK "
        "to cover the (very low) monthly costs. Contact me via DM?"
    )
    assert retweet.extra["retweet_of"] == "672504192833949696"
    first = run.by_id("674674925823787008")
    assert first.created_at == "2015-12-09T19:40:11Z"
    assert first.extra["media"] == [
        {"type": "animated_gif", "url": "https://pbs.twimg.com/tweet_video/CVze8bBUwAAPYRz.mp4"}
    ]


def test_real_status_with_place_and_quote(shared_data: Path) -> None:
    run = ingest(shared_data / "twitter-v1" / "get_status_with_place.json")
    assert [r.locator for r in run.records] == ["offset 0"]
    status = run.by_id("1051204790334746624")
    place = status.extra["place"]
    assert isinstance(place, dict)
    assert (place["full_name"], place["country_code"]) == ("Chicago, IL", "US")
    assert place["bbox"] == [-87.940033, 41.644102, -87.523993, 42.0230669]
    assert status.extra["quote_of"] == "1050848124036685824"
    quoted = run.by_id("1050848124036685824")
    assert quoted.author == "iamodeal" and quoted.locator == "offset 0 quoted_status"
    media = quoted.extra["media"]
    assert isinstance(media, list) and media[0] == {
        "type": "video",
        "url": "https://video.twimg.com/ext_tw_video/1049144139172855808/pu/vid/720x720/"
        "_Xb-Q1NmNlv-hY-x.mp4?tag=5",
    }


def test_real_extended_and_search(shared_data: Path) -> None:
    extended = ingest(shared_data / "twitter-v1" / "extended_tweet_in_extended_mode.json")
    (tweet,) = extended.messages
    assert tweet.text.endswith("python_twitter.egg-info/SOURCE https://t.co/JWSPztfoyt")
    assert tweet.extra["media"] == [
        {"type": "photo", "url": "https://pbs.twimg.com/media/CtzX2fnXEAAMAjK.jpg"}
    ]
    search = ingest(shared_data / "twitter-v1" / "get_search.json")
    (found,) = search.messages
    assert "Python & Ruby" in found.text  # the API's &amp; undone
    assert found.extra["hashtags"] == ["HourOfCode"]
