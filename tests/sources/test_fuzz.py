"""Every adapter against arbitrary and nearly valid bytes: only our errors may escape.

For any input an adapter may reject records (`RecordRejected`) or refuse the whole input
(`SourceError`), nothing else; every record it cuts must be bytes of the input itself (or of a
zip member inside it), parsing the same record twice gives the same result, and what it
parses follows the model's conventions. `sniff` never raises.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import Message, Notice, Record
from sitroom.sources.base import Source, SourceSettings
from sitroom.sources.registry import BUILTIN_SOURCES, SNIFF_BYTES

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RFC3339_UTC = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z")
FILENAMES = ("input", "x.csv", "x.tsv", "x.jsonl", "result.json", "_chat.txt", "chat.zip")
JUNK = (b"{", b"}", b"[", b"]", b'"', b",", b";", b"\\", b"\r", b"\x00", b"\xff\xfe", b"\xc3")

FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _whatsapp_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", SEEDS_TEXT["whatsapp"])
        archive.writestr("00000012-PHOTO-2016-12-13-10-22-00.jpg", b"\xff\xd8\xff\xe0 jpeg")
    return buffer.getvalue()


SEEDS_TEXT: dict[str, bytes] = {
    "csv": (
        b"Tweet ID, Tweet Text, Information Source, Information Type, Informativeness\n"
        b'"1","Flood, north\nbridge &amp; road",Media,Caution and advice,Related and informative\n'
        b'"\'2","\xd8\xb3\xd9\x8a\xd9\x84",Not labeled,Not labeled,Not related\n'
    ),
    "csv_semicolon": b'\xef\xbb\xbfid;text;date\r\n1;"a;b";2016-12-13 10:22\r\n2;c;1481624520\r\n',
    "jsonl": (
        b'{"id": 1, "text": "water \xf0\x9f\x9a\x91", "created_at": 1481624520}\n\n'
        b'{"text": "b", "platform": "x", "tags": [1, {"a": null}]}\n'
    ),
    "twitter_v1": (
        b'[{"created_at": "Wed Dec 09 19:40:11 +0000 2015", "id": 674, "id_str": "674", '
        b'"text": "RT @a: hi #flood", "user": {"id": 2, "id_str": "2", "screen_name": "a", '
        b'"name": "A"}, "entities": {"hashtags": [{"text": "flood"}], "urls": [], '
        b'"user_mentions": [{"screen_name": "a", "id_str": "2"}]}, "retweeted_status": '
        b'{"created_at": "Wed Dec 09 19:40:00 +0000 2015", "id_str": "673", "text": "hi", '
        b'"user": {"id_str": "2", "screen_name": "a"}}}]'
    ),
    "twitter_v1_lines": (
        b'{"created_at": "Wed Dec 09 19:40:11 +0000 2015", "id_str": "674", "text": "a", '
        b'"user": {"id_str": "2", "screen_name": "a"}}\n'
        b'{"delete": {"status": {"id_str": "674", "user_id_str": "2"}}}\n'
    ),
    "twitter_v2": (
        b'{"data": [{"id": "1", "text": "hi", "author_id": "2", "created_at": '
        b'"2022-01-01T00:00:00.000Z", "edit_history_tweet_ids": ["1"], "referenced_tweets": '
        b'[{"type": "quoted", "id": "3"}]}], "includes": {"users": [{"id": "2", "username": '
        b'"a", "name": "A"}], "tweets": [{"id": "3", "text": "q", "author_id": "2"}]}, '
        b'"errors": [{"resource_id": "4", "title": "Not Found Error", "detail": "gone", '
        b'"resource_type": "tweet"}], "meta": {"result_count": 1}}\n'
    ),
    "telegram": (
        b'{"name": "Chan", "type": "public_channel", "id": 123, "messages": [{"id": 1, '
        b'"type": "message", "date": "2022-02-24T05:00:00", "date_unixtime": "1645671600", '
        b'"from": "Chan", "from_id": "channel123", "text": "hello"}, {"id": 2, "type": '
        b'"service", "date": "2022-02-24T05:01:00", "actor": "Chan", "action": "pin_message", '
        b'"text": ""}, {"id": 3, "type": "message", "date": "2022-02-24T05:02:00", "text": '
        b'["plain ", {"type": "bold", "text": "\xd8\xad\xd9\x84\xd8\xa8"}]}]}'
    ),
    "whatsapp": (
        b"12/13/16, 10:22 - Messages and calls are end-to-end encrypted.\n"
        b"12/13/16, 10:22 - Ali: hello\nsecond line\n"
        b"12/13/16, 10:23 - Sara: <Media omitted>\n"
    ),
    "whatsapp_ios": b"[13/12/2016, 10:24:00] Sara: hi\n[13/12/2016, 10:25:00] Ali: \xe2\x80\x8e\n",
}


def _fixture_seeds() -> list[bytes]:
    """The heads of the project's own fixtures, whatever formats they hold."""
    if not FIXTURES.is_dir():
        return []
    files = sorted(path for path in FIXTURES.rglob("*") if path.is_file())
    return [path.read_bytes()[:4096] for path in files]


SEEDS = [*SEEDS_TEXT.values(), _whatsapp_zip(), *_fixture_seeds()]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid sample, then 1-3 truncations, byte flips, junk lines, cuts or repeats."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(data)))
        kind = draw(st.sampled_from(("truncate", "flip", "junk", "cut", "repeat")))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and at < len(data):
            data[at] ^= draw(st.integers(1, 255))
        elif kind == "junk":
            line_start = data.rfind(b"\n", 0, at) + 1
            junk = draw(st.sampled_from(JUNK) | st.binary(max_size=24))
            data[line_start:line_start] = junk + draw(st.sampled_from((b"\n", b"\r\n", b"")))
        elif kind == "cut":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "repeat":
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


class OneWayStream(io.BytesIO):
    """A stream that cannot seek, like stdin."""

    def seekable(self) -> bool:
        return False

    def seek(self, offset: int, whence: int = 0) -> int:
        raise io.UnsupportedOperation("seek")

    def tell(self) -> int:
        raise io.UnsupportedOperation("tell")


def _haystacks(data: bytes) -> list[bytes]:
    """The input, and what can be read of each zip member in it (records may come from those)."""
    found = [data]
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except Exception:
        return found
    for info in infos:
        content = bytearray()
        try:
            with archive.open(info) as member:
                while chunk := member.read(1 << 16):
                    content += chunk
        except Exception:
            pass
        found.append(bytes(content))
    return found


def _check_parsed(item: object) -> None:
    assert isinstance(item, Message | Notice)
    assert isinstance(item.platform, str) and item.platform
    assert item.platform_id is None or (isinstance(item.platform_id, str) and item.platform_id)
    assert item.created_at is None or RFC3339_UTC.fullmatch(item.created_at), item.created_at
    assert item.locator is None or isinstance(item.locator, str)
    json.dumps(item.extra, allow_nan=False)
    if isinstance(item, Message):
        assert isinstance(item.text, str)


def _check_record(record: object, haystacks: list[bytes]) -> None:
    assert isinstance(record, Record)
    assert isinstance(record.raw, bytes) and record.raw, "empty record"
    assert isinstance(record.locator, str) and record.locator
    assert any(record.raw in hay for hay in haystacks), "raw bytes are not a slice of the input"


def exercise(source_cls: type[Source], data: bytes, seekable: bool) -> None:
    """Read `data` with a fresh adapter; fail on anything but our own errors."""
    score = source_cls.sniff(data[:SNIFF_BYTES], "input")
    assert isinstance(score, int) and 0 <= score <= 100
    source = source_cls(SourceSettings())
    stream = io.BytesIO(data) if seekable else OneWayStream(data)
    haystacks = _haystacks(data)
    try:
        for record in source.records(stream, "fuzz-input"):
            _check_record(record, haystacks)
            try:
                parsed = source.parse(record)
            except RecordRejected:
                continue
            assert source.parse(record) == parsed, "parsing is not deterministic"
            for item in parsed:
                _check_parsed(item)
    except SourceError:
        pass


def _name(source_cls: type[Source]) -> str:
    return source_cls.name


def test_every_seed_is_read_by_some_adapter() -> None:
    """The seeds are valid samples, so the fuzzing starts near real inputs."""
    for key, seed in SEEDS_TEXT.items():
        scores = [source.sniff(seed, "input") for source in BUILTIN_SOURCES]
        assert max(scores) > 0, key


@pytest.mark.parametrize("source_cls", BUILTIN_SOURCES, ids=_name)
@FUZZ
@given(data=st.binary(max_size=2048), seekable=st.booleans())
def test_arbitrary_bytes(source_cls: type[Source], data: bytes, seekable: bool) -> None:
    exercise(source_cls, data, seekable)


@pytest.mark.parametrize("source_cls", BUILTIN_SOURCES, ids=_name)
@FUZZ
@given(data=mutated(), seekable=st.booleans())
def test_nearly_valid_bytes(source_cls: type[Source], data: bytes, seekable: bool) -> None:
    exercise(source_cls, data, seekable)


@pytest.mark.parametrize("source_cls", BUILTIN_SOURCES, ids=_name)
@FUZZ
@given(data=st.binary(max_size=4096) | mutated(), filename=st.sampled_from(FILENAMES))
def test_sniff_never_raises(source_cls: type[Source], data: bytes, filename: str) -> None:
    score = source_cls.sniff(data, filename)
    assert isinstance(score, int) and 0 <= score <= 100
