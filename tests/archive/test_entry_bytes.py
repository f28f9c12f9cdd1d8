"""The ingest hot path's `entry_bytes` writes exactly the canonical entry that `LogEntry`
defines and `parse_entry` accepts, whatever the text in its fields."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from sitroom.archive.entry import LogEntry, entry_bytes, parse_entry

_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
_HEX = st.binary(min_size=1, max_size=8).map(lambda b: hashlib.sha256(b).hexdigest())


@given(seq=st.integers(min_value=0, max_value=2**53), raw=_HEX, content=_HEX,
       source=_TEXT, locator=_TEXT, row_id=_TEXT, kind=st.sampled_from(["message", "notice"]),
       importer=_TEXT)
def test_entry_bytes_is_the_canonical_entry(
    seq: int, raw: str, content: str, source: str, locator: str, row_id: str, kind: str,
    importer: str,
) -> None:
    received_at = "2016-12-13T10:00:00.123456Z"
    built = entry_bytes(seq=seq, raw_sha256=raw, received_at=received_at, source=source,
                        locator=locator, kind=kind, id=row_id, importer=importer,
                        content_sha256=content)
    entry = LogEntry(seq=seq, raw_sha256=raw, received_at=received_at, source=source,
                     locator=locator, kind=kind, id=row_id, importer=importer,
                     content_sha256=content)
    assert built == entry.canonical_bytes()
    assert parse_entry(built) == entry
