"""CSV and TSV tables of messages, with a header row; CrisisLexT26 files are recognised.

Each record is the exact bytes of one CSV row, which may span several physical lines when a
quoted field holds line breaks. The header, delimiter and column mapping are read once by
`records` and kept on the instance, so `parse` can turn any row into a Message on its own.
"""

from __future__ import annotations

import csv
import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO, ClassVar

from sitroom.errors import RecordRejected, SourceError
from sitroom.models import JsonObject, JsonValue, Message, Parsed, Record
from sitroom.sources.base import SourceSettings
from sitroom.sources.jsonl import parse_time_text, resolve_zone

# A physical line longer than this is handed to the CSV reader in pieces (and rejected).
MAX_LINE_BYTES = 4 << 20
_SAMPLE_BYTES = 16 << 10
_SAMPLE_LINES = 40
_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_DELIMITERS = ",;\t|"

CRISISLEX_T26_HEADER = (
    "tweet id",
    "tweet text",
    "information source",
    "information type",
    "informativeness",
)
CRISISLEX_T26_LABELS = ("Information Source", "Information Type", "Informativeness")

# Column roles: (settings attribute, command-line option, header names guessed in order).
_ROLES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("text_column", "--text-column", ("text", "tweet text", "message", "content", "body", "tweet")),
    ("id_column", "--id-column", ("id", "tweet id", "message id", "tweet_id")),
    ("time_column", "--time-column", ("created_at", "date", "time", "timestamp", "datetime")),
    ("author_column", "--author-column", ("author", "user", "username", "screen_name", "from")),
    ("lang_column", "--lang-column", ("lang", "language")),
    ("url_column", "--url-column", ()),
)
_GUESSED_TEXT = frozenset(_ROLES[0][2])
_NO_LETTER = re.compile(r"[\d\W_]*")


@dataclass(frozen=True, slots=True)
class CsvLayout:
    """What one file's header says: its columns, delimiter and which column plays which role."""

    header: tuple[str, ...]
    delimiter: str
    roles: dict[str, int]
    labels: tuple[int, ...]
    platform: str


class CsvSource:
    """A table of messages with a header row: CSV, `;`-separated or tab-separated."""

    name: ClassVar[str] = "csv"
    version: ClassVar[str] = "1"
    platform: ClassVar[str] = "csv"

    def __init__(self, settings: SourceSettings) -> None:
        """Keep the column mapping; the header itself is read by `records`."""
        self.settings = settings
        self._zone = resolve_zone(settings.timezone)
        self.layout: CsvLayout | None = None

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """40-70 when the first line looks like a header of 2+ fields; 85 for CrisisLexT26."""
        if head.startswith(_UTF16_BOMS) or b"\0" in head:
            return 0
        body = head.removeprefix(_BOM)
        if not body.strip() or body.lstrip()[:1] in (b"{", b"["):
            return 0
        first, _, rest = body.partition(b"\n")
        try:
            lines = [first.decode("utf-8"), *rest.decode("utf-8", "replace").split("\n")]
        except UnicodeDecodeError:
            return 0
        delimiter = _count_delimiter(lines[0])
        header = _split_line(lines[0], delimiter)
        if not _looks_like_header(header):
            return 0
        names = tuple(field.strip().lower() for field in header)
        if names == CRISISLEX_T26_HEADER:
            return 85
        score = 40
        if filename.lower().endswith((".csv", ".tsv", ".tab")):
            score += 10
        if _GUESSED_TEXT.intersection(names):
            score += 10
        if len(lines) > 2 and len(_split_line(lines[1], delimiter)) == len(header):
            score += 10
        return score

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """Read the header, then yield each row's exact bytes, located by its first line."""
        sample = _read_sample(stream)
        if sample and sample[0].startswith(_UTF16_BOMS):
            raise SourceError(f"{name}: this CSV is in UTF-16; save it as UTF-8 and try again")
        delimiter = _sniff_delimiter(sample)
        feed = _LineFeed(stream, sample)
        reader = _reader(feed, delimiter)
        header = self._read_header(feed, reader, name)
        if header is None:
            return
        self.layout = self._resolve(header, delimiter, name)
        while True:
            try:
                row: list[str] | None = next(reader)
            except StopIteration:
                return
            except csv.Error:
                row = None  # cut it anyway: `parse` rejects it with the reason
            raw, first_line = feed.take()
            if row == [] or not raw.strip():
                continue
            yield Record(raw, f"line {first_line}")

    def parse(self, record: Record) -> list[Parsed]:
        """Turn one row into a Message; reject bad UTF-8, broken quoting, wrong width."""
        layout = self.layout
        if layout is None:
            raise SourceError("the CSV header has not been read: call records() first")
        row = _parse_row(record.raw, layout.delimiter)
        if len(row) != len(layout.header):
            raise RecordRejected(
                f"expected {len(layout.header)} fields as in the header, found {len(row)}"
            )
        text = html.unescape(row[layout.roles["text_column"]])  # may be empty: still archived
        values = {role: _cell(row, index) for role, index in layout.roles.items()}
        extra: JsonObject = {}
        created_at = None
        if values.get("time_column"):
            created_at = parse_time_text(values["time_column"] or "", self._zone)
            if created_at is None:
                extra["time_raw"] = values["time_column"]
        platform_id = values.get("id_column")
        if platform_id:
            platform_id = platform_id.strip("'\"` \t") or None
        _add_columns(extra, layout, row)
        return [
            Message(
                platform=layout.platform,
                platform_id=platform_id,
                text=text,
                created_at=created_at,
                author=values.get("author_column"),
                lang=values.get("lang_column"),
                url=values.get("url_column"),
                extra=extra,
            )
        ]

    def _read_header(
        self, feed: _LineFeed, reader: Iterator[list[str]], name: str
    ) -> list[str] | None:
        """The first non-blank row, or None for an empty input."""
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return None
            except csv.Error as err:
                raise SourceError(f"{name}: the CSV header cannot be read: {err}") from err
            feed.take()
            if row and any(field.strip() for field in row):
                return [field.strip() for field in row]

    def _resolve(self, header: list[str], delimiter: str, name: str) -> CsvLayout:
        """Map each role to a column index from the settings, else by guessing."""
        lowered = [field.lower() for field in header]
        roles: dict[str, int] = {}
        for attribute, option, guesses in _ROLES:
            wanted: str | None = getattr(self.settings, attribute)
            if wanted is not None:
                roles[attribute] = _find_column(header, wanted, option, name)
                continue
            for guess in guesses:
                if guess in lowered:
                    roles[attribute] = lowered.index(guess)
                    break
        if "text_column" not in roles:
            raise SourceError(
                f"{name}: no text column found among the header's columns "
                f"{_describe(header)}; name it with --text-column"
            )
        crisislex = tuple(lowered) == CRISISLEX_T26_HEADER
        label_names = (CRISISLEX_T26_LABELS if crisislex else ()) + self.settings.label_columns
        labels = tuple(
            dict.fromkeys(
                _find_column(header, label, "--label-column", name) for label in label_names
            )
        )
        platform = self.settings.platform or ("twitter" if crisislex else self.platform)
        return CsvLayout(tuple(header), delimiter, roles, labels, platform)


class _LineFeed:
    """Hands decoded physical lines to csv.reader and remembers their raw bytes."""

    def __init__(self, stream: BinaryIO, sample: list[bytes]) -> None:
        self._stream = stream
        self._replay = sample
        self._pending: list[bytes] = []
        self._lines_done = 0
        self._first_line = 1
        self._at_start = True

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        chunk = self._replay.pop(0) if self._replay else _read_line(self._stream)
        if not chunk:
            raise StopIteration
        if not self._pending:
            self._first_line = self._lines_done + 1
        self._pending.append(chunk)
        self._lines_done += 1
        text = chunk.decode("utf-8", "replace")
        if self._at_start:
            self._at_start = False
            text = text.removeprefix("\ufeff")
        return text

    def take(self) -> tuple[bytes, int]:
        """The raw bytes handed out since the last call, and the line they started on."""
        raw = b"".join(self._pending)
        self._pending = []
        return raw, self._first_line


def _read_line(stream: BinaryIO) -> bytes:
    """The next physical line; of an over-long one only its head, which `parse` rejects."""
    chunk = stream.readline(MAX_LINE_BYTES)
    if len(chunk) >= MAX_LINE_BYTES and not chunk.endswith(b"\n"):
        # The rest must not be read as rows of its own.
        while True:
            rest = stream.readline(MAX_LINE_BYTES)
            if not rest or rest.endswith(b"\n"):
                break
    return chunk


def _read_sample(stream: BinaryIO) -> list[bytes]:
    sample: list[bytes] = []
    size = 0
    while size < _SAMPLE_BYTES and len(sample) < _SAMPLE_LINES:
        chunk = _read_line(stream)
        if not chunk:
            break
        sample.append(chunk)
        size += len(chunk)
    return sample


def _sniff_delimiter(sample: list[bytes]) -> str:
    """csv.Sniffer's delimiter when the header line holds it, else the header's most common."""
    text = b"".join(sample)[:_SAMPLE_BYTES].removeprefix(_BOM).decode("utf-8", "replace")
    first = text.split("\n", 1)[0]
    try:
        sniffed = csv.Sniffer().sniff(text, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed and sniffed in first:
        return sniffed
    return _count_delimiter(first)


def _count_delimiter(line: str) -> str:
    counts = {candidate: line.count(candidate) for candidate in _DELIMITERS}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _reader(lines: Iterable[str], delimiter: str) -> Iterator[list[str]]:
    """One CSV dialect for framing and parsing alike; strict, so bad quoting is reported."""
    return csv.reader(lines, delimiter=delimiter, quotechar='"', skipinitialspace=True, strict=True)


def _split_line(line: str, delimiter: str) -> list[str]:
    try:
        return next(_reader([line], delimiter), [])
    except csv.Error:
        return []


def _looks_like_header(fields: list[str]) -> bool:
    """At least two short column names with letters in them (one may be empty)."""
    names = [field.strip() for field in fields]
    if len(names) < 2 or sum(1 for field in names if not field) > 1:
        return False
    return all(len(field) <= 100 and not _NO_LETTER.fullmatch(field) for field in names if field)


def _parse_row(raw: bytes, delimiter: str) -> list[str]:
    """Read the one CSV row in `raw`, splitting lines on LF only, as `records` did."""
    if max(len(line) for line in raw.split(b"\n")) >= MAX_LINE_BYTES:
        raise RecordRejected(f"a line longer than {MAX_LINE_BYTES} bytes (cut)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise RecordRejected(f"invalid UTF-8 at byte {err.start}") from err
    lines = text.split("\n")
    pieces = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    try:
        rows = list(_reader(pieces, delimiter))
    except csv.Error as err:
        reason = "unterminated quoted field" if "end of data" in str(err) else str(err)
        raise RecordRejected(f"malformed CSV row: {reason}") from err
    if len(rows) != 1:
        raise RecordRejected(f"expected one CSV row, found {len(rows)}")
    return rows[0]


def _find_column(header: list[str], wanted: str, option: str, name: str) -> int:
    target = wanted.strip()
    if target in header:
        return header.index(target)
    lowered = [field.lower() for field in header]
    if target.lower() in lowered:
        return lowered.index(target.lower())
    raise SourceError(
        f"{name}: no column {wanted!r} ({option}) in the header; columns: {_describe(header)}"
    )


def _describe(header: list[str]) -> str:
    shown = ", ".join(repr(field[:40]) for field in header[:12])
    return shown + (f" and {len(header) - 12} more" if len(header) > 12 else "")


def _cell(row: list[str], index: int) -> str | None:
    return row[index].strip() or None


def _add_columns(extra: JsonObject, layout: CsvLayout, row: list[str]) -> None:
    """Label columns go to extra.labels, columns with no role to extra.columns."""
    used = set(layout.roles.values()) | set(layout.labels)
    labels: dict[str, JsonValue] = {layout.header[i]: row[i] for i in layout.labels}
    columns: dict[str, JsonValue] = {}
    for index, (column, value) in enumerate(zip(layout.header, row, strict=True)):
        if index not in used:
            key = column if column and column not in columns else f"column {index + 1}"
            columns[key] = value
    if labels:
        extra["labels"] = labels
    if columns:
        extra["columns"] = columns
