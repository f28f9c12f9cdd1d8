"""WhatsApp chat exports: Android and iOS layouts, clocks, date orders, media, zips, bad input."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, cast

import pytest

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Message, Notice, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.whatsapp import WhatsAppExportSource

ANDROID = "WhatsApp Chat with Aleppo Relief.txt"
LRM = "\u200e"


class NoWholeReads(io.BytesIO):
    """A stream that fails when asked for everything at once (the adapter must stream)."""

    def read(self, size: int | None = -1) -> bytes:
        assert size is not None and size >= 0, "read the whole input at once"
        return super().read(size)


def cut(
    data: bytes, name: str = "chat.txt", **options: str
) -> tuple[WhatsAppExportSource, list[Record]]:
    """Cut records; text must stream, while zipfile may read a zip's directory whole."""
    source = WhatsAppExportSource(SourceSettings(**cast(dict[str, Any], options)))
    stream = io.BytesIO(data) if data.startswith(b"PK") else NoWholeReads(data)
    return source, list(source.records(stream, name))


def read_all(
    data: bytes, name: str = "chat.txt", **options: str
) -> tuple[list[Parsed], list[tuple[str, str]]]:
    """Every parsed item and every reject (locator, reason); parsing after all records are cut."""
    source, records = cut(data, name, **options)
    parsed: list[Parsed] = []
    rejects: list[tuple[str, str]] = []
    for record in records:
        try:
            parsed.extend(source.parse(record))
        except RecordRejected as exc:
            rejects.append((record.locator, str(exc)))
    return parsed, rejects


def media_of(item: Parsed) -> list[dict[str, Any]]:
    return cast(list[dict[str, Any]], item.extra.get("media", [{}]))


def messages(parsed: list[Parsed]) -> list[Message]:
    return [item for item in parsed if isinstance(item, Message)]


def notices(parsed: list[Parsed]) -> list[Notice]:
    return [item for item in parsed if isinstance(item, Notice)]


@pytest.fixture
def folder(fixtures: Path) -> Path:
    return fixtures / "whatsapp"


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [ANDROID, "android_24h_dayfirst_ar.txt", "_chat.txt", "ios_12h.txt", "month_first.txt"],
)
def test_sniff_recognises_every_layout(folder: Path, name: str) -> None:
    assert WhatsAppExportSource.sniff((folder / name).read_bytes(), name) >= 85


def test_sniff_looks_past_junk_lines(folder: Path) -> None:
    data = (folder / "junk_and_invalid.txt").read_bytes()
    assert WhatsAppExportSource.sniff(data, "export.txt") >= 85


@pytest.mark.parametrize(
    "head",
    [
        b'{"name": "X", "type": "public_channel", "id": 1, "messages": []}',
        b"id,created_at,text\n1,2016-12-13,hello\n",
        b'{"id": 1, "text": "hello"}\n',
        b"Just some notes\nabout 12 things\n",
    ],
)
def test_sniff_ignores_other_formats(head: bytes) -> None:
    assert WhatsAppExportSource.sniff(head, "input.txt") == 0


# --- Android ---------------------------------------------------------------------------------


def test_android_12_hour_export(folder: Path) -> None:
    parsed, rejects = read_all((folder / ANDROID).read_bytes(), ANDROID)
    assert rejects == []
    said = messages(parsed)
    first = said[0]
    assert first.platform == "whatsapp" and first.platform_id is None
    assert first.author == "Sarah"
    assert first.text == "Evacuation buses reported at Ramouseh roundabout 🚌 can anyone confirm?"
    assert first.created_at == "2016-12-13T22:01:00Z"
    assert first.extra["chat"] == {"name": "Aleppo Relief"}
    assert first.extra["time_zone_assumed"] == "UTC"
    assert said[-1].created_at == "2016-12-14T00:01:00Z"  # 12:01 AM is just after midnight
    assert said[-1].text == "Midnight. Still hearing shelling near Sukkari 💔"


def test_multi_line_message_keeps_its_lines_and_bytes(folder: Path) -> None:
    data = (folder / ANDROID).read_bytes()
    source, records = cut(data, ANDROID)
    record = next(r for r in records if b"Not yet." in r.raw)
    assert record.locator == "line 5"
    assert data.index(record.raw) == data.index(b"12/13/16, 10:03")
    assert record.raw.endswith(b"- people sheltering in basements")
    [item] = source.parse(record)
    assert isinstance(item, Message)
    assert item.text == (
        "Not yet. Latest from contacts inside:\n- no water since Sunday\n"
        "- two clinics still open\n\n- people sheltering in basements"
    )


def test_records_rebuild_the_file_exactly(folder: Path) -> None:
    data = (folder / ANDROID).read_bytes()
    _, records = cut(data, ANDROID)
    assert b"\n".join(r.raw for r in records) + b"\n" == data
    assert [r.locator for r in records][:4] == ["line 1", "line 2", "line 3", "line 4"]


def test_system_lines_become_notices(folder: Path) -> None:
    parsed = read_all((folder / ANDROID).read_bytes(), ANDROID)[0]
    details = [n.detail for n in notices(parsed)]
    assert details == [
        "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
        "WhatsApp, can read or listen to them. Tap to learn more.",
        'Sarah created group "Aleppo Relief: East"',  # a colon inside, still no author
        "Sarah added James",
        "This message was deleted",
        "James left",
    ]
    assert all(n.kind == "system" and n.platform == "whatsapp" for n in notices(parsed))
    deleted = notices(parsed)[3]
    assert deleted.extra["author"] == "James"
    assert deleted.created_at == "2016-12-13T22:07:00Z"


@pytest.mark.parametrize(
    ("line", "detail", "author"),
    [
        ("Sarah: You deleted this message", "You deleted this message", "Sarah"),
        ("Sarah changed this group's icon", "Sarah changed this group's icon", None),
        ('Sarah changed the subject from "A" to "B: C"', None, None),
        ("James joined using this group's invite link", None, None),
    ],
)
def test_android_system_line_forms(line: str, detail: str | None, author: str | None) -> None:
    [item] = read_all(f"13/12/2016, 22:22 - {line}\n".encode())[0]
    assert isinstance(item, Notice) and item.kind == "system"
    assert item.detail == (detail or line)
    assert item.extra.get("author") == author


def test_media_omitted_attached_edited_and_long(folder: Path) -> None:
    said = messages(read_all((folder / ANDROID).read_bytes(), ANDROID)[0])
    attached = next(m for m in said if "media" in m.extra and m.author == "James")
    assert attached.extra["media"] == [
        {"type": "image", "file": "IMG-20161213-WA0001.jpg", "included": False}
    ]
    assert attached.text == "Photo from Bustan al-Qasr this evening"
    omitted = next(m for m in said if m.extra.get("media") == [{"type": "omitted"}])
    assert omitted.text == "" and omitted.author == "Sarah"
    edited = next(m for m in said if m.extra.get("edited"))
    assert edited.text == "Ceasefire reportedly starts at midnight"
    long = max(said, key=lambda m: len(m.text))
    assert len(long.text) > 3000 and long.text.endswith("please share with any convoy organisers.")


def test_android_24_hour_day_first_arabic(folder: Path) -> None:
    data = (folder / "android_24h_dayfirst_ar.txt").read_bytes()
    parsed, rejects = read_all(data, "android_24h_dayfirst_ar.txt", timezone="Asia/Damascus")
    assert rejects == []
    said = messages(parsed)
    assert said[0].text == "نحن محاصرون في حي الفردوس"
    assert said[0].author == "Abu Omar"
    assert said[0].created_at == "2016-12-13T19:10:00Z"  # 21:10 in Damascus, UTC+2 that winter
    assert said[0].extra["time_zone_assumed"] == "Asia/Damascus"
    assert "chat" not in said[0].extra  # the file name does not say
    assert said[1].text.splitlines() == [
        "القصف مستمر منذ الصباح، لا يوجد ماء ولا كهرباء",
        "نحتاج إلى ممرات آمنة لإخراج الجرحى",
    ]
    assert "١٢ جريحاً" in said[3].text
    located = said[-1]
    assert located.extra["coordinates"] == [37.1650085449219, 36.1992416381836]
    assert notices(parsed)[1].detail == 'Abu Omar created group "الفردوس - طوارئ"'
    assert said[4].created_at == "2016-12-14T04:02:00Z"


def test_dotted_dates_and_crlf(folder: Path) -> None:
    data = (folder / "dotted_de.txt").read_bytes()
    source, records = cut(data)
    assert all(not r.raw.endswith(b"\r") for r in records)
    parsed = [item for r in records for item in source.parse(r)]
    assert [m.created_at for m in messages(parsed)] == [
        "2016-12-13T22:22:00Z",
        "2016-12-13T22:25:00Z",
        "2016-12-14T08:01:00Z",
    ]
    assert messages(parsed)[0].text == "Haben wir Neuigkeiten aus Ost-Aleppo?"


def test_crlf_inside_a_message_is_kept_in_raw_not_in_text() -> None:
    data = b"13/12/2016, 22:22 - Sarah: line one\r\nline two\r\n13/12/2016, 22:23 - James: ok\r\n"
    source, records = cut(data)
    assert [r.raw for r in records] == [
        b"13/12/2016, 22:22 - Sarah: line one\r\nline two",
        b"13/12/2016, 22:23 - James: ok",
    ]
    [item] = source.parse(records[0])
    assert isinstance(item, Message) and item.text == "line one\nline two"


def test_byte_order_mark_is_not_part_of_the_first_message() -> None:
    data = "\ufeff13/12/2016, 22:22 - Sarah: مرحبا\n".encode()
    source, [record] = cut(data)
    assert record.raw == "13/12/2016, 22:22 - Sarah: مرحبا".encode()
    [item] = source.parse(record)
    assert isinstance(item, Message) and item.author == "Sarah"


# --- iOS -------------------------------------------------------------------------------------


def test_ios_export_with_marks_brackets_and_seconds(folder: Path) -> None:
    parsed, rejects = read_all((folder / "_chat.txt").read_bytes(), "_chat.txt")
    assert rejects == []
    said = messages(parsed)
    assert [(m.author, m.created_at) for m in said][:2] == [
        ("James", "2016-12-13T22:23:10Z"),
        ("Sarah", "2016-12-13T22:24:41Z"),
    ]
    assert said[0].text == "Are the buses moving?"
    assert said[1].extra["media"] == [{"type": "omitted", "label": "image"}]
    assert said[2].extra["media"] == [
        {"type": "image", "file": "00000007-PHOTO-2016-12-13-22-25-02.jpg", "included": False}
    ]
    assert said[2].text == ""
    assert said[3].text == "نحن محاصرون في حي الفردوس\nالرجاء إرسال المساعدة"
    assert said[4].extra["coordinates"] == [37.163, 36.199]
    assert said[-1].created_at == "2016-12-14T00:05:12Z"
    assert all(LRM not in (m.author or "") for m in said)


def test_ios_system_messages(folder: Path) -> None:
    found = notices(read_all((folder / "_chat.txt").read_bytes(), "_chat.txt")[0])
    assert [(n.detail, n.extra.get("author")) for n in found] == [
        (
            "Messages and calls are end-to-end encrypted. No one outside of this chat, "
            "not even WhatsApp, can read or listen to them.",
            "Aleppo Relief",  # iOS puts the group's name where the author goes
        ),
        ("Sarah created group “Aleppo Relief”", "Sarah"),
        ("Sarah added James", None),
        ("This message was deleted.", "James"),
    ]


def test_ios_12_hour_clock(folder: Path) -> None:
    said = messages(read_all((folder / "ios_12h.txt").read_bytes())[0])
    assert [m.created_at for m in said] == [
        "2016-12-13T22:23:10Z",
        "2016-12-13T23:59:59Z",
        "2016-12-14T00:00:01Z",
        "2016-12-14T12:30:00Z",
    ]


# --- date orders and time zones --------------------------------------------------------------


def test_month_first_is_decided_by_a_later_header(folder: Path) -> None:
    said = messages(read_all((folder / "month_first.txt").read_bytes())[0])
    assert [m.created_at[:10] for m in said if m.created_at] == [
        "2017-01-02",
        "2017-01-02",
        "2017-01-05",
        "2017-01-09",
        "2017-01-13",
    ]


def test_date_order_setting_overrides_detection(folder: Path) -> None:
    parsed, rejects = read_all((folder / "month_first.txt").read_bytes(), date_order="dmy")
    assert [m.created_at[:10] for m in messages(parsed) if m.created_at] == [
        "2017-02-01",
        "2017-02-01",
        "2017-05-01",
        "2017-09-01",
    ]
    [(locator, reason)] = rejects
    assert locator == "line 5" and reason.startswith("impossible date or time")


def test_unknown_date_order_setting_is_refused() -> None:
    with pytest.raises(SourceError, match="date order"):
        cut(b"13/12/2016, 22:22 - Sarah: hi\n", date_order="dym")


@pytest.mark.parametrize(
    ("dates", "first_day"),
    [
        # Neither part ever passes 12: the reading that keeps the chat in time order wins.
        (["11/1/17", "12/1/17", "2/2/17"], "2017-01-11"),
        (["1/11/17", "1/12/17", "2/2/17"], "2017-01-11"),
        (["2017-01-11", "2017-01-12"], "2017-01-11"),
    ],
)
def test_ambiguous_dates_follow_time_order(dates: list[str], first_day: str) -> None:
    data = "".join(f"{d}, 10:00 - Ana: update {i}\n" for i, d in enumerate(dates)).encode()
    said = messages(read_all(data)[0])
    assert said[0].created_at is not None and said[0].created_at[:10] == first_day


def test_time_zone_conversion_across_daylight_saving() -> None:
    data = b"7/4/16, 9:00 PM - Ana: summer\n1/4/17, 9:00 PM - Ana: winter\n"
    said = messages(read_all(data, timezone="America/New_York", date_order="mdy")[0])
    assert [m.created_at for m in said] == ["2016-07-05T01:00:00Z", "2017-01-05T02:00:00Z"]


def test_unknown_time_zone_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="time zone"):
        cut(b"13/12/2016, 22:22 - Sarah: hi\n", timezone="Mars/Olympus_Mons")


def test_arabic_indic_digits_and_arabic_pm_marker() -> None:
    data = "\u200f١٣\u200f/١٢\u200f/٢٠١٦ ٩:١٠ م - أبو عمر: نحن محاصرون\n".encode()
    [item] = read_all(data, timezone="Asia/Damascus")[0]
    assert isinstance(item, Message)
    assert item.created_at == "2016-12-13T19:10:00Z"
    assert item.author == "أبو عمر" and item.text == "نحن محاصرون"


# --- bad input -------------------------------------------------------------------------------


def test_junk_lines_and_invalid_utf8_are_rejected_alone(folder: Path) -> None:
    parsed, rejects = read_all((folder / "junk_and_invalid.txt").read_bytes())
    assert [m.text for m in messages(parsed)] == ["first good message", "last good message"]
    assert rejects == [
        ("line 1", "not a WhatsApp message line"),
        ("line 2", "not a WhatsApp message line"),
        ("line 5", "invalid UTF-8 at byte 42"),
    ]


def test_impossible_dates_are_rejected() -> None:
    data = b"31/02/2016, 22:22 - Sarah: no such day\n13/12/2016, 22:22 - Sarah: fine\n"
    parsed, [(locator, reason)] = read_all(data)
    assert locator == "line 1" and "impossible date" in reason
    assert [m.text for m in messages(parsed)] == ["fine"]


def test_input_without_any_header_rejects_each_line() -> None:
    parsed, rejects = read_all(b"hello\n\nworld\n")
    assert parsed == []
    assert [locator for locator, _ in rejects] == ["line 1", "line 3"]
