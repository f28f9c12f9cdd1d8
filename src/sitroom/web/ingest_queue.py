"""Group commit for `POST /api/v1/ingest`: bodies that arrive while a write runs are stored
together by the next one.

Every write opens the archive, takes its writer lock and sets up a pipeline (finding where
each blob pack ends, loading the log's frontier) before storing anything, then signs a
checkpoint. With many small posts a second that setup, not the messages, would bound how
fast an archive can take them in; here it is paid once per group. Each post still gets its
own answer (its ids and counts) once its messages are durable, or its own error.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from sitroom.errors import ArchiveBusyError, SitroomError
from sitroom.models import JsonObject
from sitroom.web.access import WRITE_WAIT_SECONDS, ArchiveAccess
from sitroom.web.ingest_body import PostedBody, ingest_bodies


@dataclass
class _Waiting:
    posted: PostedBody
    done: threading.Event = field(default_factory=threading.Event)
    result: JsonObject | BaseException | None = None


class IngestQueue:
    """Stores posted bodies in groups: whoever gets the turn stores everything waiting."""

    def __init__(self, access: ArchiveAccess) -> None:
        self._access = access
        self._waiting: list[_Waiting] = []
        self._lock = threading.Lock()
        self._turn = threading.Lock()

    def store(self, posted: PostedBody) -> JsonObject:
        """Store one body (with whatever else is waiting); its answer, once durable."""
        mine = _Waiting(posted)
        with self._lock:
            self._waiting.append(mine)
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        while not mine.done.is_set():
            if self._turn.acquire(timeout=0.05):
                try:
                    self._run_waiting()
                finally:
                    self._turn.release()
            elif time.monotonic() > deadline:
                self._give_up(mine)
        if isinstance(mine.result, BaseException):
            raise mine.result
        assert mine.result is not None
        return mine.result

    def _give_up(self, mine: _Waiting) -> None:
        with self._lock:
            if mine in self._waiting:
                self._waiting.remove(mine)
                raise ArchiveBusyError("another write to this archive is still running; retry")
        mine.done.wait()  # a group holding it is being stored now

    def _run_waiting(self) -> None:
        with self._lock:
            group, self._waiting = self._waiting, []
        if not group:
            return
        results: list[JsonObject | BaseException]
        try:
            with self._access.writer() as folder:
                results = list(ingest_bodies(folder, [w.posted for w in group]))
        except SitroomError as exc:
            results = [exc] * len(group)
        except BaseException as exc:  # every waiter must learn it, not hang
            results = [exc] * len(group)
        for waiting, result in zip(group, results, strict=True):
            waiting.result = result
            waiting.done.set()
