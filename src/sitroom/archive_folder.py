"""An archive folder opened for use: its configuration, store, blob packs and write lock."""

from __future__ import annotations

import fcntl
import os
from dataclasses import replace
from pathlib import Path
from types import TracebackType
from typing import IO

from sitroom.archive.blobs import BlobReader
from sitroom.config import (
    ArchiveConfig,
    ArchivePaths,
    locate_archive,
    new_config,
    read_config,
    write_config,
)
from sitroom.errors import ArchiveBusyError
from sitroom.store.sqlite import SQLiteStore


class ArchiveFolder:
    """One archive: configuration, embedded store and blob packs, opened together."""

    def __init__(self, paths: ArchivePaths, *, read_only: bool = False) -> None:
        self.paths = paths
        self.config: ArchiveConfig = read_config(paths)
        self.store = SQLiteStore(paths.database, read_only=read_only)
        self.blobs = BlobReader(paths.blobs)
        self._lock: IO[str] | None = None

    @classmethod
    def open(cls, explicit: str | None, *, read_only: bool = False) -> ArchiveFolder:
        """Open the archive named by `-a`, `$SITROOM_ARCHIVE` or the current folder."""
        return cls(locate_archive(explicit), read_only=read_only)

    @classmethod
    def create(cls, root: Path, **settings: str) -> ArchiveFolder:
        """Create a new, empty archive folder (config, store, blob folder).

        `settings` fill optional configuration fields (timezone, region, gazetteer, ...).
        """
        config = replace(new_config(root), **settings)
        paths = ArchivePaths(root)
        root.mkdir(parents=True, exist_ok=True)
        paths.blobs.mkdir(exist_ok=True)
        SQLiteStore(paths.database, create=True).close()
        write_config(paths, config)
        return cls(paths)

    def lock_for_writing(self) -> None:
        """Take the archive's exclusive writer lock (one ingest at a time)."""
        if self._lock is not None:
            return
        handle = open(self.paths.lock, "a", encoding="utf-8")  # noqa: SIM115
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.close()
            raise ArchiveBusyError(
                f"{self.paths.root}: another sitroom process is writing to this archive"
            ) from exc
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._lock = handle

    def close(self) -> None:
        """Release the store and the lock."""
        self.store.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def __enter__(self) -> ArchiveFolder:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
