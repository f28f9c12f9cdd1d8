"""Telegram Desktop JSON exports: single and full exports, text forms, service messages, damage."""

from __future__ import annotations

import contextlib
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Message, Notice, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.telegram import TelegramExportSource

T0 = "2016-12-13T19:22:00Z"  # the first message of the fixtures, 1481656920


class NoWholeReads(io.BytesIO):
    """A stream that fails when asked for everything at once (the adapter must stream)."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size >= 0, "read the whole input at once"
        return super().read(size)


def cut(data: bytes, tz: str = "UTC") -> tuple[TelegramExportSource, list[Record]]:
    source = TelegramExportSource(SourceSettings(timezone=tz))
    return source, list(source.records(NoWholeReads(data), "result.json"))


def read_all(data: bytes, tz: str = "UTC") -> tuple[list[Parsed], list[tuple[str, str]]]:
    """Every parsed item and every reject (locator, reason), parsing after all records are cut."""
    source, records = cut(data, tz)
    parsed: list[Parsed] = []
    rejects: list[tuple[str, str]] = []
    for record in records:
        try:
            parsed.extend(source.parse(record))
        except RecordRejected as exc:
            rejects.append((record.locator, str(exc)))
    return parsed, rejects


def media_of(item: Parsed) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], item.extra["media"])


def chat_of(item: Parsed) -> dict[str, Any]:
    return cast(dict[str, Any], item.extra["chat"])


def by_id(parsed: list[Parsed]) -> dict[int, Parsed]:
    return {int(str(item.extra["message_id"])): item for item in parsed}


@pytest.fixture
def single(fixtures: Path) -> bytes:
    return (fixtures / "telegram" / "single_chat.json").read_bytes()


@pytest.fixture
def full(fixtures: Path) -> bytes:
    return (fixtures / "telegram" / "full_export.json").read_bytes()


def test_sniff_recognises_both_export_shapes(single: bytes, full: bytes) -> None:
    assert TelegramExportSource.sniff(single[:65536], "single_chat.json") >= 85
    assert TelegramExportSource.sniff(full[:65536], "result.json") >= 90
    assert TelegramExportSource.sniff(single[:65536], "result.json") > TelegramExportSource.sniff(
        single[:65536], "chat.json"
    )


@pytest.mark.parametrize(
    "head",
    [
        b'{"data": [{"id": "1", "text": "hello"}], "meta": {"result_count": 1}}',
        b'{"id": 1, "text": "a generic JSON line"}\n',
        b"12/13/16, 10:22 PM - Alice: hello\n",
        b"id,text\n1,hello\n",
    ],
)
def test_sniff_ignores_other_formats(head: bytes) -> None:
    assert TelegramExportSource.sniff(head, "input.json") == 0


def test_records_are_exact_byte_spans_of_each_message(single: bytes) -> None:
    _, records = cut(single)
    assert len(records) == 12
    for record in records:
        offset = int(record.locator.removeprefix("offset "))
        assert single[offset : offset + len(record.raw)] == record.raw
        assert isinstance(json.loads(record.raw), dict)


def test_single_chat_messages_and_ids(single: bytes) -> None:
    parsed, rejects = read_all(single)
    assert rejects == []
    items = by_id(parsed)
    assert len(items) == 12
    text = items[2]
    assert isinstance(text, Message)
    assert text.platform == "telegram"
    assert text.platform_id == "1044403131/2"
    assert text.text == "نحن محاصرون في حي الفردوس"
    assert text.author == "Halab Today"
    assert text.author_id == "channel1044403131"
    assert text.created_at == "2016-12-13T19:23:00Z"
    assert text.extra["chat"] == {
        "name": "Halab Today",
        "id": "1044403131",
        "type": "public_channel",
    }
    assert len({item.platform_id for item in parsed}) == 12


def test_entity_array_text_is_joined_and_entities_kept(single: bytes) -> None:
    item = by_id(read_all(single)[0])[3]
    assert isinstance(item, Message)
    assert item.text == (
        "URGENT evacuation update #Aleppo #حلب details: https://example.org/aleppo-update"
        " and the UN statement via @halab_today"
    )
    assert item.extra["hashtags"] == ["Aleppo", "حلب"]
    assert item.extra["mentions"] == ["halab_today"]
    assert item.extra["urls"] == [
        "https://example.org/aleppo-update",
        "https://news.example.org/un-aleppo",
    ]


def test_old_export_without_unixtime_or_text_entities() -> None:
    """Exports before 2021 have no date_unixtime, no text_entities, and numeric from_id."""
    data = json.dumps(
        {
            "name": "Aleppo Relief",
            "type": "public_supergroup",
            "id": 77,
            "messages": [
                {
                    "id": 9,
                    "type": "message",
                    "date": "2016-12-13T21:22:00",
                    "from": "Sarah",
                    "from_id": 5551234,
                    "text": ["Road to ", {"type": "hashtag", "text": "#Ramouseh"}, " is open"],
                }
            ],
        }
    ).encode()
    [item] = read_all(data, tz="Asia/Damascus")[0]
    assert isinstance(item, Message)
    assert item.created_at == "2016-12-13T19:22:00Z"  # Damascus was UTC+2 that winter
    assert item.extra["time_zone_assumed"] == "Asia/Damascus"
    assert item.author_id == "5551234"
    assert item.text == "Road to #Ramouseh is open"
    assert item.extra["hashtags"] == ["Ramouseh"]


def test_service_messages_become_system_notices(single: bytes) -> None:
    items = by_id(read_all(single)[0])
    created, pinned = items[1], items[9]
    assert isinstance(created, Notice) and isinstance(pinned, Notice)
    assert created.kind == "system"
    assert created.detail == "Halab Today: create_channel"
    assert created.created_at == T0
    assert created.platform_id == "1044403131/1"
    assert created.extra["action"] == "create_channel"
    assert created.extra["actor_id"] == "channel1044403131"
    assert created.extra["details"] == {"title": "Halab Today"}
    assert pinned.extra["details"] == {"message_id": 2}
    unsupported = items[12]
    assert isinstance(unsupported, Notice) and unsupported.detail == "unsupported message"


def test_forwarded_replied_and_edited(single: bytes) -> None:
    item = by_id(read_all(single)[0])[6]
    assert isinstance(item, Message)
    assert item.extra["forwarded_from"] == "Syria Civil Defence"
    assert item.extra["reply_to"] == "1044403131/2"
    assert item.extra["edited_at"] == "2016-12-13T19:37:00Z"


def test_media_included_and_not_included(single: bytes) -> None:
    items = by_id(read_all(single)[0])
    photo, video, sticker = items[4], items[5], items[10]
    assert isinstance(photo, Message) and isinstance(video, Message)
    assert isinstance(sticker, Message)
    [entry] = media_of(photo)
    assert entry["type"] == "photo" and entry["included"] is False and entry["file"] is None
    assert "not included" in entry["note"]
    [entry] = media_of(video)
    assert entry["type"] == "video_file" and entry["included"] is True
    assert entry["file"] == "video_files/clip_2016-12-13.mp4"
    assert entry["mime_type"] == "video/mp4"
    [entry] = media_of(sticker)
    assert entry["type"] == "sticker" and entry["included"] is False


def test_location_poll_signature_and_long_text(single: bytes) -> None:
    items = by_id(read_all(single)[0])
    assert items[7].extra["coordinates"] == [37.165, 36.1992]
    poll = items[11].extra["poll"]
    assert isinstance(poll, dict) and poll["question"] == "Do you have drinking water today?"
    long = items[8]
    assert isinstance(long, Message)
    assert len(long.text) > 2500 and long.text.startswith("تحديث من حلب الشرقية 🚨")
    assert long.extra["signature"] == "Abu Omar"


def test_full_export_reads_every_chat_list(full: bytes) -> None:
    parsed, rejects = read_all(full)
    assert rejects == []
    names = [chat_of(item).get("name") for item in parsed]
    assert names == [
        "Sarah",
        "Sarah",
        "Aleppo Relief Coordination",
        "Aleppo Relief Coordination",
        "Aleppo Relief Coordination",
        None,  # saved messages have no name
        "Halab Today",  # from left_chats
    ]
    invite = parsed[2]
    assert isinstance(invite, Notice) and invite.detail == "Lina: invite_members"
    assert invite.extra["details"] == {"members": ["Sarah", "Dr. Hamza"]}
    forwarded = parsed[4]
    assert isinstance(forwarded, Message)
    assert forwarded.platform_id == "1187654321/5003"
    assert forwarded.extra["reply_to"] == "1187654321/5002"
    assert forwarded.extra["forwarded_from"] == "Halab Today"


def test_per_account_message_ids_are_not_platform_ids(full: bytes, single: bytes) -> None:
    """Private chats number messages per account: two people's exports would collide."""
    parsed = read_all(full)[0]
    personal = [item for item in parsed if chat_of(item)["type"] == "personal_chat"]
    assert len(personal) == 2 and all(item.platform_id is None for item in personal)
    # A channel message has the same identity in a full export and a single-chat export.
    left = parsed[-1]
    again = by_id(read_all(single)[0])[2]
    assert left.platform_id == again.platform_id == "1044403131/2"


def test_parse_on_other_threads_after_records_finished(full: bytes) -> None:
    source, records = cut(full)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(source.parse, reversed(records)))
    chat_ids = [chat_of(result[0])["id"] for result in reversed(results)]
    assert chat_ids == ["5551234"] * 2 + ["1187654321"] * 3 + ["5550001", "1044403131"]


def test_truncated_mid_message_keeps_complete_ones(single: bytes) -> None:
    cut_at = single.index(b"clip_2016-12-13.mp4")  # inside message 5
    parsed, rejects = read_all(single[:cut_at])
    assert sorted(by_id(parsed)) == [1, 2, 3, 4]
    [(locator, reason)] = rejects
    assert single[int(locator.removeprefix("offset ")) :].startswith(b'{\n   "id": 5,')
    assert "cut off" in reason


def test_truncated_between_messages_reports_the_break(single: bytes) -> None:
    end_of_four = single.index(b'{\n   "id": 5,')
    source = TelegramExportSource(SourceSettings())
    records: list[Record] = []
    with pytest.raises(SourceError, match="truncated or broken"):
        for record in source.records(io.BytesIO(single[:end_of_four]), "result.json"):
            records.append(record)
    assert [source.parse(r)[0].extra["message_id"] for r in records] == [1, 2, 3, 4]


def wrap(*messages: str) -> bytes:
    body = ",\n".join(messages)
    return (
        '{"name": "X", "type": "public_channel", "id": 5, "messages": [\n' + body + "\n]}"
    ).encode()


GOOD = '{"id": 1, "type": "message", "date_unixtime": "1481656920", "text": "ok"}'


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ('{"type": "message", "date_unixtime": "1481656920", "text": "no id"}', "no numeric id"),
        ('{"id": "2", "type": "message", "text": "string id"}', "no numeric id"),
        ("[1, 2, 3]", "must be a JSON object"),
        ('{"id": 2, "type": "message", "text": 42}', "neither a string nor a list"),
        ('{"id": 2, "type": "message"}', "no text field"),
        ('{"id": 2, "type": "bogus", "text": ""}', "unknown message type"),
        ('{"id": 2, "type": "message", "date_unixtime": "soon", "text": ""}', "not a time"),
        ('{"id": 2, "type": "message", "text": "\\q bad escape"}', "invalid JSON"),
    ],
)
def test_bad_messages_are_rejected_and_neighbours_kept(bad: str, reason: str) -> None:
    parsed, rejects = read_all(wrap(GOOD, bad, GOOD.replace('"id": 1', '"id": 3')))
    assert [item.platform_id for item in parsed] == ["5/1", "5/3"]
    [(_, why)] = rejects
    assert reason in why


def test_control_character_escapes_are_read() -> None:
    """Telegram writes control characters as \\x0B, which strict JSON parsers refuse."""
    message = (
        '{"id": 4, "type": "message", "date_unixtime": "1481656920", "text": "a\\x0Bb \\\\x41"}'
    )
    [item] = read_all(wrap(message))[0]
    assert isinstance(item, Message)
    assert item.text == "a\x0bb \\x41"


@pytest.mark.parametrize(
    "data",
    [b"", b"not json at all", b'{"name": "no messages here"}', b"[1, 2, 3]", b'{"messages": 5'],
)
def test_inputs_that_are_not_exports_raise_source_error(data: bytes) -> None:
    source = TelegramExportSource(SourceSettings())
    with pytest.raises(SourceError):
        for record in source.records(io.BytesIO(data), "result.json"):
            with pytest.raises(RecordRejected):
                source.parse(record)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400) | st.sampled_from([b'{"messages": [{"id": 1']).map(bytes))
def test_random_bytes_only_raise_adapter_errors(data: bytes) -> None:
    source = TelegramExportSource(SourceSettings())
    with contextlib.suppress(SourceError):
        for record in source.records(io.BytesIO(data), "result.json"):
            with contextlib.suppress(RecordRejected):
                source.parse(record)


FULL = (Path(__file__).parents[1] / "fixtures" / "telegram" / "full_export.json").read_bytes()
FULL_SPANS = [(int(r.locator.removeprefix("offset ")), len(r.raw)) for r in cut(FULL)[1]]


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=len(FULL)))
def test_any_truncation_keeps_exactly_the_whole_messages(cut_at: int) -> None:
    source = TelegramExportSource(SourceSettings())
    kept: list[int] = []
    try:
        for record in source.records(io.BytesIO(FULL[:cut_at]), "result.json"):
            try:
                source.parse(record)
                kept.append(int(record.locator.removeprefix("offset ")))
            except RecordRejected:
                pass
    except SourceError:
        pass
    assert kept == [offset for offset, size in FULL_SPANS if offset + size <= cut_at]
