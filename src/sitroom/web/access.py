"""How the web app reaches its archive: one read-only connection per thread, short writes.

Readers never block writers (SQLite WAL). A write opens the archive for writing, takes the
archive's writer lock for the duration of one request only, and releases it at once, so a
`sitroom ingest` in another process and this server take turns instead of waiting forever:
when the lock is held elsewhere the write fails fast with `ArchiveBusyError`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sitroom.archive_folder import ArchiveFolder
from sitroom.config import ArchivePaths, locate_archive
from sitroom.errors import ArchiveBusyError, SitroomError

WRITE_WAIT_SECONDS = 10.0


class WritesDisabledError(SitroomError):
    """The server runs with `--read-only`: nothing may be written."""


class ArchiveAccess:
    """The archive behind one web app: per-thread readers and one writer at a time."""

    def __init__(self, root: Path, *, read_only: bool) -> None:
        self.paths: ArchivePaths = locate_archive(str(root))
        self.read_only = read_only
        self._local = threading.local()
        self._opened: list[ArchiveFolder] = []
        self._opened_lock = threading.Lock()
        self._write_mutex = threading.Lock()
        probe = ArchiveFolder(self.paths, read_only=True)
        self.config = probe.config
        self._remember(probe)
        self._local.folder = probe

    def _remember(self, folder: ArchiveFolder) -> None:
        with self._opened_lock:
            self._opened.append(folder)

    def reader(self) -> ArchiveFolder:
        """This thread's read-only view of the archive (opened on first use)."""
        folder: ArchiveFolder | None = getattr(self._local, "folder", None)
        if folder is None:
            folder = ArchiveFolder(self.paths, read_only=True)
            self._local.folder = folder
            self._remember(folder)
        return folder

    @contextmanager
    def private_reader(self) -> Iterator[ArchiveFolder]:
        """A read-only view of its own, for work that hops threads (streamed exports)."""
        folder = ArchiveFolder(self.paths, read_only=True)
        try:
            yield folder
        finally:
            folder.close()

    @contextmanager
    def writer(self, *, exclusive: bool = True) -> Iterator[ArchiveFolder]:
        """The archive opened for one write; `exclusive` also takes the archive's writer lock
        (needed to append to the log; labels only need SQLite's own transaction)."""
        if self.read_only:
            raise WritesDisabledError("this server is read-only (started with --read-only)")
        if not self._write_mutex.acquire(timeout=WRITE_WAIT_SECONDS):
            raise ArchiveBusyError("another write to this archive is still running; retry")
        try:
            folder = ArchiveFolder(self.paths)
            try:
                if exclusive:
                    folder.lock_for_writing()
                yield folder
            finally:
                folder.close()
        finally:
            self._write_mutex.release()

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._opened_lock:
            for folder in self._opened:
                folder.close()
            self._opened.clear()
