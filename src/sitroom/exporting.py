"""Write messages out as JSONL (whole messages) or CSV (safe to open in a spreadsheet)."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable
from contextlib import ExitStack
from typing import IO

import orjson

from sitroom.errors import SitroomError
from sitroom.store.base import StoredMessage

CSV_COLUMNS = (
    "id", "platform", "platform_id", "created_at", "author", "author_id", "lang", "url",
    "text", "raw_sha256", "source", "locator", "importer", "received_at",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def spreadsheet_safe(value: str) -> str:
    """Neutralise text a spreadsheet would run as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_row(message: StoredMessage) -> list[str]:
    data = message.to_json()
    provenance = data["provenance"]
    assert isinstance(provenance, dict)
    merged = {**data, **provenance}
    return [spreadsheet_safe("" if merged.get(c) is None else str(merged[c])) for c in CSV_COLUMNS]


def export_messages(messages: Iterable[StoredMessage], fmt: str, out: str) -> int:
    """Write messages to `out` ('-' is stdout) in `fmt` (jsonl or csv); return the count."""
    count = 0
    with ExitStack() as stack:
        binary: IO[bytes]
        if out == "-":
            binary = sys.stdout.buffer
        else:
            try:
                binary = stack.enter_context(open(out, "wb"))
            except OSError as exc:
                raise SitroomError(f"{out}: cannot write: {exc.strerror or exc}") from exc
        if fmt == "jsonl":
            for message in messages:
                binary.write(orjson.dumps(message.to_json(), option=orjson.OPT_APPEND_NEWLINE))
                count += 1
        else:
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="", write_through=True)
            writer = csv.writer(text)
            writer.writerow(CSV_COLUMNS)
            for message in messages:
                writer.writerow(_csv_row(message))
                count += 1
            text.flush()
            text.detach()
        binary.flush()
    return count
