"""WhatsApp "Export chat" files: the Android and iOS text layouts, bare or inside the `.zip`.

A record is one message: its header line and any continuation lines, as exact bytes. The
date order (day or month first) is decided from the first few hundred headers before the
first record is yielded, so `parse` reads every header the same way.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, tzinfo
from pathlib import PurePath
from typing import IO, BinaryIO, ClassVar, cast
from zoneinfo import ZoneInfo

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import JsonObject, Message, Notice, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.whatsapp_lines import (
    DATE_ORDERS,
    HEADERS,
    Body,
    DateOrder,
    Layout,
    date_parts,
    decide_date_order,
    local_time,
    match_header,
    read_body,
)
from sitroom.timeutil import to_rfc3339

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20
# Smaller reads from a zip member, so that damage late in it costs only what follows it.
_MEMBER_CHUNK = 1 << 16
_BOM = b"\xef\xbb\xbf"
_ZIP_MAGIC = b"PK\x03\x04"
_SPOOL_IN_MEMORY = 32 << 20
# The date order is decided from this many headers (or bytes) before anything is yielded.
_LOOKAHEAD_HEADERS = 500
_LOOKAHEAD_BYTES = 8 << 20
# Lines that can start a header: ASCII digits, "[", or a non-ASCII byte (marks, other digits).
_HEADER_FIRST_BYTES = frozenset(b"0123456789[") | frozenset(range(0x80, 0x100))
_CHAT_FILE = re.compile(
    r"^(?:WhatsApp Chat (?:with|mit|-) |Chat de WhatsApp con |Discussion WhatsApp avec "
    r"|Conversa do WhatsApp com |Chat WhatsApp con |محادثة واتساب مع )(?P<name>.+?)(?: \(\d+\))?$"
)
_ZIP_CHAT_MEMBER = re.compile(rb"_chat\.txt|WhatsApp[^\x00/]{0,200}\.txt")
_Date = tuple[int, int, int]


class WhatsAppExportSource:
    """Reads a WhatsApp chat export (`.txt` or `.zip`) one message per record."""

    name: ClassVar[str] = "whatsapp"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = "whatsapp"

    def __init__(self, settings: SourceSettings) -> None:
        self.settings = settings
        self._zone_error: str | None = None
        self._zone: tzinfo = UTC
        try:
            self._zone = _zone(settings.timezone)
        except SourceError as exc:
            self._zone_error = str(exc)
        self._layout: Layout | None = None
        self._order: DateOrder = "dmy"
        self._chat_name: str | None = None
        self._members: dict[str, int] = {}

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """High for text whose first lines are WhatsApp headers, or a zip holding a chat."""
        named = "whatsapp" in filename.casefold() or filename == "_chat.txt"
        if head.startswith(_ZIP_MAGIC):
            if _ZIP_CHAT_MEMBER.search(head):
                return 90
            return 85 if named and filename.casefold().endswith(".zip") else 0
        lines = head.decode("utf-8", "replace").split("\n")[:60]
        layout: Layout | None = None
        headers = 0
        for line in lines:
            found = match_header(line.rstrip("\r"), layout)
            if found is not None:
                layout = found[0]
                headers += 1
        if headers == 0:
            return 0
        score = 85 if headers >= 2 else 55
        return score + 5 if named else score

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """Yield one record per message (header plus continuation lines), in file order."""
        if self._zone_error:
            raise SourceError(self._zone_error)
        if self.settings.date_order not in (None, *DATE_ORDERS):
            raise SourceError(
                f"date order {self.settings.date_order!r}: use one of {', '.join(DATE_ORDERS)}"
            )
        self._chat_name = _chat_name(name)
        head = stream.read(len(_ZIP_MAGIC))
        if head != _ZIP_MAGIC:
            yield from self._cut(_chunks(stream, head, name))
            return
        with ExitStack() as stack:
            archive = _open_zip(_seekable(stream, head, stack), name)
            stack.enter_context(archive)
            member = _chat_member(archive, name)
            self._members = _media_members(archive, member)
            self._chat_name = _chat_name(member.filename) or self._chat_name
            try:
                text = stack.enter_context(archive.open(member))
            except Exception as exc:  # zipfile raises many types; all mean "unreadable"
                raise SourceError(f"{name}: cannot read {member.filename}: {exc}") from exc
            yield from self._cut(_chunks(cast(BinaryIO, text), b"", name, _MEMBER_CHUNK))

    def parse(self, record: Record) -> list[Parsed]:
        """Parse one message; system lines become notices."""
        try:
            text = record.raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordRejected(f"invalid UTF-8 at byte {exc.start}") from exc
        first, _, tail = text.replace("\r\n", "\n").partition("\n")
        found = HEADERS[self._layout].match(first) if self._layout else None
        if found is None:
            raise RecordRejected("not a WhatsApp message line")
        try:
            moment = local_time(found, self._order).replace(tzinfo=self._zone)
            created_at = to_rfc3339(moment)
        except (ValueError, OverflowError) as exc:
            stamp = first[: found.start("rest")].strip()
            raise RecordRejected(f"impossible date or time {stamp!r}: {exc}") from exc
        more = tail.split("\n") if tail else []
        while more and not more[-1].strip():
            more.pop()
        body = read_body(found["rest"], more, self._layout or "android", self._members)
        return [self._build(body, created_at)]

    def _build(self, body: Body, created_at: str) -> Parsed:
        extra: JsonObject = {"time_zone_assumed": self.settings.timezone}
        if self._chat_name:
            extra["chat"] = {"name": self._chat_name}
        if body.system:
            if body.author:
                extra["author"] = body.author
            return Notice(
                platform=self.platform,
                kind="system",
                detail=body.text,
                created_at=created_at,
                extra=extra,
            )
        if body.media:
            extra["media"] = list(body.media)
        if body.edited:
            extra["edited"] = True
        if body.coordinates:
            extra["coordinates"] = list(body.coordinates)
        return Message(
            platform=self.platform,
            platform_id=None,
            text=body.text,
            created_at=created_at,
            author=body.author,
            extra=extra,
        )

    def _cut(self, chunks: Iterator[bytes]) -> Iterator[Record]:
        """Hold records back until the date order is known, then stream the rest."""
        forced = self.settings.date_order
        if forced in DATE_ORDERS:
            self._order = forced
            yield from (record for record, _ in self._blocks(chunks))
            return
        held: list[Record] = []
        dates: list[_Date] = []
        size = 0
        blocks = self._blocks(chunks)
        failure: SourceError | None = None
        try:
            for record, date in blocks:
                held.append(record)
                size += len(record.raw)
                if date is not None:
                    dates.append(date)
                if len(dates) >= _LOOKAHEAD_HEADERS or size >= _LOOKAHEAD_BYTES:
                    break
        except SourceError as exc:  # a damaged zip member: keep what was read before it
            failure = exc
        self._order = decide_date_order(dates)
        logger.debug("WhatsApp date order %s from %d headers", self._order, len(dates))
        yield from held
        held.clear()
        if failure is not None:
            raise failure
        yield from (record for record, _ in blocks)

    def _blocks(self, chunks: Iterator[bytes]) -> Iterator[tuple[Record, _Date | None]]:
        """Group lines into messages; lines before the first header stand alone."""
        lines: list[bytes] = []
        start = 0
        date: _Date | None = None
        for number, line in enumerate(_lines(chunks), start=1):
            found = self._header(line)
            if found is not None:
                if lines:
                    yield _record(lines, start), date
                lines, start, date = [line], number, found
            elif lines:
                lines.append(line)
            elif line.strip():
                yield _record([line], number), None
        if lines:
            yield _record(lines, start), date

    def _header(self, line: bytes) -> _Date | None:
        """The date of a header line (learning the layout from the first one), else None."""
        if not line or line[0] not in _HEADER_FIRST_BYTES:
            return None
        found = match_header(line.decode("utf-8", "replace").rstrip("\r"), self._layout)
        if found is None:
            return None
        self._layout = found[0]
        return date_parts(found[1])


def _record(lines: list[bytes], number: int) -> Record:
    raw = b"\n".join(lines)
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    return Record(raw=raw, locator=f"line {number}")


def _lines(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Split a byte stream on LF; a line keeps its CR; a UTF-8 BOM at the start is dropped."""
    partial: list[bytes] = []
    first = True
    for chunk in chunks:
        if first:
            chunk = chunk.removeprefix(_BOM)
            first = False
        pieces = chunk.split(b"\n")
        if len(pieces) == 1:
            partial.append(chunk)
            continue
        partial.append(pieces[0])
        yield b"".join(partial)
        yield from pieces[1:-1]
        partial = [pieces[-1]] if pieces[-1] else []
    if partial:
        yield b"".join(partial)


def _chunks(stream: BinaryIO, head: bytes, name: str, size: int = _CHUNK) -> Iterator[bytes]:
    """The stream's bytes in chunks, starting with what was already read."""
    buffered = head
    while len(buffered) < len(_BOM):
        more = _read(stream, len(_BOM), name)
        if not more:
            break
        buffered += more
    if buffered:
        yield buffered
    while chunk := _read(stream, size, name):
        yield chunk


def _read(stream: BinaryIO | IO[bytes], size: int, name: str) -> bytes:
    try:
        return stream.read(size)
    except Exception as exc:  # a corrupt zip member fails while it is read (CRC, zlib, EOF)
        raise SourceError(f"{name}: the export cannot be read to its end: {exc}") from exc


def _seekable(stream: BinaryIO, head: bytes, stack: ExitStack) -> IO[bytes]:
    """The stream rewound to its start, or a spooled copy when it cannot seek (stdin)."""
    try:
        can_seek = stream.seekable()
    except Exception:  # a stream without seekable() cannot seek
        can_seek = False
    if can_seek:
        stream.seek(stream.tell() - len(head))
        return stream
    spool = stack.enter_context(
        tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115
    )
    spool.write(head)
    shutil.copyfileobj(stream, spool, _CHUNK)
    spool.seek(0)
    return cast(IO[bytes], spool)


def _open_zip(seekable: IO[bytes], name: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(seekable)
    except Exception as exc:  # BadZipFile, OSError, EOFError, ValueError...: all "corrupt"
        raise SourceError(f"{name}: not a readable zip file ({exc})") from exc


def _chat_member(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo:
    """The chat text inside an export zip: `_chat.txt`, `WhatsApp Chat with X.txt`, or the txt."""
    texts = [i for i in archive.infolist() if i.filename.casefold().endswith(".txt")]
    for info in texts:
        if PurePath(info.filename).name == "_chat.txt":
            return info
    for info in texts:
        if "whatsapp" in info.filename.casefold() or _chat_name(info.filename):
            return info
    if len(texts) == 1:
        return texts[0]
    raise SourceError(f"{name}: the zip holds no WhatsApp chat text (_chat.txt)")


def _media_members(archive: zipfile.ZipFile, chat: zipfile.ZipInfo) -> dict[str, int]:
    return {
        PurePath(info.filename).name: info.file_size
        for info in archive.infolist()
        if not info.is_dir() and info.filename != chat.filename
    }


def _chat_name(path: str) -> str | None:
    """The chat's name from an export's file name ("WhatsApp Chat with Aleppo Relief.txt")."""
    stem = PurePath(path).name
    for suffix in (".zip", ".txt"):
        if stem.casefold().endswith(suffix):
            stem = stem[: -len(suffix)]
    found = _CHAT_FILE.match(stem)
    return found["name"].strip() if found else None


def _zone(name: str) -> tzinfo:
    if name.upper() in ("UTC", "Z", ""):
        return UTC
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError) as exc:
        raise SourceError(
            f"unknown time zone {name!r} (use an IANA name such as Asia/Damascus)"
        ) from exc
