"""Types of the compiled seq-range check (see _rowseal.c)."""

from typing import TypedDict

class TableCheck(TypedDict):
    rows: int
    suspects: list[int]
    without_blob: list[int]

class RangeCheck(TypedDict):
    levels: list[bytes]
    level_matches: list[bool]
    messages: TableCheck
    notices: TableCheck
    leaves_without_row: list[int]

def check_range(
    database_uri: str, start: int, end: int, entry_version: int, run: int, max_blob_names: int
) -> RangeCheck: ...
def end_run() -> None: ...
