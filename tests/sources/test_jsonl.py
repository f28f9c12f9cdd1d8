"""The generic JSON Lines adapter: known fields, extra fields, times, and bad lines."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Message, Record
from sitroom.sources import jsonl
from sitroom.sources.base import SourceSettings
from sitroom.sources.jsonl import GenericJsonlSource, parse_time_text


def read_all(
    data: bytes, settings: SourceSettings | None = None
) -> tuple[list[Record], list[Message | str]]:
    """Records of `data`, and for each its message or its reject reason."""
    source = GenericJsonlSource(settings or SourceSettings())
    records = list(source.records(io.BytesIO(data), "input.jsonl"))
    results: list[Message | str] = []
    for record in records:
        assert record.raw in data
        try:
            (message,) = source.parse(record)
        except RecordRejected as err:
            results.append(str(err))
            continue
        assert isinstance(message, Message)
        results.append(message)
    return records, results


def test_known_fields_are_mapped(fixtures: Path) -> None:
    data = (fixtures / "jsonl" / "messages.jsonl").read_bytes()
    records, results = read_all(data, SourceSettings(timezone="Asia/Damascus"))
    assert all(isinstance(item, Message) for item in results)
    first = results[0]
    assert isinstance(first, Message)
    assert (first.platform, first.platform_id, first.author, first.lang, first.url) == (
        "generic",
        "1001",
        "aid_ops",
        "en",
        "https://example.org/m/1001",
    )
    assert first.created_at == "2016-12-13T10:22:00Z"
    assert first.extra == {"fields": {"channel": "field-updates"}}
    second = results[1]
    assert isinstance(second, Message)
    assert (second.platform, second.platform_id, second.lang) == ("telegram", "tg-17", "ar")
    assert second.text == "زلزال قوي يضرب المدينة، الناس في الشوارع"
    # The blank third line is skipped, but still counted.
    assert [r.locator for r in records][:3] == ["line 1", "line 2", "line 4"]


def test_times_in_every_accepted_form(fixtures: Path) -> None:
    data = (fixtures / "jsonl" / "messages.jsonl").read_bytes()
    _, results = read_all(data, SourceSettings(timezone="Asia/Damascus"))
    times = [item.created_at for item in results if isinstance(item, Message)]
    assert times == [
        "2016-12-13T10:22:00Z",  # ISO 8601 with Z
        "2016-12-13T10:22:00Z",  # RFC 2822
        "2016-12-13T10:22:00Z",  # epoch seconds
        "2016-12-13T10:22:00Z",  # epoch milliseconds
        "2016-12-13T08:22:00Z",  # naive, in the user's time zone
        "2015-12-09T19:40:11Z",  # Twitter's format
        None,
        None,  # unreadable: kept in extra.time_raw
        None,
    ]
    unreadable = results[7]
    assert isinstance(unreadable, Message)
    assert unreadable.extra == {"time_raw": "the day after the storm"}


def test_other_fields_and_odd_types_go_to_extra(fixtures: Path) -> None:
    data = (fixtures / "jsonl" / "messages.jsonl").read_bytes()
    _, results = read_all(data)
    by_text = {item.text[:20]: item for item in results if isinstance(item, Message)}
    shelter = by_text["Shelter full, go to "]
    assert shelter.platform_id == "42"
    assert shelter.extra == {
        "fields": {"tags": ["shelter", "stadium"], "geo": {"lat": 36.2, "lon": 37.16}}
    }
    convoy = by_text["RT: convoy left at d"]
    assert convoy.author is None
    assert convoy.extra == {"fields": {"author": {"name": "Convoy Watch"}}}


def test_long_message_and_crlf_line(fixtures: Path) -> None:
    data = (fixtures / "jsonl" / "messages.jsonl").read_bytes()
    records, results = read_all(data)
    long_one = next(m for m in results if isinstance(m, Message) and m.platform_id == "long-1")
    assert len(long_one.text) > 10000
    assert "🚑🆘" in long_one.text
    last = records[-1]
    assert last.raw == b'{"text": "Line with a Windows ending", "id": 7}'
    assert data.endswith(last.raw + b"\r\n")


def test_bad_lines_are_rejected_one_by_one(fixtures: Path) -> None:
    data = (fixtures / "jsonl" / "bad.jsonl").read_bytes()
    records, results = read_all(data)
    outcome = dict(
        zip(
            [r.locator for r in records],
            [r if isinstance(r, str) else str(r.platform_id) for r in results],
            strict=True,
        )
    )
    assert outcome.pop("line 1") == "1"
    assert outcome.pop("line 10") == "2"
    assert outcome.pop("line 2").startswith("invalid JSON")
    assert outcome.pop("line 11").startswith("invalid JSON")
    assert outcome == {
        "line 3": "not a JSON object (found an array)",
        "line 4": "no text field",
        "line 5": "text is not a string (found a number)",
        "line 6": "invalid UTF-8 at byte 14",
        "line 7": "None",  # blank text: archived as a message, not rejected
        "line 8": "id is not a string or an integer (found a number)",
    }


def test_platform_from_settings_and_data() -> None:
    data = b'{"text": "a"}\n{"text": "b", "platform": "Mastodon"}\n{"text": "c", "platform": 3}\n'
    _, results = read_all(data, SourceSettings(platform="signal"))
    platforms = [m.platform for m in results if isinstance(m, Message)]
    assert platforms == ["signal", "mastodon", "signal"]
    assert isinstance(results[2], Message) and results[2].extra == {"fields": {"platform": 3}}


def test_bom_and_big_integer_ids() -> None:
    data = b'\xef\xbb\xbf{"text": "first", "id": 808080808080808080}\n'
    _, results = read_all(data)
    (message,) = results
    assert isinstance(message, Message)
    assert message.platform_id == "808080808080808080"


def test_overlong_line_is_cut_and_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 32)
    data = b'{"text": "ok"}\n{"text": "' + b"x" * 100 + b'"}\n{"text": "after"}\n'
    records, results = read_all(data)
    assert [r.locator for r in records] == ["line 1", "line 2", "line 3"]
    assert isinstance(results[1], str) and "longer than 32 bytes" in results[1]
    assert [m.text for m in results if isinstance(m, Message)] == ["ok", "after"]


def test_sniff() -> None:
    assert (
        GenericJsonlSource.sniff(b'\n{"text": "hello", "id": 1}\n{"text": "x"}\n', "a.jsonl") == 15
    )
    assert GenericJsonlSource.sniff(b'{"id": 1}\n', "a.jsonl") == 0
    assert GenericJsonlSource.sniff(b'[{"text": "hello"}]\n', "a.json") == 0
    assert GenericJsonlSource.sniff(b"text,id\nhello,1\n", "a.csv") == 0
    assert GenericJsonlSource.sniff(b"", "a.jsonl") == 0
    huge = b'{"text": "' + b"y" * (1 << 16)
    assert GenericJsonlSource.sniff(huge[: 1 << 16], "a.jsonl") == 10


def test_unknown_time_zone_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="time zone"):
        GenericJsonlSource(SourceSettings(timezone="Mars/Olympus_Mons"))


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2016-12-13T10:22:00.250Z", "2016-12-13T10:22:00.250000Z"),
        ("1481624520.5", "2016-12-13T10:22:00.500000Z"),
        ("1481624520000", "2016-12-13T10:22:00Z"),
        ("Tue, 13 Dec 2016 10:22:00 GMT", "2016-12-13T10:22:00Z"),
        ("", None),
        ("13/12/2016", None),
        ("9999-12-31T23:59:59-05:00", None),
        ("0161-12-13T00:22:00Z", None),
    ],
)
def test_parse_time_text(written: str, expected: str | None) -> None:
    assert parse_time_text(written) == expected
