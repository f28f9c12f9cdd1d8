"""The live feed: server-sent events of newly stored messages that match the filters.

Each stream polls the store's highest seq every 200 ms (another process may be ingesting)
and is woken at once when this server stores messages itself, so a message appears well
within a second of being stored. `Last-Event-ID` (the last seq seen) resumes a stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Query, Request
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from sitroom.store.base import SearchQuery, StoredMessage
from sitroom.store.sqlite_views import ids_since, max_seq
from sitroom.web.access import ArchiveAccess
from sitroom.web.params import search_query

router = APIRouter(tags=["live"])

POLL_SECONDS = 0.2
BATCH = 200


def new_messages(access: ArchiveAccess, query: SearchQuery, after: int
                 ) -> tuple[list[StoredMessage], int]:
    """Matching messages stored after seq `after`, and the seq to continue from."""
    store = access.reader().store
    highest = max_seq(store.db)
    if highest <= after:
        return [], after
    found = ids_since(store.db, query, after, BATCH)
    messages = [store.get_message(mid) for _seq, mid in found]
    if len(found) == BATCH:
        return messages, found[-1][0]
    return messages, max(highest, found[-1][0] if found else highest)


def _start(request: Request, since: int | None) -> int | None:
    if since is not None:
        return since
    last_id = request.headers.get("last-event-id", "")
    return int(last_id) if last_id.isdigit() else None


@router.get("/stream", summary="Live feed (text/event-stream) of new matching messages")
async def stream(
    request: Request,
    query: Annotated[SearchQuery, Depends(search_query)],
    since: Annotated[int | None, Query(description="Send messages after this seq")] = None,
) -> EventSourceResponse:
    """Server-sent events: `message` events (id = seq, data = message JSON)."""
    access: ArchiveAccess = request.app.state.access
    notifier = request.app.state.notifier
    start = _start(request, since)
    if start is None:
        start = await run_in_threadpool(lambda: max_seq(access.reader().store.db))
    last = start

    async def events() -> AsyncIterator[dict[str, str]]:
        nonlocal last
        yield {"event": "hello", "data": orjson.dumps({"seq": last}).decode()}
        while True:
            found, last = await run_in_threadpool(new_messages, access, query, last)
            for message in found:
                yield {"event": "message", "id": str(message.seq),
                       "data": orjson.dumps(message.to_json()).decode()}
            if not found:
                await notifier.wait(POLL_SECONDS)

    return EventSourceResponse(events(), ping=15, headers={"Cache-Control": "no-store"})
