"""The one list of source adapters, format sniffing, and outside plugins by entry point."""

from __future__ import annotations

from importlib.metadata import entry_points

from sitroom.errors import UnknownFormatError
from sitroom.sources.base import Source
from sitroom.sources.csv_table import CsvSource
from sitroom.sources.jsonl import GenericJsonlSource
from sitroom.sources.telegram import TelegramExportSource
from sitroom.sources.twitter_v1 import TwitterV1Source
from sitroom.sources.twitter_v2 import TwitterV2Source
from sitroom.sources.whatsapp import WhatsAppExportSource

BUILTIN_SOURCES: tuple[type[Source], ...] = (
    TwitterV1Source,
    TwitterV2Source,
    TelegramExportSource,
    WhatsAppExportSource,
    CsvSource,
    GenericJsonlSource,
)

ENTRY_POINT_GROUP = "sitroom.sources"
SNIFF_BYTES = 1 << 16


def all_sources() -> tuple[type[Source], ...]:
    """Built-in adapters followed by those other packages register under `sitroom.sources`."""
    plugins: list[type[Source]] = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    return BUILTIN_SOURCES + tuple(plugins)


def source_by_name(name: str) -> type[Source]:
    """The adapter called `name` (as given to `--format`)."""
    for source in all_sources():
        if source.name == name:
            return source
    known = ", ".join(s.name for s in all_sources())
    raise UnknownFormatError(f"no input format called {name!r}; known formats: {known}")


def detect_source(head: bytes, filename: str) -> type[Source]:
    """The adapter most sure that an input starting with `head` is its format."""
    best: type[Source] | None = None
    best_score = 0
    for source in all_sources():
        score = source.sniff(head, filename)
        if score > best_score:
            best, best_score = source, score
    if best is None:
        raise UnknownFormatError(
            f"{filename}: not a format sitroom knows (use --format to name one)"
        )
    return best
