"""Types of the compiled blob check (see _blobseal.c)."""

def check_window(
    database_uri: str, pack_file: str, pack: int, start: int, end: int
) -> tuple[list[tuple[str, str]], int, int]: ...
