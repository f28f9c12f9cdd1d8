"""`POST /api/v1/ingest`: store posted JSON messages and answer once they are durable."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from sitroom.web.auth import require_writer
from sitroom.web.ingest_body import MAX_BODY_BYTES, PostedBody
from sitroom.web.ingest_queue import IngestQueue
from sitroom.web.responses import JsonResponse

router = APIRouter(tags=["ingest"])
_SOURCE_NAME = re.compile(r"^[\w.-]{1,64}$")


async def _read_limited(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"body larger than {MAX_BODY_BYTES} bytes: send it in parts")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"body larger than {MAX_BODY_BYTES} bytes: send it in parts")
        chunks.append(chunk)
    return b"".join(chunks)


@router.post(
    "/ingest", summary="Store generic JSON messages (object, array or NDJSON; needs the token)",
    dependencies=[Depends(require_writer)],
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": {"type": "object"}},
        "application/x-ndjson": {"schema": {"type": "string"}},
    }}},
)
async def post_ingest(
    request: Request,
    source: Annotated[str, Query(description="Name recorded as the provenance source")] = "api",
    platform: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Answers with the ids of the new messages once their batch has committed."""
    if not _SOURCE_NAME.match(source):
        raise HTTPException(400, "source: 1 to 64 letters, digits, '.', '_' or '-'")
    body = await _read_limited(request)
    queue: IngestQueue = request.app.state.ingest
    posted = PostedBody(body, f"api:{source}", platform)
    result = await run_in_threadpool(queue.store, posted)
    if result["new"]:
        request.app.state.notifier.notify()
    return JsonResponse(result)
