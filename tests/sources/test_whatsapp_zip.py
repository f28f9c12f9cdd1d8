"""WhatsApp `.zip` exports and fuzzing: media marked included, spooled stdin, broken zips."""

from __future__ import annotations

import contextlib
import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.whatsapp import WhatsAppExportSource
from tests.sources.test_whatsapp import (
    ANDROID,
    NoWholeReads,
    cut,
    media_of,
    messages,
    read_all,
)


@settings(max_examples=300)
@given(st.binary(max_size=300) | st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail))
def test_random_bytes_only_raise_adapter_errors(data: bytes) -> None:
    source = WhatsAppExportSource(SourceSettings())
    with contextlib.suppress(SourceError):
        for record in source.records(io.BytesIO(data), "chat.txt"):
            with contextlib.suppress(RecordRejected):
                source.parse(record)


LINE = st.sampled_from(
    [
        "13/12/2016, 22:22 - Sarah: hi",
        "12/13/16, 10:22\u202fPM - James: IMG-20161213-WA0001.jpg (file attached)",
        "[13/12/2016, 22:22:05] Sarah: \u200eimage omitted",
        "\u200e[1.1.2019, 12.00.00] \u200eSarah added James",
        "99/99/9999, 99:99 - X: y",
        "continuation ✓",
        "",
        "\udcff",
    ]
)


@settings(max_examples=200)
@given(st.lists(LINE, max_size=12))
def test_mixed_lines_only_raise_adapter_errors(lines: list[str]) -> None:
    data = "\n".join(lines).encode("utf-8", "surrogateescape")
    source = WhatsAppExportSource(SourceSettings())
    for record in source.records(io.BytesIO(data), "chat.txt"):
        with contextlib.suppress(RecordRejected):
            source.parse(record)


# --- zip exports -----------------------------------------------------------------------------


class Unseekable(NoWholeReads):
    """Like stdin: no seeking."""

    def seekable(self) -> bool:
        return False

    def seek(self, *args: object) -> int:
        raise io.UnsupportedOperation("seek")


@pytest.fixture
def folder(fixtures: Path) -> Path:
    return fixtures / "whatsapp"


JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60 + b"\xff\xd9"


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def ios_zip(folder: Path) -> bytes:
    """An iOS "Export chat" zip: `_chat.txt` and the one photo it references."""
    chat = (folder / "_chat.txt").read_bytes()
    return make_zip({"_chat.txt": chat, "00000007-PHOTO-2016-12-13-22-25-02.jpg": JPEG})


def test_sniff_recognises_a_chat_zip(ios_zip: bytes) -> None:
    assert WhatsAppExportSource.sniff(ios_zip[:65536], "export.zip") >= 85
    other = make_zip({"data.csv": b"id,text\n"})
    assert WhatsAppExportSource.sniff(other, "other.zip") == 0


@pytest.mark.parametrize("stream_type", [io.BytesIO, Unseekable])
def test_zip_export_marks_included_media(ios_zip: bytes, stream_type: type[io.BytesIO]) -> None:
    source = WhatsAppExportSource(SourceSettings())
    records = list(source.records(stream_type(ios_zip), "WhatsApp Chat - Aleppo Relief.zip"))
    said = messages([item for r in records for item in source.parse(r)])
    photo = next(m for m in said if media_of(m)[0].get("file"))
    assert photo.extra["media"] == [
        {
            "type": "image",
            "file": "00000007-PHOTO-2016-12-13-22-25-02.jpg",
            "included": True,
            "size": len(JPEG),
        }
    ]
    assert photo.extra["chat"] == {"name": "Aleppo Relief"}
    assert len(said) == 6


def test_android_zip_names_the_chat_from_its_text_member(folder: Path) -> None:
    chat = (folder / ANDROID).read_bytes()
    data = make_zip({ANDROID: chat, "IMG-20161213-WA0001.jpg": JPEG})
    said = messages(read_all(data, "export.zip")[0])
    attached = next(m for m in said if media_of(m)[0].get("type") == "image")
    assert media_of(attached)[0]["included"] is True
    assert attached.extra["chat"] == {"name": "Aleppo Relief"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable zip"),
        (make_zip({"photo.jpg": JPEG, "notes.md": b"x"}), "no WhatsApp chat text"),
    ],
)
def test_broken_zips_are_source_errors(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        cut(data, "WhatsApp Chat with X.zip")


def test_truncated_zip_is_a_source_error(ios_zip: bytes) -> None:
    with pytest.raises(SourceError):
        cut(ios_zip[: len(ios_zip) // 2], "export.zip")


def test_corrupt_member_fails_with_source_error_after_good_records() -> None:
    chat = "".join(
        f"13/12/2016, {i // 60 % 24:02d}:{i % 60:02d} - Sarah: report {i * 7919 % 100003} ok\n"
        for i in range(20000)
    ).encode()
    data = bytearray(make_zip({"_chat.txt": chat}))
    start = len(data) * 3 // 4
    data[start : start + 40] = b"\x00" * 40  # damage the deflated stream itself
    source = WhatsAppExportSource(SourceSettings())
    records: list[Record] = []
    with pytest.raises(SourceError, match="cannot be read to its end"):
        for record in source.records(io.BytesIO(bytes(data)), "export.zip"):
            records.append(record)
    assert len(records) > 100
    assert all(source.parse(r) for r in records[:-1])
