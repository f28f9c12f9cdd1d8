"""What every source adapter is: a named, versioned reader that cuts records and parses them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO, ClassVar, Protocol, runtime_checkable

from sitroom.models import Parsed, Record


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Options a user gives on the command line that adapters may need.

    Column names (CSV) match the header after trimming spaces. `timezone` is an IANA name
    used for times that carry no offset (WhatsApp, some CSVs); `platform` overrides the
    platform name an adapter reports (generic JSONL and CSV).
    """

    text_column: str | None = None
    id_column: str | None = None
    time_column: str | None = None
    author_column: str | None = None
    lang_column: str | None = None
    url_column: str | None = None
    label_columns: tuple[str, ...] = ()
    platform: str | None = None
    timezone: str = "UTC"
    date_order: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class Source(Protocol):
    """A source adapter. One instance reads one input; it never touches the store.

    `records` cuts the input into raw records without interpreting them beyond framing, so
    that a malformed record costs nothing but itself. `parse` turns one record into zero or
    more messages and notices, or raises `RecordRejected` with a reason a person can act on.
    `parse` must not depend on state built by `records` except what `records` stored before
    yielding (headers, chat names), because the pipeline may parse on another thread.
    """

    name: ClassVar[str]
    version: ClassVar[str]
    platform: ClassVar[str]

    def __init__(self, settings: SourceSettings) -> None: ...

    @classmethod
    def sniff(cls, head: bytes, filename: str) -> int:
        """How sure (0 to 100) this adapter is that an input starting with `head` is its format."""
        ...

    def records(self, stream: BinaryIO, name: str) -> Iterator[Record]:
        """Yield the raw records of `stream` (opened in binary mode) in input order."""
        ...

    def parse(self, record: Record) -> list[Parsed]:
        """Parse one record; raise `RecordRejected` for a malformed one."""
        ...


def importer_of(source: Source | type[Source]) -> str:
    """The `name@version` of an adapter as recorded in provenance."""
    return f"{source.name}@{source.version}"
